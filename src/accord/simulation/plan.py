"""A scenario resolved into numbers: months, arrivals, stay, caps and unit costs per month.

Everything a scenario names is checked here, against the agreement catalogue,
the fee schedules and the cost model, and each failure is one ScenarioError
naming the file and the field (fee-schedule errors keep their own class).
Money is Decimal until the unit costs of each month are final, then float
for the Monte Carlo (reports round it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np

from accord.agreements import get_agreement
from accord.agreements.models import Agreement, Facility
from accord.billing.costs import CostParameter, check_overrides, cost_parameters
from accord.billing.errors import FeeNotProrated, FeeScheduleError, NoFeeInForce
from accord.billing.fees import DAILY_UNITS, FeeTable, Rate, daily_charge, fee_table
from accord.errors import InputError, UnknownAgreement
from accord.simulation.errors import ScenarioError
from accord.simulation.montecarlo import PopulationInputs
from accord.simulation.scenario import FixedArrivals, LoadedScenario
from accord.simulation.stay import stage_model

DOMESTIC_PARAMETER = {
    "ice_detention": "ice_detention_bed_day",
    "bop_incarceration": "bop_incarceration_day",
}
DOMESTIC_TITLE = {
    "ice_detention": "ICE detention in the United States",
    "bop_incarceration": "Bureau of Prisons custody in the United States",
}


@dataclass(frozen=True)
class MonthlyUnitCosts:
    """USD per month of the horizon (float arrays, one value a month)."""

    fee_per_person_month: np.ndarray  # daily fees summed over the days of the month
    fee_per_transfer: np.ndarray  # per person transferred that month
    domestic_per_person_month: np.ndarray
    medical_per_person_month: np.ndarray
    legal_per_person_month: np.ndarray
    monitoring_per_month: np.ndarray
    litigation_per_month: np.ndarray
    cost_per_flight: np.ndarray  # charter hours and escorts, one flight
    persons_per_flight: np.ndarray
    ground_per_person: np.ndarray
    return_per_person: np.ndarray


@dataclass(frozen=True)
class Limit:
    places: int
    source: str


@dataclass(frozen=True)
class SimulationPlan:
    loaded: LoadedScenario
    agreement: Agreement
    facility: Facility | None
    month_starts: tuple[dt.date, ...]
    days: np.ndarray  # days in each month
    quota: Limit | None
    capacity: Limit | None
    eligible: Limit | None  # caps cumulative arrivals
    population: PopulationInputs
    costs: MonthlyUnitCosts
    rates: tuple[Rate, ...]  # fee rates in force at some point of the horizon
    parameters: tuple[CostParameter, ...]  # cost parameter values used (distinct)
    domestic_title: str

    @property
    def months(self) -> int:
        return len(self.month_starts)


@contextmanager
def _field(loaded: LoadedScenario, field: str) -> Iterator[None]:
    """Turn an InputError raised for `field` into one naming the scenario file and field."""
    try:
        yield
    except ScenarioError:
        raise
    except FeeScheduleError as exc:  # keeps its class: UnknownCurrency, NegativeFee, ...
        raise type(exc)(f"scenario {loaded.file}: field '{field}': {exc}") from None
    except InputError as exc:
        raise ScenarioError(str(exc), file=loaded.file, field=field) from None


def month_starts(start: dt.date, months: int) -> tuple[dt.date, ...]:
    return tuple(
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(months)
    )


def _days(starts: tuple[dt.date, ...]) -> np.ndarray:
    return np.array([calendar.monthrange(d.year, d.month)[1] for d in starts], dtype=np.int64)


def _agreement(loaded: LoadedScenario, starts: tuple[dt.date, ...], days: np.ndarray) -> Agreement:
    scenario = loaded.scenario
    with _field(loaded, "agreement"):
        try:
            agreement = get_agreement(scenario.agreement)
        except UnknownAgreement as exc:
            raise ScenarioError(str(exc), file=loaded.file, field="agreement") from None
    span = f"{agreement.effective.from_} to {agreement.effective.to or 'open'}"
    if not agreement.in_force(scenario.start):
        never = "" if agreement.entered_into_force else " (it never entered into force)"
        raise ScenarioError(
            f"agreement '{agreement.id}' is not in force on {scenario.start} ({span}){never}",
            file=loaded.file,
            field="start",
        )
    end = starts[-1] + dt.timedelta(days=int(days[-1]) - 1)
    if agreement.effective.to is not None and end > agreement.effective.to:
        raise ScenarioError(
            f"the scenario runs to {end}, past the end of agreement '{agreement.id}' "
            f"({span}); shorten the horizon",
            file=loaded.file,
            field="horizon_months",
        )
    return agreement


def _facility(loaded: LoadedScenario, agreement: Agreement) -> Facility | None:
    wanted = loaded.scenario.facility
    if wanted is not None:
        found = agreement.facility(wanted)
        if found is None:
            known = ", ".join(f.id for f in agreement.facilities) or "none"
            raise ScenarioError(
                f"agreement '{agreement.id}' names no facility '{wanted}' (facilities: {known})",
                file=loaded.file,
                field="facility",
            )
        return found
    if len(agreement.facilities) > 1:
        known = ", ".join(f.id for f in agreement.facilities)
        raise ScenarioError(
            f"agreement '{agreement.id}' has several facilities ({known}): name one",
            file=loaded.file,
            field="facility",
        )
    return agreement.facilities[0] if agreement.facilities else None


def _eligible_from_screen(loaded: LoadedScenario, agreement: Agreement, screen: str) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    field = "eligible_population.screen"
    path = Path(screen)
    if not path.is_absolute() and loaded.folder is not None:
        path = loaded.folder / path
    if not path.is_file():
        raise ScenarioError(f"no screen output at {path}", file=loaded.file, field=field)
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as exc:
        message = f"{path} is not a Parquet file: {exc}"
        raise ScenarioError(message, file=loaded.file, field=field) from None
    names = set(parquet.schema_arrow.names)
    if not {"person_id", "outcome"} <= names:
        raise ScenarioError(
            f"{path} is not a screen output (it needs columns person_id and outcome)",
            file=loaded.file,
            field=field,
        )
    meta = (parquet.schema_arrow.metadata or {}).get(b"accord")
    screened_for = json.loads(meta).get("agreement", {}).get("id") if meta else None
    if screened_for not in (None, agreement.id):
        raise ScenarioError(
            f"{path} was screened under agreement '{screened_for}', "
            f"not the scenario's '{agreement.id}'",
            file=loaded.file,
            field=field,
        )
    outcomes = parquet.read(columns=["outcome"]).column("outcome")
    return int(pc.sum(pc.equal(outcomes, "eligible")).as_py() or 0)


def _fees(
    loaded: LoadedScenario, table: FeeTable, starts: tuple[dt.date, ...], days: np.ndarray
) -> tuple[list[Decimal], list[Decimal], set[Rate]]:
    """Per month: daily fees summed over its days (exact), and the per-transfer fee."""
    daily_units = [u for u in DAILY_UNITS if u in table.units()]
    per_month: list[Decimal] = []
    per_transfer: list[Decimal] = []
    used: set[Rate] = set()
    with _field(loaded, "horizon_months"), localcontext() as ctx:
        ctx.prec = 40
        for first, count in zip(starts, days, strict=True):
            total = Decimal(0)
            for offset in range(int(count)):
                day = first + dt.timedelta(days=offset)
                rates = [r for u in daily_units if (r := table.find_rate(day, u)) is not None]
                if daily_units and not rates:
                    raise NoFeeInForce(
                        f"agreement '{table.agreement_id}' has no daily fee in force on {day}; "
                        "shorten the horizon or add a fee change"
                    )
                used.update(rates)
                total += sum((daily_charge(r, day) for r in rates), Decimal(0))
            per_month.append(total)
            transfer = table.find_rate(first, "per_transfer")
            if transfer is not None:
                used.add(transfer)
            per_transfer.append(transfer.amount if transfer is not None else Decimal(0))
    return per_month, per_transfer, used


def _floats(values: list[Decimal]) -> np.ndarray:
    return np.array([float(v) for v in values], dtype=np.float64)


def _unit_costs(
    loaded: LoadedScenario, starts: tuple[dt.date, ...], days: np.ndarray, table: FeeTable
) -> tuple[MonthlyUnitCosts, set[Rate], tuple[CostParameter, ...]]:
    scenario = loaded.scenario
    fees, transfer_fees, used_rates = _fees(loaded, table, starts, days)
    with _field(loaded, "cost_overrides"):
        check_overrides(scenario.cost_overrides)
    with _field(loaded, "start"):  # a dated value must be in force from the first month
        by_month = [cost_parameters(d, scenario.cost_overrides) for d in starts]
    used: dict[tuple[str, dt.date | None, Decimal], CostParameter] = {}
    for params in by_month:
        for p in params.parameters.values():
            used.setdefault((p.name, p.effective_from, p.value), p)

    def column(name: str) -> list[Decimal]:
        return [params.value(name) for params in by_month]

    def per_day(name: str) -> np.ndarray:
        values: np.ndarray = _floats(column(name)) * days
        return values

    year_days = np.array([366 if calendar.isleap(d.year) else 365 for d in starts])

    def per_year(name: str) -> np.ndarray:
        values: np.ndarray = _floats(column(name)) * days / year_days
        return values

    flight = [
        hours * rate + escorts * escort
        for hours, rate, escorts, escort in zip(
            column("flight_hours_per_flight"),
            column("charter_flight_hour"),
            column("escorts_per_flight"),
            column("escort_cost_per_flight"),
            strict=True,
        )
    ]
    costs = MonthlyUnitCosts(
        fee_per_person_month=_floats(fees),
        fee_per_transfer=_floats(transfer_fees),
        domestic_per_person_month=per_day(DOMESTIC_PARAMETER[scenario.domestic_alternative]),
        medical_per_person_month=per_day("medical_care_per_person_day"),
        legal_per_person_month=_floats(column("legal_access_per_person_month")),
        monitoring_per_month=per_year("monitoring_per_year"),
        litigation_per_month=per_year("litigation_per_year"),
        cost_per_flight=_floats(flight),
        persons_per_flight=np.maximum(_floats(column("persons_per_flight")), 1.0),
        ground_per_person=_floats(column("ground_transport_per_person")),
        return_per_person=_floats(column("court_ordered_return_per_person")),
    )
    return costs, used_rates, tuple(used.values())


def resolve(loaded: LoadedScenario) -> SimulationPlan:
    """Check the scenario against the catalogue and cost model, and turn it into numbers."""
    scenario = loaded.scenario
    starts = month_starts(scenario.start, scenario.horizon_months)
    days = _days(starts)
    agreement = _agreement(loaded, starts, days)
    facility = _facility(loaded, agreement)
    with _field(loaded, "fee_changes"):
        table = fee_table(agreement).with_changes(scenario.fee_changes)
    with _field(loaded, "agreement"):
        try:
            costs, rates, parameters = _unit_costs(loaded, starts, days, table)
        except FeeNotProrated as exc:
            raise ScenarioError(str(exc), file=loaded.file, field="agreement") from None
    quota = (
        Limit(scenario.quota.places, scenario.quota.source)
        if scenario.quota is not None
        else Limit(facility.quota, facility.source)
        if facility is not None and facility.quota is not None
        else None
    )
    capacity = (
        Limit(scenario.capacity.places, scenario.capacity.source)
        if scenario.capacity is not None
        else Limit(facility.capacity, facility.source)
        if facility is not None
        else None
    )
    eligible: Limit | None = None
    if scenario.eligible_population is not None:
        given = scenario.eligible_population
        count = (
            given.count
            if given.count is not None
            else _eligible_from_screen(loaded, agreement, str(given.screen))
        )
        eligible = Limit(count, given.source)
    population = PopulationInputs(
        arrivals=np.array(scenario.arrivals.values(len(starts)), dtype=np.float64),
        arrivals_fixed=isinstance(scenario.arrivals, FixedArrivals),
        eligible_cap=eligible.places if eligible is not None else None,
        stay=stage_model(scenario.length_of_stay),
        return_probability=(
            scenario.return_orders.monthly_probability if scenario.return_orders else 0.0
        ),
    )
    ordered = tuple(sorted(rates, key=lambda r: (r.unit, r.effective_from)))
    return SimulationPlan(
        loaded,
        agreement,
        facility,
        starts,
        days,
        quota,
        capacity,
        eligible,
        population,
        costs,
        ordered,
        parameters,
        DOMESTIC_TITLE[scenario.domestic_alternative],
    )
