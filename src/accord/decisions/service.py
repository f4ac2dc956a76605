"""Decide from the registry, keep the decision, and replay it later.

The decision reads the person's facts as Accord knew them at one record time
(the moment of the decision, or an earlier `as_known_on`), so a later
correction never changes what a stored decision was based on. Replaying reads
the same facts again, decides with today's code, and compares: the facts must
replay identically (the inputs digest), while the rules may have changed since
(the ruleset hash), and then the result need not be the recorded one.
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

from accord.auth import User
from accord.casefile.models import ADDED_IN_V2, V2_LISTS
from accord.db import Snapshot, Writes, write_once
from accord.decisions.facility_counts import registry_facility_counts
from accord.decisions.models import DecisionRecord
from accord.engine import Decision, DecisionRequest, PersonFacts, decide_facts
from accord.errors import InputError, UnknownDecision
from accord.facts.tables import FactTables, known_flag
from accord.law.framework import FacilityCounts
from accord.law_entries.service import law_as_of_entries, with_registry_law
from accord.registry import (
    AsKnownOn,
    known_cutoff,
    person_case_read,
    person_fact_tables,
    without_null_v2_fields,
)


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
    if name not in ADDED_IN_V2:
        return rows
    return without_null_v2_fields(name, list(rows))  # as a fact version's content digest


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


def request_as_dict(
    request: DecisionRequest, facility_counts: FacilityCounts | None = None
) -> dict[str, Any]:
    """The request as recorded; with the registry's facility counts the decision read, if
    any, so that a replay decides on the same counts (the registry keeps no history of them)."""
    recorded: dict[str, Any] = {
        "agreement": request.agreement_id,
        "pathway": request.pathway,
        "destination": request.destination,
        "facility": request.facility_id,
        "as_of": request.as_of.isoformat(),
        "notice_profile": request.notice_profile,
    }
    if facility_counts is not None:
        recorded["facility_counts"] = {
            "held": facility_counts.held,
            "under_agreement": facility_counts.under_agreement,
        }
    return recorded


def recorded_facility_counts(request: dict[str, Any]) -> FacilityCounts | None:
    """The facility counts a recorded request holds (request_as_dict), if any."""
    counts = request.get("facility_counts")
    if counts is None:
        return None
    return FacilityCounts(held=int(counts["held"]), under_agreement=int(counts["under_agreement"]))


def person_facts_read(
    session: Session, *, person_id: str, as_known_on: AsKnownOn
) -> tuple[PersonFacts, int]:
    """(one person's facts as rows, the audit chain's last seq), both from one snapshot: the
    facts of `person_fact_read`, without the Arrow tables a single decision has no use for."""
    case, head_seq = person_case_read(session, person_id=person_id, as_known_on=as_known_on)
    return PersonFacts.of_case(case), head_seq


@dataclass(frozen=True)
class _DecisionReads:
    facts: PersonFacts
    counts: FacilityCounts | None
    decision: Decision
    known_at: dt.datetime | None  # None: the facts known at the writer's clock


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
    A decision on the facts known now is an optimistic write (db/optimistic.py):
    on PostgreSQL it reads and decides before the writer lock, then sends the record
    in one round trip in which the database takes the lock, checks that no fact of
    the person was written since the snapshot it read, and appends the audit entry,
    so that decisions do not queue behind one another. If a fact was written since,
    it reads and decides again under the lock.
    """

    # the registry's law entries on top of the bundled law (law_entries/service.py), unless
    # the caller gives the law (a departure boarded under the law entered by its time)
    if request.law is None:
        request = with_registry_law(session, request)

    def decide(facts: PersonFacts, known_at: dt.datetime | None) -> _DecisionReads:
        counts = registry_facility_counts(session, request=request, person_id=person_id)
        decision = decide_facts(
            facts=facts, request=request, all_facts=True, facility_counts=counts
        )
        return _DecisionReads(facts, counts, decision, known_at)

    def read_first() -> Snapshot[_DecisionReads]:
        # one statement: the facts and the chain's head seq from the same snapshot
        facts, seen = person_facts_read(session, person_id=person_id, as_known_on=None)
        return Snapshot(decide(facts, None), seen, {f"person:{person_id}": "facts."})

    def read_locked(decided_at: dt.datetime) -> _DecisionReads:
        known_at = known_cutoff(as_known_on) or decided_at
        if known_at > decided_at:
            raise InputError(
                f"--as-known-on {known_at.isoformat()} is after the time of the decision "
                f"({decided_at.isoformat()}): the registry cannot know the future"
            )
        facts, _ = person_facts_read(session, person_id=person_id, as_known_on=known_at)
        return decide(facts, known_at)

    def write(reads: _DecisionReads, writes: Writes) -> tuple[Decision, DecisionRecord]:
        # before the lock, the facts as known at the writer's clock: nothing of the person's
        # was written between the read and the lock, or the database sends this the slow way
        record = _add_record(
            writes,
            request,
            person_id,
            actor,
            reads.decision,
            reads.facts,
            reads.known_at or writes.clock,
            reads.counts,
        )
        return reads.decision, record

    decision, record = write_once(
        session,
        read_first=read_first,
        read_locked=read_locked,
        write=write,
        now=now,
        commit=commit,
        optimistic=as_known_on is None,
    )
    return decision, _attached(session, record, committed=commit)


def _add_record(
    writes: Writes,
    request: DecisionRequest,
    person_id: str,
    actor: User,
    decision: Decision,
    facts: PersonFacts,
    known_at: dt.datetime,
    facility_counts: FacilityCounts | None = None,
) -> DecisionRecord:
    """The record, added to the write's batch, and its audit entry, to its audit writer,
    both at its record time; the record's id once the batch is sent."""
    digest = facts_digest(facts)
    decided_at = writes.at
    entry = writes.audit.add(
        actor=actor,
        action="decision.record",
        subject=f"person:{person_id}",
        change={
            "request": request_as_dict(request, facility_counts),
            "facts_known_at": known_at.isoformat(),
            "inputs_digest": digest,
            "ruleset_hash": decision.ruleset["hash"],
            "agreement_digest": decision.agreement["digest"],
            "outcome": decision.outcome,
            # rule ids only: the transparency report's rules failed most is checked from these
            "failed_rules": sorted(r.rule for r in decision.failed),
        },
        at=decided_at,
        trusted=True,  # strings, integers and None only: no float to refuse
    )
    values = {
        "person_id": person_id,
        "decided_at": decided_at,
        "decided_by_id": actor.id,
        "request": request_as_dict(request, facility_counts),
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

    writes.batch.insert(DecisionRecord.__table__, [values], returning="id", on_result=numbered)
    writes.returns(record)
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


# What a replay found. A replay reads the facts as known when the decision was made and
# decides with today's code: the facts must be the same (their digest), but the law may have
# changed since (the ruleset hash covers law/*.py and the law parameters; the agreement has
# its own digest), and a decision made under other rules need not give today's result.
REPRODUCES = "reproduces"  # the same facts and the same law give the same decision
LAW_CHANGED = "law_changed"  # the same facts; the ruleset, agreement or parameters changed since
FACTS_DIFFER = "facts_differ"  # the facts read now are not the facts decided on
RESULT_DIFFERS = "result_differs"  # the same facts and the same law, yet another result


@dataclass(frozen=True)
class Replay:
    """A stored decision decided again: do its facts replay identically, has the law changed
    since, and does the result reproduce (if not, what differs)."""

    record: DecisionRecord
    decision: Decision
    inputs_digest: str  # of the facts read now
    # every difference, the inputs' first; and those of the outcome and rule statuses
    differences: tuple[str, ...] = field(default=())
    result_differences: tuple[str, ...] = field(default=())

    @property
    def reproduces(self) -> bool:
        return not self.differences

    @property
    def facts_identical(self) -> bool:
        """The facts read now are those the decision read: the same inputs digest."""
        return self.inputs_digest == self.record.inputs_digest

    @property
    def ruleset_changed(self) -> bool:
        return self.record.ruleset_hash != self.decision.ruleset["hash"]

    @property
    def agreement_changed(self) -> bool:
        return bool(self.record.agreement_digest != self.decision.agreement["digest"])

    @property
    def parameters_changed(self) -> bool:
        return list(self.record.parameters) != list(self.decision.parameters)

    @property
    def law_changed(self) -> bool:
        """The rules, the agreement or the law parameters are not those the decision ran."""
        return self.ruleset_changed or self.agreement_changed or self.parameters_changed

    @property
    def verdict(self) -> str:
        if not self.facts_identical:
            return FACTS_DIFFER
        if self.reproduces:
            return REPRODUCES
        return LAW_CHANGED if self.law_changed else RESULT_DIFFERS

    def summary(self) -> str:
        """What the replay found, as the rest of a sentence that begins with the record."""
        verdict = self.verdict
        if verdict == REPRODUCES:
            return "reproduces: the same facts and the same rules give the same decision"
        if verdict == FACTS_DIFFER:
            return (
                "does NOT reproduce: the facts read now are not those the decision read "
                "(the inputs digest differs)"
            )
        if verdict == RESULT_DIFFERS:
            return "does NOT reproduce: the same facts and the same rules give another result"
        changed = [
            what
            for what, yes in (
                ("the ruleset", self.ruleset_changed),
                ("the agreement", self.agreement_changed),
                ("the law parameters", self.parameters_changed),
            )
            if yes
        ]
        result = "another result" if self.result_differences else "the same result"
        return (
            f"does not reproduce under today's rules: the facts replay identically; "
            f"{' and '.join(changed)} changed since the decision (today's rules give {result})"
        )

    def as_dict(self) -> dict[str, Any]:
        r = self.record
        return {
            "decision_record": r.id,
            "person_id": r.person_id,
            "facts_known_at": r.facts_known_at.isoformat(),
            "verdict": self.verdict,
            "reproduces": self.reproduces,
            "facts_identical": self.facts_identical,
            "inputs_digest": {"recorded": r.inputs_digest, "now": self.inputs_digest},
            "ruleset_changed": self.ruleset_changed,
            "ruleset_hash": {"recorded": r.ruleset_hash, "now": self.decision.ruleset["hash"]},
            "agreement_changed": self.agreement_changed,
            "agreement_digest": {
                "recorded": r.agreement_digest,
                "now": self.decision.agreement["digest"],
            },
            "parameters_changed": self.parameters_changed,
            "outcome": {"recorded": r.outcome, "now": self.decision.outcome},
            "result_differences": list(self.result_differences),
            "differences": list(self.differences),
        }


def _statuses(explanation: dict[str, Any]) -> dict[str, str]:
    statuses = {r["rule"]: "fail" for r in explanation.get("failed", [])}
    statuses.update({r["rule"]: "unknown" for r in explanation.get("unknown", [])})
    statuses.update({r: "pass" for r in explanation.get("passed", [])})
    statuses.update({r: "not_applicable" for r in explanation.get("not_applicable", [])})
    return statuses


def replay_decision(session: Session, *, decision_id: int) -> Replay:
    """Decide again from the facts as known when the record was made, and compare: first the
    inputs (the facts' digest; the ruleset, agreement and parameters), then the result."""
    record = get_decision_record(session, decision_id=decision_id)
    stored = dict(record.request)
    request = DecisionRequest.build(
        agreement=stored["agreement"],
        pathway=stored["pathway"],
        destination=stored["destination"],
        as_of=stored["as_of"],
        facility=stored["facility"],
        notice_profile=stored["notice_profile"],
        # the law entries the decision applied, exactly (none: the bundled law alone)
        law=law_as_of_entries(
            session,
            entry_ids=[int(e["entry"]) for e in record.explanation.get("law_entries", [])],
        ),
    )
    facts = person_fact_tables(
        session, person_id=record.person_id, as_known_on=record.facts_known_at
    )
    decision = decide_facts(
        facts=facts,
        request=request,
        all_facts=True,
        facility_counts=recorded_facility_counts(stored),
    )
    digest = facts_digest(facts)
    inputs = []
    checks = [
        ("inputs digest", record.inputs_digest, digest),
        ("ruleset hash", record.ruleset_hash, decision.ruleset["hash"]),
        ("agreement digest", record.agreement_digest, decision.agreement["digest"]),
        ("parameters", record.parameters, list(decision.parameters)),
    ]
    for what, was, is_now in checks:
        if was != is_now:
            inputs.append(f"{what}: recorded {was}, now {is_now}")
    result = []
    if record.outcome != decision.outcome:
        result.append(f"outcome: recorded {record.outcome}, now {decision.outcome}")
    was_statuses, now_statuses = _statuses(record.explanation), _statuses(decision.as_dict())
    for rule in sorted(set(was_statuses) | set(now_statuses)):
        if was_statuses.get(rule) != now_statuses.get(rule):
            result.append(
                f"rule {rule}: recorded {was_statuses.get(rule, 'absent')}, "
                f"now {now_statuses.get(rule, 'absent')}"
            )
    return Replay(
        record=record,
        decision=decision,
        differences=(*inputs, *result),
        inputs_digest=digest,
        result_differences=tuple(result),
    )
