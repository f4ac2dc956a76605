"""15 March 2025, as the impact tests replay it: a flight to CECOT departs at 18:00 with two
Venezuelans and a Salvadoran; at 20:00 a legal reviewer enters a (fictional) order barring
removal of Venezuelans to El Salvador, in force from that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.db import write_session
from accord.law_entries.service import enter_law
from operations.people import at, departed_mission, salvadoran, venezuelan

from .conftest import Registry
from .orders import bar_for_nationality

ORDER = bar_for_nationality(entered="2025-03-15")


def departed_and_ordered(registry: Registry) -> tuple[dict[str, int], int]:
    """The cases of the flight (person -> case id) and the id of the order's law entry."""
    cases = departed_mission(registry, [venezuelan(1), venezuelan(2), salvadoran(1)])
    return cases, enter_order(registry, ORDER, "doe-v-noem-tro.pdf", at(15, 20))


def enter_order(
    registry: Registry, order: dict[str, Any], document_name: str, now: dt.datetime
) -> int:
    """A legal reviewer (lena) enters `order` in the registry; its law entry's id."""
    with write_session(registry.engine) as session:
        return enter_law(
            session,
            actor=registry.users["lena"],
            kind="court_order",
            subject=order["id"],
            body=order,
            document=b"%PDF-1.4 test order",
            document_name=document_name,
            media_type="application/pdf",
            now=now,
        ).id


DAY = dt.date(2025, 3, 15)
