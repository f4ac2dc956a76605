"""Faults: a killed import, concurrent imports, malformed files, and a tampered audit log."""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.db import read_session, verify_chain, write_session
from accord.errors import InputError
from accord.registry import import_case_files, read_import_file
from accord.registry.service import CHUNK

from .conftest import Registry
from .factories import SV, VE, synthetic_records, write_jsonl

# The SIGKILL trials: `make test` runs a few on a smaller import; `make faults` runs them in full
# (ACCORD_FAULT_TRIALS=78 ACCORD_FAULT_PERSONS=50000, the figures of issue 19).
FAULT_TRIALS = int(os.environ.get("ACCORD_FAULT_TRIALS", "3"))
BIG = int(os.environ.get("ACCORD_FAULT_PERSONS", "6000"))  # persons: long enough to kill it


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("big") / "big.jsonl", synthetic_records(BIG))


@pytest.fixture(scope="module")
def mid_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("mid") / "mid.jsonl", synthetic_records(3_000))


def _chain_intact(registry: Registry) -> bool:
    with read_session(registry.engine) as session:
        return verify_chain(session).intact


# A progress line ("n of N persons written") comes after each chunk written, at most ten, all
# before the COMMIT: a trial kills after a random number of them (0: while the file is read
# and checked; all: around the COMMIT) and a random moment more, so kills fall all over it.
PROGRESS_LINES = min(10, math.ceil(BIG / CHUNK))


def _kill_at_random_moment(proc: subprocess.Popen[str], rng: random.Random) -> list[str]:
    assert proc.stderr is not None
    wait_for = rng.randint(0, PROGRESS_LINES)
    seen: list[str] = []
    if wait_for:
        for line in proc.stderr:
            seen.append(line)
            if "persons written" in line:
                wait_for -= 1
                if not wait_for:
                    break
    time.sleep(rng.uniform(0, 0.5 if seen else 3.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return seen


@pytest.mark.slow  # accord in processes of its own, big files
@pytest.mark.faults
@pytest.mark.parametrize("trial", range(FAULT_TRIALS))
def test_sigkill_during_import_leaves_all_or_nothing(
    registry: Registry, big_file: Path, trial: int
) -> None:
    registry.token("olivia")  # issued (and audited) before the counts are taken
    before = registry.counts()
    proc = registry.popen("registry", "import", big_file, as_user="olivia")
    seen = _kill_at_random_moment(proc, random.Random(trial))
    # killed, or it finished first (the kill came after its COMMIT and exit)
    assert proc.returncode in (-signal.SIGKILL, 0), "".join(seen)
    after = registry.counts()
    assert after["persons"] in (0, BIG), after
    if after["persons"] == 0:  # rolled back: not one row of any table
        assert after == before
    else:  # committed whole: every person, their audit entries and the import's own
        assert after["imports"] == before["imports"] + 1
        assert after["audit_log"] == before["audit_log"] + BIG + 1
    assert _chain_intact(registry)
    written = sum("persons written" in line for line in seen)
    persons = after["persons"]
    print(
        f"trial {trial}: exit {proc.returncode} after {written} progress lines, {persons} persons"
    )
    if trial == 0:  # the registry takes the import again after a kill
        rerun = registry.cli("registry", "import", big_file, as_user="olivia")
        assert rerun.returncode == 0, rerun.stderr
        assert registry.counts()["persons"] == BIG
        assert _chain_intact(registry)


@pytest.mark.slow  # accord in processes of its own, big files
def test_two_concurrent_imports_of_one_file_write_it_once(
    registry: Registry, mid_file: Path
) -> None:
    first = registry.popen("registry", "import", mid_file, as_user="olivia")
    second = registry.popen("registry", "import", mid_file, as_user="lena")
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    nothing = ["Nothing changed" in out for out, _ in outputs]
    assert sorted(nothing) == [False, True], outputs  # one wrote, the other found it written
    counts = registry.counts()
    assert counts["persons"] == 3_000
    assert counts["imports"] == 1
    versions = registry.sql(
        "SELECT person_id, list_name, count(*) FROM fact_versions "
        "GROUP BY person_id, list_name HAVING count(*) > 1"
    )
    assert versions == []
    assert counts["audit_log"] == 6 + 6 + 3_000 + 1  # users, their tokens, persons, the import
    assert _chain_intact(registry)


def test_failure_during_the_write_rolls_everything_back(registry: Registry, mid_file: Path) -> None:
    before = registry.counts()
    prepared = read_import_file(mid_file)

    def fail_after_first_chunk(done: int) -> None:
        raise RuntimeError(f"disk full after {done}")

    with pytest.raises(RuntimeError, match="disk full"), write_session(registry.engine) as s:
        import_case_files(
            s,
            actor=registry.users["olivia"],
            cases=prepared.cases,
            source_document="x",
            progress=fail_after_first_chunk,
        )
    assert registry.counts() == before


def _corrupt(records: list[dict[str, Any]], kind: str, where: int, junk: str) -> list[str]:
    lines = [json.dumps(r) for r in records]
    record = dict(records[where])
    if kind == "junk":
        lines[where] = junk if junk.strip() else "{"
        return lines
    if kind == "unknown_field":
        record["gang_affiliation"] = junk or "x"
    elif kind == "bad_date":
        record["birth_date"] = junk + "-13-45"
    elif kind == "bad_country":
        record["nationalities"] = ["Q" + junk[:1] + "Z"]
    elif kind == "bad_enum":
        record["citizenship"] = "martian" + junk
    elif kind == "duplicate":
        record["person_id"] = records[0]["person_id"] if where else records[1]["person_id"]
    elif kind == "missing_source":
        record["removal_orders"] = [{"kind": "expedited", "issued_on": "2024-01-10"}]
    lines[where] = json.dumps(record)
    return lines


def _import_file(registry: Registry, path: Path) -> None:
    """What `accord registry import` does: read it all, then write it all."""
    prepared = read_import_file(path)
    with write_session(registry.engine) as session:
        import_case_files(
            session, actor=registry.users["olivia"], cases=prepared.cases, source_document="x"
        )


KINDS = ["junk", "unknown_field", "bad_date", "bad_country", "bad_enum", "duplicate"]
KINDS += ["missing_source"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(KINDS), where=st.integers(0, 4), junk=st.text(max_size=20))
def test_malformed_files_are_refused_whole(
    registry: Registry, tmp_path: Path, kind: str, where: int, junk: str
) -> None:
    records = [VE, SV, *synthetic_records(3, seed=9)]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(_corrupt(records, kind, where, junk)) + "\n", encoding="utf-8")
    before = registry.counts()
    with pytest.raises(InputError) as raised:
        _import_file(registry, path)
    message = str(raised.value)
    assert str(path) in message
    assert "\n" not in message
    assert registry.counts() == before


def test_malformed_file_on_the_command_line(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps(VE) + "\n" + json.dumps(dict(SV, birth_date="1990-02-30")) + "\n",
        encoding="utf-8",
    )
    before = registry.counts()
    result = registry.cli("registry", "import", path, as_user="olivia")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{path}:2" in result.stderr
    assert "birth_date" in result.stderr
    assert "Traceback" not in result.stderr
    assert registry.counts() == before


def _tamper(registry: Registry, statement: str) -> None:
    """Change the audit log behind Accord's back, as someone with the database's keys could."""
    if registry.backend == "sqlite":
        registry.sql("DROP TRIGGER audit_log_no_update")
        registry.sql("DROP TRIGGER audit_log_no_delete")
    else:
        registry.sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    registry.sql(statement)


@pytest.mark.parametrize(
    ("statement", "seq", "says"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4", 4, "hash differs"),
        ('UPDATE audit_log SET change = \'{"role": "admin"}\' WHERE seq = 3', 3, "canonical"),
        ('UPDATE audit_log SET change = \'{"name":"x"}\' WHERE seq = 5', 5, "digest differs"),
        ("DELETE FROM audit_log WHERE seq = 2", 3, "expected sequence number 2"),
    ],
)
def test_a_changed_audit_row_is_named(
    registry: Registry, tmp_path: Path, statement: str, seq: int, says: str
) -> None:
    intact = registry.cli("audit", "verify", as_user="mona")
    assert intact.returncode == 0, intact.stderr
    assert "intact" in intact.stdout
    _tamper(registry, statement)
    broken = registry.cli("audit", "verify", as_user="mona")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"broken at entry {seq}:" in broken.stderr
    assert says in broken.stderr


def test_exported_bundle_verifies_offline_and_catches_tampering(
    registry: Registry, tmp_path: Path
) -> None:
    cases = write_jsonl(tmp_path / "c.jsonl", [VE, SV])
    assert registry.cli("registry", "import", cases, as_user="olivia").returncode == 0
    bundle = tmp_path / "bundle"
    _one = registry.cli("audit", "export", "--out", bundle, as_user="mona")
    assert _one.returncode == 0, _one.stderr
    assert {p.name for p in bundle.iterdir()} == {
        "audit.jsonl",
        "manifest.json",
        "VERIFY.md",
        "verify_bundle.py",
        "checkpoint_proof.py",  # verify_bundle.py's checkpoint part (test_tampering.py)
        "checkpoints.jsonl",
    }
    elsewhere = tmp_path / "offline"
    shutil.copytree(bundle, elsewhere)

    def verify(folder: Path) -> subprocess.CompletedProcess[str]:
        # -I -S: no site-packages, no environment: the standard library only
        script = folder / "verify_bundle.py"
        return subprocess.run(
            [sys.executable, "-I", "-S", str(script), str(folder)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=folder,
        )

    good = verify(elsewhere)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "intact" in good.stdout
    lines = (elsewhere / "audit.jsonl").read_text("utf-8").splitlines(keepends=True)
    entry = json.loads(lines[6])
    entry["subject"] = "person:someone-else"
    tampered = [*lines[:6], json.dumps(entry, ensure_ascii=False) + "\n", *lines[7:]]
    (elsewhere / "audit.jsonl").write_text("".join(tampered), encoding="utf-8")
    bad = verify(elsewhere)
    assert bad.returncode == 1
    assert f"broken at entry {entry['seq']}" in bad.stdout
    (elsewhere / "audit.jsonl").write_text("".join(lines[:-1]), encoding="utf-8")
    cut = verify(elsewhere)
    assert cut.returncode == 1
    assert "manifest" in cut.stdout
