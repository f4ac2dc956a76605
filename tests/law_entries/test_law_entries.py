"""Law entered in the registry (issue 20, section 1): court orders and their events by legal
reviewers, law parameters' values and agreement amendments by admins, each with its source
document, audited; decisions from the registry apply them from their dates and record them;
replay uses the entries a decision recorded.

Each test runs on SQLite and on PostgreSQL (the `registry` fixture).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from accord.db import read_session, verify_chain, write_session
from accord.decisions import decide_from_registry, replay_decision
from accord.engine import DecisionRequest
from accord.errors import InputError, PermissionDenied, UnknownFacility
from accord.law_entries import enter_law, get_law_entry, list_law_entries, registry_law
from registry.conftest import Registry
from registry.factories import SV, VE, record_case

from .law_data import (
    ADULT_AT_21,
    AMENDMENT,
    JOP_STAYED,
    PDF,
    TEST_ORDER,
    TEST_ORDER_DISSOLVED,
    TEST_ORDER_ID,
    jop_case,
)

T1 = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
T2 = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
T3 = dt.datetime(2025, 3, 14, 12, tzinfo=dt.UTC)
T4 = dt.datetime(2025, 3, 15, 12, tzinfo=dt.UTC)


def _request(as_of: str, **overrides: str) -> DecisionRequest:
    fields = {
        "agreement": "sv-2025-offer",
        "pathway": "third_country_removal",
        "destination": "SV",
        "as_of": as_of,
    }
    return DecisionRequest.build(**(fields | overrides))


def _enter(
    registry: Registry,
    who: str,
    kind: str,
    subject: str,
    body: dict[str, Any],
    *,
    at: dt.datetime = T3,
    document: bytes = PDF,
) -> int:
    with write_session(registry.engine) as session:
        record = enter_law(
            session,
            actor=registry.users[who],
            kind=kind,
            subject=subject,
            body=body,
            document=document,
            document_name="order.pdf",
            media_type="application/pdf",
            now=at,
        )
        return record.id


def _decide(
    registry: Registry, person_id: str, at: dt.datetime, request: DecisionRequest
) -> tuple[dict[str, Any], dict[str, Any], int]:
    with write_session(registry.engine) as session:
        _, record = decide_from_registry(
            session, request=request, person_id=person_id, actor=registry.users["olivia"], now=at
        )
        return record.explanation, record.explanation["ruleset"], record.id


def _rules(explanation: dict[str, Any], status: str) -> list[str]:
    return [r["rule"] for r in explanation[status]]


def test_a_new_court_order_bars_its_class_and_decisions_name_it(registry: Registry) -> None:
    record_case(registry, VE, T1)
    record_case(registry, SV, T1)
    before, _, before_id = _decide(registry, "ve-001", T2, _request("2025-03-15"))
    assert "no_class_order_bar" not in _rules(before, "failed")
    assert "law_entries" not in before  # bundled law alone: the record is as it was

    entry_id = _enter(registry, "lena", "court_order", TEST_ORDER_ID, TEST_ORDER)

    member, ruleset, member_id = _decide(registry, "ve-001", T4, _request("2025-03-15"))
    assert "no_class_order_bar" in _rules(member, "failed")
    (entry,) = member["law_entries"]
    assert entry["entry"] == str(entry_id)
    assert entry["source_document_sha256"] == hashlib.sha256(PDF).hexdigest()
    (order,) = [o for o in member["court_orders"] if o["id"] == TEST_ORDER_ID]
    assert order["law_entry"] == str(entry_id)
    with read_session(registry.engine) as session:
        assert ruleset["law_digest"] == registry_law(session).digest
    # the day before the TRO, it does not bar
    day_before, _, _ = _decide(registry, "ve-001", T4, _request("2025-03-11"))
    assert "no_class_order_bar" not in _rules(day_before, "failed")
    # a non-member (a Salvadoran, not a national of Venezuela) is not barred by it
    other, _, _ = _decide(
        registry, "sv-001", T4, _request("2025-03-15", pathway="return_of_nationals")
    )
    assert "no_class_order_bar" not in _rules(other, "failed")
    assert "no_class_order_bar" in other["passed"]

    with read_session(registry.engine) as session:
        # replay of the decision made before the entry: under the bundled law, as made
        replay = replay_decision(session, decision_id=before_id)
        assert replay.reproduces, replay.differences
        assert "no_class_order_bar" not in [r.rule for r in replay.decision.failed]
        # and of the decision after it: under the entries it recorded
        replay = replay_decision(session, decision_id=member_id)
        assert replay.reproduces, replay.differences
        assert "no_class_order_bar" in [r.rule for r in replay.decision.failed]
    # a later entry changes the law now, not the replay of a decision made before it
    _enter(registry, "lena", "court_order_event", TEST_ORDER_ID, TEST_ORDER_DISSOLVED, at=T4)
    with read_session(registry.engine) as session:
        replay = replay_decision(session, decision_id=member_id)
        assert replay.reproduces, replay.differences
        assert "no_class_order_bar" in [r.rule for r in replay.decision.failed]


def test_a_later_event_of_the_order_ends_it_from_its_date(registry: Registry) -> None:
    record_case(registry, VE, T1)
    _enter(registry, "lena", "court_order", TEST_ORDER_ID, TEST_ORDER)
    event_id = _enter(
        registry, "lena", "court_order_event", TEST_ORDER_ID, TEST_ORDER_DISSOLVED, at=T4
    )
    at = T4 + dt.timedelta(hours=1)
    in_force, _, _ = _decide(registry, "ve-001", at, _request("2025-03-19"))
    assert "no_class_order_bar" in _rules(in_force, "failed")
    dissolved, _, _ = _decide(registry, "ve-001", at, _request("2025-03-20"))
    assert "no_class_order_bar" not in _rules(dissolved, "failed")
    assert [e["entry"] for e in dissolved["law_entries"]] == [str(event_id - 1), str(event_id)]


def test_an_event_of_a_bundled_order_changes_decisions_from_its_date(registry: Registry) -> None:
    record_case(registry, jop_case(), T1)
    request_before, request_on = _request("2026-01-14"), _request("2026-01-15")
    for request in (request_before, request_on):  # the settlement: class element unrecorded
        bundled, _, _ = _decide(registry, "L330", T2, request)
        assert "no_class_order_bar" in _rules(bundled, "unknown")
    entry_id = _enter(registry, "lena", "court_order_event", "jop-v-dhs", JOP_STAYED)
    before, _, _ = _decide(registry, "L330", T4, request_before)
    assert "no_class_order_bar" in _rules(before, "unknown")
    stayed, _, stayed_id = _decide(registry, "L330", T4, request_on)
    assert "no_class_order_bar" not in _rules(stayed, "unknown")
    assert "no_class_order_bar" not in _rules(stayed, "failed")
    (jop,) = [o for o in stayed["court_orders"] if o["id"] == "jop-v-dhs"]
    assert jop["law_entry"] == str(entry_id)
    assert "stayed" in jop["state"]
    with read_session(registry.engine) as session:
        assert replay_decision(session, decision_id=stayed_id).reproduces


def test_a_parameter_value_applies_from_its_effective_date(registry: Registry) -> None:
    nineteen = {**VE, "person_id": "ve-019", "birth_date": "2006-01-01"}
    record_case(registry, nineteen, T1)
    cecot = {"pathway": "custody_placement", "facility": "CECOT"}
    entry_id = _enter(registry, "root", "parameter_value", "adult_age_years", ADULT_AT_21)
    before, _, _ = _decide(registry, "ve-019", T4, _request("2025-03-09", **cecot))
    assert "adult" not in _rules(before, "failed")
    after, _, _ = _decide(registry, "ve-019", T4, _request("2025-03-10", **cecot))
    assert "adult" in _rules(after, "failed")
    (adult,) = [p for p in after["parameters"] if p["parameter"] == "adult_age_years"]
    assert adult["value"] == "21"
    assert f"law entry {entry_id}" in adult["source"]


def test_the_consular_deadline_an_admin_enters_is_the_one_the_report_applies(
    registry: Registry,
) -> None:
    """consular_notification_days is read by `accord publish` alone: a value entered in the
    registry counts for a period whose last day it is in force on, cited with its entry."""
    from accord.publish.period import parse_period
    from accord.publish.service import consular_deadline

    two_days = {
        "effective_from": "2025-04-01",
        "value": 2,
        "source": "Fictitious reading of 'without delay' as 48 hours (TEST ONLY)",
    }
    entry_id = _enter(registry, "root", "parameter_value", "consular_notification_days", two_days)
    with read_session(registry.engine) as session:
        law = registry_law(session)
    march = consular_deadline(parse_period("2025-03..2025-03"), None, law)
    april = consular_deadline(parse_period("2025-04..2025-04"), None, law)
    assert march[0] == 3
    assert "Vienna Convention" in march[1]
    assert april[0] == 2
    assert f"law entry {entry_id}" in april[1]
    assert consular_deadline(parse_period("2025-04..2025-04"), 5, law)[0] == 5  # an override
    with pytest.raises(InputError, match="from 0 to 30"):
        _enter(registry, "root", "parameter_value", "consular_notification_days",
               {**two_days, "value": 31})  # fmt: skip


def test_an_agreement_amendment_applies_from_its_effective_date(registry: Registry) -> None:
    record_case(registry, VE, T1)
    _enter(registry, "root", "agreement_amendment", "sv-2025-offer", AMENDMENT)
    before, _, _ = _decide(registry, "ve-001", T4, _request("2025-03-09"))
    assert "nationality_accepted" not in _rules(before, "failed")
    after, _, _ = _decide(registry, "ve-001", T4, _request("2025-03-10"))
    assert "nationality_accepted" in _rules(after, "failed")


def test_an_amendment_removing_a_facility(registry: Registry) -> None:
    terms = json.loads(json.dumps(AMENDMENT["agreement"]))
    terms["facilities"] = []
    terms["pathways"].pop("custody_placement")
    body = {**AMENDMENT, "what": "CECOT withdrawn (TEST ONLY)", "agreement": terms}
    record_case(registry, VE, T1)
    _enter(registry, "root", "agreement_amendment", "sv-2025-offer", body)
    cecot = {"pathway": "custody_placement", "facility": "CECOT"}
    _decide(registry, "ve-001", T4, _request("2025-03-09", **cecot))  # still a facility
    with pytest.raises(UnknownFacility, match="no facility 'CECOT'"):
        _decide(registry, "ve-001", T4, _request("2025-03-10", **cecot))


def _written(registry: Registry) -> tuple[int, int]:
    (entries,) = registry.sql("SELECT count(*) FROM law_entries")
    (audit,) = registry.sql("SELECT count(*) FROM audit_log")
    return entries[0], audit[0]


REFUSALS: list[tuple[str, str, str, str, dict[str, Any], bytes, type[Exception], str]] = [
    (
        "officer",
        "olivia",
        "court_order",
        TEST_ORDER_ID,
        TEST_ORDER,
        PDF,
        PermissionDenied,
        "may not law.orders",
    ),
    (
        "admin order",
        "root",
        "court_order",
        TEST_ORDER_ID,
        TEST_ORDER,
        PDF,
        PermissionDenied,
        "may not law.orders",
    ),
    (
        "reviewer parameter",
        "lena",
        "parameter_value",
        "adult_age_years",
        ADULT_AT_21,
        PDF,
        PermissionDenied,
        "may not law.terms",
    ),
    (
        "bad predicate",
        "lena",
        "court_order",
        TEST_ORDER_ID,
        {**TEST_ORDER, "class": {**TEST_ORDER["class"], "predicate": {"shoe_size": [9]}}},
        PDF,
        InputError,
        "class predicate",
    ),
    (
        "event out of order",
        "lena",
        "court_order_event",
        "jop-v-dhs",
        {**JOP_STAYED, "date": "2024-01-01"},
        PDF,
        InputError,
        "before its entry",
    ),
    (
        "event before the last",
        "lena",
        "court_order_event",
        "dbu-v-trump",
        {**JOP_STAYED, "date": "2025-05-01"},
        PDF,
        InputError,
        "out of date order",
    ),
    (
        "unknown order",
        "lena",
        "court_order_event",
        "no-such-order",
        JOP_STAYED,
        PDF,
        InputError,
        "no court order 'no-such-order'",
    ),
    (
        "parameter out of range",
        "root",
        "parameter_value",
        "adult_age_years",
        {**ADULT_AT_21, "value": 99},
        PDF,
        InputError,
        "from 14 to 21",
    ),
    (
        "empty document",
        "lena",
        "court_order",
        TEST_ORDER_ID,
        TEST_ORDER,
        b"",
        InputError,
        "document is empty",
    ),
]


@pytest.mark.parametrize(
    ("who", "kind", "subject", "body", "document", "error", "message"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_refused_entries_write_nothing(
    registry: Registry,
    who: str,
    kind: str,
    subject: str,
    body: dict[str, Any],
    document: bytes,
    error: type[Exception],
    message: str,
) -> None:
    before = _written(registry)
    with pytest.raises(error, match=message):
        _enter(registry, who, kind, subject, body, document=document)
    assert _written(registry) == before


def test_the_table_is_append_only_and_the_audit_holds_the_document_hash(
    registry: Registry,
) -> None:
    entry_id = _enter(registry, "lena", "court_order", TEST_ORDER_ID, TEST_ORDER)
    for statement in ("UPDATE law_entries SET subject = 'x'", "DELETE FROM law_entries"):
        with pytest.raises(DBAPIError, match=r"append-only|refused"):
            registry.sql(statement)
    with read_session(registry.engine) as session:
        record = get_law_entry(session, entry_id=entry_id)
        assert record.source_document == PDF
        assert [r.id for r in list_law_entries(session)] == [entry_id]
        assert list_law_entries(session, kind="parameter_value") == []
        (row,) = registry.sql(
            "SELECT action, change FROM audit_log WHERE seq = :seq", seq=record.audit_seq
        )
        assert row[0] == "law.enter"
        change = json.loads(row[1])
        assert change["source_document_sha256"] == hashlib.sha256(PDF).hexdigest()
        assert change["body"]["id"] == TEST_ORDER_ID
        assert verify_chain(session).intact
