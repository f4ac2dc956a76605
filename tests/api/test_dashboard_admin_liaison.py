"""The liaison's and the admin's dashboard pages in-process (a session cookie, no browser):
what they show, that their forms call the audited services, that a refused form comes back
with each error beside its field and what was typed, and the friendly 404 and 403 pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from accord.auth.accounts import disable_user, list_tokens, user_rows
from accord.auth.models import ApiToken
from accord.auth.users import add_user, issue_token
from accord.db import AuditEntry, read_session, write_session
from accord.errors import RegistryConflict
from accord.operations.models import CensusReport, TransferCase
from operations.people import departed_mission, salvadoran

from .conftest import Api, csrf_of

pytestmark = pytest.mark.parametrize("registry", ["sqlite"], indirect=True)


def _actions(api: Api, action: str) -> list[AuditEntry]:
    with read_session(api.registry.engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _error_beside(page: str, field_id: str) -> str:
    """The message shown beside the field (its error-message span), '' if none."""
    found = re.search(
        rf'id="{field_id}-error"><span class="visually-hidden">Error: </span>([^<]*)<', page
    )
    return found[1] if found else ""


def test_liaison_checks_identity_confirms_handover_and_reports_census(api: Api) -> None:
    cases = departed_mission(api.registry, [salvadoran(1), salvadoran(2)], mission="GST-7")
    liam = api.browser("liam")
    page = liam.get("/liaison")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Mission GST-7" in text
    # identity at the door: name, date of birth, nationality and case of each person
    assert "sv-001" in text
    assert "SV" in text
    assert str(cases["sv-001"]) in text
    assert re.search(r"<td data-label=\"Date of birth\">1994-08-12</td>", text)
    assert _actions(api, "read.dashboard_liaison")

    # nothing ticked: the page again, the error beside the list, nothing written
    refused = liam.post(
        "/liaison/missions/GST-7/handover",
        data={"csrf_token": csrf_of(text), "facility": "CECOT", "outcome": "received"},
    )
    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert _error_beside(refused.text, "h1-person_id").startswith("Select each person")

    done = liam.post(
        "/liaison/missions/GST-7/handover",
        data={
            "csrf_token": csrf_of(text),
            "facility": "CECOT",
            "person_id": ["sv-001"],
            "outcome": "received",
        },
    )
    assert done.status_code == 303, done.text
    with read_session(api.registry.engine) as s:
        assert s.get(TransferCase, cases["sv-001"]).state == "in_custody"  # type: ignore[union-attr]
        assert s.get(TransferCase, cases["sv-002"]).state == "departed"  # type: ignore[union-attr]
    assert _actions(api, "operations.handover_received") or _actions(api, "operations.event")

    # a census with a negative count: the error beside the count, the typed values kept
    bad = liam.post(
        "/liaison/census",
        data={"csrf_token": csrf_of(text), "facility": "CECOT", "day": "2025-03-16", "count": "-3"},
    )
    assert bad.status_code == 400
    assert _error_beside(bad.text, "census-count") == "Number of persons held must be 0 or more"
    assert 'value="-3"' in bad.text
    assert 'value="2025-03-16"' in bad.text
    today = dt.datetime.now(dt.UTC).date().isoformat()  # the handover was recorded now
    good = liam.post(
        "/liaison/census",
        data={"csrf_token": csrf_of(text), "facility": "CECOT", "day": today, "count": "1"},
    )
    assert good.status_code == 303, good.text
    with read_session(api.registry.engine) as s:
        (report,) = s.scalars(select(CensusReport)).all()
        assert (report.reported_count, report.registry_count) == (1, 1)

    closed = liam.post(
        "/liaison/missions/GST-7/close", data={"csrf_token": csrf_of(text), "facility": "CECOT"}
    )
    assert closed.status_code == 303
    after = liam.get(closed.headers["location"]).text
    assert "1 missing (incident opened)" in after


def test_liaison_sees_only_their_own_facility(api: Api) -> None:
    # the mission's records are dated March 2025: made before any sign-in, which is audited
    # at the real time (record time never goes back)
    departed_mission(api.registry, [salvadoran(1)], mission="GST-8")  # assigns liam to CECOT
    with write_session(api.registry.engine) as s:
        lea = add_user(s, actor=api.registry.users["root"], name="lea", role="receiving_liaison")
        api.tokens["lea"] = issue_token(s, actor=lea, name="lea")
    lea_page = api.browser("lea").get("/liaison").text
    assert "No facility is assigned to you" in lea_page  # a liaison not yet assigned
    liam = api.browser("liam")
    other = liam.get("/liaison?facility=TERMA")
    assert other.status_code in (403, 404)
    officer = api.browser("olivia")
    forbidden = officer.get("/liaison")
    assert forbidden.status_code == 403
    assert "operations.handover" in forbidden.text
    assert "receiving_liaison" in forbidden.text  # the role that has it
    assert "root" in forbidden.text  # the admin to ask


def test_admin_adds_a_user_changes_role_and_disables(api: Api) -> None:
    root = api.browser("root")
    page = root.get("/admin").text
    assert "liam" in page
    assert "Receiving liaison" in page
    # a taken name: the error beside the field, what was typed kept, nothing written
    taken = root.post(
        "/admin/users", data={"csrf_token": csrf_of(page), "name": "liam", "role": "officer"}
    )
    assert taken.status_code == 400
    assert "already exists" in _error_beside(taken.text, "field-name")
    assert 'value="liam"' in taken.text
    assert re.search(r'<option value="officer" selected>', taken.text)
    missing = root.post("/admin/users", data={"csrf_token": csrf_of(page), "name": "", "role": ""})
    assert _error_beside(missing.text, "field-name") == "Enter user name"
    assert _error_beside(missing.text, "field-role") == "Select role"

    added = root.post(
        "/admin/users", data={"csrf_token": csrf_of(page), "name": "nora", "role": "officer"}
    )
    assert added.status_code == 200
    code = re.search(r'<code id="secret" class="secret">(enrol_[^<]+)</code>', added.text)
    assert code is not None
    assert added.headers["cache-control"] == "no-store"
    redeemed = api.client.post("/api/v1/enrol", json={"code": code[1]})
    assert redeemed.status_code == 201
    nora_token = redeemed.json()["token"]
    assert api.client.get("/api/v1/users", headers={"Authorization": f"Bearer {nora_token}"})

    role = root.post(
        "/admin/users/nora/role", data={"csrf_token": csrf_of(page), "role": "monitor"}
    )
    assert role.status_code == 303
    same = root.post(
        "/admin/users/nora/role", data={"csrf_token": csrf_of(page), "role": "monitor"}
    )
    assert same.status_code == 400
    assert "already monitor" in _error_beside(same.text, "field-role")

    disabled = root.post("/admin/users/nora/disable", data={"csrf_token": csrf_of(page)})
    assert disabled.status_code == 303
    refused = api.client.get("/api/v1/cases", headers={"Authorization": f"Bearer {nora_token}"})
    assert refused.status_code == 401
    (entry,) = _actions(api, "user.disable")
    assert entry.subject == "user:nora"
    assert "disabled" in root.get("/admin").text


def test_admin_issues_a_token_once_and_revokes_it(api: Api) -> None:
    root = api.browser("root")
    page = root.get("/admin/tokens").text
    issued = root.post("/admin/tokens", data={"csrf_token": csrf_of(page)})
    assert issued.status_code == 200
    token = re.search(r'<code id="secret" class="secret">(accord_[^<]+)</code>', issued.text)
    assert token is not None
    key_id = token[1].split("_")[1]
    assert f"<code>{key_id}</code>" in issued.text
    assert root.get("/admin/tokens").text.count(token[1]) == 0  # shown once only
    headers = {"Authorization": f"Bearer {token[1]}"}
    assert api.client.get("/api/v1/users", headers=headers).status_code == 200
    revoked = root.post(f"/admin/tokens/{key_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert revoked.status_code == 303
    assert api.client.get("/api/v1/users", headers=headers).status_code == 401
    assert _actions(api, "user.token_revoke")


def test_admin_assigns_a_liaison_and_sees_the_roles(api: Api) -> None:
    root = api.browser("root")
    page = root.get("/admin/liaisons").text
    wrong = root.post(
        "/admin/liaisons", data={"csrf_token": csrf_of(page), "user_name": "liam", "facility": ""}
    )
    assert wrong.status_code == 400
    assert _error_beside(wrong.text, "field-facility") == "Select facility"
    assert re.search(r'<option value="liam" selected>', wrong.text)
    done = root.post(
        "/admin/liaisons",
        data={"csrf_token": csrf_of(page), "user_name": "liam", "facility": "CECOT"},
    )
    assert done.status_code == 303, done.text
    assert "CECOT" in root.get("/admin/liaisons").text
    assert _actions(api, "operations.liaison_assigned")
    roles = root.get("/admin/roles").text
    assert "report the daily census of their facility" in roles
    monitor = api.browser("mona")  # users.read: the lists, not the forms
    listed = monitor.get("/admin").text
    assert "Add a user" not in listed
    assert "liam" in listed


def test_friendly_not_found_pages_and_problem_json_for_the_api(api: Api) -> None:
    officer = api.browser("olivia")
    page = officer.get("/no/such/page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Page not found" in page.text
    assert 'href="/"' in page.text
    assert "olivia" in page.text  # still logged in: the menu and the user are there
    record = officer.get("/missions/NO-SUCH")
    assert record.status_code == 404
    assert "Back to Missions" in record.text
    api_path = officer.get("/api/v1/nothing-here", headers={"Accept": "text/html"})
    assert api_path.headers["content-type"].startswith("application/problem+json")
    plain = TestClient(api.app).get("/no/such/page")
    assert plain.headers["content-type"].startswith("application/problem+json")


def test_disable_user_service_refuses_self_and_the_already_disabled(api: Any) -> None:
    reg = api.registry
    with write_session(reg.engine) as s, pytest.raises(RegistryConflict, match="yourself"):
        disable_user(s, actor=reg.users["root"], name="root")
    with write_session(reg.engine) as s:
        done = disable_user(s, actor=reg.users["root"], name="ana")
        assert done.tokens_revoked >= 1
    with write_session(reg.engine) as s, pytest.raises(RegistryConflict, match="disabled"):
        disable_user(s, actor=reg.users["root"], name="ana")
    with read_session(reg.engine) as s:
        (row,) = [r for r in user_rows(s) if r.user.name == "ana"]
        assert row.disabled
        assert all(t.revoked_at is not None for t in list_tokens(s, user_name="ana"))


def test_the_other_forms_keep_what_was_typed_and_say_what_is_wrong(api: Api) -> None:
    monitor = api.browser("mona")
    page = monitor.get("/visits").text
    visit = {"csrf_token": csrf_of(page), "facility": "CECOT", "visited_on": "2025-02-30"}
    visit |= {"summary": "", "severity": ["", ""], "finding": ["Cells at capacity", ""]}
    visit |= {"recommendation": ["Open a wing", ""]}
    refused = monitor.post("/visits", data=visit)
    assert refused.status_code == 400
    assert _error_beside(refused.text, "field-visited_on").startswith("Visited on must be")
    assert _error_beside(refused.text, "field-summary") == "Enter summary"
    assert _error_beside(refused.text, "field-severity-1") == "Select the severity of finding 1"
    assert 'value="Cells at capacity"' in refused.text
    assert 'value="Open a wing"' in refused.text
    assert re.search(r'<option value="CECOT" selected>', refused.text)

    analyst = api.browser("ana")
    sim = analyst.get("/simulator?scenario=nope&draws=0&seed=7")
    assert sim.status_code == 400
    assert _error_beside(sim.text, "field-scenario") == "Select scenario from the list"
    assert _error_beside(sim.text, "field-draws") == "Draws must be 1 or more"
    assert 'value="7"' in sim.text
    assert 'value="0"' in sim.text

    reviewer = api.browser("lena")
    impact = reviewer.get("/impact?order=jop-v-dhs&in_force_from=2025-13-01")
    assert impact.status_code == 400
    assert _error_beside(impact.text, "order-in_force_from").startswith("In force from must be")
    assert re.search(r'<option value="jop-v-dhs" selected>', impact.text)

    anonymous = TestClient(api.app, follow_redirects=False)
    form = anonymous.get("/login?next=/").text
    empty = anonymous.post("/login", data={"token": "", "csrf_token": csrf_of(form), "next": "/"})
    assert empty.status_code == 400
    assert "There is a problem" in empty.text
    assert 'id="token-error"' in empty.text
    assert "Enter your API token" in empty.text


def _csv(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))


def test_the_tokens_list_filters_sorts_pages_and_downloads_without_secrets(api: Api) -> None:
    root = api.browser("root")
    with write_session(api.registry.engine) as s:
        disable_user(s, actor=api.registry.users["root"], name="ana")  # revokes ana's token
    page = root.get("/admin/tokens")
    assert page.status_code == 200, page.text
    every = len(api.tokens)  # one token per user of the fixture
    assert f"Showing 1–{every} of {every}" in page.text
    assert 'id="tokens"' in page.text
    revoked = root.get("/admin/tokens", params={"state": "revoked"}).text
    assert "Showing 1–1 of 1" in revoked
    assert "Revoke token" not in revoked  # a revoked token has nothing to revoke
    ana = root.get("/admin/tokens", params={"user": "ana", "state": "active"}).text
    assert "Showing 0 of 0" in ana
    assert "No API token matches." in ana
    by_user = root.get("/admin/tokens", params={"sort": "user"}).text
    users = re.findall(r'<td><a href="/admin/users/([^"]+)">', by_user)
    assert users == sorted(users)
    assert len(users) == every
    assert root.get("/admin/tokens", params={"user": "nobody"}).status_code == 400
    assert root.get("/admin/tokens", params={"state": "expired"}).status_code == 400  # none do

    download = root.get("/admin/tokens", params={"format": "csv", "sort": "-user"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = _csv(download.text)
    assert rows[0] == ["Key id", "User", "State", "Issued", "Issued by", "Revoked"]
    assert [r[1] for r in rows[1:]] == sorted((r[1] for r in rows[1:]), reverse=True)
    assert {r[2] for r in rows[1:] if r[1] == "ana"} == {"revoked"}
    with read_session(api.registry.engine) as s:
        keys = {t.key_id for t in list_tokens(s)}
        hashes = set(s.scalars(select(ApiToken.secret_hash)))
    assert {r[0] for r in rows[1:]} == keys
    assert len(hashes) == every
    for kept in hashes:  # what Accord keeps of each secret is not shown either
        assert kept not in download.text
        assert kept not in page.text
    for secret in api.tokens.values():  # neither a token nor its secret after the key id
        # accord_<hex key id>_<secret>: the secret itself may hold "_" (URL-safe base64)
        after_key_id = secret.split("_", 2)[2]
        assert len(after_key_id) >= 40
        assert secret not in download.text
        assert after_key_id not in download.text
        assert after_key_id not in page.text
    assert "argon2" not in download.text
    assert "argon2" not in page.text
    monitor = api.browser("mona")  # users.read: sees the list, not the revoke buttons
    seen = monitor.get("/admin/tokens").text
    assert f"of {every}" in seen
    assert "Revoke token" not in seen


def test_a_date_past_the_registry_s_range_is_refused_by_the_form_as_by_the_api(
    api: Api,
) -> None:
    from pydantic import TypeAdapter, ValidationError

    from accord.api.schemas import Day
    from accord.dashboard.forms import FieldCheck
    from accord.limits import FIRST_DAY, LAST_DAY

    check = FieldCheck({"a": "2500-01-01", "b": "2199-12-31", "c": "1899-12-31"})
    assert check.date("a", "Visited on") is None
    assert check.date("b", "Visited on") == LAST_DAY
    assert check.date("c", "Visited on") is None
    assert check.errors["a"] == "Visited on must be between 1900-01-01 and 2199-12-31"
    day = TypeAdapter(Day)
    assert day.validate_python(LAST_DAY) == LAST_DAY
    assert day.validate_python(FIRST_DAY)
    with pytest.raises(ValidationError):
        day.validate_python(dt.date(2500, 1, 1))

    monitor = api.browser("mona")
    page = monitor.get("/visits").text
    visit = {"csrf_token": csrf_of(page), "facility": "CECOT", "visited_on": "2500-01-01"}
    visit |= {"summary": "A visit", "severity": [""], "finding": [""], "recommendation": [""]}
    refused = monitor.post("/visits", data=visit)
    assert refused.status_code == 400
    assert (
        _error_beside(refused.text, "field-visited_on")
        == "Visited on must be between 1900-01-01 and 2199-12-31"
    )
    assert 'value="2500-01-01"' in refused.text


def test_the_liaison_and_the_facility_page_show_the_same_census(api: Api) -> None:
    departed_mission(api.registry, [salvadoran(1)], mission="GST-9")  # assigns liam to CECOT
    liam = api.browser("liam")
    text = liam.get("/liaison").text
    today = dt.datetime.now(dt.UTC).date().isoformat()
    sent = liam.post(
        "/liaison/census",
        data={"csrf_token": csrf_of(text), "facility": "CECOT", "day": today, "count": "4"},
    )
    assert sent.status_code == 303, sent.text
    row = re.compile(
        rf'<tr class="warn"><td>{today}</td><td class="num">4</td><td class="num">0</td>'
        r'<td class="num">4</td></tr>'
    )
    for path in ("/liaison", "/facilities/CECOT"):
        shown = liam.get(path).text
        assert "Census reports of CECOT, newest first" in shown, path
        assert row.search(shown), path
