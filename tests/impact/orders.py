"""Court orders and events the impact tests weigh (fictional: not orders of any court)."""

from __future__ import annotations

from typing import Any


def bar_for_nationality(
    country: str = "VE",
    *,
    to: str = "SV",
    entered: str = "2026-03-20",
    order_id: str = "doe-v-noem",
) -> dict[str, Any]:
    """A class-wide order barring removal of the nationals of `country` to `to`."""
    return {
        "id": order_id,
        "title": "Doe v. Noem (fictional, for tests)",
        "court": "D.D.C.",
        "docket": "No. 1:26-cv-00001 (test)",
        "class": {
            "definition": f"All nationals of {country} (fictional class, for tests)",
            "source": "test order",
            "predicate": {"nationality_in": [country]},
        },
        "events": [
            {
                "date": entered,
                "kind": "entered",
                "what": "temporary restraining order (test)",
                "source": "test order",
                "effect": {"kind": "bar_removal", "countries": [to]},
            }
        ],
    }


def stay(on: str, how: str = "pending_appeal") -> dict[str, Any]:
    return {
        "date": on,
        "kind": "stayed",
        "stay": how,
        "what": "stay pending appeal (test)",
        "source": "test order",
    }


def vacatur(on: str) -> dict[str, Any]:
    return {"date": on, "kind": "vacated", "what": "vacated (test)", "source": "test order"}
