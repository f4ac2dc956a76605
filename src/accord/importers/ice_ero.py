"""Importer for ICE ERO removal exports released under FOIA (one row a removal).

The layout is the UW Center for Human Rights production (UW v. DHS): a few
banner lines, then the header below, then one row per removal. Names, dates
of birth and event numbers are redacted, so a row cannot be linked to a
person or to another row: each row becomes its own case file, with an id
made from its row number.

All or nothing: every problem in the file is collected and reported in one
ImportFormatError (unknown categories and countries with their count and
first line, bad dates and malformed rows with their line), and no case is
returned unless every row imported. What each case category proves is in
ice_ero_categories.py; docs/ice-ero-mapping.md explains it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from accord.casefile.models import (
    CaseFile,
    CitizenshipClaim,
    Conviction,
    FearClaim,
    RemovalOrder,
)
from accord.errors import ImportFormatError
from accord.importers.ice_ero_categories import ORDER_KINDS, CategoryFacts, category_facts
from accord.importers.ice_ero_countries import STATELESS, ice_country, no_country

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

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ID_PREFIX = re.compile(r"[A-Za-z0-9._:-]{1,100}")
_REDACTED = re.compile(r"\(b\)\(\d")  # FOIA exemption codes such as "(b)(6),(b)(7)(c )"
_SEX: dict[str, Literal["male", "female"]] = {"male": "male", "female": "female"}
_LISTED = 20  # per-line problems listed in an error before "and N more"
_PROGRESS_EVERY = 250

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IceEroImport:
    """The case files of one export, with the counts a reviewer checks them against."""

    cases: list[CaseFile]
    rows: int
    categories: dict[str, int]
    source: str


@dataclass(frozen=True)
class _Row:
    number: int  # data row, 1-based: the stable part of the person id
    line: int
    departed: dt.date
    birth_date: dt.date | None
    sex: Literal["male", "female", "unknown"]
    country: str | None  # ISO alpha-2, or None when ICE recorded none
    stateless: bool
    conviction: str
    category: str
    facts: CategoryFacts


@dataclass
class _Problems:
    """Everything wrong with a file, so one run reports all of it."""

    shape: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    categories: dict[str, list[int]] = field(default_factory=dict)  # value: [count, first line]
    countries: dict[str, list[int]] = field(default_factory=dict)

    def unknown(self, table: dict[str, list[int]], value: str, line: int) -> None:
        seen = table.setdefault(value, [0, line])
        seen[0] += 1

    def __bool__(self) -> bool:
        return bool(self.shape or self.dates or self.categories or self.countries)

    def message(self, path: Path) -> str:
        parts: list[str] = []
        if self.categories:
            parts.append(
                "unknown case categories (add each to CATEGORY_FACTS with its legal basis): "
                + _counted(self.categories)
            )
        if self.countries:
            parts.append(
                "unknown countries of citizenship (add each to ICE_COUNTRY_OVERRIDES): "
                + _counted(self.countries)
            )
        if self.dates:
            parts.append("bad dates: " + _listed(self.dates))
        if self.shape:
            parts.append("malformed rows: " + _listed(self.shape))
        return f"{path}: nothing imported; " + "; ".join(parts)


def _counted(table: dict[str, list[int]]) -> str:
    return ", ".join(
        f"'{value}' ({count} rows, first on line {first})"
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


def _find_header(path: Path, records: list[tuple[int, list[str]]]) -> int:
    """Index of the header record; the banner above it varies between productions."""
    for index, (line, row) in enumerate(records):
        cells = tuple(cell.strip() for cell in row)
        if not cells or cells[0] != HEADER[0]:
            continue
        if cells != HEADER:
            raise ImportFormatError(
                f"{path}:{line}: header columns are {list(cells)}, expected {list(HEADER)}"
            )
        return index
    scanned = records[-1][0] if records else 0
    raise ImportFormatError(
        f"{path}: no header line '{','.join(HEADER)}' in its {scanned} lines; "
        "not an ICE ERO removals export"
    )


def _source(path: Path, banner: list[list[str]]) -> str:
    """Name the export from its own banner: the production and the report title."""
    lines = [row[0].strip() for row in banner if row and row[0].strip()]
    production = next((text for text in lines if "v. DHS" in text), None)
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


def _parse(number: int, line: int, row: list[str], problems: _Problems) -> _Row | None:
    if len(row) != len(HEADER):
        problems.shape.append(f"line {line} has {len(row)} columns, expected {len(HEADER)}")
        return None
    departed_text, dob_text, gender, country_text, _event, conviction, category = (
        cell.strip() for cell in row
    )
    departed = _date(departed_text)
    if departed is None:
        problems.dates.append(f"line {line}: Departed Date '{departed_text}' is not M/D/YYYY")
    birth_date = None
    if dob_text and not _REDACTED.match(dob_text):
        birth_date = _date(dob_text)
        if birth_date is None:
            problems.dates.append(f"line {line}: Date of Birth '{dob_text}' is not M/D/YYYY")
    facts = category_facts(category)
    if facts is None:
        problems.unknown(problems.categories, category or "(empty)", line)
    absent = no_country(country_text)
    country = None if absent is not None else ice_country(country_text)
    if absent is None and country is None:
        problems.unknown(problems.countries, country_text, line)
    if departed is None or facts is None or (absent is None and country is None):
        return None
    return _Row(
        number=number,
        line=line,
        departed=departed,
        birth_date=birth_date,
        sex=_SEX.get(gender.lower(), "unknown"),
        country=country,
        stateless=absent == STATELESS,
        conviction=conviction,
        category=" ".join(category.split()),
        facts=facts,
    )


def _case(row: _Row, person_id: str, source: str) -> CaseFile:
    """The facts one row proves; everything the export does not carry stays None (unknown)."""
    src = f"{source}, row {row.number}, case category {row.category}"
    facts = row.facts
    # Dates: the export has only the departure date; every order, referral and conviction
    # came on or before it, so it is used as an upper bound (docs/ice-ero-mapping.md).
    orders: list[RemovalOrder] | None
    if facts.order in ORDER_KINDS:
        orders = [RemovalOrder(kind=facts.order, issued_on=row.departed, source=src)]
    elif facts.order == "none":
        orders = []
    else:
        orders = None
    # ICE recorded a foreign citizenship, or none at all (stateless): not a U.S. one.
    foreign = row.stateless or (row.country is not None and row.country != "US")
    fear = None
    if facts.fear_referral and row.country is not None and row.country != "US":
        fear = [FearClaim(country=row.country, status="unknown", date=row.departed, source=src)]
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
) -> IceEroImport:
    """Read an ICE ERO removals export: one CaseFile per row, or an ImportFormatError.

    `progress(done, total)` is called as rows are converted. `source` overrides
    the export's name taken from its banner; `id_prefix` starts every person id
    (`<prefix>-<row number, 5 digits>`).
    """
    if not _ID_PREFIX.fullmatch(id_prefix):
        raise ImportFormatError(f"id prefix '{id_prefix}' may use only letters, digits and ._:-")
    records = _records(path)
    header = _find_header(path, records)
    name = source or _source(path, [row for _line, row in records[:header]])
    data = list(_data_rows(records[header + 1 :]))
    total = len(data)
    problems = _Problems()
    parsed = [_parse(n, line, row, problems) for n, (line, row) in enumerate(data, start=1)]
    if problems:
        raise ImportFormatError(problems.message(path))
    cases: list[CaseFile] = []
    categories: dict[str, int] = {}
    for row in (r for r in parsed if r is not None):  # all of them: problems raised above
        try:
            cases.append(_case(row, f"{id_prefix}-{row.number:05d}", name))
        except ValidationError as exc:  # a bug in the mapping, not in the file: still say where
            raise ImportFormatError(f"{path}:{row.line}: {exc.errors()[0]['msg']}") from None
        categories[row.category] = categories.get(row.category, 0) + 1
        if progress is not None and (row.number % _PROGRESS_EVERY == 0 or row.number == total):
            progress(row.number, total)
    if progress is not None and total == 0:
        progress(0, 0)
    return IceEroImport(cases=cases, rows=total, categories=categories, source=name)
