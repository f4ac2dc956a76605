"""Shared helpers for the test suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.casefile.models import V2_LISTS

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
CECOT = [
    "--agreement", "sv-2025-offer", "--pathway", "custody_placement",
    "--destination", "SV", "--facility", "CECOT", "--as-of", "2025-03-16",
]  # fmt: skip


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def two_cases(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "cases.jsonl", [VENEZUELAN_FOR_CECOT, SALVADORAN_WITH_WITHHOLDING]
    )
