"""Issue 19 item 5: third-country notice cannot be backdated.

A notice is not served before the removal order in force it is given under, nor after it is
recorded (it may precede Accord's nomination: DHS serves it when it does); DateOutOfRange:
exit 2 on the CLI, 422 on HTTP. One recorded
more than a day after its service is kept pending: the notice rule does not pass on it until a
legal reviewer other than its recorder confirms it (service, CLI, API and dashboard).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from accord.api import create_app
from accord.auth import issue_token
from accord.casefile.models import CaseFile
from accord.db import read_session, verify_chain, write_session
from accord.db.models import AuditEntry
from accord.decisions.service import decide_from_registry
from accord.errors import DateOutOfRange, IllegalTransition, SeparationOfDuties
from accord.operations.models import OperationsEvent, TransferCase
from accord.operations.reconcile import reconcile
from accord.operations.states import ApproveReason, CaseState
from accord.operations.workflow import (
    NOTICE_RULE,
    PENDING_NOTICE,
    case_request,
    confirm_notice,
    nominate,
    review,
    serve_notices,
)
from accord.registry import import_case_files, person_case_file
from api.conftest import Api, empty_database, pg_server, registry, settings_for
from case_files import case_file
from registry.conftest import Registry

__all__ = ["empty_database", "pg_server", "registry"]  # the fixtures this module uses

CECOT = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
}


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, tzinfo=dt.UTC)


def _load(registry: Registry, record: dict[str, Any], now: dt.datetime) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=[CaseFile.model_validate(record)],
            source_document="test case file",
            valid_from=dt.date(2025, 3, 1),
            now=now,
        )


def _venezuelan(person_id: str) -> dict[str, Any]:
    """Notice owed for CECOT: the order designates Venezuela and no alternative country (were
    the alternatives not recorded, the notice rule could not tell and would be unknown)."""
    record: dict[str, Any] = case_file(person_id, "VE")
    record["removal_orders"][0]["alternative_countries"] = []
    return record


def _approved_case(registry: Registry, person_id: str, start: dt.datetime) -> int:
    """A Venezuelan loaded at `start`, nominated by olivia a day later and approved by lena
    the day after, no notice served: its case id."""
    _load(registry, _venezuelan(person_id), start)
    with write_session(registry.engine) as s:
        case_id = nominate(
            s,
            actor=registry.users["olivia"],
            person_id=person_id,
            now=start + dt.timedelta(days=1),
            **CECOT,
        ).id
    with write_session(registry.engine) as s:
        review(
            s,
            actor=registry.users["lena"],
            case_id=case_id,
            approve=True,
            reason=ApproveReason.FACTS_VERIFIED,
            now=start + dt.timedelta(days=2),
        )
    return case_id


def _serve(registry: Registry, case_id: int, served_on: dt.date, now: dt.datetime | None) -> Any:
    with write_session(registry.engine) as s:
        (event,) = serve_notices(
            s,
            actor=registry.users["olivia"],
            case_ids=[case_id],
            served_on=served_on,
            counsel=True,
            source_document="DHS written notice naming El Salvador",
            now=now,
        )
        return event.kind, event.id


def _notice_verdict(registry: Registry, case_id: int, now: dt.datetime) -> tuple[str, str]:
    """(the decision's outcome, the notice rule's status) for the case, decided at `now`."""
    with write_session(registry.engine) as s:
        case = s.get(TransferCase, case_id)
        assert case is not None
        decision, _ = decide_from_registry(
            s,
            request=case_request(case, now.date()),
            person_id=case.person_id,
            actor=registry.users["lena"],
            now=now,
        )
    failed = {r.rule for r in decision.failed}
    unknown = {r.rule for r in decision.unknown}
    status = "fail" if NOTICE_RULE in failed else "unknown" if NOTICE_RULE in unknown else "pass"
    return decision.outcome, status


def _state_and_notices(registry: Registry, case_id: int) -> tuple[str, int]:
    with read_session(registry.engine) as s:
        case = s.get(TransferCase, case_id)
        assert case is not None
        notices = person_case_file(s, person_id=case.person_id).notices or []
        return case.state, len(notices)


@pytest.mark.parametrize(
    ("served_on", "message"),
    [
        (dt.date(2000, 1, 1), "before the removal order"),  # the issue's backdated notice
        (dt.date(2025, 3, 16), "after it is recorded"),  # the day after it is recorded
    ],
)
def test_a_notice_outside_its_case_is_refused_and_nothing_written(
    registry: Registry, served_on: dt.date, message: str
) -> None:
    case_id = _approved_case(registry, "ve-101", at(12))  # nominated on the 13th
    with pytest.raises(DateOutOfRange, match=message):
        _serve(registry, case_id, served_on, at(15))
    assert _state_and_notices(registry, case_id) == (CaseState.APPROVED, 0)
    outcome, notice = _notice_verdict(registry, case_id, at(20))
    assert (outcome, notice) == ("ineligible", "fail")


def test_a_notice_served_before_the_nomination_is_taken_pending_confirmation(
    registry: Registry,
) -> None:
    """Served on the 12th under the order in force, the day before Accord's nomination of the
    13th, recorded on the 14th: not refused (the order bounds it, not the nomination), but two
    days late, so it waits for a legal reviewer."""
    case_id = _approved_case(registry, "ve-103", at(12))
    kind, _ = _serve(registry, case_id, dt.date(2025, 3, 12), at(14, 13))
    assert kind == PENDING_NOTICE
    assert _state_and_notices(registry, case_id) == (CaseState.APPROVED, 0)


def test_a_notice_before_the_removal_order_it_is_given_under_is_refused(
    registry: Registry,
) -> None:
    """The order of 2024 is vacated on reopening and a new one issued on 15 March, after the
    nomination: a notice of the 14th was not given under the order in force."""
    case_id = _approved_case(registry, "ve-102", at(12))
    record = _venezuelan("ve-102")
    (old,) = record["removal_orders"]
    record["removal_orders"] = [
        old | {"vacated_on": "2025-03-15"},
        old | {"issued_on": "2025-03-15", "source": "new order after reopening"},
    ]
    _load(registry, record, at(15, 13))
    with pytest.raises(DateOutOfRange, match=r"before the removal order .*issued 2025-03-15"):
        _serve(registry, case_id, dt.date(2025, 3, 14), at(16))
    assert _state_and_notices(registry, case_id) == (CaseState.APPROVED, 0)
    assert _serve(registry, case_id, dt.date(2025, 3, 15), at(16))[0] == "notice_served"
    assert _state_and_notices(registry, case_id) == (CaseState.READY, 1)


def test_a_notice_recorded_the_day_after_service_counts_at_once(registry: Registry) -> None:
    case_id = _approved_case(registry, "ve-103", at(12))
    assert _serve(registry, case_id, dt.date(2025, 3, 14), at(15, 23))[0] == "notice_served"
    assert _state_and_notices(registry, case_id) == (CaseState.READY, 1)
    assert _notice_verdict(registry, case_id, at(20)) == ("eligible", "pass")


def test_a_late_notice_counts_only_once_another_legal_reviewer_confirms_it(
    registry: Registry,
) -> None:
    case_id = _approved_case(registry, "ve-104", at(12))
    kind, pending_id = _serve(registry, case_id, dt.date(2025, 3, 14), at(17))  # 3 days late
    assert kind == PENDING_NOTICE
    assert _state_and_notices(registry, case_id) == (CaseState.APPROVED, 0)
    with write_session(registry.engine) as s:  # a pending notice is no step of the case
        report = reconcile(s, now=at(17, 1))
        assert report.clean, report.violations
    assert _notice_verdict(registry, case_id, at(20)) == ("ineligible", "fail")
    with write_session(registry.engine) as s, pytest.raises(SeparationOfDuties):
        confirm_notice(s, actor=registry.users["olivia"], case_id=case_id, now=at(20, 13))
    assert _notice_verdict(registry, case_id, at(20, 14)) == ("ineligible", "fail")

    with write_session(registry.engine) as s:
        event = confirm_notice(s, actor=registry.users["lena"], case_id=case_id, now=at(20, 15))
        assert (event.kind, event.to_state) == ("notice_served", CaseState.READY)
        assert event.details["confirms_event"] == pending_id
        assert event.details["served_on"] == "2025-03-14"
    assert _state_and_notices(registry, case_id) == (CaseState.READY, 1)
    assert _notice_verdict(registry, case_id, at(20, 16)) == ("eligible", "pass")
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match="no notice"):
        confirm_notice(s, actor=registry.users["lena"], case_id=case_id, now=at(20, 17))
    with read_session(registry.engine) as s:
        assert verify_chain(s).intact
        actions = s.execute(
            select(AuditEntry.actor, AuditEntry.action).where(
                AuditEntry.subject == f"case:{case_id}"
            )
        ).all()
        kinds = s.scalars(
            select(OperationsEvent.kind)
            .where(OperationsEvent.case_id == case_id)
            .order_by(OperationsEvent.id)
        ).all()
    assert ("olivia", f"operations.{PENDING_NOTICE}") in actions
    assert ("lena", "operations.notice_served") in actions
    assert kinds == ["nominated", "approved", PENDING_NOTICE, "notice_served"]


# The CLI, the API and the dashboard run on the real clock: the case is made days ago.
def _days_ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=days)


@pytest.fixture
def recent(registry: Registry) -> Iterator[tuple[Api, int]]:
    """A case nominated 5 days ago and approved 4 days ago, and the API (tokens issued now)."""
    case_id = _approved_case(registry, "ve-201", _days_ago(6))
    app = create_app(settings_for(registry), engine=registry.engine)
    with write_session(registry.engine) as session:
        tokens = {
            name: issue_token(session, actor=registry.users[name], name=name)
            for name in ("olivia", "lena")
        }
    with TestClient(app, follow_redirects=False) as client:
        yield Api(registry=registry, app=app, client=client, tokens=tokens), case_id


def _day(days_ago: int) -> str:
    return _days_ago(days_ago).date().isoformat()


@pytest.mark.parametrize("registry", ["sqlite"], indirect=True)
def test_cli_refuses_a_backdated_notice_in_one_line_and_confirms_a_late_one(
    recent: tuple[Api, int],
) -> None:
    api, case_id = recent
    reg = api.registry
    for served_on in ("2000-01-01", _day(-1)):  # before the order; tomorrow
        refused = reg.cli(
            "notice", str(case_id), "--served-on", served_on, "--source", "doc", as_user="olivia"
        )
        assert refused.returncode == 2, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "--served-on" in refused.stderr
        assert "Traceback" not in refused.stderr
    late = reg.cli(
        "notice", str(case_id), "--served-on", _day(3), "--source", "doc", as_user="olivia"
    )
    assert late.returncode == 0, late.stderr
    assert "accord confirm-notice" in late.stdout
    assert _state_and_notices(reg, case_id) == (CaseState.APPROVED, 0)
    refused = reg.cli("confirm-notice", str(case_id), as_user="olivia")  # not a legal reviewer
    assert refused.returncode == 2, refused.stderr
    done = reg.cli("confirm-notice", str(case_id), as_user="lena")
    assert done.returncode == 0, done.stderr
    assert "notice served; earliest departure" in done.stdout
    assert _state_and_notices(reg, case_id) == (CaseState.READY, 1)


def test_api_refuses_a_backdated_notice_with_422_and_confirms_a_late_one(
    recent: tuple[Api, int],
) -> None:
    api, case_id = recent
    body = {"case_ids": [case_id], "source_document": "DHS notice", "counsel": True}
    for served_on in ("2000-01-01", _day(-1)):  # before the order; tomorrow
        refused = api.call(
            "olivia", "POST", "/api/v1/cases/notices", json=body | {"served_on": served_on}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] in {"date_out_of_range", "validation_error"}
    late = api.call("olivia", "POST", "/api/v1/cases/notices", json=body | {"served_on": _day(3)})
    assert late.status_code == 200, late.text
    assert late.json()[0]["kind"] == PENDING_NOTICE
    confirm = f"/api/v1/cases/{case_id}/notice/confirm"
    assert api.call("olivia", "POST", confirm).status_code == 403
    done = api.call("lena", "POST", confirm)
    assert done.status_code == 200, done.text
    assert (done.json()["kind"], done.json()["to_state"]) == ("notice_served", "ready")
    again = api.call("lena", "POST", confirm)
    assert again.status_code == 409, again.text


def _login(api: Api, name: str) -> TestClient:
    client = TestClient(api.app, follow_redirects=False)
    form = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login?next=/").text)
    assert form is not None
    data = {"token": api.tokens[name], "csrf_token": form[1], "next": "/"}
    assert client.post("/login", data=data).status_code == 303
    return client


@pytest.mark.parametrize("registry", ["sqlite"], indirect=True)
def test_dashboard_shows_a_late_notice_pending_and_a_legal_reviewer_confirms_it(
    recent: tuple[Api, int],
) -> None:
    api, case_id = recent
    _serve(api.registry, case_id, _days_ago(3).date(), None)  # recorded now
    officer = _login(api, "olivia")
    page = officer.get("/people/ve-201").text
    assert "does not count until another legal reviewer confirms it" in page
    assert f"/cases/{case_id}/notice/confirm" not in page  # the officer has no such button
    reviewer = _login(api, "lena")
    page = reviewer.get("/people/ve-201").text
    assert f'action="/cases/{case_id}/notice/confirm"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    done = reviewer.post(f"/cases/{case_id}/notice/confirm", data={"csrf_token": csrf[1]})
    assert done.status_code == 303
    shown = reviewer.get("/people/ve-201").text
    assert f"Notice confirmed for case {case_id}" in shown
    assert "does not count until" not in shown
    assert _state_and_notices(api.registry, case_id) == (CaseState.READY, 1)
