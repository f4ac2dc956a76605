"""The admin's users list (GET /admin) and liaison assignments (GET /admin/liaisons) as
every list: filtered, sorted, paged with the total and downloaded as CSV (listing.py),
over HTTP on SQLite and PostgreSQL; their forms still add a user and assign a liaison.

Records at injected 2025 times are written before anyone signs in (signing in is audited
at the real time, and record time never goes back)."""

from __future__ import annotations

import datetime as dt
import html

from fastapi.testclient import TestClient
from sqlalchemy import select

from accord.auth.accounts import disable_user, user_rows
from accord.auth.credentials import create_enrolment
from accord.auth.users import add_user
from accord.db import read_session, write_session
from accord.db.models import AuditEntry
from accord.operations.care import assign_liaison
from page_reading import csv_rows, table_rows

from .conftest import Api, csrf_of

FEB = dt.datetime(2025, 2, 1, 9, tzinfo=dt.UTC)
BULK = 50  # users (and liaisons) added so that a list runs to a second page
FIXTURE_USERS = 6  # root and the five of registry/conftest.py ROLES_UNDER_TEST


def _error_line(response_text: str, expected: str) -> bool:
    return expected in html.unescape(response_text)


# --- users ---


def _users_of_every_status(api: Api) -> None:
    """50 officers and dora added in February 2025 (never enrolled: disabled), then at the
    real time: pat with an enrolment code waiting, ana disabled."""
    reg = api.registry
    root = reg.users["root"]
    with write_session(reg.engine) as s:
        for name in _bulk_names():
            add_user(s, actor=root, name=name, role="officer", now=FEB)
        add_user(s, actor=root, name="dora", role="monitor", now=FEB + dt.timedelta(days=1))
    with write_session(reg.engine) as s:
        add_user(s, actor=root, name="pat", role="legal_reviewer")
        create_enrolment(s, actor=root, name="pat")
    with write_session(reg.engine) as s:
        disable_user(s, actor=root, name="ana")


def _bulk_names() -> list[str]:
    return [f"bulk-{i:02d}" for i in range(BULK)]


def _statuses(page: str) -> dict[str, str]:
    return {row[0]: row[3] for row in table_rows(page, "users")}


def test_the_users_list_filters_sorts_pages_and_downloads(api: Api) -> None:
    _users_of_every_status(api)
    total = FIXTURE_USERS + BULK + 2
    root = api.browser("root")

    first = root.get("/admin")
    assert first.status_code == 200, first.text
    assert f"Showing 1–50 of {total}" in first.text
    names = [row[0] for row in table_rows(first.text, "users")]
    assert names == sorted(names)  # by name by default
    assert len(names) == 50
    second = root.get("/admin", params={"page": "2"}).text
    assert f"Showing 51–{total} of {total}" in second
    rest = [row[0] for row in table_rows(second, "users")]
    assert len(rest) == total - 50
    assert set(names).isdisjoint(rest)

    # the status as auth/accounts.py user_rows() tells it, for every user
    whole = csv_rows(root.get("/admin", params={"format": "csv"}).text)
    assert whole[0] == ["Name", "Role", "Live tokens", "Status", "Added", "Added by"]
    with read_session(api.registry.engine) as s:
        expected = {
            r.user.name: "active" if r.live_tokens else "pending" if r.pending_enrolments
            else "disabled"
            for r in user_rows(s)
        }  # fmt: skip
    assert {row[0]: row[3] for row in whole[1:]} == expected
    assert len(whole) == 1 + total  # the whole list, not a page of it

    pending = root.get("/admin", params={"status": "pending"}).text
    assert _statuses(pending) == {"pat": "enrolment code not yet redeemed"}
    assert "Showing 1–1 of 1" in pending
    disabled = root.get("/admin", params={"status": "disabled"}).text
    assert f"Showing 1–50 of {BULK + 2}" in disabled
    assert set(_statuses(disabled).values()) == {"disabled"}
    no_officer = root.get("/admin", params={"status": "disabled", "role": "analyst"}).text
    assert _statuses(no_officer) == {"ana": "disabled"}
    monitors = root.get("/admin", params={"role": "monitor"}).text
    assert {row[0]: row[1] for row in table_rows(monitors, "users")} == {
        "dora": "Monitor",
        "mona": "Monitor",
    }
    typed = root.get("/admin", params={"name": "BULK-1"}).text  # contains, any case
    assert [row[0] for row in table_rows(typed, "users")] == [f"bulk-1{i}" for i in range(10)]
    added = root.get("/admin", params={"added_from": "2025-02-02", "added_to": "2025-02-02"})
    assert [row[0] for row in table_rows(added.text, "users")] == ["dora"]
    setup = root.get("/admin", params={"added_to": "2025-01-31", "sort": "-name"}).text
    fixture = [row[0] for row in table_rows(setup, "users")]
    assert fixture == sorted(["root", "olivia", "lena", "mona", "ana", "liam"], reverse=True)
    by_status = [
        row[3] for row in table_rows(root.get("/admin", params={"sort": "status"}).text, "users")
    ]
    assert by_status == sorted(by_status)
    assert len(set(by_status)) == 2  # active, then disabled, on the first page
    last = root.get("/admin", params={"sort": "status", "page": "2"}).text
    assert table_rows(last, "users")[-1][:2] == ["pat", "Legal reviewer"]  # pending, last

    download = root.get("/admin", params={"format": "csv", "status": "disabled", "sort": "-name"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="users.csv"' in download.headers["content-disposition"]
    rows = csv_rows(download.text)
    assert [r[0] for r in rows[1:]] == sorted(["ana", "dora", *_bulk_names()], reverse=True)
    assert rows[1] == ["dora", "monitor", "0", "disabled", "2025-02-02T09:00:00+00:00", "root"]
    assert rows[-1] == ["ana", "analyst", "0", "disabled", "2025-01-01T00:00:00+00:00", "root"]

    for params, line in (
        ({"status": "expired"}, "Status 'expired' is not one this list offers"),
        ({"role": "king"}, "Role 'king' is not one this list offers"),
        ({"added_from": "2025-13-01"}, "Added '2025-13-01': use YYYY-MM-DD"),
        ({"sort": "secret_hash"}, "cannot sort this list by 'secret_hash'"),
        ({"page": "0"}, "page '0': a whole number from 1"),
    ):
        refused = root.get("/admin", params=params)
        assert refused.status_code == 400, params
        assert _error_line(refused.text, line), (params, refused.text[:500])
        assert 'id="users"' not in refused.text


def test_the_add_user_form_shows_the_list_refused_or_done(api: Api) -> None:
    root = api.browser("root")
    page = root.get("/admin").text
    assert f"Showing 1–{FIXTURE_USERS} of {FIXTURE_USERS}" in page
    taken = root.post(
        "/admin/users", data={"csrf_token": csrf_of(page), "name": "liam", "role": "officer"}
    )
    assert taken.status_code == 400
    assert "already exists" in taken.text
    assert f"Showing 1–{FIXTURE_USERS} of {FIXTURE_USERS}" in taken.text
    assert "liam" in [row[0] for row in table_rows(taken.text, "users")]
    assert 'value="liam"' in taken.text  # what was typed, kept

    added = root.post(
        "/admin/users", data={"csrf_token": csrf_of(page), "name": "nora", "role": "officer"}
    )
    assert added.status_code == 200
    assert 'id="secret"' in added.text
    assert _statuses(added.text)["nora"] == "enrolment code not yet redeemed"
    assert f"of {FIXTURE_USERS + 1}" in added.text

    monitor = api.browser("mona")  # users.read: the list and its download, not the form
    seen = monitor.get("/admin", params={"role": "admin"}).text
    assert [row[0] for row in table_rows(seen, "users")] == ["root"]
    assert "Add a user" not in seen
    assert monitor.get("/admin", params={"format": "csv"}).status_code == 200
    assert api.browser("olivia").get("/admin").status_code == 403


# --- liaison assignments ---


def _liaisons_assigned(api: Api, count: int) -> list[str]:
    """`count` receiving liaisons, each assigned to CECOT a day after the one before
    (from 1 February 2025); their names in that order."""
    reg = api.registry
    root = reg.users["root"]
    names = [f"liaison-{i:02d}" for i in range(count)]
    with write_session(reg.engine) as s:
        for name in names:
            add_user(s, actor=root, name=name, role="receiving_liaison", now=FEB)
    for i, name in enumerate(names):
        with write_session(reg.engine) as s:
            assign_liaison(
                s, actor=root, user_name=name, facility_id="CECOT", now=FEB + dt.timedelta(days=i)
            )
    return names


def test_the_liaison_assignments_filter_sort_page_and_download(api: Api) -> None:
    names = _liaisons_assigned(api, BULK + 5)
    root = api.browser("root")

    first = root.get("/admin/liaisons")
    assert first.status_code == 200, first.text
    assert f"Showing 1–50 of {BULK + 5}" in first.text
    shown = table_rows(first.text, "assignments")
    assert [row[0] for row in shown] == names[:50]  # oldest first
    assert shown[0] == ["liaison-00", "CECOT", "2025-02-01 09:00 UTC", "root"]
    second = root.get("/admin/liaisons", params={"page": "2"}).text
    assert f"Showing 51–{BULK + 5} of {BULK + 5}" in second
    assert [row[0] for row in table_rows(second, "assignments")] == names[50:]

    one = root.get("/admin/liaisons", params={"liaison": "liaison-03"}).text
    assert [row[0] for row in table_rows(one, "assignments")] == ["liaison-03"]
    week = {"assigned_from": "2025-02-10", "assigned_to": "2025-02-14"}
    days = root.get("/admin/liaisons", params=week).text
    assert [row[0] for row in table_rows(days, "assignments")] == names[9:14]
    newest = root.get("/admin/liaisons", params={"sort": "-assigned"}).text
    assert [row[0] for row in table_rows(newest, "assignments")][:3] == names[::-1][:3]
    at_cecot = root.get("/admin/liaisons", params={"facility": "CECOT", "liaison": "liam"})
    assert "Showing 0 of 0" in at_cecot.text
    assert "No assignment matches." in at_cecot.text

    download = root.get("/admin/liaisons", params={"format": "csv", "sort": "-assigned", **week})
    assert download.status_code == 200
    assert 'filename="liaison-facilities.csv"' in download.headers["content-disposition"]
    rows = csv_rows(download.text)
    assert rows[0] == ["Liaison", "Facility", "Assigned", "Assigned by"]
    assert [r[0] for r in rows[1:]] == names[9:14][::-1]
    assert rows[1][1:] == ["CECOT", "2025-02-14T09:00:00+00:00", "root"]
    whole = csv_rows(root.get("/admin/liaisons", params={"format": "csv"}).text)
    assert len(whole) == 1 + BULK + 5

    for params, line in (
        ({"liaison": "nobody"}, "Liaison 'nobody' is not one this list offers"),
        ({"facility": "NOWHERE"}, "Facility 'NOWHERE' is not one this list offers"),
        ({"assigned_to": "14/02/2025"}, "Assigned '14/02/2025': use YYYY-MM-DD"),
    ):
        refused = root.get("/admin/liaisons", params=params)
        assert refused.status_code == 400, params
        assert _error_line(refused.text, line), (params, refused.text[:500])


def test_the_assign_form_shows_the_list_refused_or_done(api: Api) -> None:
    root: TestClient = api.browser("root")
    page = root.get("/admin/liaisons").text
    assert "No liaison is assigned yet." in page
    assert "Showing 0 of 0" in page
    refused = root.post(
        "/admin/liaisons",
        data={"csrf_token": csrf_of(page), "user_name": "liam", "facility": ""},
    )
    assert refused.status_code == 400
    assert "Select facility" in refused.text
    assert 'id="assignments"' in refused.text
    done = root.post(
        "/admin/liaisons",
        data={"csrf_token": csrf_of(page), "user_name": "liam", "facility": "CECOT"},
    )
    assert done.status_code == 303, done.text
    listed = root.get(done.headers["location"], params={"liaison": "liam"}).text
    assert "liam now acts for CECOT" in listed
    (row,) = table_rows(listed, "assignments")
    assert row[0:2] == ["liam", "CECOT"]
    assert row[3] == "root"
    # mona (users.read) sees the list and may filter it, without the form
    seen = api.browser("mona").get("/admin/liaisons", params={"facility": "CECOT"}).text
    assert "Showing 1–1 of 1" in seen
    assert 'id="assign-liaison"' not in seen


def test_reading_the_users_tokens_and_liaisons_is_audited(api: Api) -> None:
    """Who read the list of accounts and credentials, and which part of it, is on record."""
    browser = api.browser("root")
    for path, action in (
        ("/admin?role=monitor", "read.admin_users"),
        ("/admin/tokens?format=csv", "read.admin_tokens"),
        ("/admin/liaisons", "read.admin_liaisons"),
    ):
        assert browser.get(path).status_code == 200
        with read_session(api.registry.engine) as session:
            (entry,) = session.execute(
                select(AuditEntry.actor, AuditEntry.change).where(AuditEntry.action == action)
            ).all()
        assert entry.actor == "root"
        assert ("role" in entry.change) == (action == "read.admin_users")
        assert ("csv" in entry.change) == (action == "read.admin_tokens")
