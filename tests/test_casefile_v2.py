"""Case file v2 at the edges: bad records refused with one clear line and nothing written, v1
records still read (and upgraded), and v2 records kept whole through the registry.

Each bad record goes through both commands that read case files: `accord decide FILE` and
`accord registry import FILE` (on SQLite and on PostgreSQL). The file starts with a valid
record, so that "nothing written" also shows the import is all or nothing.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.casefile.models import V1_LISTS, V2_LISTS, CaseFile
from accord.casefile.reader import read_case_files
from accord.db import read_session
from accord.registry import person_case_file
from cli_runner import run_accord
from conftest import write_jsonl
from registry.conftest import Registry, _new_registry, _Server

RETURN_SV = [
    "--agreement", "sv-2025-offer", "--pathway", "return_of_nationals",
    "--destination", "SV", "--as-of", "2025-03-16",
]  # fmt: skip
VALID: dict[str, Any] = {"person_id": "ok-001", "citizenship": "noncitizen", "nationalities": []}
V2: dict[str, Any] = {"schema_version": "2", "person_id": "v2-bad", "nationalities": ["SV"]}
TRO: dict[str, Any] = {
    "court": "D. Mass.",
    "docket": "1:25-cv-10676",
    "proceeding": "habeas",
    "effect": "bar_removal",
    "status": "entered",
    "date": "2025-04-10",
    "source": "temporary restraining order",
}

# (case id, the bad record, the field named, words of the reason)
BAD_RECORDS: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "unknown_status_kind",
        {**V2, "status_grants": [{"kind": "parole", "granted_on": "2024-01-01", "source": "x"}]},
        "field 'status_grants.0.kind'",
        "Input should be 'tps'",
    ),
    (
        "court_order_ends_before_it_starts",
        {**V2, "court_orders": [{**TRO, "expires_on": "2025-04-01"}]},
        "field 'court_orders.0'",
        "expires_on (2025-04-01) is before date (2025-04-10)",
    ),
    (
        "v2_list_without_schema_version",
        {
            "person_id": "v1-bad",
            "status_grants": [
                {"kind": "tps", "granted_on": "2024-01-01", "country": "SV", "source": "x"}
            ],
        },
        "field 'status_grants'",
        "the fields of v2 need schema_version 2",
    ),
    (
        "v2_field_in_a_v1_list_without_schema_version",
        {
            "person_id": "v1-bad",
            "removal_orders": [
                {
                    "kind": "expedited",
                    "issued_on": "2024-01-10",
                    "alternative_countries": ["MX"],
                    "source": "I-860",
                }
            ],
        },
        "field 'removal_orders.0.alternative_countries'",
        "the fields of v2 need schema_version 2",
    ),
    (
        "unknown_schema_version",
        {**V2, "schema_version": "3"},
        "schema_version",
        "schema_version '3' is not 1 or 2",
    ),
]
BAD_IDS = [case_id for case_id, *_ in BAD_RECORDS]
Runner = Callable[..., subprocess.CompletedProcess[str]]

# v2 records with lists of codes: several codes, none ([]: known to be none), not recorded
V2_CODES: dict[str, Any] = {
    "schema_version": "2",
    "person_id": "v2-codes",
    "birth_date": "1990-05-05",
    "sex": "male",
    "citizenship": "noncitizen",
    "citizenship_claim": [],
    "nationalities": ["SV"],
    "removal_orders": [
        {
            "kind": "immigration_judge",
            "issued_on": "2024-06-03",
            "country": "SV",
            "alternative_countries": ["MX", "GT"],
            "source": "IJ order designating El Salvador, alternatives Mexico and Guatemala",
        },
        {
            "kind": "reinstated",
            "issued_on": "2024-09-01",
            "alternative_countries": [],
            "waived_14_days": True,
            "source": "Form I-871",
        },
    ],
    "appeals": [],
    "stays": [],
    "protections": [],
    "fear_claims": [],
    "notices": [],
    "convictions": [
        {
            "offence": "Alien smuggling",
            "category": "nonviolent",
            "date": "2021-02-02",
            "final": True,
            "jurisdiction": "federal",
            "offence_classes": ["alien_smuggling", "crime_of_violence"],
            "source": "U.S. District Court judgment",
        },
        {
            "offence": "Trespass",
            "category": "nonviolent",
            "date": "2019-03-03",
            "final": True,
            "offence_classes": [],
            "source": "State court judgment",
        },
        {
            "offence": "Theft",
            "category": "nonviolent",
            "date": "2018-04-04",
            "final": True,
            "source": "State court judgment (not classified)",
        },
    ],
    "sentences": [],
    "status_grants": [],
    "court_orders": [{**TRO, "expires_on": "2025-04-24"}],
    "custody_locations": [
        {"district": "D. Mass.", "from_date": "2025-03-01", "source": "ICE detention record"}
    ],
}
V2_SPARSE: dict[str, Any] = {
    "schema_version": "2",
    "person_id": "v2-sparse",
    "citizenship": "noncitizen",
    "nationalities": ["VE"],
    "removal_orders": [{"kind": "expedited", "issued_on": "2024-01-10", "source": "I-860"}],
}
V1_RECORD: dict[str, Any] = {
    "person_id": "v1-still-read",
    "citizenship": "noncitizen",
    "nationalities": ["SV"],
    "removal_orders": [{"kind": "expedited", "issued_on": "2024-01-10", "source": "I-860"}],
    "stays": [],
    "convictions": [
        {
            "offence": "robbery",
            "category": "violent",
            "date": "2020-01-01",
            "final": True,
            "source": "court",
        }
    ],
}


@pytest.fixture(scope="module")
def pg_server() -> Iterator[_Server]:
    server = _Server()
    yield server
    server.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(
    request: pytest.FixtureRequest, tmp_path: Path, pg_server: _Server
) -> Iterator[Registry]:
    reg = _new_registry(request.param, tmp_path, pg_server)
    yield reg
    reg.engine.dispose()


@pytest.fixture
def run() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`accord ARGS` through its entry point (`run`: an input error is one line on stderr and
    exit status 2), in this process: a command that reads files only needs no subprocess."""
    return run_accord


def assert_one_line(
    result: subprocess.CompletedProcess[str], path: Path, field: str, reason: str
) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert "Traceback" not in result.stderr
    assert f"{path}:2" in line  # file and line
    assert field in line
    assert reason in line


@pytest.mark.parametrize(("case_id", "record", "field", "reason"), BAD_RECORDS, ids=BAD_IDS)
def test_decide_file_refuses_a_bad_record_in_one_line(
    run: Runner, tmp_path: Path, case_id: str, record: dict[str, Any], field: str, reason: str
) -> None:
    path = write_jsonl(tmp_path / f"{case_id}.jsonl", [VALID, record])
    result = run("decide", path, *RETURN_SV, "--format", "json")
    assert_one_line(result, path, field, reason)
    assert result.stdout == ""


def test_registry_import_refuses_each_bad_record_and_writes_nothing(
    registry: Registry, tmp_path: Path
) -> None:
    before = registry.counts()
    for case_id, record, field, reason in BAD_RECORDS:
        path = write_jsonl(tmp_path / f"{case_id}.jsonl", [VALID, record])
        result = registry.cli("registry", "import", path, as_user="olivia")
        assert_one_line(result, path, field, reason)
        assert registry.counts() == before, case_id


def test_a_v1_file_is_still_read_and_upgraded(
    run: Runner, registry: Registry, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "v1.jsonl", [V1_RECORD])
    (read,) = read_case_files(path).cases
    assert read.schema_version == "2"
    assert all(getattr(read, name) is None for name in V2_LISTS)  # not known
    assert read.removal_orders is not None
    assert read.removal_orders[0].alternative_countries is None  # a v2 field: not recorded
    decided = run("decide", path, *RETURN_SV, "--format", "json")
    assert decided.returncode == 0, decided.stderr

    imported = registry.cli("registry", "import", path, as_user="olivia")
    assert imported.returncode == 0, imported.stderr
    with read_session(registry.engine) as session:
        stored = person_case_file(session, person_id="v1-still-read")
    assert stored == read
    for name in V1_LISTS:
        assert getattr(stored, name) == getattr(read, name), name
    shown = registry.cli("registry", "show", "v1-still-read", as_user="mona")
    assert shown.returncode == 0, shown.stderr
    case = _shown_case(shown.stdout)
    assert case["schema_version"] == "2"
    assert not set(V2_LISTS) & set(case)  # not known: left out


def test_v2_files_round_trip_through_the_registry_with_code_lists_intact(
    run: Runner, registry: Registry, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "v2.jsonl", [V2_CODES, V2_SPARSE])
    from_file = {c.person_id: c for c in read_case_files(path).cases}
    imported = registry.cli("registry", "import", path, as_user="olivia")
    assert imported.returncode == 0, imported.stderr

    with read_session(registry.engine) as session:
        for person_id, case in from_file.items():
            assert person_case_file(session, person_id=person_id) == case, person_id
    stored = registry.sql(
        "SELECT alternative_countries FROM fact_removal_orders "
        "WHERE person_id = 'v2-codes' ORDER BY ordinal"
    )
    assert [r[0] for r in stored] == ["|MX|GT|", "|"]
    classes = registry.sql(
        "SELECT offence_classes FROM fact_convictions WHERE person_id = 'v2-codes' ORDER BY ordinal"
    )
    assert [r[0] for r in classes] == ["|alien_smuggling|crime_of_violence|", "|", None]

    shown = registry.cli("registry", "show", "v2-codes", as_user="mona")
    assert shown.returncode == 0, shown.stderr
    case = _shown_case(shown.stdout)
    orders, convictions = case["removal_orders"], case["convictions"]
    assert [o.get("alternative_countries") for o in orders] == [["MX", "GT"], []]
    assert [c.get("offence_classes") for c in convictions] == [
        ["alien_smuggling", "crime_of_violence"],
        [],
        None,
    ]
    assert CaseFile.model_validate(case) == from_file["v2-codes"]

    for person_id in from_file:
        in_registry = registry.cli(
            "decide", "--person", person_id, *RETURN_SV, "--format", "json", as_user="olivia"
        )
        assert in_registry.returncode == 0, in_registry.stderr
        on_file = run("decide", path, "--person", person_id, *RETURN_SV, "--format", "json")
        assert on_file.returncode == 0, on_file.stderr
        a, b = json.loads(in_registry.stdout), json.loads(on_file.stdout)
        for key in ("outcome", "failed", "unknown", "passed", "ruleset"):
            assert a[key] == b[key], (person_id, key)


def _shown_case(stdout: str) -> dict[str, Any]:
    """The case file JSON that `registry show` prints between its title and its table."""
    lines = stdout.splitlines()
    start = lines.index("{")
    end = lines.index("}", start)
    case: dict[str, Any] = json.loads("\n".join(lines[start : end + 1]))
    return case
