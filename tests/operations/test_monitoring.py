"""Safeguards after transfer: the counsel access log and monitoring visits with findings and
recommendations, through the service functions and the CLI (who may record them)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from accord.auth import add_user
from accord.db import read_session, verify_chain, write_session
from accord.errors import InputError, OutsideFacilityScope, UnknownOperationsRecord, UnknownPerson
from accord.operations.care import log_counsel_access, record_visit
from accord.operations.models import CounselAccess, MonitoringFinding, MonitoringVisit
from accord.operations.states import CounselAccessKind, FindingSeverity

from .conftest import Registry
from .people import (
    at,
    audit_actions,
    audit_changes,
    in_custody,
    load,
    run_cli,
    snapshot,
    venezuelan,
)


def test_counsel_access_is_logged_refusals_included(registry: Registry) -> None:
    in_custody(registry)
    load(registry, [venezuelan(9)], at(16, 5))  # known to the registry, never transferred
    with write_session(registry.engine) as s:
        log_counsel_access(
            s,
            actor=registry.users["olivia"],
            person_id="ve-001",
            counsel="CASA legal services",
            kind=CounselAccessKind.CALL,
            occurred_at=at(17, 9),
            note="20 minutes",
            now=at(17, 10),
        )
        log_counsel_access(  # a refusal is kept too: it is what a monitor needs to see
            s,
            actor=registry.users["liam"],
            person_id="sv-001",
            counsel="ACLU",
            kind=CounselAccessKind.REFUSED,
            occurred_at=at(17, 11),
            note="visit refused at the gate",
            now=at(17, 12),
        )
        lara = add_user(
            s, actor=registry.users["root"], name="lara", role="receiving_liaison", now=at(17, 13)
        )
    before = snapshot(registry)
    refusals: list[tuple[str, str, dt.datetime, type[Exception], str]] = [
        ("olivia", " ", at(17, 14), InputError, "--counsel"),
        ("olivia", "ACLU", at(19), InputError, "past time"),
        ("olivia", "ACLU", dt.datetime(2025, 3, 17, 9), InputError, "timezone"),
    ]
    for user, counsel, when, error, message in refusals:
        with write_session(registry.engine) as s, pytest.raises(error, match=message):
            log_counsel_access(
                s,
                actor=registry.users[user],
                person_id="ve-001",
                counsel=counsel,
                kind=CounselAccessKind.IN_PERSON,
                occurred_at=when,
                now=at(17, 15),
            )
    others: list[tuple[object, str, type[Exception], str]] = [
        (registry.users["olivia"], "nobody", UnknownPerson, "nobody"),
        (lara, "ve-001", OutsideFacilityScope, "lara"),
        (registry.users["liam"], "ve-009", UnknownOperationsRecord, "not in custody"),
    ]
    for actor, person, error, message in others:
        with write_session(registry.engine) as s, pytest.raises(error, match=message):
            log_counsel_access(
                s,
                actor=actor,  # type: ignore[arg-type]
                person_id=person,
                counsel="ACLU",
                kind=CounselAccessKind.IN_PERSON,
                occurred_at=at(17, 14),
                now=at(17, 15),
            )
    assert snapshot(registry) == before
    monitor = run_cli(
        registry,
        "counsel",
        "log",
        "ve-001",
        "--counsel",
        "ACLU",
        "--kind",
        "call",
        "--at",
        "2025-03-17T09:00:00+00:00",
        as_user="mona",
    )
    assert monitor.returncode == 2
    assert "may not" in monitor.stderr
    assert snapshot(registry) == before

    with read_session(registry.engine) as s:
        rows = list(s.scalars(select(CounselAccess).order_by(CounselAccess.id)))
    assert [(r.person_id, r.counsel, r.kind, r.occurred_at) for r in rows] == [
        ("ve-001", "CASA legal services", "call", at(17, 9)),
        ("sv-001", "ACLU", "refused", at(17, 11)),
    ]
    logged = audit_changes(registry, "operations.counsel_access")
    assert [(c["actor"], c["subject"], c["kind"]) for c in logged] == [
        ("olivia", "person:ve-001", "call"),
        ("liam", "person:sv-001", "refused"),
    ]


def test_monitoring_visits_with_findings_only_monitors_record(registry: Registry) -> None:
    with write_session(registry.engine) as s:
        visit = record_visit(
            s,
            actor=registry.users["mona"],
            facility_id="cecot",
            visited_on=dt.date(2025, 3, 18),
            summary="Module 8 visited; 40 persons per cell",
            findings=[
                (
                    FindingSeverity.SERIOUS,
                    "no private room for counsel",
                    "provide a room where counsel can meet clients unheard",
                ),
                (FindingSeverity.INFO, "consular list posted", "keep it current"),
            ],
            now=at(18, 20),
        )
        visit_id = visit.id
        assert visit.facility_id == "CECOT"  # as the agreement spells it
    refusals: list[tuple[str, dt.date, str, type[Exception], str]] = [
        ("NOPE", dt.date(2025, 3, 18), "x", UnknownOperationsRecord, "NOPE"),
        ("CECOT", dt.date(2025, 3, 19), "x", InputError, "after it took place"),
        ("CECOT", dt.date(2025, 3, 18), " ", InputError, "--summary"),
    ]
    before = snapshot(registry)
    for facility, day, summary, error, message in refusals:
        with write_session(registry.engine) as s, pytest.raises(error, match=message):
            record_visit(
                s,
                actor=registry.users["mona"],
                facility_id=facility,
                visited_on=day,
                summary=summary,
                now=at(18, 21),
            )
    assert snapshot(registry) == before
    with read_session(registry.engine) as s:
        findings = list(
            s.scalars(
                select(MonitoringFinding)
                .where(MonitoringFinding.visit_id == visit_id)
                .order_by(MonitoringFinding.id)
            )
        )
    assert [(f.severity, f.finding, f.recommendation) for f in findings] == [
        (
            "serious",
            "no private room for counsel",
            "provide a room where counsel can meet clients unheard",
        ),
        ("info", "consular list posted", "keep it current"),
    ]
    [entry] = audit_changes(registry, "operations.monitoring_visit")
    assert entry["actor"] == "mona"
    assert entry["subject"] == "facility:CECOT"
    assert entry["findings"] == [
        [
            "serious",
            "no private room for counsel",
            "provide a room where counsel can meet clients unheard",
        ],
        ["info", "consular list posted", "keep it current"],
    ]

    # through the CLI: the monitor records; no other role may
    args = [
        "visits",
        "record",
        "CECOT",
        "--on",
        "2025-03-19",
        "--summary",
        "follow-up",
        "--finding",
        "concern:cells over capacity:reduce occupancy",
    ]
    for user in ("olivia", "lena", "liam", "ana", "root"):
        denied = run_cli(registry, *args, as_user=user)
        assert denied.returncode == 2, (user, denied.stdout)
        assert "may not" in denied.stderr
        assert len(denied.stderr.strip().splitlines()) == 1
    bad = run_cli(registry, *args[:-1], "urgent:cells", as_user="mona")
    assert bad.returncode == 2
    assert "SEVERITY:FINDING:RECOMMENDATION" in bad.stderr
    assert snapshot(registry) == before
    done = run_cli(registry, *args, as_user="mona")
    assert done.returncode == 0, done.stderr
    assert "recorded with 1 finding(s)" in done.stdout
    with read_session(registry.engine) as s:
        visits = list(s.scalars(select(MonitoringVisit).order_by(MonitoringVisit.id)))
        assert verify_chain(s).intact
    assert [(v.facility_id, v.visited_on, v.recorded_by_id) for v in visits] == [
        ("CECOT", dt.date(2025, 3, 18), registry.users["mona"].id),
        ("CECOT", dt.date(2025, 3, 19), registry.users["mona"].id),
    ]
    assert audit_actions(registry) == ["operations.monitoring_visit"] * 2
