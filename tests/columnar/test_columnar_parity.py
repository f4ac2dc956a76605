"""The columnar evaluator against DuckDB: the same rules' expressions, the same statuses.

For every request the law scenarios make (every agreement, pathway, destination, facility,
notice profile and day they use), a synthetic docket of each profile is screened by both
evaluators; every person's status under every rule, and the outcome, must be identical.
The columnar screen runs in slices of persons smaller than the docket, so the slices'
bounds and their union are checked too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from accord.engine import DecisionRequest, FactStore, screen_table
from accord.engine.columnar.plan import plan_for
from accord.engine.columnar.screen import screen_tables
from accord.law.catalogue import rules_for
from accord.synthetic import synthetic_docket

SCENARIOS = Path(__file__).parents[2] / "src" / "accord" / "law" / "scenarios"
PERSONS = 1_000
SLICE = 300  # four slices, the last one short


def _requests() -> list[dict[str, object]]:
    found = {}
    for path in sorted(SCENARIOS.glob("*.yaml")):
        request = yaml.safe_load(path.read_text("utf-8"))["request"]
        found[yaml.safe_dump(request, sort_keys=True)] = request
    return [found[k] for k in sorted(found)]


REQUESTS = _requests()


def _build(fields: dict[str, object]) -> DecisionRequest:
    return DecisionRequest.from_mapping(fields)


@functools.cache
def _store(profile: str) -> FactStore:
    return FactStore.from_tables(synthetic_docket(PERSONS, seed=11, profile=profile))


@pytest.fixture(scope="module", autouse=True)
def _close_stores() -> Iterator[None]:
    yield
    for profile in ("default", "national"):
        _store(profile).close()
    _store.cache_clear()


def columnar_screen(store: FactStore, request: DecisionRequest, slice_size: int) -> pa.Table:
    ctx = request.context()
    rules, _ = rules_for(ctx)
    parts = list(screen_tables(store=store, ctx=ctx, rules=rules, slice_size=slice_size))
    table = pa.concat_tables(parts)
    return pa.table({c: table[c].cast(pa.string()) for c in table.column_names})


def first_difference(want: pa.Table, got: pa.Table) -> str | None:
    """'person, column: want != got' for the first cell that differs, or None."""
    assert want.column_names == got.column_names
    ids = want["person_id"].to_pylist()
    for name in want.column_names:
        a, b = want[name].to_pylist(), got[name].to_pylist()
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return f"{ids[i]}, {name}: duckdb {x!r} != columnar {y!r}"
    return None


@pytest.mark.parametrize("profile", ["default", "national"])
@pytest.mark.parametrize(
    "fields",
    REQUESTS,
    ids=[
        f"{r['agreement']}-{r['pathway']}-{r['destination']}-{r.get('facility')}-{r['as_of']}"
        f"-{r.get('notice_profile', 'mp')}"
        for r in REQUESTS
    ],
)
def test_columnar_screen_equals_duckdb(profile: str, fields: dict[str, object]) -> None:
    store = _store(profile)
    request = _build(fields)
    want = screen_table(store=store, request=request)
    got = columnar_screen(store, request, SLICE)
    assert got.num_rows == want.num_rows == PERSONS
    assert got.column_names == want.column_names
    assert first_difference(want.cast(got.schema), got) is None
    # the rules' plans are per person, so the screen was decided in slices
    ctx = request.context()
    assert plan_for(ctx, rules_for(ctx)[0]).per_person


def test_the_requests_cover_every_pathway_and_several_days() -> None:
    assert {r["pathway"] for r in REQUESTS} == {
        "return_of_nationals",
        "third_country_removal",
        "custody_placement",
        "sentenced_transfer",
        "early_removal",
    }
    assert len({r["as_of"] for r in REQUESTS}) >= 5
    assert len(REQUESTS) >= 50


def test_a_screen_that_decides_differs_between_persons() -> None:
    """Equal screens prove little if every person got one answer: these do not."""
    request = _build(
        dict(
            agreement="sv-2025-offer",
            pathway="custody_placement",
            destination="SV",
            facility="CECOT",
            as_of="2025-03-16",
        )
    )
    got = columnar_screen(_store("national"), request, SLICE)
    assert len(set(got["outcome"].to_pylist())) >= 2
    statuses = {s for c in got.column_names[1:-1] for s in got[c].to_pylist()}
    assert {"pass", "fail", "unknown"} <= statuses
