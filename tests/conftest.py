"""Shared helpers for the test suite."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from xdist.scheduler import LoadScopeScheduling

from accord.casefile.models import V2_LISTS

# Hypothesis fails an example that takes over 200 ms by default: a timing assertion, which
# the suite does not make (a busy 2-core machine failed test_list_digest_equals_content_digest
# so). Speed is measured in benchmarks/.
settings.register_profile("accord", deadline=None)
settings.load_profile("accord")

VENEZUELAN_FOR_CECOT: dict[str, Any] = {
    "schema_version": "2",
    "person_id": "ve-001",
    "citizenship": "noncitizen",
    "nationalities": ["VE"],
    "birth_date": "1990-01-01",
    "citizenship_claim": [],
    "removal_orders": [
        {"kind": "immigration_judge", "issued_on": "2024-01-10", "source": "IJ order"}
    ],
    "appeals": [],
    "stays": [],
    "protections": [],
    "fear_claims": [],
    "notices": [
        {"country": "SV", "served_on": "2025-03-01", "served_on_counsel": True, "source": "notice"}
    ],
    "convictions": [
        {
            "offence": "robbery",
            "category": "violent",
            "date": "2020-01-01",
            "final": True,
            "source": "court",
            "jurisdiction": "state",
            "juvenile": False,
            "offence_classes": ["crime_of_violence"],
        }
    ],
    "sentences": [],
    "early_removal_approvals": [],
    **{key: [] for key in V2_LISTS},
}
SALVADORAN_WITH_WITHHOLDING: dict[str, Any] = {
    "person_id": "sv-001",
    "citizenship": "noncitizen",
    "nationalities": ["SV"],
    "removal_orders": [{"kind": "expedited", "issued_on": "2024-01-10", "source": "I-860"}],
    "stays": [],
    "protections": [
        {
            "kind": "withholding",
            "status": "granted",
            "country": "SV",
            "date": "2019-10-01",
            "source": "IJ grant",
        }
    ],
}
SCENARIO_DIR = Path(__file__).resolve().parents[1] / "src" / "accord" / "law" / "scenarios"
SCENARIO_STEMS = frozenset(path.stem for path in SCENARIO_DIR.glob("*.yaml"))
CECOT = [
    "--agreement", "sv-2025-offer", "--pathway", "custody_placement",
    "--destination", "SV", "--facility", "CECOT", "--as-of", "2025-03-16",
]  # fmt: skip


@pytest.hookimpl(tryfirst=True)
def pytest_collection() -> None:
    """A pytest-xdist worker has COLUMNS=80 and LINES=24 in its environment by the time it
    collects (a serial run has neither): the CLI's rich consoles, made when a test module
    imports the CLI, would be fixed at 80 columns and ignore the COLUMNS that a test gives
    its CliRunner. Drop them before any test module is imported, as in a serial run."""
    if "PYTEST_XDIST_WORKER" in os.environ:
        for name in ("COLUMNS", "LINES"):
            os.environ.pop(name, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs, for `make test-fast`: -m "not postgresql and not
    browser and not slow" (`slow` is also set by hand on tests that start processes)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = set(map(str, callspec.params.values())) if callspec is not None else set()
        if "pg_server" in fixtures and "sqlite" not in params:
            item.add_marker(pytest.mark.postgresql)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


class SharedSetupScheduling(LoadScopeScheduling):
    """pytest-xdist's --dist loadgroup with groups named here: each test goes to whichever
    worker is free, except that the browser tests share one worker (and one Chromium), and the
    tests of one law scenario share one worker, which compiles the rules for its request
    (seconds each) once and has them cached for the next. (xdist's own xdist_group mark does
    not group with pytest 9.2's node ids: pytest-xdist issue 1386.)"""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith("tests/browser/"):
            return "browser"
        scenario = re.search(r"\[([^\]]+)\]$", nodeid)
        if scenario is not None and scenario[1] in SCENARIO_STEMS:
            return f"scenario-{scenario[1]}"
        return nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") == "loadgroup":
        return SharedSetupScheduling(config, log)
    return None


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def two_cases(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "cases.jsonl", [VENEZUELAN_FOR_CECOT, SALVADORAN_WITH_WITHHOLDING]
    )
