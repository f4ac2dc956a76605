"""The cost model: dated parameters, each with its source; overrides carry their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.billing import UnknownCostParameter, cost_parameters
from accord.billing.costs import CostOverride, cost_parameter_names
from accord.errors import InputError


def test_the_published_figures_of_design_section_7() -> None:
    params = cost_parameters(dt.date(2025, 4, 1))
    expected = {
        "ice_detention_bed_day": Decimal("187.48"),
        "bop_incarceration_day": Decimal("120.80"),
        "charter_flight_hour": Decimal("8600"),
    }
    for name, value in expected.items():
        assert params.value(name) == value
        assert not params[name].assumption, name
        assert "docs/design.md section 7" in params[name].source


def test_every_value_is_decimal_with_a_source_and_unsourced_ones_say_assumption() -> None:
    params = cost_parameters(dt.date(2025, 4, 1))
    assert set(params.parameters) == set(cost_parameter_names())
    for p in params.parameters.values():
        assert isinstance(p.value, Decimal)
        assert p.source.strip()
        assert p.value >= 0
    assumed = {p.name for p in params.parameters.values() if p.assumption}
    # the hidden costs of seeds/000 have no published figure
    for name in (
        "monitoring_per_year",
        "medical_care_per_person_day",
        "litigation_per_year",
        "legal_access_per_person_month",
        "flight_hours_per_flight",
    ):
        assert name in assumed
    assert params["monitoring_per_year"].as_record()["assumption"] == "yes"


def test_a_date_before_any_value_is_refused() -> None:
    with pytest.raises(InputError, match=r"no value of cost parameter .* in force on 2020-01-01"):
        cost_parameters(dt.date(2020, 1, 1))


def test_an_override_replaces_the_value_with_its_own_source() -> None:
    override = CostOverride(value=Decimal("8"), source="scenario: shorter flights")
    params = cost_parameters(dt.date(2025, 4, 1), {"flight_hours_per_flight": override})
    assert params.value("flight_hours_per_flight") == Decimal("8")
    assert params["flight_hours_per_flight"].source == "scenario: shorter flights"
    assert params["flight_hours_per_flight"].effective_from is None


def test_an_unknown_override_is_refused() -> None:
    override = CostOverride(value=Decimal("1"), source="x")
    with pytest.raises(UnknownCostParameter, match="no cost parameter 'catering'"):
        cost_parameters(dt.date(2025, 4, 1), {"catering": override})
