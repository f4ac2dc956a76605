"""The records a transparency report counted that its audit entries hold only as digests or
by row id: for whoever holds the audit bundle (a monitor), never for the public.

`accord publish --records DIR` writes them beside the report (or into the audit bundle's
`records/` folder); `verify_bundle.py REPORT BUNDLE [RECORDS]` checks each record against
the audit entry it belongs to, then recounts the tables that rest on them:

- `links.jsonl`: a row id some later entry names, and the audit entry that created the row
  (`{"kind", "id", "seq"}`): the decision record a case's nomination names (its request
  gives the case's agreement, pathway and destination), and the incidents, return cases and
  consular tasks a resolution, update or notification names. The verifier requires the
  entry to be of that kind and to agree with the one naming it (same case, person, outcome
  or country), and each entry to be linked once.
- `nationalities.jsonl`: for each person transferred in the period, the nationalities
  fact version current at the head, with its rows and the `[version id, known, content
  digest]` of every list its `facts.record` entry wrote: the rows digest to the list's
  content digest and those triples to the entry's `versions_digest`.
- `invoices.jsonl`: each USD invoice of the period's months, as its `content_digest`
  covers it (agreement, month, currency, total, lines): digested again it must give the
  entry's digest; persons and custody days billed are then counted from its lines.

They hold person identifiers and nationalities: personal data, as the audit bundle is.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.billing.invoices import invoice_view
from accord.billing.models import Invoice
from accord.db.models import AuditEntry
from accord.decisions.models import DecisionRecord
from accord.operations.events import CUSTODY_IN, CUSTODY_OUT
from accord.operations.models import (
    ConsularTask,
    Incident,
    OperationsEvent,
    ReturnCase,
)
from accord.publish.period import Period
from accord.registry.codec import fact_columns, without_null_v2_fields
from accord.registry.models import FACT_MODELS, FactVersion

RECORDS_FORMAT = "accord-transparency-records"
RECORDS_FORMAT_VERSION = 1


def _links(session: Session, period: Period, head: int) -> list[dict[str, Any]]:
    e = OperationsEvent
    kinds = sorted({"departed", *CUSTODY_IN, *CUSTODY_OUT})
    cases = (
        select(e.case_id)
        .where(e.kind.in_(kinds), e.audit_seq <= head, e.occurred_at < period.end)
        .distinct()
        .scalar_subquery()
    )
    decisions = (
        select(e.decision_record_id)
        .where(e.kind == "nominated", e.case_id.in_(cases), e.audit_seq <= head)
        .scalar_subquery()
    )
    found: list[dict[str, Any]] = []
    queries: list[tuple[str, Any]] = [
        (
            "decision",
            select(DecisionRecord.id, DecisionRecord.audit_seq).where(
                DecisionRecord.id.in_(decisions)
            ),
        ),
        (
            "incident",
            select(Incident.id, Incident.audit_seq).where(
                Incident.audit_seq <= head,
                Incident.opened_at >= period.start,
                Incident.opened_at < period.end,
            ),
        ),
        (
            "return_case",
            select(ReturnCase.id, ReturnCase.audit_seq).where(
                ReturnCase.audit_seq <= head,
                ReturnCase.opened_at >= period.start,
                ReturnCase.opened_at < period.end,
            ),
        ),
        (
            "consular_task",
            select(ConsularTask.id, ConsularTask.audit_seq).where(
                ConsularTask.audit_seq <= head,
                ConsularTask.created_at >= period.start,
                ConsularTask.created_at < period.end,
            ),
        ),
    ]
    for kind, query in queries:
        for row_id, seq in session.execute(query.order_by(query.selected_columns[0])):
            found.append({"kind": kind, "id": int(row_id), "seq": int(seq)})
    return found


CHUNK = 1000  # identifiers per IN list


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _fact_rows(session: Session, versions: list[FactVersion]) -> dict[int, list[Any] | None]:
    """Each nationalities version's rows as its content digest covers them (None: the list
    is not known), dates as ISO text as the digest's JSON writes them."""
    table: Any = FACT_MODELS["nationalities"].__table__
    names = [c.name for c in fact_columns("nationalities")]
    rows: dict[int, list[Any]] = {v.id: [] for v in versions}
    for ids in _chunks(sorted(rows)):
        for version_id, *values in session.execute(
            select(table.c.version_id, *(table.c[n] for n in names))
            .where(table.c.version_id.in_(ids))
            .order_by(table.c.version_id, table.c.ordinal)
        ):
            rows[version_id].append(dict(zip(names, values, strict=True)))
    found: dict[int, list[Any] | None] = {}
    for version in versions:
        plain = json.loads(json.dumps(rows[version.id], default=lambda v: v.isoformat()))
        found[version.id] = (
            None
            if not version.known and not plain
            else list(without_null_v2_fields("nationalities", plain))
        )
    return found


def _nationalities(session: Session, period: Period, head: int) -> list[dict[str, Any]]:
    """For each person transferred in the period: the facts.record entry that wrote their
    latest nationalities version up to the head, its versions' triples and that list's rows."""
    e = OperationsEvent
    persons = session.scalars(
        select(e.person_id)
        .where(
            e.kind == "departed",
            e.audit_seq <= head,
            e.occurred_at >= period.start,
            e.occurred_at < period.end,
            e.person_id.is_not(None),
        )
        .distinct()
    ).all()
    latest: dict[str, tuple[int, dict[str, int]]] = {}  # person -> (seq, versions named)
    for chunk in _chunks(sorted(f"person:{p}" for p in persons)):
        for seq, subject, change in session.execute(
            select(AuditEntry.seq, AuditEntry.subject, AuditEntry.change).where(
                AuditEntry.action == "facts.record",
                AuditEntry.subject.in_(chunk),
                AuditEntry.seq <= head,
            )
        ):
            named = json.loads(change).get("versions") or {}
            person = subject.removeprefix("person:")
            known = latest.get(person)
            if "nationalities" in named and (
                known is None or named["nationalities"] > known[1]["nationalities"]
            ):
                latest[person] = (int(seq), named)
    ids = sorted({vid for _, named in latest.values() for vid in named.values()})
    versions: dict[int, FactVersion] = {}
    for chunk in _chunks(ids):
        versions.update(
            (v.id, v) for v in session.scalars(select(FactVersion).where(FactVersion.id.in_(chunk)))
        )
    rows = _fact_rows(session, [versions[n["nationalities"]] for _, n in latest.values()])
    return [
        {
            "person_id": person,
            "seq": seq,
            "written": {
                name: [vid, versions[vid].known, versions[vid].content_digest]
                for name, vid in named.items()
                if vid in versions
            },
            "rows": rows[named["nationalities"]],
        }
        for person, (seq, named) in sorted(latest.items())
    ]


def _invoices(session: Session, period: Period, head: int) -> list[dict[str, Any]]:
    found = []
    for invoice in session.scalars(
        select(Invoice)
        .where(
            Invoice.audit_seq <= head,
            Invoice.currency == "USD",
            Invoice.month.in_(period.months),
        )
        .order_by(Invoice.audit_seq)
    ):
        view = invoice_view(session, invoice)
        found.append(
            {
                "seq": int(invoice.audit_seq),
                "content": {
                    "agreement": {
                        "id": view.agreement_id,
                        "version": view.agreement_version,
                        "digest": view.agreement_digest,
                    },
                    "month": view.month,
                    "currency": view.currency,
                    "total": str(view.total),
                    "lines": [line.content() for line in view.lines],
                },
            }
        )
    return found


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode()


def publication_records(
    session: Session, *, period: Period, head_seq: int, head_hash: str
) -> dict[str, bytes]:
    """The records folder's files, by name, read in the caller's transaction (the one the
    report was built in, so they are the rows it counted)."""
    manifest = {
        "format": RECORDS_FORMAT,
        "format_version": RECORDS_FORMAT_VERSION,
        "period": period.text,
        "head_seq": head_seq,
        "head_hash": head_hash,
        "personal_data": "person identifiers and nationalities: not for publication",
    }
    return {
        "manifest.json": (json.dumps(manifest, indent=2) + "\n").encode(),
        "links.jsonl": _jsonl(_links(session, period, head_seq)),
        "nationalities.jsonl": _jsonl(_nationalities(session, period, head_seq)),
        "invoices.jsonl": _jsonl(_invoices(session, period, head_seq)),
    }
