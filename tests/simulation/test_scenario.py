"""Scenario files: each kind of bad input is one clear error naming the file and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from accord.billing import NegativeFee, UnknownCurrency
from accord.errors import InputError
from accord.simulation import ScenarioError, bundled_scenarios, load_scenario, resolve

from .conftest import ScenarioWriter


def resolve_file(path: Path) -> None:
    resolve(load_scenario(path))


def fee_change(**fields: object) -> list[dict[str, object]]:
    change: dict[str, object] = {
        "amount": "25000",
        "currency": "USD",
        "unit": "per_person_year",
        "effective": {"from": "2025-07-01"},
        "source": "test",
    }
    return [{**change, **fields}]


def test_the_base_scenario_is_valid(write_scenario: ScenarioWriter) -> None:
    plan = resolve(load_scenario(write_scenario()))
    assert plan.months == 6
    assert plan.quota is not None
    assert plan.quota.places == 300  # from the agreement
    assert plan.capacity is not None
    assert plan.capacity.places == 40_000


def test_an_unknown_field_names_file_and_field(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(arrivals={"distribution": "poisson", "per_mont": 25, "source": "typo"})
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message
    assert "field 'arrivals.per_mont': unknown field" in message
    assert "\n" not in message
    assert caught.value.field == "arrivals.per_mont"


def test_an_unknown_top_level_field(write_scenario: ScenarioWriter) -> None:
    with pytest.raises(ScenarioError, match="field 'budget': unknown field"):
        load_scenario(write_scenario(budget=5))


def test_an_unknown_agreement_names_file_and_field(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(agreement="sv-2031-treaty")
    with pytest.raises(ScenarioError) as caught:
        resolve_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "field 'agreement': no agreement 'sv-2031-treaty'" in message
    assert "sv-2025-pilot" in message  # the known ids are listed


def test_an_unknown_distribution(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(length_of_stay={"distribution": "weibull", "source": "x"})
    with pytest.raises(ScenarioError, match="field 'length_of_stay'"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"start": "2025-04-15"}, None, "first day of a month"),
        ({"horizon_months": 0}, "horizon_months", "greater than or equal to 1"),
        (
            {"arrivals": {"distribution": "fixed", "by_month": [1, 2], "source": "x"}},
            None,
            "has 2 values; horizon_months is 6",
        ),
        (
            {"arrivals": {"distribution": "fixed", "per_month": 2.5, "source": "x"}},
            "arrivals",
            "whole numbers",
        ),
        (
            {"arrivals": {"distribution": "poisson", "per_month": -1, "source": "x"}},
            "arrivals.per_month",
            "greater than or equal to 0",
        ),
        (
            {"return_orders": {"monthly_probability": 1.5, "source": "x"}},
            "return_orders.monthly_probability",
            "less than or equal to 1",
        ),
        (
            {"length_of_stay": {"distribution": "fixed", "months": 3}},
            "length_of_stay.source",
            "Field required",
        ),
    ],
)
def test_invalid_values(
    write_scenario: ScenarioWriter, fields: dict[str, object], field: str | None, reason: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write_scenario(**fields))
    assert caught.value.field == field
    assert reason in str(caught.value)


def test_a_missing_file_lists_the_bundled_scenarios(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"no such file.*sv-2025-offer, sv-2025-pilot"):
        load_scenario(tmp_path / "nope.yaml")


def test_invalid_yaml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML at line") as caught:
        load_scenario(path)
    assert "\n" not in str(caught.value)


def test_unknown_currency_in_a_fee_change(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(fee_changes=fee_change(currency="BTC"))
    with pytest.raises(UnknownCurrency) as caught:
        resolve_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "field 'fee_changes'" in message
    assert "fee change #1: currency 'BTC'" in message


def test_negative_fee_change(write_scenario: ScenarioWriter) -> None:
    with pytest.raises(NegativeFee, match="fee change #1: amount -25000"):
        resolve_file(write_scenario(fee_changes=fee_change(amount="-25000")))


def test_a_scenario_past_the_agreement_is_refused(write_scenario: ScenarioWriter) -> None:
    with pytest.raises(ScenarioError, match="past the end of agreement 'sv-2025-pilot'") as e:
        resolve_file(write_scenario(horizon_months=13))
    assert e.value.field == "horizon_months"


def test_a_scenario_before_the_agreement_is_refused(write_scenario: ScenarioWriter) -> None:
    with pytest.raises(ScenarioError, match="not in force on 2025-01-01") as e:
        resolve_file(write_scenario(start="2025-01-01"))
    assert e.value.field == "start"


def test_a_period_without_fee_is_refused(write_scenario: ScenarioWriter) -> None:
    # the offer's fee starts on 2025-03-15; the offer itself on 2025-02-03
    path = write_scenario(agreement="sv-2025-offer", start="2025-03-01")
    with pytest.raises(ScenarioError, match="no daily fee in force on 2025-03-01") as e:
        resolve_file(path)
    assert e.value.field == "horizon_months"


def test_an_unknown_facility(write_scenario: ScenarioWriter) -> None:
    with pytest.raises(ScenarioError, match="names no facility 'Mariona'"):
        resolve_file(write_scenario(facility="Mariona"))


def test_an_unknown_cost_override(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(cost_overrides={"catering": {"value": "1", "source": "x"}})
    with pytest.raises(ScenarioError, match="field 'cost_overrides': no cost parameter"):
        resolve_file(path)


def write_screen(path: Path, outcomes: list[str], agreement: str | None = None) -> Path:
    table = pa.table({"person_id": [f"p{i}" for i in range(len(outcomes))], "outcome": outcomes})
    if agreement is not None:
        meta = {"accord": json.dumps({"agreement": {"id": agreement}})}
        table = table.replace_schema_metadata(meta)
    pq.write_table(table, path)
    return path


def test_the_eligible_count_of_a_screen_caps_arrivals(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    write_screen(
        tmp_path / "screen.parquet",
        ["eligible"] * 7 + ["ineligible", "undetermined"],
        agreement="sv-2025-pilot",
    )
    path = write_scenario(eligible_population={"screen": "screen.parquet", "source": "screen"})
    plan = resolve(load_scenario(path))  # the path is relative to the scenario file
    assert plan.eligible is not None
    assert plan.eligible.places == 7
    assert plan.population.eligible_cap == 7


@pytest.mark.parametrize(
    ("columns", "agreement", "reason"),
    [
        ({"person_id": ["a"], "decision": ["eligible"]}, None, "is not a screen output"),
        (
            {"person_id": ["a"], "outcome": ["eligible"]},
            "sv-2025-offer",
            "screened under agreement 'sv-2025-offer'",
        ),
    ],
)
def test_a_screen_that_does_not_fit_is_refused(
    write_scenario: ScenarioWriter,
    tmp_path: Path,
    columns: dict[str, list[str]],
    agreement: str | None,
    reason: str,
) -> None:
    table = pa.table(columns)
    if agreement:
        table = table.replace_schema_metadata(
            {"accord": json.dumps({"agreement": {"id": agreement}})}
        )
    pq.write_table(table, tmp_path / "s.parquet")
    path = write_scenario(eligible_population={"screen": "s.parquet", "source": "x"})
    with pytest.raises(ScenarioError, match=reason) as caught:
        resolve_file(path)
    assert caught.value.field == "eligible_population.screen"


def test_a_missing_screen_file(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(eligible_population={"screen": "none.parquet", "source": "x"})
    with pytest.raises(ScenarioError, match="no screen output at"):
        resolve_file(path)


def test_bundled_scenarios_are_valid_and_every_number_has_a_source() -> None:
    names = set(bundled_scenarios())
    assert {"sv-2025-pilot", "sv-2025-offer"} <= names
    for name in names:
        plan = resolve(load_scenario(name))
        scenario = plan.loaded.scenario
        assert scenario.arrivals.source
        assert scenario.length_of_stay.source
        assert all(change.source for change in scenario.fee_changes)
        assert plan.rates, name  # a fee is in force


def test_errors_are_input_errors(write_scenario: ScenarioWriter) -> None:
    assert issubclass(ScenarioError, InputError)


def test_a_real_screen_output_caps_arrivals(
    two_cases: Path, write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    from accord.cli.docket import open_docket
    from accord.engine import DecisionRequest, screen_docket
    from accord.law.framework import FacilityCounts

    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        facility="CECOT",
        as_of="2025-03-16",
        notice_profile="most_protective",
        # CECOT's room is a registry count a case file lacks: the census is given
        facility_counts=FacilityCounts(0, 0, source="a census of the test"),
    )
    screen = tmp_path / "screen.parquet"
    screen_docket(store=open_docket(two_cases), request=request, out=screen)
    path = write_scenario(
        agreement="sv-2025-offer",
        eligible_population={"screen": str(screen), "source": "screen of two cases"},
    )
    plan = resolve(load_scenario(path))
    assert plan.eligible is not None
    assert plan.eligible.places == 1  # ve-001 is eligible, sv-001 is not
    with pytest.raises(ScenarioError, match="screened under agreement 'sv-2025-offer'"):
        resolve_file(write_scenario(eligible_population={"screen": str(screen), "source": "x"}))
