"""Case files and a clock for the operations tests (fictional people, March 2025 dates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.casefile.models import CaseFile
from accord.registry import import_case_files, write_session

from .conftest import Registry


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=dt.UTC)


def _base(person_id: str, nationality: str, order_country: str) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "birth_date": "1994-08-12",
        "sex": "male",
        "citizenship": "noncitizen",
        "citizenship_claim": [],
        "nationalities": [nationality],
        "removal_orders": [
            {
                "kind": "immigration_judge",
                "issued_on": "2024-10-07",
                "country": order_country,
                "source": "EOIR immigration judge decision",
            }
        ],
        "appeals": [],
        "stays": [],
        "protections": [],
        "fear_claims": [],
        "notices": [],
        "convictions": [
            {
                "offence": "Possession of a controlled substance",
                "category": "nonviolent",
                "date": "2023-05-10",
                "final": True,
                "source": "State district court judgment",
            }
        ],
        "sentences": [
            {
                "start": "2023-05-10",
                "projected_release": "2024-05-09",
                "released_on": "2024-05-09",
                "source": "State prison release record",
            }
        ],
        "consents": [],
        "early_removal_approvals": [],
        "transfer_requests": [],
    }


def venezuelan(n: int) -> dict[str, Any]:
    """Eligible for CECOT once written notice naming El Salvador is served (tests/scenarios/011)."""
    return _base(f"ve-{n:03d}", "VE", "VE")


def salvadoran(n: int) -> dict[str, Any]:
    """A Salvadoran with a final order and a final conviction: eligible for CECOT."""
    return _base(f"sv-{n:03d}", "SV", "SV")


def protected_salvadoran(n: int) -> dict[str, Any]:
    """Withholding of removal as to El Salvador granted in 2019 (tests/scenarios/020)."""
    case = salvadoran(n)
    case["protections"] = [
        {
            "kind": "withholding",
            "status": "granted",
            "country": "SV",
            "date": "2019-10-10",
            "source": "EOIR immigration judge decision granting withholding of removal",
        }
    ]
    return case


def load(registry: Registry, records: list[dict[str, Any]], now: dt.datetime) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=[CaseFile.model_validate(r) for r in records],
            source_document="test case files",
            valid_from=dt.date(2025, 3, 1),
            now=now,
        )
