"""DecisionRequest.context: kept per request value, and refusals are never kept."""

from __future__ import annotations

import pytest

from accord.engine import DecisionRequest
from accord.errors import UnknownFacility

CECOT = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
    "as_of": "2025-03-16",
}


def test_equal_requests_share_one_context_and_different_ones_do_not() -> None:
    first, again = DecisionRequest.build(**CECOT), DecisionRequest.build(**CECOT)
    assert first == again
    assert first is not again
    assert first.context() is again.context()
    later = DecisionRequest.build(**{**CECOT, "as_of": "2025-03-17"})
    assert later.context() is not first.context()
    assert later.context().as_of.isoformat() == "2025-03-17"


def test_a_refused_facility_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(UnknownFacility, match="names no facility 'Mariona'"):
            DecisionRequest.build(**{**CECOT, "facility": "Mariona"})
