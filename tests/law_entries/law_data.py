"""Law entries for the tests. The court order is MADE UP for testing: its docket number and
sources are fictitious (a realistic fact pattern, not a real case)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from accord.agreements import get_agreement

TEST_ORDER_ID = "test-ve-sv-tro"
# A TRO barring removal to El Salvador of nationals of Venezuela (fictitious, for tests).
TEST_ORDER: dict[str, Any] = {
    "id": TEST_ORDER_ID,
    "title": "Doe v. Example (TEST ONLY: fictitious order for Accord's tests)",
    "court": "D. Test",
    "docket": "No. 0:26-cv-00000 (TEST ONLY, fictitious docket number)",
    "class": {
        "definition": "All nationals of Venezuela in U.S. custody (TEST ONLY, fictitious).",
        "source": "Fictitious minute order of 2025-03-12 (TEST ONLY)",
        "predicate": {"all": [{"nationality_in": ["VE"]}]},
    },
    "events": [
        {
            "date": "2025-03-12",
            "kind": "entered",
            "what": "temporary restraining order barring removal to El Salvador",
            "expires_on": "2025-03-26",
            "effect": {"kind": "bar_removal", "countries": ["SV"]},
            "source": "Fictitious TRO of 2025-03-12 (TEST ONLY)",
        }
    ],
}
# the TRO dissolved (a registry event of a registry order)
TEST_ORDER_DISSOLVED: dict[str, Any] = {
    "date": "2025-03-20",
    "kind": "dissolved",
    "what": "temporary restraining order dissolved",
    "source": "Fictitious order of 2025-03-20 (TEST ONLY)",
}
# J.O.P. v. DHS (bundled, a settlement in force to 2026-05-27) stayed: fictitious, for tests
JOP_STAYED: dict[str, Any] = {
    "date": "2026-01-15",
    "kind": "stayed",
    "stay": "pending_appeal",
    "what": "settlement enforcement stayed pending appeal (TEST ONLY, fictitious)",
    "by": "4th Cir.",
    "source": "Fictitious order of 2026-01-15 (TEST ONLY)",
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% test order (fictitious)\n%%EOF\n"
ADULT_AT_21 = {
    "effective_from": "2025-03-10",
    "value": 21,
    "source": "Fictitious amendment of the agreement's adult term (TEST ONLY)",
}


def offer_without_third_country_removal_of_non_nationals() -> dict[str, Any]:
    """sv-2025-offer amended: third-country removal accepted for Salvadorans only."""
    terms = copy.deepcopy(get_agreement("sv-2025-offer").model_dump(mode="json", by_alias=True))
    terms["pathways"]["third_country_removal"]["accepted_nationalities"] = ["SV"]
    terms["version"] = terms["version"] + 1
    return terms


AMENDMENT = {
    "effective_from": "2025-03-10",
    "what": "third-country removal narrowed to nationals of El Salvador (TEST ONLY)",
    "agreement": offer_without_third_country_removal_of_non_nationals(),
}


def jop_case() -> dict[str, Any]:
    """Scenario 330's person: a J.O.P. class member but for an element not recorded."""
    root = Path(__file__).resolve().parents[2] / "src" / "accord" / "law" / "scenarios"
    data = yaml.safe_load((root / "330_jop_last_day_of_settlement.yaml").read_text("utf-8"))
    return _plain(data["case"])


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
