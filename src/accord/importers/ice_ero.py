"""Importer for ICE ERO removal exports released under FOIA (one row a removal).

The layout is the UW Center for Human Rights production (UW v. DHS) and its kin: a few
banner lines, then a header, then one row per removal. Columns are recognised by name in
any order (ice_ero_header.py); columns the importer does not read are ignored and named.
Names, dates of birth and event numbers are redacted, so a row cannot be linked to a
person or to another row: each row becomes its own case file, with an id made from its
row number.

All or nothing by default: every problem in the file is collected and reported in one
ImportFormatError (unknown categories and countries with their count and first line, bad
dates and malformed rows with their line), and no case is returned unless every row
imported. With `skip_invalid`, every row that can be imported is, and each refused row is
returned as a RowReject with its line and reasons. What each case category proves is in
ice_ero_categories.py; docs/ice-ero-mapping.md explains it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from accord.casefile.models import (
    Appeal,
    CaseFile,
    CitizenshipClaim,
    Conviction,
    FearClaim,
    RemovalOrder,
)
from accord.countries import is_country
from accord.errors import ImportFormatError
from accord.importers.ice_ero_categories import (
    ORDER_KINDS,
    CategoryFacts,
    canonical_category,
    category_facts,
    category_problem,
)
from accord.importers.ice_ero_countries import STATELESS, ice_country, no_country
from accord.importers.ice_ero_header import COLUMN_NAMES, Header, find_header

# The Seattle export's header, in its order (the columns recognised are in ice_ero_header).
HEADER: tuple[str, ...] = (
    "Departed Date",
    "Date of Birth",
    "Gender",
    "Country of Citizenship",
    "Event Number",
    "Most Serious Conviction",
    "Case Category",
)
DEFAULT_ID_PREFIX = "ice-ero-sea"

# The export names a conviction but not its court, date or appeal, so whether the
# judgment is final is not known (docs/design.md section 3: only adjudicated facts decide).
CONVICTION_FINAL: bool | None = None

RejectKind = Literal["malformed row", "bad date", "unknown case category", "unknown country"]
REJECT_KINDS: tuple[RejectKind, ...] = (
    "unknown case category",
    "unknown country",
    "bad date",
    "malformed row",
)

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ID_PREFIX = re.compile(r"[A-Za-z0-9._:-]{1,100}")
_REDACTED = re.compile(r"\(b\)\(\d")  # FOIA exemption codes such as "(b)(6),(b)(7)(c )"
_SEX: dict[str, Literal["male", "female"]] = {"male": "male", "female": "female"}
_LISTED = 20  # per-line problems listed in an error before "and N more"
_PROGRESS_EVERY = 250

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowReject:
    """A row not imported: its file line, each reason (kind, detail) and its cells."""

    line: int
    reasons: tuple[tuple[RejectKind, str], ...]
    cells: tuple[str, ...]


def reject_record(reject: RowReject) -> dict[str, object]:
    """A refused row as a JSON object: its line, its reasons (joined, and one by one) and its
    cells, as the case-file reader writes its rejects."""
    return {
        "line": reject.line,
        "reason": "; ".join(f"{kind}: {detail}" for kind, detail in reject.reasons),
        "reasons": [{"kind": kind, "detail": detail} for kind, detail in reject.reasons],
        "record": list(reject.cells),
    }


@dataclass(frozen=True)
class IceEroImport:
    """The case files of one export, with the counts a reviewer checks them against."""

    cases: list[CaseFile]
    rows: int
    categories: dict[str, int]
    source: str
    rejects: list[RowReject] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()

    def reject_counts(self) -> dict[RejectKind, int]:
        """Rows refused for each reason (a row with two reasons counts under both)."""
        counts = Counter(kind for r in self.rejects for kind in {k for k, _d in r.reasons})
        return {kind: counts[kind] for kind in REJECT_KINDS if counts[kind]}


@dataclass(frozen=True)
class _Row:
    number: int  # data row, 1-based: the stable part of the person id
    line: int
    departed: dt.date
    birth_date: dt.date | None
    sex: Literal["male", "female", "unknown"]
    country: str | None  # ISO alpha-2 (ISO 3166-3 for a former state), None if none recorded
    stateless: bool
    conviction: str
    category: str  # ICE's full category, with its code
    facts: CategoryFacts


@dataclass
class _Problems:
    """Everything wrong with a file, so one run reports all of it."""

    shape: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    # value: [count, first line], and why a category is not imported
    categories: dict[str, list[int]] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    countries: dict[str, list[int]] = field(default_factory=dict)

    def add(self, line: int, kind: RejectKind, detail: str, value: str) -> None:
        if kind == "malformed row":
            self.shape.append(detail)
        elif kind == "bad date":
            self.dates.append(detail)
        else:
            table = self.categories if kind == "unknown case category" else self.countries
            table.setdefault(value, [0, line])[0] += 1
            if kind == "unknown case category":
                self.why[value] = category_problem(value)

    def __bool__(self) -> bool:
        return bool(self.shape or self.dates or self.categories or self.countries)

    def message(self, path: Path) -> str:
        parts: list[str] = []
        if self.categories:
            parts.append(
                "case categories not imported (each needs an entry in CATEGORY_FACTS with its "
                "legal basis): " + _counted(self.categories, self.why)
            )
        if self.countries:
            parts.append(
                "unknown countries of citizenship (add each to ICE_COUNTRY_OVERRIDES): "
                + _counted(self.countries, {})
            )
        if self.dates:
            parts.append("bad dates: " + _listed(self.dates))
        if self.shape:
            parts.append("malformed rows: " + _listed(self.shape))
        return f"{path}: nothing imported; " + "; ".join(parts)


def _counted(table: dict[str, list[int]], why: dict[str, str]) -> str:
    return ", ".join(
        f"'{value}' ({count} rows, first on line {first})"
        + (f": {why[value]}" if value in why else "")
        for value, (count, first) in sorted(table.items(), key=lambda kv: kv[1][1])
    )


def _listed(items: list[str]) -> str:
    more = len(items) - _LISTED
    return "; ".join(items[:_LISTED]) + (f"; and {more} more" if more > 0 else "")


def _records(path: Path) -> list[tuple[int, list[str]]]:
    """Every CSV record with the file line it ends on."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFormatError(f"{path}: is a directory, expected a CSV file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # Excel's own CSV encoding
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                f"{path}: neither UTF-8 nor Windows-1252 text (byte {exc.start})"
            ) from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ImportFormatError(f"{path}:{reader.line_num}: not valid CSV ({exc})") from None


def _source(path: Path, banner: list[list[str]]) -> str:
    """Name the export from its own banner: the production and the report title."""
    lines = [row[0].strip() for row in banner if row and row[0].strip()]
    production = next((text for text in lines if "v. DHS" in text or "v. ICE" in text), None)
    title = lines[-1] if lines else None
    name = "ICE ERO FOIA export"
    if production:
        name += f" ({production.removesuffix(' - ICE Productions').strip()})"
    return f"{name}: {title} ({path.name})" if title else f"{name}: {path.name}"


def _date(value: str) -> dt.date | None:
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    month, day, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _parse(
    number: int, line: int, row: list[str], header: Header
) -> tuple[_Row | None, list[tuple[RejectKind, str, str]]]:
    """The row, or None with each problem as (kind, detail, the value at fault)."""
    extra = row[header.width :]
    if len(row) < header.width or any(cell.strip() for cell in extra):
        detail = f"line {line} has {len(row)} columns, expected {header.width}"
        return None, [("malformed row", detail, "")]
    problems: list[tuple[RejectKind, str, str]] = []
    departed_text = header.cell(row, "departed")
    departed = _date(departed_text)
    if departed is None:
        name = COLUMN_NAMES["departed"][0]
        problems.append(
            ("bad date", f"line {line}: {name} '{departed_text}' is not M/D/YYYY", departed_text)
        )
    dob_text = header.cell(row, "birth_date")
    birth_date = None
    if dob_text and not _REDACTED.match(dob_text):
        birth_date = _date(dob_text)
        if birth_date is None:
            detail = f"line {line}: Date of Birth '{dob_text}' is not M/D/YYYY"
            problems.append(("bad date", detail, dob_text))
    category_text = header.cell(row, "category")
    category = canonical_category(category_text)
    facts = category_facts(category_text)
    if category is None or facts is None:
        value = " ".join(category_text.split()) or "(empty)"
        problems.append(
            ("unknown case category", f"'{value}': {category_problem(category_text)}", value)
        )
    country_text = header.cell(row, "country")
    absent = no_country(country_text)
    country = None if absent is not None else ice_country(country_text)
    if absent is None and country is None:
        problems.append(("unknown country", f"'{country_text}'", country_text))
    if problems or departed is None or category is None or facts is None:
        return None, problems
    return (
        _Row(
            number=number,
            line=line,
            departed=departed,
            birth_date=birth_date,
            sex=_SEX.get(header.cell(row, "gender").lower(), "unknown"),
            country=country,
            stateless=absent == STATELESS,
            conviction=header.cell(row, "conviction"),
            category=category,
            facts=facts,
        ),
        [],
    )


def _orders(row: _Row, src: str) -> tuple[list[RemovalOrder] | None, list[Appeal] | None]:
    """The removal orders and appeals the category proves (docs/ice-ero-mapping.md)."""
    order = row.facts.order
    # Dates: the export has only the departure date; every order, appeal and referral came
    # on or before it, so it is used as an upper bound.
    if order in ORDER_KINDS:
        return [RemovalOrder(kind=order, issued_on=row.departed, source=src)], None
    if order == "appealed_to_bia":  # an IJ decision on appeal: not final, execution stayed
        judge = RemovalOrder(kind="immigration_judge", issued_on=row.departed, source=src)
        appeal = Appeal(
            kind="bia_appeal", filed_on=row.departed, status="pending", court="BIA", source=src
        )
        return [judge], [appeal]
    if order == "none":
        return [], None
    return None, None  # final_kind_unknown, unknown


def _case(row: _Row, person_id: str, source: str) -> CaseFile:
    """The facts one row proves; everything the export does not carry stays None (unknown)."""
    src = f"{source}, row {row.number}, case category {row.category}"
    facts = row.facts
    orders, appeals = _orders(row, src)
    # ICE recorded a foreign citizenship, or none at all (stateless): not a U.S. one.
    foreign = row.stateless or (row.country is not None and row.country != "US")
    fear = None
    # a fear claim names a current country: none for a former state (SUHH) or none recorded
    current = row.country is not None and row.country != "US" and is_country(row.country)
    if facts.fear is not None and current and row.country is not None:
        fear = [
            FearClaim(
                country=row.country,
                status=facts.fear,
                screening="credible_fear",
                date=row.departed,
                source=src,
            )
        ]
    claim = None
    if facts.status_claim:
        claim = [CitizenshipClaim(status="pending", date=row.departed, source=src)]
    convictions = None  # an empty field is no proof of no conviction
    if row.conviction:
        convictions = [
            Conviction(
                offence=row.conviction,
                category="unknown",
                date=row.departed,
                final=CONVICTION_FINAL,
                source=src,
            )
        ]
    nationalities: list[str] | None = None
    if row.country is not None:
        nationalities = [row.country]
    elif row.stateless:
        nationalities = []
    return CaseFile(
        schema_version="2",
        person_id=person_id,
        birth_date=row.birth_date,
        sex=row.sex,
        citizenship="noncitizen" if facts.alienage_found and foreign else "unknown",
        citizenship_claim=claim,
        nationalities=nationalities,
        removal_orders=orders,
        appeals=appeals,
        fear_claims=fear,
        convictions=convictions,
    )


def _data_rows(records: list[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    # Wholly blank rows (Excel padding) carry no removal and take no row number.
    for line, row in records:
        if any(cell.strip() for cell in row):
            yield line, row


def read_ice_ero(
    path: Path,
    *,
    progress: Progress | None = None,
    source: str | None = None,
    id_prefix: str = DEFAULT_ID_PREFIX,
    skip_invalid: bool = False,
) -> IceEroImport:
    """Read an ICE ERO removals export: one CaseFile per row, or an ImportFormatError.

    `progress(done, total)` is called as rows are converted. `source` overrides
    the export's name taken from its banner; `id_prefix` starts every person id
    (`<prefix>-<row number, 5 digits>`). With `skip_invalid` the rows that cannot be
    imported are returned as `rejects` instead of failing the file; a file whose header
    cannot be read is refused either way.
    """
    if not _ID_PREFIX.fullmatch(id_prefix):
        raise ImportFormatError(f"id prefix '{id_prefix}' may use only letters, digits and ._:-")
    records = _records(path)
    header = find_header(path, records)
    name = source or _source(path, [row for _line, row in records[: header.index]])
    data = list(_data_rows(records[header.index + 1 :]))
    total = len(data)
    problems = _Problems()
    parsed: list[_Row] = []
    rejects: list[RowReject] = []
    for number, (line, cells) in enumerate(data, start=1):
        good, found = _parse(number, line, cells, header)
        if good is not None:
            parsed.append(good)
            continue
        for kind, detail, value in found:
            problems.add(line, kind, detail, value)
        reasons = tuple((kind, detail) for kind, detail, _v in found)
        rejects.append(RowReject(line=line, reasons=reasons, cells=tuple(cells)))
    if problems and not skip_invalid:
        raise ImportFormatError(problems.message(path))
    cases: list[CaseFile] = []
    categories: dict[str, int] = {}
    for item in parsed:
        try:
            cases.append(_case(item, f"{id_prefix}-{item.number:05d}", name))
        except ValidationError as exc:  # a bug in the mapping, not in the file: still say where
            raise ImportFormatError(f"{path}:{item.line}: {exc.errors()[0]['msg']}") from None
        categories[item.category] = categories.get(item.category, 0) + 1
        if progress is not None and (item.number % _PROGRESS_EVERY == 0 or item.number == total):
            progress(item.number, total)
    if progress is not None and (not parsed or parsed[-1].number != total):  # rows refused
        progress(total, total)
    return IceEroImport(
        cases=cases,
        rows=total,
        categories=categories,
        source=name,
        rejects=rejects,
        ignored_columns=header.ignored,
    )
