"""Decisions: an outcome with every reason, its citation and the facts behind it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from accord.engine.compiler import CompiledRules, compile_rules
from accord.engine.one_person import OnePersonDatabase
from accord.engine.person_facts import PersonFacts
from accord.engine.request import DecisionRequest
from accord.engine.store import FactStore
from accord.errors import UnknownPerson
from accord.facts.tables import FactTables
from accord.law.catalogue import ruleset_hash
from accord.law.court_orders import court_orders_digest
from accord.law.framework import (
    FAIL,
    NOT_APPLICABLE,
    OUTCOMES,
    PASS,
    UNKNOWN,
    Context,
    FacilityCounts,
    Rule,
)
from accord.law.law_set import orders_applied

__all__ = ["OUTCOMES", "Decision", "RuleResult"]
from accord.law.parameters import parameters_digest

RULESET_VERSION = "1"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    title: str
    status: str
    citations: tuple[str, ...]
    passes_when: str
    facts: tuple[str, ...] = ()
    not_recorded: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "status": self.status,
            "citation": "; ".join(self.citations),
            "citations": list(self.citations),
            "passes_when": self.passes_when,
            "facts": list(self.facts),
            "not_recorded": list(self.not_recorded),
        }


@dataclass(frozen=True)
class Decision:
    person_id: str
    pathway: str
    destination: str
    facility: str | None
    as_of: dt.date
    outcome: str
    results: tuple[RuleResult, ...]
    not_in_effect: tuple[str, ...]
    ruleset: dict[str, str]
    agreement: dict[str, Any]
    parameters: tuple[dict[str, str], ...] = field(default=())
    # the class-wide court orders the rules read on the date, and how each was applied
    court_orders: tuple[dict[str, str], ...] = field(default=())
    # the registry's law entries the law set held (law/law_set.py): none under bundled law
    law_entries: tuple[dict[str, str], ...] = field(default=())

    def with_status(self, status: str) -> list[RuleResult]:
        return [r for r in self.results if r.status == status]

    @property
    def failed(self) -> list[RuleResult]:
        return self.with_status(FAIL)

    @property
    def unknown(self) -> list[RuleResult]:
        return self.with_status(UNKNOWN)

    def statuses(self) -> dict[str, str]:
        return {r.rule: r.status for r in self.results}

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "pathway": self.pathway,
            "destination": self.destination,
            "facility": self.facility,
            "as_of": self.as_of.isoformat(),
            "outcome": self.outcome,
            "failed": [r.as_dict() for r in self.failed],
            "unknown": [r.as_dict() for r in self.unknown],
            "passed": [r.rule for r in self.with_status(PASS)],
            "not_applicable": [r.rule for r in self.with_status(NOT_APPLICABLE)],
            "not_in_effect": list(self.not_in_effect),
            "ruleset": self.ruleset,
            "agreement": self.agreement,
            "parameters": list(self.parameters),
            "court_orders": list(self.court_orders),
            # only when the registry's law entries were applied: records of decisions under
            # the bundled law alone are as they were before law entries existed
            **({"law_entries": list(self.law_entries)} if self.law_entries else {}),
        }


def provenance(ctx: Context) -> tuple[dict[str, str], dict[str, Any], tuple[dict[str, str], ...]]:
    """Ruleset, agreement and parameter versions: enough to reproduce the decision."""
    ruleset = {
        "version": RULESET_VERSION,
        "hash": ruleset_hash(),
        "parameters_digest": parameters_digest(),
        "court_orders_digest": court_orders_digest(),
        "notice_profile": ctx.params.profile,
    }
    if ctx.law.entries:  # the law set's digest names the registry's entries applied, too
        ruleset["law_digest"] = ctx.law.digest
    agreement = {
        "id": ctx.agreement.id,
        "version": ctx.agreement.version,
        "status": ctx.agreement.status,
        "digest": ctx.agreement.digest,
    }
    return ruleset, agreement, tuple(ctx.params.records())


def _result(
    rule: Rule, ctx: Context, status: str, facts: list[str], known: dict[str, bool]
) -> RuleResult:
    return RuleResult(
        rule=rule.id,
        title=rule.title,
        status=status,
        citations=rule.citations_for(ctx),
        passes_when=rule.passes_when,
        facts=tuple(sorted(facts)),
        not_recorded=tuple(
            f"{name} not recorded" for name in rule.reads if not known.get(name, True)
        ),
    )


def _assemble(
    compiled: CompiledRules,
    row: tuple[Any, ...],
    evidence: dict[str, list[str]],
    known: dict[str, bool],
) -> Decision:
    ctx = compiled.context
    person_id, *statuses, outcome = row
    ruleset, agreement, parameters = provenance(ctx)
    return Decision(
        person_id=person_id,
        pathway=ctx.pathway,
        destination=ctx.destination,
        facility=ctx.facility.id if ctx.facility else None,
        as_of=ctx.as_of,
        outcome=outcome,
        results=tuple(
            _result(rule, ctx, status, evidence.get(rule.id, []), known)
            for rule, status in zip(compiled.rules, statuses, strict=True)
        ),
        not_in_effect=tuple(r.id for r in compiled.not_in_effect),
        ruleset=ruleset,
        agreement=agreement,
        parameters=parameters,
        court_orders=tuple(
            dict(record)  # a copy: the records are cached per context
            for record in orders_applied(
                ctx.law,
                ctx.as_of,
                ctx.destination,
                ctx.params.profile,
                tuple(r.id for r in compiled.rules),
            )
        ),
        law_entries=tuple(e.reference() for e in ctx.law.entries),
    )


def _known_flags(store: FactStore) -> dict[str, dict[str, bool]]:
    """Person id -> which fact lists were recorded."""
    table = store.arrow("SELECT * FROM persons_all")
    names = [n for n in table.column_names if n.endswith("_known")]
    return {
        rec["person_id"]: {n.removesuffix("_known"): bool(rec[n]) for n in names}
        for rec in table.select(["person_id", *names]).to_pylist()
    }


def decide_person(
    *, store: FactStore, request: DecisionRequest, person_id: str, all_facts: bool = False
) -> Decision:
    """Decide for one person of a store, with the facts behind every failed and unknown rule.

    `all_facts` gathers the facts behind passing rules too (for a full explanation).
    """
    facts = store.person_facts(person_id)
    if facts is None:
        raise UnknownPerson(f"no case file for person '{person_id}'")
    return decide_facts(facts=facts, request=request, all_facts=all_facts)


def decide_facts(
    *,
    facts: FactTables | PersonFacts,
    request: DecisionRequest,
    all_facts: bool = False,
    facility_counts: FacilityCounts | None = None,
) -> Decision:
    """Decide for the one person whose fact tables are given (from a store or the registry).

    `facility_counts`: the registry's count of places taken at the request's facility, when
    deciding from the registry; None (a case file alone) leaves the rules that need it unknown.
    """
    persons = facts.person_count if isinstance(facts, PersonFacts) else facts.persons.num_rows
    if persons != 1:
        raise ValueError(f"decide_facts needs one person's facts, got {persons}")
    ctx = request.context()
    if facility_counts is not None:
        ctx = replace(ctx, facility_counts=facility_counts)
    compiled = compile_rules(ctx)
    db = OnePersonDatabase.for_this_thread()
    with db.holding(facts):
        columns, rows = db.rows(compiled.person_status_sql)
        row = dict(zip(columns, rows[0], strict=True))
        known = {c.removesuffix("_known"): bool(v) for c, v in row.items() if c.endswith("_known")}
        evidence: dict[str, list[str]] = {
            rule.id: []
            for rule in compiled.rules
            if rule.id in compiled.person_evidence_sql
            and (all_facts or row[rule.id] in (FAIL, UNKNOWN))
        }
        if evidence and compiled.person_all_evidence_sql is not None:
            for rule_id, fact in db.rows(compiled.person_all_evidence_sql)[1]:
                if rule_id in evidence:
                    evidence[rule_id].append(fact)
    status_row = tuple(v for c, v in row.items() if not c.endswith("_known"))
    return _assemble(compiled, status_row, evidence, known)


def decide_all(*, store: FactStore, request: DecisionRequest) -> list[Decision]:
    """Decide for every person in the store, with explanations (for files, not dockets)."""
    compiled = compile_rules(request.context())
    rows = store.con.execute(compiled.docket_status_sql + " ORDER BY person_id").fetchall()
    evidence: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pid, rule_id, fact in store.con.execute(compiled.docket_evidence_sql).fetchall():
        evidence[pid][rule_id].append(fact)
    known = _known_flags(store)
    return [_assemble(compiled, row, evidence[row[0]], known[row[0]]) for row in rows]
