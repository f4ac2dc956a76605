"""`accord publish`: the transparency report of a period, built from one audit chain head.

`build_publication` reads the registry in one read transaction: the chain's head first,
then every aggregate up to that head (queries.py), then suppresses small cells
(suppression.py). `write_publication` writes the folder whole or not at all: a CSV and a
table schema per table, `datapackage.json`, `publication.json` (provenance and every
published cell), `report.html` with its charts, and `verify_bundle.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from accord.agreements import bundled_agreements
from accord.atomic_output import output_folder
from accord.auth import User
from accord.billing.costs import cost_parameters
from accord.db import append_audit
from accord.db.audit import chain_head, format_time, utc_now
from accord.errors import InputError
from accord.law.catalogue import ruleset_hash
from accord.law.law_set import LawSet
from accord.law.parameters import parameter_on
from accord.law_entries.service import registry_law
from accord.operations.states import CounselAccessKind, FindingSeverity, IncidentKind, StrikeReason
from accord.publish import queries as q
from accord.publish.datapackage import datapackage
from accord.publish.period import CONSULAR_PARAMETER, Period
from accord.publish.suppression import suppress_linked
from accord.publish.tables import CountTable, FeeTable, ordered_rows, top_rows
from accord.publish.verify_bundle import RULES_NOT_AUDITED

FORMAT = "accord-transparency-report"
FORMAT_VERSION = 2  # 2: tables say verified_with_records and not_checkable_because
LARGEST_GROUPS = 10  # nationalities and rules named; the rest are "other"
PER_DIEM = "ice_detention_bed_day"  # billing/data/costs.yaml
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Provenance:
    head_seq: int
    head_hash: str
    head_recorded_at: str | None
    ruleset_hash: str
    published_at: str
    period: str
    threshold: int
    consular_deadline_days: int
    consular_deadline_source: str  # the law parameter and its citation, or the override
    backend: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Publication:
    period: Period
    provenance: Provenance
    tables: list[CountTable]
    fees: FeeTable
    limits: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "provenance": self.provenance.as_dict(),
            "months": self.period.months,
            "tables": [t.as_dict() for t in self.tables],
            "fees": self.fees.as_dict(),
            "facility_limits": self.limits,
        }


def _table(
    name: str,
    title: str,
    label: str,
    label_description: str,
    unit: str,
    period: Period,
    counts: q.Counts,
    known: list[str] | None = None,
    **flags: Any,
) -> CountTable:
    return CountTable(
        name=name,
        title=title,
        description=title,
        label=label,
        label_description=label_description,
        unit=unit,
        months=period.months,
        rows=ordered_rows(counts, known),
        counts=counts,
        **flags,
    )


def _limits() -> list[dict[str, Any]]:
    """Capacity and quota of every facility of every agreement (agreement data, no persons)."""
    rows = []
    for agreement in bundled_agreements().values():
        for facility in agreement.facilities:
            rows.append(
                {
                    "agreement": agreement.id,
                    "facility": facility.id,
                    "country": facility.country,
                    "capacity": facility.capacity,
                    "quota": facility.quota,
                }
            )
    return rows


def build_publication(
    session: Session,
    *,
    period: Period,
    threshold: int,
    consular_deadline_days: int | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Publication:
    """Every table of the period, suppressed, with the provenance of the head read.
    `consular_deadline_days` None: the law parameter consular_notification_days in force on
    the period's last day; a number overrides it (and the report says so)."""
    law = registry_law(session)  # a value an admin entered in the registry counts
    deadline, deadline_source = consular_deadline(period, consular_deadline_days, law)
    head = chain_head(session)
    at = head.recorded_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    seq = head.seq
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("transfers by pathway", lambda: q.transfers(session, period, seq, at, "pathway")),
        ("transfers by destination", lambda: q.transfers(session, period, seq, at, "destination")),
        ("transfers by facility", lambda: q.transfers(session, period, seq, at, "facility")),
        ("transfers by nationality", lambda: q.transfers(session, period, seq, at, "nationality")),
        ("decisions", lambda: q.decisions_by_outcome(session, period, seq)),
        ("rules failed", lambda: q.failed_rules(session, period, seq)),
        ("rules unaudited", lambda: q.decisions_without_failed_rules(session, period, seq)),
        ("boarding strikes", lambda: q.boarding_strikes(session, period, seq)),
        ("incidents", lambda: q.incidents_by_kind(session, period, seq)),
        ("incidents open", lambda: q.incidents_days_open(session, period, seq)),
        ("return cases", lambda: q.return_cases(session, period, seq)),
        (
            "consular notifications",
            lambda: q.consular_notifications(session, period, seq, deadline_days=deadline),
        ),
        ("counsel access", lambda: q.counsel_access(session, period, seq)),
        ("monitoring visits", lambda: q.monitoring_visits(session, period, seq)),
        ("monitoring findings", lambda: q.monitoring_findings(session, period, seq)),
        ("held by facility", lambda: q.held_at_month_end(session, period, seq, "facility")),
        ("held by agreement", lambda: q.held_at_month_end(session, period, seq, "agreement")),
        ("fees", lambda: q.fees(session, period, seq)),
    ]
    results: dict[str, Any] = {}
    for done, (what, run) in enumerate(steps):
        if progress is not None:
            progress(done, len(steps), what)
        results[what] = run()
    if progress is not None:
        progress(len(steps), len(steps), "suppressing small cells")
    tables = _tables(period, results, deadline)
    _suppress(tables, threshold)
    fees = _fees(period, results["fees"])
    fees.suppress(threshold)
    provenance = Provenance(
        head_seq=head.seq,
        head_hash=head.hash,
        head_recorded_at=format_time(head.recorded_at) if head.recorded_at else None,
        ruleset_hash=ruleset_hash(),
        published_at=format_time(now or utc_now()),
        period=period.text,
        threshold=threshold,
        consular_deadline_days=deadline,
        consular_deadline_source=deadline_source,
        backend=session.get_bind().dialect.name,
    )
    return Publication(period, provenance, tables, fees, _limits())


def consular_deadline(
    period: Period, override: int | None, law: LawSet | None = None
) -> tuple[int, str]:
    """Days within which a consular notification counts as in time, and where that comes
    from: the value in force on the period's last day under `law` (the registry's: the
    bundled law and the values entered), or the publisher's override."""
    last_day = period.end.date() - dt.timedelta(days=1)
    parameter = parameter_on(CONSULAR_PARAMETER, last_day, law)
    cited = (
        f"law parameter {CONSULAR_PARAMETER} ({parameter.value} days, in force from "
        f"{parameter.effective_from.isoformat()}): {parameter.source}"
    )
    if override is None:
        return int(parameter.value), cited
    return override, f"set by the publisher, instead of the {cited}"


def _tables(period: Period, r: dict[str, Any], deadline: int) -> list[CountTable]:
    transfers: dict[str, Any] = {"group": "transfers"}
    return [
        _table("transfers_by_pathway", "Persons transferred, by pathway", "pathway",
               "the legal pathway of the transfer", "persons", period,
               r["transfers by pathway"], records=True, **transfers),
        _table("transfers_by_destination", "Persons transferred, by destination country",
               "destination", "ISO 3166-1 alpha-2 code of the receiving country", "persons",
               period, r["transfers by destination"], records=True, **transfers),
        _table("transfers_by_facility", "Persons transferred, by receiving facility",
               "facility", "the receiving facility's id in the agreement", "persons", period,
               r["transfers by facility"], verified=True, **transfers),
        _table("transfers_by_nationality",
               f"Persons transferred, by nationality (the {LARGEST_GROUPS} largest groups)",
               "nationality", "ISO 3166-1 alpha-2 code of the first nationality on record; "
               "'other' groups the rest", "persons", period,
               top_rows(r["transfers by nationality"], LARGEST_GROUPS), records=True,
               **transfers),
        _table("decisions_by_outcome", "Decisions recorded, by outcome", "outcome",
               "eligible, ineligible or undetermined", "decisions", period, r["decisions"],
               ["eligible", "ineligible", "undetermined"], verified=True),
        _table("rules_failed_most", f"Rules failed most ({LARGEST_GROUPS} named)", "rule",
               "the rule's id (accord rules show RULE); 'other' groups the rest",
               "rule failures", period, top_rows(r["rules failed"], LARGEST_GROUPS),
               **_rules_checkable(r["rules unaudited"])),
        _table("boarding_strikes", "Persons struck at boarding, by reason", "reason",
               "the coded reason of the strike", "persons", period, r["boarding strikes"],
               [s.value for s in StrikeReason], verified=True),
        _table("incidents_by_kind", "Incidents opened, by kind", "kind", "the incident's kind",
               "incidents", period, r["incidents"], [k.value for k in IncidentKind],
               verified=True, group="incidents"),
        _table("incidents_days_open", "Incidents opened, by how long they stayed open",
               "time_open", "from opening to resolution", "incidents", period,
               r["incidents open"], q.DAYS_OPEN, records=True, group="incidents"),
        _table("return_cases", "Court-ordered return cases opened, by time to return",
               "outcome", "from the order to the person back in U.S. custody", "persons",
               period, r["return cases"], q.RETURN_OUTCOMES, records=True),
        _table("consular_notifications",
               f"Consular notifications owed, made within {deadline} days or not", "outcome",
               f"notified within {deadline} days of the handover (in time) or not",
               "notifications", period, r["consular notifications"], q.CONSULAR_OUTCOMES,
               records=True),
        _table("counsel_access", "Contacts with counsel, by kind", "kind",
               "in person, call, correspondence, or access refused", "contacts", period,
               r["counsel access"], [k.value for k in CounselAccessKind], verified=True),
        _table("monitoring_visits", "Monitoring visits, by facility", "facility",
               "the facility visited", "visits", period, r["monitoring visits"],
               suppressed=False, verified=True),
        _table("monitoring_findings", "Monitoring findings, by severity", "severity",
               "the finding's severity", "findings", period, r["monitoring findings"],
               [s.value for s in FindingSeverity], suppressed=False, verified=True),
        _table("held_by_facility", "Persons held at the end of the month, by facility",
               "facility", "the receiving facility (capacity: facility_limits.csv)", "persons",
               period, r["held by facility"], flow=False, verified=True, group="held"),
        _table("held_by_agreement", "Persons held at the end of the month, by agreement",
               "agreement", "the agreement (quota: facility_limits.csv)", "persons", period,
               r["held by agreement"], flow=False, records=True, group="held"),
    ]  # fmt: skip


def _rules_checkable(unaudited: int) -> dict[str, Any]:
    """Rules failed most is checkable from the decisions' audit entries once every decision
    it counts names the rules it failed there (entries written before that do not)."""
    return {"verified": True} if unaudited == 0 else {"not_checkable": RULES_NOT_AUDITED}


def _suppress(tables: list[CountTable], threshold: int) -> None:
    groups: dict[str, list[CountTable]] = {}
    for table in tables:
        if table.group is not None and table.suppressed:
            groups.setdefault(table.group, []).append(table)
        else:
            table.suppress(threshold)
    for members in groups.values():
        hidden = suppress_linked(
            [t.grid() for t in members], threshold=threshold, row_margin=members[0].flow
        )
        for table, cells in zip(members, hidden, strict=True):
            table.hidden = cells


def _fees(period: Period, found: dict[str, Any]) -> FeeTable:
    # the domestic alternative: ICE's adult detention cost per bed-day in force at the period's
    # end (billing/data/costs.yaml, docs/design.md section 7); none before its first value
    try:
        per_diem = cost_parameters(period.end.date() - dt.timedelta(days=1))
    except InputError:
        value, source = None, "no ICE detention cost per bed-day is in force for this period"
    else:
        value, source = per_diem.value(PER_DIEM), per_diem[PER_DIEM].source
    return FeeTable(
        months=period.months,
        invoices=found["invoices"],
        persons=found["persons"],
        persons_in_period=found["persons_in_period"],
        days=found["days"],
        fees=found["fees"],
        per_diem=value,
        per_diem_source=source,
    )


def is_publication(path: Path) -> bool:
    """A folder `write_publication` may replace: an earlier report, by its publication.json."""
    try:
        found = json.loads((path / "publication.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(found, dict) and found.get("format") == FORMAT


def publication_files(publication: Publication) -> dict[str, bytes]:
    """Every file of the report folder, by name."""
    from accord.publish.report import render_report

    written: dict[str, bytes] = {}
    for table in publication.tables:
        written[f"{table.name}.csv"] = table.csv_text().encode("utf-8")
    written[f"{publication.fees.name}.csv"] = publication.fees.csv_text().encode("utf-8")
    written["facility_limits.csv"] = _limits_csv(publication.limits).encode("utf-8")
    written["publication.json"] = _json(publication.as_dict())
    written["datapackage.json"] = _json(datapackage(publication))
    written.update(render_report(publication))
    for script in ("verify_bundle.py", "verify_records.py", "suppression.py"):  # stdlib only
        written[script] = (files("accord.publish") / script).read_bytes()
    return written


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()


def _limits_csv(limits: list[dict[str, Any]]) -> str:
    lines = ["agreement,facility,country,capacity,quota"]
    for row in limits:
        quota = "" if row["quota"] is None else str(row["quota"])
        lines.append(
            f"{row['agreement']},{row['facility']},{row['country']},{row['capacity']},{quota}"
        )
    return "\n".join(lines) + "\n"


def write_publication(publication: Publication, out: Path) -> dict[str, str]:
    """Write the report folder at `out`, atomically; the SHA-256 of each file, by name."""
    written = publication_files(publication)
    with output_folder(out, is_own=is_publication, what="a transparency report") as tmp:
        for name, data in written.items():
            (tmp / name).write_bytes(data)
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(written.items())}


def write_records(session: Session, publication: Publication, out: Path) -> int:
    """The records folder of the report (records.py), atomically, read in `session`: the
    transaction the report was built in. Returns the number of files."""
    from accord.publish.records import RECORDS_FORMAT, publication_records

    provenance = publication.provenance
    written = publication_records(
        session,
        period=publication.period,
        head_seq=provenance.head_seq,
        head_hash=provenance.head_hash,
    )

    def is_records(path: Path) -> bool:
        try:
            found = json.loads((path / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(found, dict) and found.get("format") == RECORDS_FORMAT

    with output_folder(out, is_own=is_records, what="a records folder") as tmp:
        for name, data in written.items():
            (tmp / name).write_bytes(data)
    return len(written)


def record_publication(
    session: Session, *, actor: User, publication: Publication, digests: dict[str, str]
) -> int:
    """The publication's audit entry: the head it was built from and each file's digest, so
    a monitor can tell a published copy from an altered one. Returns the entry's seq."""
    provenance = publication.provenance
    entry = append_audit(
        session,
        actor=actor,
        action="publish.report",
        subject=f"period:{provenance.period}",
        change={
            "head_seq": provenance.head_seq,
            "head_hash": provenance.head_hash,
            "threshold": provenance.threshold,
            "ruleset_hash": provenance.ruleset_hash,
            "files": digests,
        },
    )
    return int(entry.seq)
