"""Nomination decides: refused when a rule no later step cures fails, accepted with a
warning when the workflow completes what fails or when rules are unknown."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from accord.db import AuditEntry, read_session, verify_chain, write_session
from accord.decisions.models import DecisionRecord
from accord.errors import RuleOfLawBlock
from accord.operations.models import OperationsEvent, TransferCase
from accord.operations.nomination import Nomination, nominate_with_decision
from accord.operations.workflow import nominate

from .conftest import Registry
from .people import CECOT, at, load, protected_salvadoran, salvadoran, venezuelan


def _nominate(registry: Registry, person_id: str, now: dt.datetime) -> Nomination:
    with write_session(registry.engine) as s:
        done = nominate_with_decision(
            s, actor=registry.users["olivia"], person_id=person_id, now=now, **CECOT
        )
        s.flush()
        return done


def _count(registry: Registry, model: Any) -> int:
    with read_session(registry.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_an_ineligible_nomination_is_refused_and_its_decision_kept(registry: Registry) -> None:
    load(registry, [protected_salvadoran(1)], at(10))
    done = _nominate(registry, "sv-001", at(12))
    assert done.refused
    assert done.case is None
    assert done.decision.outcome == "ineligible"
    assert [r.rule for r in done.blocking] == ["no_withholding"]
    message = done.refusal_message()
    assert "sv-001 not nominated" in message
    assert "no_withholding (8 U.S.C. 1231(b)(3))" in message
    assert f"decision record {done.decision_record_id}" in message
    with pytest.raises(RuleOfLawBlock, match="no_withholding"):
        done.raise_if_refused()
    assert _count(registry, TransferCase) == 0
    assert _count(registry, OperationsEvent) == 0
    with read_session(registry.engine) as s:
        record = s.get(DecisionRecord, done.decision_record_id)
        assert record is not None
        assert record.outcome == "ineligible"
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "operations.nomination_refused")
        ).one()
        assert entry.subject == "person:sv-001"
        change = json.loads(entry.change)
        assert change["decision_record_id"] == done.decision_record_id
        assert change["failed"] == ["no_withholding"]
        assert verify_chain(s).intact


def test_nominate_raises_and_its_rollback_writes_nothing(registry: Registry) -> None:
    load(registry, [protected_salvadoran(1)], at(10))
    records = _count(registry, DecisionRecord)
    with (
        pytest.raises(RuleOfLawBlock, match="no later step of the workflow can cure"),
        write_session(registry.engine) as s,
    ):
        nominate(s, actor=registry.users["olivia"], person_id="sv-001", now=at(12), **CECOT)
    assert _count(registry, DecisionRecord) == records
    assert _count(registry, TransferCase) == 0


def test_notice_owed_is_accepted_with_a_warning(registry: Registry) -> None:
    load(registry, [venezuelan(1), salvadoran(1)], at(10))
    ve = _nominate(registry, "ve-001", at(12))
    assert not ve.refused
    assert ve.case is not None
    assert [r.rule for r in ve.decision.unknown] == ["third_country_notice"]
    assert ve.blocking == []
    assert len(ve.warnings) == 1
    assert "third_country_notice" in ve.warnings[0]
    sv = _nominate(registry, "sv-001", at(12))
    assert sv.decision.outcome == "eligible"
    assert sv.warnings == []
    with read_session(registry.engine) as s:
        event = s.scalars(
            select(OperationsEvent).where(OperationsEvent.case_id == ve.case.id)
        ).one()
        assert event.kind == "nominated"
        assert event.decision_record_id == ve.decision_record_id
        assert event.details["outcome"] == "undetermined"
        assert "third_country_notice" in event.details["warnings"][0]


def test_the_238b_waiting_days_and_unknown_rules_are_warnings(registry: Registry) -> None:
    waiting = salvadoran(1)
    waiting["removal_orders"] = [
        {
            "kind": "administrative",
            "issued_on": "2025-03-05",
            "country": "SV",
            "waived_14_days": False,
            "source": "DHS Final Administrative Removal Order",
        }
    ]
    unknown = salvadoran(2)
    del unknown["protections"]  # not known: the protection rules cannot be decided
    load(registry, [waiting, unknown], at(10))
    first = _nominate(registry, "sv-001", at(12))
    assert first.case is not None
    assert [r.rule for r in first.decision.failed] == ["execution_waiting_period"]
    assert "14 days" in first.warnings[0]
    second = _nominate(registry, "sv-002", at(12))
    assert second.case is not None
    assert second.decision.outcome == "undetermined"
    assert "no_withholding" in second.warnings[-1]
    assert "legal reviewer decides" in second.warnings[-1]
