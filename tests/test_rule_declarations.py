"""Every rule declares everything it reads, and reads nothing it does not declare.

Each rule is evaluated as the engine evaluates it, on both paths: for one person (the fact
tables under their own names, engine/one_person.py) and for a docket (engine/compiler.py
`docket_facts`: the `<table>_all` tables, shared relations, person_in as flag columns),
with every access recorded:

* fact lists: a fact table read, or a list's `<list>_known` flag;
* law parameters: an attribute of `Context.params` (the notice terms outside court orders
  are the parameter third_country_notice);
* class-wide court orders: an order's class definition evaluated, an order fetched by id,
  or an order's notice terms read from the parameters;
* dated law tables: the lookups of law/dated_law.py and the calendar table.

Over contexts that reach every branch (each pathway every bundled agreement provides, and
days on which, between them, every bundled order binds), what a rule reads on each path must
be what it declares (Rule.reads, parameters, court_orders, law_tables), both ways.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import ibis
import pytest
from typer.testing import CliRunner

from accord.agreements import bundled_agreements
from accord.cli.main import app
from accord.cli.rules import law_table
from accord.engine import DecisionRequest
from accord.engine.compiler import docket_facts
from accord.errors import DataError
from accord.facts.tables import FACT_SCHEMAS
from accord.law import calendar, class_predicates, court_orders, dated_law
from accord.law.catalogue import ALL_RULES, RULES, rules_for
from accord.law.framework import DATED_LAW_TABLES, Context, Expr, Facts, Rule
from accord.law.parameters import LawParameters, resolve_parameters
from accord.law.terms import BORROWED_PATHWAYS

BASE_DAY = dt.date(2025, 3, 16)
PATHS = ("one_person", "docket")


@dataclasses.dataclass
class Reads:
    lists: set[str] = dataclasses.field(default_factory=set)
    parameters: set[str] = dataclasses.field(default_factory=set)
    court_orders: set[str] = dataclasses.field(default_factory=set)
    law_tables: set[str] = dataclasses.field(default_factory=set)


class _Recorder:
    """Where accesses go: the reads of the rule being evaluated (None between rules)."""

    reads: Reads | None = None

    def note(self, kind: str, name: str) -> None:
        if self.reads is not None:
            getattr(self.reads, kind).add(name)


recorder = _Recorder()


# ---- the fact tables, recorded ------------------------------------------------------------


class _RecordingTables(dict[str, Expr]):
    def __getitem__(self, name: str) -> Expr:
        if name != "persons":  # every rule answers over the persons
            recorder.note("lists", name)
        return super().__getitem__(name)


@dataclasses.dataclass(frozen=True)
class _RecordingFacts(Facts):
    def known(self, list_name: str) -> Expr:
        recorder.note("lists", list_name)
        return super().known(list_name)


def _one_person_facts() -> Facts:
    """As engine/compiler.py compiles for one person: the tables under their own names."""
    tables = {
        name: ibis.table(ibis.Schema.from_pyarrow(schema), name=name)
        for name, schema in FACT_SCHEMAS.items()
    }
    return _RecordingFacts(_RecordingTables(tables))


def _docket_facts() -> Facts:
    """As engine/compiler.py compiles for a docket, every field of its Facts kept."""
    facts, _memberships = docket_facts()
    fields = {f.name: getattr(facts, f.name) for f in dataclasses.fields(facts)}
    return _RecordingFacts(**{**fields, "tables": _RecordingTables(facts.tables)})


FACTS: dict[str, Callable[[], Facts]] = {"one_person": _one_person_facts, "docket": _docket_facts}


# ---- the parameters, recorded -------------------------------------------------------------

# LawParameters attributes that are not parameters by their own name
PARAMETER_OF = {"notice_outside_orders": "third_country_notice", "notice": "third_country_notice"}
NOT_LAW_DATA = {"profile"}  # the deployment's notice profile: a setting, not a parameter


class _RecordingParameters:
    def __init__(self, params: LawParameters) -> None:
        self._params = params

    def __getattr__(self, name: str) -> Any:
        if name in ("notice_orders", "notice"):  # the terms of each order binding on the day
            for order in self._params.notice_orders:
                recorder.note("court_orders", order.order_id)
        if name == "records":  # every parameter's value
            for record in self._params.records():
                recorder.note("parameters", record["parameter"])
        elif name not in NOT_LAW_DATA and name != "notice_orders":
            recorder.note("parameters", PARAMETER_OF.get(name, name))
        return getattr(self._params, name)


# ---- court orders and dated law tables, recorded where the rules look them up -------------


def _recording(function: Callable[..., Any], note: Callable[..., None]) -> Callable[..., Any]:
    def recorded(*args: Any, **kwargs: Any) -> Any:
        note(*args, **kwargs)
        return function(*args, **kwargs)

    return recorded


def _lookups() -> list[tuple[object, Callable[..., Any]]]:
    """(each function a rule looks law data up with, the same function recorded)."""
    order_of_class = {
        id(order.predicate): order.id for order in court_orders.bundled_court_orders().values()
    }

    def class_evaluated(predicate: object, *_args: object) -> None:
        if id(predicate) in order_of_class:
            recorder.note("court_orders", order_of_class[id(predicate)])

    def table(name: str) -> Callable[..., None]:
        return lambda *_args, **_kwargs: recorder.note("law_tables", name)

    lookups: list[tuple[Callable[..., Any], Callable[..., None]]] = [
        (class_predicates.evaluate, class_evaluated),
        (court_orders.get_court_order, lambda order_id: recorder.note("court_orders", order_id)),
        (dated_law.tps_designations, table("tps_designations")),
        (dated_law.tps_periods_on, table("tps_designations")),
        (dated_law.circuits, table("circuit_stay_rules")),
        (dated_law.stay_rules_on, table("circuit_stay_rules")),
        (calendar.calendar_table, table("non_business_days")),
    ]
    return [(function, _recording(function, note)) for function, note in lookups]


@pytest.fixture(scope="module")
def recorded_lookups() -> Iterator[None]:
    """Every accord.law module's name for a lookup, pointed at the recorded lookup: a rule
    reads law data wherever its module imported the lookup from."""
    lookups = _lookups()
    with pytest.MonkeyPatch.context() as patch:
        for module_name, module in list(sys.modules.items()):
            if not module_name.startswith("accord.law") or module is None:
                continue
            for attribute, value in list(vars(module).items()):
                recorded = next((r for f, r in lookups if f is value), None)
                if recorded is not None:
                    patch.setattr(module, attribute, recorded)
        yield


# ---- the contexts -------------------------------------------------------------------------


def _requests_on(day: dt.date) -> list[DecisionRequest]:
    """Each pathway each bundled agreement provides (early removal where it provides the
    pathway early removal borrows), with each of its facilities where one is needed."""
    requests = []
    for agreement in bundled_agreements().values():
        pathways = list(agreement.pathways)
        pathways += [p for p, borrowed in BORROWED_PATHWAYS.items() if borrowed in pathways]
        destination = next(p.country for p in agreement.parties if p.role in ("receiving", "party"))
        for pathway in pathways:
            if pathway == "custody_placement":
                requests.extend(
                    DecisionRequest(agreement.id, pathway, f.country, day, f.id)
                    for f in agreement.facilities
                )
            else:
                requests.append(DecisionRequest(agreement.id, pathway, destination, day))
    return requests


def _binding(day: dt.date) -> set[str]:
    """The bundled orders that bind a decision of `day` (with an effect)."""
    return {
        order.id
        for order in court_orders.bundled_court_orders().values()
        if (state := order.state_on(day)).applies("most_protective") and state.effect is not None
    }


def _order_days() -> list[dt.date]:
    """Days on which, between them, every bundled order binds (greedily, few days)."""
    candidates = {
        event.on: _binding(event.on)
        for order in court_orders.bundled_court_orders().values()
        for event in order.events
    }
    days, left = [], set(court_orders.bundled_court_orders())
    while left:
        day = max(sorted(candidates), key=lambda d: len(candidates[d] & left))
        assert candidates[day] & left, f"no day on which {sorted(left)} bind"
        days.append(day)
        left -= candidates[day]
    return sorted(days)


def contexts() -> list[Context]:
    """The catalogue's requests on a day, and its removal requests, one per pathway, on days
    on which, between them, every bundled order binds."""
    requests = _requests_on(BASE_DAY)
    for day in _order_days():
        by_pathway = {r.pathway: r for r in reversed(_requests_on(day))}
        requests += [r for p, r in by_pathway.items() if p != "sentenced_transfer"]
    return [r.context() for r in requests]


@pytest.fixture(scope="module")
def reads(recorded_lookups: None) -> dict[tuple[str, str], Reads]:
    """(path, rule id) -> what the rule read, over every context that applies it."""
    found: dict[tuple[str, str], Reads] = {}
    for ctx in contexts():
        in_effect, _ = rules_for(ctx)
        recorded_ctx = dataclasses.replace(ctx, params=_RecordingParameters(ctx.params))
        for path in PATHS:
            facts = FACTS[path]()
            for rule in in_effect:
                recorder.reads = found.setdefault((path, rule.id), Reads())
                try:
                    rule.evaluate(facts, recorded_ctx)
                    rule.citations_for(recorded_ctx)
                finally:
                    recorder.reads = None
    return found


# ---- the checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_rule_reads_what_it_declares_and_nothing_else(
    rule: Rule, path: str, reads: dict[tuple[str, str], Reads]
) -> None:
    assert (path, rule.id) in reads, f"{rule.id} is never evaluated: add a context that applies it"
    used = reads[path, rule.id]
    for kind in ("lists", "parameters", "court_orders", "law_tables"):
        declared = set(getattr(rule, "reads" if kind == "lists" else kind))
        read = getattr(used, kind)
        assert read - declared == set(), f"{rule.id} reads {kind} it does not declare"
        assert declared - read == set(), f"{rule.id} declares {kind} it never reads"


def test_the_recording_sees_every_kind_of_read(reads: dict[tuple[str, str], Reads]) -> None:
    """The recording is live: each kind of dependency is seen somewhere on each path (a
    lookup the rules stopped using would otherwise pass as 'declares nothing')."""
    for path in PATHS:
        on_path = [r for (p, _), r in reads.items() if p == path]
        assert set().union(*(r.law_tables for r in on_path)) == set(DATED_LAW_TABLES)
        assert set().union(*(r.court_orders for r in on_path)) == set(
            court_orders.bundled_court_orders()
        )
        assert set().union(*(r.parameters for r in on_path)) == _parameter_names()
        assert set().union(*(r.lists for r in on_path)) <= set(FACT_SCHEMAS)


def _parameter_names() -> set[str]:
    return {r["parameter"] for r in resolve_parameters(BASE_DAY).records()}


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_declarations_name_what_exists(rule: Rule) -> None:
    """Every declared name is a fact list, a parameter of law/data/parameters.yaml, a bundled
    court order or a dated law table, named once."""
    parameters = _parameter_names()
    for declared in (rule.reads, rule.parameters, rule.court_orders, rule.law_tables):
        assert len(declared) == len(set(declared)), rule.id
    assert set(rule.reads) <= set(FACT_SCHEMAS) - {"persons"}
    assert set(rule.parameters) <= parameters
    assert set(rule.court_orders) <= set(court_orders.bundled_court_orders())
    assert set(rule.law_tables) <= set(DATED_LAW_TABLES)


def test_a_rule_cannot_name_a_law_table_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="unknown law tables"):
        dataclasses.replace(RULES["no_status_bar"], law_tables=("tps_designation",))


# ---- what `accord rules show` and `accord rules list` say ---------------------------------

runner = CliRunner()


def _show(rule_id: str, *options: str) -> str:
    result = runner.invoke(app, ["rules", "show", rule_id, *options])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_show_gives_every_law_table_and_court_order_the_rule_reads(rule: Rule) -> None:
    data = json.loads(_show(rule.id, "--format", "json"))
    assert [t["name"] for t in data["law_tables"]] == list(rule.law_tables)
    for table in data["law_tables"]:
        assert table["title"]
        assert table["data"]
        assert table["citations"]
        for entry in table["entries"]:
            assert entry["values"], (table["name"], entry["key"])
            assert all(v["from"] and v["value"] and v["source"] for v in entry["values"])
    for order in data["court_orders"]:
        o = court_orders.get_court_order(order["id"])
        assert order["citation"] == f"{o.title}, {o.docket} ({o.court})"


@pytest.mark.parametrize("name", DATED_LAW_TABLES)
def test_every_dated_law_table_is_shown_with_its_law(name: str) -> None:
    table = law_table(name)
    assert table["name"] == name
    assert table["title"]
    assert table["citations"]
    if name != "non_business_days":  # the calendar is computed from the statute, not listed
        assert table["entries"]
    with pytest.raises(DataError):
        law_table("no_such_table")


def test_show_prints_a_law_table_with_its_dated_entries_and_sources() -> None:
    text = _show("no_status_bar")
    assert "law tables:\n  - tps_designations: " in text
    for code, country in dated_law.tps_designations().items():
        assert f"    {code} ({country.name}):" in text
        first = country.periods[0]
        assert f"from {first.start.isoformat()}: {first.state}" in text
    stays = _show("no_stay_motion_bar")
    assert "  - circuit_stay_rules: " in stays
    for circuit in dated_law.circuits():
        assert f"    {circuit.court} (" in stays
    assert "8 C.F.R. 1003.38(b)" in _show("final_order").split("law tables:")[1]
    assert "law tables: none" in _show("no_asylum")


def test_show_prints_each_court_order_with_its_citation() -> None:
    text = _show("no_class_order_bar")
    for order_id in RULES["no_class_order_bar"].court_orders:
        o = court_orders.get_court_order(order_id)
        assert f"  - {o.id}: {o.title}, {o.docket} ({o.court})" in " ".join(text.split("\n"))


def test_list_shows_everything_each_rule_reads() -> None:
    result = runner.invoke(app, ["rules", "list"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    for name in DATED_LAW_TABLES:
        assert f"law table {name}" in flat
    assert "court order dvd-v-dhs" in flat
    assert "parameter transfer_min_remaining_months" in flat
