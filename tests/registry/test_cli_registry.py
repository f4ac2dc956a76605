"""The registry's command line: init, users and roles, import, show, retract, snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select, text

from accord.auth import GRANTS, Permission, authenticate_token, mask_person_id
from accord.db import make_engine, read_session
from accord.registry import FactVersion

from .conftest import Registry
from .factories import SV, VE, write_jsonl

KEY = "a-masking-key-for-tests-only"
CECOT = [
    "--agreement", "sv-2025-offer", "--pathway", "custody_placement",
    "--destination", "SV", "--facility", "CECOT", "--as-of", "2025-03-16",
]  # fmt: skip


def _one_line_error(result: object, *needles: str, status: int = 2) -> None:
    """One line on stderr and `status`: 2 for bad input, 4 for Accord not set up (SetupError)."""
    assert result.returncode == status, result.stdout + result.stderr  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in lines[0]


def test_init_creates_the_registry_and_its_first_admin(empty_database: str, tmp_path: Path) -> None:
    reg = Registry(backend="", url=empty_database, engine=None, tmp=tmp_path)  # type: ignore[arg-type]
    # end to end once: the console script in a new process, its exit status and stderr
    _one_line_error(reg.cli_process("users", "list", ACCORD_USER="root"), "accord init", status=4)
    created = reg.cli("init", "--admin", "root")
    assert created.returncode == 0, created.stderr
    assert "created" in created.stdout
    token = created.stdout.strip().splitlines()[-1]  # the first admin's token, shown once
    assert token.startswith("accord_")
    again = reg.cli("init", "--admin", "other")
    _one_line_error(again, "already has users")
    assert "current" in again.stdout
    _one_line_error(reg.cli("--as", "root", "users", "list"), "root's own API token")
    listed = reg.cli("--as", "root", "users", "list", ACCORD_TOKEN=token)
    assert listed.returncode == 0, listed.stderr
    assert "root" in listed.stdout
    assert "other" not in listed.stdout
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT action, credential FROM audit_log ORDER BY seq"))
            entries = [tuple(r) for r in rows]
    finally:
        engine.dispose()
    assert [a for a, _ in entries] == ["user.bootstrap", "user.token"]
    assert all(c is not None and c.startswith("db-owner:") for _, c in entries)


def test_acting_user_is_required_and_known(registry: Registry, tmp_path: Path) -> None:
    cases = write_jsonl(tmp_path / "c.jsonl", [VE])
    _one_line_error(registry.cli("registry", "import", cases), "API token", "accord login")
    # --as names whose token it must be: another user's token is refused
    olivia = registry.token("olivia")
    as_ghost = registry.cli("--as", "ghost", "registry", "import", cases, ACCORD_TOKEN=olivia)
    _one_line_error(as_ghost, "belongs to 'olivia', not 'ghost'")
    by_env = registry.cli("registry", "import", cases, ACCORD_USER="olivia", ACCORD_TOKEN=olivia)
    assert by_env.returncode == 0, by_env.stderr
    assert registry.counts()["persons"] == 1


@pytest.mark.parametrize("role_user", ["root", "mona", "ana", "liam"])
def test_only_officers_and_legal_reviewers_write_facts(
    registry: Registry, tmp_path: Path, role_user: str
) -> None:
    cases = write_jsonl(tmp_path / "c.jsonl", [VE])
    before = registry.counts()
    _one_line_error(registry.cli("registry", "import", cases, as_user=role_user), "may not")
    assert registry.counts() == before
    assert Permission.FACTS_WRITE in GRANTS["legal_reviewer"]
    ok = registry.cli("registry", "import", cases, as_user="lena")
    assert ok.returncode == 0, ok.stderr


def test_admin_manages_users_and_is_audited(registry: Registry) -> None:
    _one_line_error(registry.cli("users", "add", "x", "--role", "officer", as_user="olivia"))
    _one_line_error(
        registry.cli("users", "add", "x", "--role", "pope", as_user="root"), "not one of"
    )
    before = registry.counts()["audit_log"]
    added = registry.cli("users", "add", "carla", "--role", "officer", as_user="root")
    assert added.returncode == 0, added.stderr
    code = added.stdout.strip().splitlines()[-1]  # the enrolment code, for carla only
    assert code.startswith("enrol_")
    actions = registry.sql("SELECT actor, action, subject FROM audit_log ORDER BY seq DESC")
    assert [tuple(a) for a in actions[:2]] == [
        ("root", "user.enrolment", "user:carla"),
        ("root", "user.add", "user:carla"),
    ]
    assert registry.counts()["audit_log"] == before + 2
    _one_line_error(
        registry.cli("users", "add", "carla", "--role", "officer", as_user="root"), "exists"
    )


def test_tokens_are_shown_once_and_kept_only_as_argon2_hashes(registry: Registry) -> None:
    # a token is issued only to its own user: an admin cannot mint one for an officer
    _one_line_error(registry.cli("users", "token", "olivia", as_user="root"), "only to its own")
    issued = registry.cli("users", "token", as_user="olivia")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    secret = token.split("_", 2)[2]
    stored = registry.sql(
        "SELECT secret_hash FROM api_tokens WHERE key_id = :k", k=token.split("_")[1]
    )
    assert len(stored) == 1
    assert stored[0][0].startswith("$argon2")
    assert secret not in stored[0][0]
    audit = registry.sql("SELECT change FROM audit_log WHERE action = 'user.token'")
    assert all(secret not in change for (change,) in audit)
    with read_session(registry.engine) as session:
        assert authenticate_token(session, token).name == "olivia"
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "accord_x_y", ""):
            with pytest.raises(Exception, match="invalid API token"):
                authenticate_token(session, bad)


def test_show_gives_the_case_file_and_history_as_known_on(
    registry: Registry, tmp_path: Path
) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [VE, SV])
    imported = registry.cli(
        "registry", "import", first, "--source-document", "ICE batch 7", as_user="olivia"
    )
    assert imported.returncode == 0, imported.stderr
    assert "new fact versions" in imported.stdout
    retracted = registry.cli(
        "registry", "retract", "ve-001", "convictions",
        "--source-document", "court vacatur 12", "--note", "judgment vacated",
        as_user="lena",
    )  # fmt: skip
    assert retracted.returncode == 0, retracted.stderr
    shown = registry.cli("registry", "show", "ve-001", as_user="mona")
    assert shown.returncode == 0, shown.stderr
    assert '"convictions"' not in shown.stdout  # not known any more
    assert "retraction" in shown.stdout
    assert "court vacatur 12" in shown.stdout
    assert "lena" in shown.stdout
    assert "ICE batch 7" in shown.stdout
    with read_session(registry.engine) as session:  # both writes fall on today: use an instant
        first_write = session.scalars(
            select(FactVersion.recorded_at).where(FactVersion.kind == "recorded")
        ).first()
    assert first_write is not None
    moment = first_write.isoformat()
    old = registry.cli("registry", "show", "ve-001", "--as-known-on", moment, as_user="mona")
    assert old.returncode == 0, old.stderr
    assert '"convictions"' in old.stdout
    assert "retraction" not in old.stdout
    _one_line_error(
        registry.cli("registry", "show", "ve-001", "--as-known-on", "2001-01-01", as_user="mona"),
        "no person 've-001'",
    )
    _one_line_error(
        registry.cli("registry", "show", "ve-001", "--as-known-on", "yesterday", as_user="mona"),
        "--as-known-on",
    )


def test_snapshot_is_screenable_and_masked_for_analysts(registry: Registry, tmp_path: Path) -> None:
    cases = write_jsonl(tmp_path / "c.jsonl", [VE, SV])
    assert registry.cli("registry", "import", cases, as_user="olivia").returncode == 0
    full = registry.cli("registry", "snapshot", "--out", tmp_path / "full", as_user="olivia")
    assert full.returncode == 0, full.stderr
    persons = pq.read_table(tmp_path / "full" / "persons.parquet").to_pylist()
    assert {p["person_id"] for p in persons} == {"ve-001", "sv-001"}
    screened = registry.cli("screen", tmp_path / "full", *CECOT, "--out", tmp_path / "d.parquet")
    assert screened.returncode == 0, screened.stderr
    outcomes = {
        r["person_id"]: r["outcome"] for r in pq.read_table(tmp_path / "d.parquet").to_pylist()
    }
    assert outcomes["sv-001"] == "ineligible"

    masked_out = tmp_path / "masked"
    _one_line_error(
        registry.cli("registry", "snapshot", "--out", masked_out, as_user="ana"),
        "ACCORD_MASKING_KEY",
        status=4,
    )
    assert not masked_out.exists()
    masked = registry.cli(
        "registry", "snapshot", "--out", masked_out, as_user="ana", ACCORD_MASKING_KEY=KEY
    )
    assert masked.returncode == 0, masked.stderr
    tables = {p.stem: pq.read_table(p).to_pylist() for p in masked_out.glob("*.parquet")}
    expected = {mask_person_id(p, KEY.encode()) for p in ("ve-001", "sv-001")}
    assert {p["person_id"] for p in tables["persons"]} == expected
    assert all(p["name"] is None for p in tables["persons"])
    text = json.dumps(tables, default=str)
    assert "ve-001" not in text
    assert "Ficticia" not in text
    _one_line_error(registry.cli("registry", "show", "ve-001", as_user="ana"), "may not")
    _one_line_error(registry.cli("registry", "snapshot", "--out", tmp_path / "l", as_user="liam"))
