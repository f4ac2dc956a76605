"""Decide from the registry, keep the decision, and replay it later.

The decision reads the person's facts as Accord knew them at one record time
(the moment of the decision, or an earlier `as_known_on`), so a later
correction never changes what a stored decision was based on. Replaying reads
the same facts again, decides with today's code, and compares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from accord.casefile.models import ADDED_IN_V2, V2_LISTS
from accord.decisions.models import DecisionRecord
from accord.engine import Decision, DecisionRequest, PersonFacts, decide_facts
from accord.errors import InputError, UnknownDecision
from accord.facts.tables import FactTables, known_flag
from accord.registry.audit import AuditWriter, record_time
from accord.registry.batch import StatementBatch
from accord.registry.chain import ChainedBatch, DatabaseChainWriter, writer_clock
from accord.registry.db import holds_writer_lock, lock_for_write
from accord.registry.models import User
from accord.registry.reads import AsKnownOn, known_cutoff, person_case_read, person_fact_tables


def _json_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot digest {type(value).__name__}")


# json.dumps with any option builds an encoder per call: at a few dozen rows a decision,
# that was most of the digest's cost. The same options, so the same text, built once.
_ROW_JSON = json.JSONEncoder(sort_keys=True, default=_json_value, ensure_ascii=False).encode
_DIGEST_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


_V2_LISTS = frozenset(V2_LISTS)
_V2_FLAGS = frozenset(known_flag(n) for n in V2_LISTS)


def _stable_rows(name: str, rows: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """Rows as digested: what case file v2 added is left out where it says nothing (a null
    field, a list not known, a v2 list with no rows), so facts recorded before v2 digest as
    they did when their decisions were recorded."""
    if name == "persons":
        return ({k: v for k, v in r.items() if v or k not in _V2_FLAGS} for r in rows)
    added = ADDED_IN_V2.get(name)
    if not added:
        return rows
    return ({k: v for k, v in r.items() if v is not None or k not in added} for r in rows)


def facts_digest(facts: FactTables | PersonFacts) -> str:
    """sha256 of one person's facts in canonical JSON: table by table, rows in a fixed order."""
    dicts: dict[str, Iterable[dict[str, Any]]]
    if isinstance(facts, PersonFacts):
        dicts = {name: facts.dicts(name) for name in facts.rows}
    else:  # most lists are empty
        dicts = {n: t.to_pylist() if t.num_rows else () for n, t in facts.tables.items()}
    canonical = {}
    for name, rows in sorted(dicts.items()):
        if name in _V2_LISTS:
            rows = list(rows)
            if not rows:
                continue
        canonical[name] = sorted(_ROW_JSON(row) for row in _stable_rows(name, rows))
    text = _DIGEST_JSON(canonical)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def request_as_dict(request: DecisionRequest) -> dict[str, Any]:
    return {
        "agreement": request.agreement_id,
        "pathway": request.pathway,
        "destination": request.destination,
        "facility": request.facility_id,
        "as_of": request.as_of.isoformat(),
        "notice_profile": request.notice_profile,
    }


def person_facts_read(
    session: Session, *, person_id: str, as_known_on: AsKnownOn
) -> tuple[PersonFacts, int]:
    """(one person's facts as rows, the audit chain's last seq), both from one snapshot: the
    facts of `person_fact_read`, without the Arrow tables a single decision has no use for."""
    case, head_seq = person_case_read(session, person_id=person_id, as_known_on=as_known_on)
    return PersonFacts.of_case(case), head_seq


def decide_from_registry(
    session: Session,
    *,
    request: DecisionRequest,
    person_id: str,
    actor: User,
    as_known_on: AsKnownOn = None,
    now: dt.datetime | None = None,
    commit: bool = False,
) -> tuple[Decision, DecisionRecord]:
    """Decide for one person from the registry and store the decision record (and audit it).

    Call inside a write session: the record and its audit entry commit together,
    with the session, or before this returns with `commit` (for a session that
    writes nothing else: the HTTP route), when the COMMIT goes in the round trip
    of the record, so the writer lock is never held while the reply travels back;
    the record is then returned detached.
    In a session that does not hold the writer lock yet (`write_session(engine,
    lock=False)` on PostgreSQL), a decision on the facts known now reads and
    decides first, then sends the record in one round trip in which the database
    takes the lock, checks that no fact of the person was written since the
    snapshot it read, and appends the audit entry (registry/chain.py), so that
    decisions do not queue behind one another. If a fact was written since, it
    reads and decides again under the lock.
    """
    if as_known_on is None and not holds_writer_lock(session):
        # one statement: the facts and the chain's head seq from the same snapshot
        facts, seen = person_facts_read(session, person_id=person_id, as_known_on=None)
        decision = decide_facts(facts=facts, request=request, all_facts=True)
        clock = writer_clock(now)
        audit = DatabaseChainWriter(
            session,
            seen=seen,
            watch={f"person:{person_id}": "facts."},
            now=clock,
            clamp=now is None,
        )
        batch = ChainedBatch(session, audit)
        # the facts as known at the writer's clock: nothing of the person's was written
        # between the read and the lock, or the database sends this write the slow way
        record = _add_record(
            batch, audit, request, person_id, actor, decision, facts, audit.at, clock
        )
        if batch.send_chained(commit=commit):
            assert audit.recorded_at is not None
            record.decided_at = audit.recorded_at
            record.audit_seq = audit.seq_of(record.audit_seq)
            return decision, _attached(session, record, committed=commit)
    lock_for_write(session)  # before record_time: the chain head it reads is kept
    decided_at = record_time(session, now)
    known_at = known_cutoff(as_known_on) or decided_at
    if known_at > decided_at:
        raise InputError(
            f"--as-known-on {known_at.isoformat()} is after the time of the decision "
            f"({decided_at.isoformat()}): the registry cannot know the future"
        )
    facts, _ = person_facts_read(session, person_id=person_id, as_known_on=known_at)
    decision = decide_facts(facts=facts, request=request, all_facts=True)
    # The audit entry and the record go to the database in one round trip (a pipeline
    # on PostgreSQL): the writer lock is held from here to the commit.
    writer = AuditWriter(session)
    locked = StatementBatch(session)
    record = _add_record(
        locked, writer, request, person_id, actor, decision, facts, decided_at, known_at
    )
    writer.flush(locked)  # (a chained batch sends its writer's entries itself)
    locked.send()
    if commit:
        session.commit()
    return decision, _attached(session, record, committed=commit)


def _add_record(
    batch: StatementBatch,
    writer: AuditWriter,
    request: DecisionRequest,
    person_id: str,
    actor: User,
    decision: Decision,
    facts: PersonFacts,
    decided_at: dt.datetime,
    known_at: dt.datetime,
) -> DecisionRecord:
    """The record, added to `batch`, and its audit entry, added to `writer` (which the caller
    flushes); the record's id once the batch is sent."""
    digest = facts_digest(facts)
    entry = writer.add(
        actor=actor,
        action="decision.record",
        subject=f"person:{person_id}",
        change={
            "request": request_as_dict(request),
            "facts_known_at": known_at.isoformat(),
            "inputs_digest": digest,
            "ruleset_hash": decision.ruleset["hash"],
            "agreement_digest": decision.agreement["digest"],
            "outcome": decision.outcome,
        },
        at=decided_at,
        trusted=True,  # strings and None only: no float to refuse
    )
    values = {
        "person_id": person_id,
        "decided_at": decided_at,
        "decided_by_id": actor.id,
        "request": request_as_dict(request),
        "facts_known_at": known_at,
        "inputs_digest": digest,
        "ruleset_hash": decision.ruleset["hash"],
        "agreement_id": decision.agreement["id"],
        "agreement_version": str(decision.agreement["version"]),
        "agreement_digest": decision.agreement["digest"],
        "parameters": list(decision.parameters),
        "outcome": decision.outcome,
        "explanation": decision.as_dict(),
        "audit_seq": entry["seq"],
    }
    record = DecisionRecord(**values)

    def numbered(ids: list[int]) -> None:
        record.id = ids[0]

    batch.insert(DecisionRecord.__table__, [values], returning="id", on_result=numbered)
    return record


def _attached(session: Session, record: DecisionRecord, *, committed: bool) -> DecisionRecord:
    """The record as the row it was written as: persistent in the session, or detached once
    the session's transaction has ended (`commit`)."""
    make_transient_to_detached(record)
    if not committed:
        session.add(record)
    return record


def get_decision_record(session: Session, *, decision_id: int) -> DecisionRecord:
    record = session.get(DecisionRecord, decision_id)
    if record is None:
        raise UnknownDecision(f"no decision record {decision_id}")
    return record


def list_decision_records(
    session: Session, *, person_id: str | None = None, limit: int = 50
) -> Sequence[DecisionRecord]:
    statement = select(DecisionRecord).order_by(DecisionRecord.id.desc()).limit(limit)
    if person_id is not None:
        statement = statement.where(DecisionRecord.person_id == person_id)
    return session.scalars(statement).all()


@dataclass(frozen=True)
class Replay:
    """A stored decision decided again: does it reproduce, and if not, what differs."""

    record: DecisionRecord
    decision: Decision
    differences: tuple[str, ...] = field(default=())

    @property
    def reproduces(self) -> bool:
        return not self.differences


def _statuses(explanation: dict[str, Any]) -> dict[str, str]:
    statuses = {r["rule"]: "fail" for r in explanation.get("failed", [])}
    statuses.update({r["rule"]: "unknown" for r in explanation.get("unknown", [])})
    statuses.update({r: "pass" for r in explanation.get("passed", [])})
    statuses.update({r: "not_applicable" for r in explanation.get("not_applicable", [])})
    return statuses


def replay_decision(session: Session, *, decision_id: int) -> Replay:
    """Decide again from the facts as known when the record was made, and compare."""
    record = get_decision_record(session, decision_id=decision_id)
    stored = dict(record.request)
    request = DecisionRequest.build(
        agreement=stored["agreement"],
        pathway=stored["pathway"],
        destination=stored["destination"],
        as_of=stored["as_of"],
        facility=stored["facility"],
        notice_profile=stored["notice_profile"],
    )
    facts = person_fact_tables(
        session, person_id=record.person_id, as_known_on=record.facts_known_at
    )
    decision = decide_facts(facts=facts, request=request, all_facts=True)
    now = decision.as_dict()
    differences = []
    checks = [
        ("inputs digest", record.inputs_digest, facts_digest(facts)),
        ("ruleset hash", record.ruleset_hash, decision.ruleset["hash"]),
        ("agreement digest", record.agreement_digest, decision.agreement["digest"]),
        ("parameters", record.parameters, list(decision.parameters)),
        ("outcome", record.outcome, decision.outcome),
    ]
    for what, was, is_now in checks:
        if was != is_now:
            differences.append(f"{what}: recorded {was}, now {is_now}")
    was_statuses, now_statuses = _statuses(record.explanation), _statuses(now)
    for rule in sorted(set(was_statuses) | set(now_statuses)):
        if was_statuses.get(rule) != now_statuses.get(rule):
            differences.append(
                f"rule {rule}: recorded {was_statuses.get(rule, 'absent')}, "
                f"now {now_statuses.get(rule, 'absent')}"
            )
    return Replay(record=record, decision=decision, differences=tuple(differences))
