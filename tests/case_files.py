"""The fictional case file the operations, API and browser tests start from (one builder)."""

from __future__ import annotations

from typing import Any

from accord.casefile.models import V2_LISTS


def case_file(person_id: str, nationality: str, order_country: str | None = None) -> dict[str, Any]:
    """A noncitizen with a final removal order (to `order_country`, by default the country of
    nationality) and a completed sentence: eligible for CECOT under the El Salvador offer
    (once notice naming El Salvador is served, if not Salvadoran)."""
    return {
        "schema_version": "2",
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
                "country": order_country or nationality,
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
                "jurisdiction": "state",
                "juvenile": False,
                "offence_classes": [],
            }
        ],
        "sentences": [
            {
                "start": "2023-05-10",
                "projected_release": "2024-05-09",
                "released_on": "2024-05-09",
                "source": "State prison release record",
                "custodian": "state",
            }
        ],
        "consents": [],
        "early_removal_approvals": [],
        "transfer_requests": [],
        **{name: [] for name in V2_LISTS},
    }
