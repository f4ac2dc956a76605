"""Issue 19 item 1: no one acts as another.

A token is issued only to its own user (a new user redeems an enrolment code), `--as NAME`
needs NAME's own token, a token file others may read is refused, and every audit entry
written through the CLI and the API names (and hashes) the credential that acted.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import sys
from pathlib import Path

import pytest

from accord.auth import issue_token, token_credential
from accord.auth.credentials import create_enrolment, redeem_enrolment
from accord.db import read_session, verify_chain, write_session
from accord.db.bundle.verify_bundle import canonical_json, entry_hash, sha256_hex
from accord.errors import AuthenticationFailed, PermissionDenied
from api.conftest import Api, api, empty_database, pg_server, registry
from api.test_problems_and_auth import put_case
from conftest import write_jsonl
from operations.people import venezuelan
from registry.conftest import Registry

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses

CECOT = {"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV"}
CECOT_CLI = ["--agreement", "sv-2025-offer", "--pathway", "custody_placement"]
CECOT_CLI += ["--destination", "SV", "--facility", "CECOT"]


def _one_line(result: object, *needles: str, status: int = 2) -> None:
    assert result.returncode == status, result.stdout + result.stderr  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in lines[0], lines[0]


def _key_id(token: str) -> str:
    return token.split("_")[1]


def _head(reg: Registry) -> int:
    return int(reg.sql("SELECT coalesce(max(seq), 0) FROM audit_log")[0][0])


def _entries_after(reg: Registry, seq: int) -> list[tuple[str, str, str | None]]:
    rows = reg.sql(
        "SELECT actor, action, credential FROM audit_log WHERE seq > :s ORDER BY seq", s=seq
    )
    return [tuple(r) for r in rows]


def test_an_admin_cannot_mint_a_token_for_an_officer(api: Api) -> None:
    reg = api.registry
    with write_session(reg.engine) as session, pytest.raises(PermissionDenied, match="own user"):
        issue_token(session, actor=reg.users["root"], name="olivia")
    over_http = api.call("root", "POST", "/api/v1/users/olivia/tokens")
    assert over_http.status_code == 403, over_http.text
    _one_line(reg.cli("users", "token", "olivia", as_user="root"), "only to its own user")
    assert reg.sql("SELECT count(*) FROM api_tokens WHERE created_by_id <> user_id") == [(0,)]
    own = api.call("olivia", "POST", "/api/v1/users/olivia/tokens")
    assert own.status_code == 201, own.text


def test_an_admin_cannot_nominate_as_an_officer_and_approve_as_a_reviewer(api: Api) -> None:
    reg = api.registry
    put_case(api, venezuelan(1))
    root = reg.token("root")
    # the CLI: --as names whose token it must be; root's token is not olivia's
    nominated = reg.cli("--as", "olivia", "nominate", "ve-001", *CECOT_CLI, ACCORD_TOKEN=root)
    _one_line(nominated, "belongs to 'root', not 'olivia'")
    # without any token --as is not enough
    _one_line(reg.cli("--as", "olivia", "nominate", "ve-001", *CECOT_CLI), "olivia's own")
    # HTTP: no route gives the admin another user's token, and the admin's own may not nominate
    for name in ("olivia", "lena"):
        minted = api.call("root", "POST", f"/api/v1/users/{name}/tokens")
        assert minted.status_code == 403
    body = {"person_id": "ve-001", "facility": "CECOT", **CECOT}
    assert api.call("root", "POST", "/api/v1/cases", json=body).status_code == 403
    assert reg.sql("SELECT count(*) FROM transfer_cases") == [(0,)]


def test_four_eyes_is_checked_on_the_credentials_owner(api: Api) -> None:
    """The nominating and reviewing users are the owners of the tokens that acted."""
    reg = api.registry
    put_case(api, venezuelan(1))
    seq = _head(reg)
    body = {"person_id": "ve-001", "facility": "CECOT", **CECOT}
    made = api.call("olivia", "POST", "/api/v1/cases", json=body)
    assert made.status_code == 201, made.text
    review = {"approve": True, "reason": "facts_verified"}
    reviewed = api.call("lena", "POST", f"/api/v1/cases/{made.json()['id']}/review", json=review)
    assert reviewed.status_code == 200, reviewed.text
    by_actor = {(actor, credential) for actor, _, credential in _entries_after(reg, seq)}
    assert by_actor == {
        ("olivia", token_credential(_key_id(api.tokens["olivia"]))),
        ("lena", token_credential(_key_id(api.tokens["lena"]))),
    }


def test_every_entry_written_through_the_cli_and_the_api_names_its_credential(
    api: Api,
) -> None:
    reg = api.registry
    seq = _head(reg)
    cases = write_jsonl(reg.tmp / "c.jsonl", [venezuelan(1), venezuelan(2)])
    assert reg.cli("registry", "import", cases, as_user="olivia").returncode == 0
    added = reg.cli("users", "add", "carla", "--role", "officer", as_user="root")
    assert added.returncode == 0, added.stderr
    code = added.stdout.strip().splitlines()[-1]
    enrolled = reg.cli("login", "--enrol", code)
    assert enrolled.returncode == 0, enrolled.stderr
    refused = reg.cli("--as", "olivia", "nominate", "ve-001", *CECOT_CLI)
    assert refused.returncode == 2  # no token given: refused, nothing written
    assert reg.cli("nominate", "ve-001", *CECOT_CLI, as_user="olivia").returncode == 0
    put_case(api, venezuelan(3))
    decided = api.call(
        "olivia",
        "POST",
        "/api/v1/decisions",
        json={"person_id": "ve-003", "facility": "CECOT", **CECOT, "as_of": "2025-03-16"},
    )
    assert decided.status_code == 201, decided.text  # on PostgreSQL: the database-chained path
    entries = _entries_after(reg, seq)
    assert len(entries) >= 7
    olivia = token_credential(_key_id(api.tokens["olivia"]))
    root = token_credential(_key_id(api.tokens["root"]))
    for actor, action, credential in entries:
        expected = {"olivia": olivia, "root": root}.get(actor)
        if action == "user.enrol":
            assert actor == "carla"
            assert credential is not None
            assert credential.startswith("enrolment:")
        else:
            assert credential == expected, (actor, action, credential)
    assert {"user.add", "user.enrolment", "user.enrol"} <= {a for _, a, _ in entries}
    with read_session(reg.engine) as session:
        assert verify_chain(session).intact


def test_the_credential_is_hashed_into_its_entry(api: Api) -> None:
    reg = api.registry
    put_case(api, venezuelan(1))
    with read_session(reg.engine) as session:
        assert verify_chain(session).intact
    row = reg.sql(
        "SELECT seq, credential FROM audit_log WHERE credential IS NOT NULL ORDER BY seq DESC"
    )[0]
    _tamper(reg, f"UPDATE audit_log SET credential = 'token:0000' WHERE seq = {row[0]}")
    with read_session(reg.engine) as session:
        result = verify_chain(session)
    assert not result.intact
    assert result.broken_seq == row[0]


def _tamper(reg: Registry, statement: str) -> None:
    """Change the audit log behind Accord's back (as tests/registry/test_faults.py does)."""
    if reg.backend == "sqlite":
        reg.sql("DROP TRIGGER audit_log_no_update")
        reg.sql("DROP TRIGGER audit_log_no_delete")
    else:
        reg.sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    reg.sql(statement)


def test_entries_without_a_credential_hash_as_before() -> None:
    digest = sha256_hex(canonical_json({"a": 1}))
    fields = [1, "2025-01-01T00:00:00.000000+00:00", "root", "user.add", "user:x", digest]
    legacy = sha256_hex(canonical_json([*fields, "0" * 64], check_floats=False))
    assert entry_hash(*fields, "0" * 64) == legacy  # type: ignore[arg-type]
    assert entry_hash(*fields, "0" * 64, None) == legacy  # type: ignore[arg-type]
    assert entry_hash(*fields, "0" * 64, "token:abc") != legacy  # type: ignore[arg-type]


def test_as_a_user_without_their_token_exits_2(registry: Registry) -> None:
    _one_line(registry.cli("--as", "olivia", "users", "list"), "olivia's own API token")
    mona = registry.token("mona")
    _one_line(
        registry.cli("--as", "olivia", "users", "list", ACCORD_TOKEN=mona),
        "belongs to 'mona', not 'olivia'",
    )
    _one_line(registry.cli("--as", "olivia", "users", "list", ACCORD_TOKEN="accord_x_y"))
    assert registry.cli("--as", "mona", "users", "list", ACCORD_TOKEN=mona).returncode == 0
    assert registry.cli("users", "list", ACCORD_TOKEN=mona).returncode == 0  # the token names her


def test_a_token_file_others_may_read_is_refused(registry: Registry) -> None:
    folder = registry.tmp / "config" / "accord"
    folder.mkdir(parents=True)
    path = folder / "token"
    path.write_text(registry.token("mona") + "\n")
    os.chmod(path, 0o644)
    _one_line(registry.cli("--as", "mona", "users", "list"), "mode 0644", "chmod 600")
    os.chmod(path, 0o600)
    assert registry.cli("--as", "mona", "users", "list").returncode == 0


def test_login_stores_the_token_with_mode_0600(registry: Registry) -> None:
    path = registry.tmp / "config" / "accord" / "token"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", io.StringIO(registry.token("mona") + "\n"))
        logged_in = registry.cli("login")
    assert logged_in.returncode == 0, logged_in.stderr
    assert "mona" in logged_in.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert registry.cli("users", "list").returncode == 0  # as mona, from the file
    assert registry.cli("logout").returncode == 0
    assert not path.exists()


def test_an_enrolment_code_works_once_for_its_user_and_expires(registry: Registry) -> None:
    root = registry.users["root"]
    with write_session(registry.engine) as session:
        code = create_enrolment(session, actor=root, name="olivia")
        late = create_enrolment(session, actor=root, name="lena", valid_for=dt.timedelta(0))
    with write_session(registry.engine) as session, pytest.raises(PermissionDenied):
        create_enrolment(session, actor=registry.users["olivia"], name="lena")
    stored = registry.sql("SELECT secret_hash FROM enrolments")
    assert all(code.split("_", 2)[2] not in h for (h,) in stored)
    redeemed = registry.cli("users", "enrol", code)
    assert redeemed.returncode == 0, redeemed.stderr
    token = redeemed.stdout.strip()
    _one_line(registry.cli("users", "enrol", code), "invalid, expired or used")
    _one_line(registry.cli("users", "enrol", late), "invalid, expired or used")
    _one_line(registry.cli("users", "enrol", code[:-2] + "xx"), "invalid, expired or used")
    assert registry.cli("--as", "olivia", "users", "token", ACCORD_TOKEN=token).returncode == 0
    with write_session(registry.engine) as session, pytest.raises(AuthenticationFailed):
        redeem_enrolment(session, code="enrol_999_nothing")


def test_enrolment_over_http(api: Api) -> None:
    added = api.call("root", "POST", "/api/v1/users", json={"name": "carla", "role": "officer"})
    assert added.status_code == 201, added.text
    code = added.json()["enrolment_code"]
    enrolled = api.client.post("/api/v1/enrol", json={"code": code})
    assert enrolled.status_code == 201, enrolled.text
    token = enrolled.json()["token"]
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["name"] == "carla"
    again = api.client.post("/api/v1/enrol", json={"code": code})
    assert again.status_code == 401


def test_made_up_enrolment_codes_spend_the_address_budget(api: Api) -> None:
    """POST /enrol takes no credential: guesses from one address are refused with 429 once
    its failure budget is spent, like made-up tokens (and a guess never takes the writer
    lock: it is checked before)."""
    budget = api.app.state.accord.settings.auth_failures_per_address
    answers = [
        api.client.post("/api/v1/enrol", json={"code": f"enrol_{n}_made-up"}).status_code
        for n in range(1, budget + 3)
    ]
    assert answers[:budget] == [401] * budget
    assert answers[budget:] == [429, 429]


def test_init_gives_the_first_admin_its_own_token(empty_database: str, tmp_path: Path) -> None:
    reg = Registry(backend="", url=empty_database, engine=None, tmp=tmp_path)  # type: ignore[arg-type]
    created = reg.cli("init", "--admin", "ada")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    listed = reg.cli("--as", "ada", "users", "list", ACCORD_TOKEN=token)
    assert listed.returncode == 0, listed.stderr
    # a read as the database's owner, with no user and no token: audit verify
    verified = reg.cli("audit", "verify")
    assert verified.returncode == 0, verified.stderr
