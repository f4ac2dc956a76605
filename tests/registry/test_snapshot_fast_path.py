"""The docket read through COPY (registry/snapshot_read.py, PostgreSQL) gives exactly the
tables of the row path (reads.row_fact_tables): corrections, retractions, lists known
again, text that CSV must quote, and --as-known-on cutoffs before, between and after.
On SQLite docket_fact_tables is the row path itself; the cases run there too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.casefile.models import CASE_FILE_LISTS
from accord.db import read_session, write_session
from accord.facts.tables import FactTables
from accord.registry import docket_fact_tables, import_case_files, record_list, retract_list
from accord.registry.reads import AsKnownOn, known_cutoff, row_fact_tables

from .conftest import Registry
from .factories import SV, VE, cases, synthetic_records

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=1)
T2 = T0 + dt.timedelta(days=2)
AWKWARD = 'line one\nline "two", three; \\N, NULL, a tab\there'  # what CSV must quote


def _import(registry: Registry, records: list[dict[str, Any]], at: dt.datetime, tag: str) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=cases(*records),
            source_document=f"file {tag}",
            file_sha256=tag * 64,
            file_name=f"{tag}.jsonl",
            now=at,
        )


def _change_list(
    registry: Registry, person: str, name: str, items: list[Any] | None, at: dt.datetime
) -> None:
    with write_session(registry.engine) as session:
        if items is None:
            retract_list(
                session,
                actor=registry.users["olivia"],
                person_id=person,
                list_name=name,
                source_document="retraction",
                now=at,
            )
        else:
            record_list(
                session,
                actor=registry.users["olivia"],
                person_id=person,
                list_name=name,
                items=items,
                source_document="correction",
                now=at,
            )


def _history(registry: Registry) -> list[dict[str, Any]]:
    """A registry that changed: T0 everyone; T1 corrections, retractions and new persons;
    T2 a retracted list known again and the person's own fields corrected."""
    synthetic = synthetic_records(120, seed=5)
    awkward = dict(
        VE,
        convictions=[dict(VE["convictions"][0], source=AWKWARD, offence="x,y")],
        name='Ana "la, ficticia"',
    )
    _import(registry, [awkward, SV, *synthetic[:100]], T0, "a")
    _change_list(registry, "ve-001", "nationalities", ["VE", "CO"], T1)
    _change_list(registry, "sv-001", "removal_orders", None, T1)
    _change_list(registry, "sv-001", "appeals", [], T1)  # known to be none: no rows
    for record in synthetic[:30]:
        for name in ("convictions", "nationalities", "notices"):
            _change_list(registry, record["person_id"], name, None, T1)
    changed = [dict(r, nationalities=["MX"]) for r in synthetic[30:60]]
    _import(registry, [*changed, *synthetic[100:]], T1 + dt.timedelta(hours=1), "b")
    order = {"kind": "expedited", "issued_on": "2025-01-01", "source": AWKWARD}
    _change_list(registry, "sv-001", "removal_orders", [order, dict(order, source='""')], T2)
    _change_list(registry, synthetic[0]["person_id"], "convictions", [], T2)
    corrected = dict(awkward, sex="male", birth_date="1991-02-03", nationalities=["VE", "CO"])
    _import(registry, [corrected], T2, "c")
    return synthetic


def _both(registry: Registry, as_known_on: AsKnownOn) -> tuple[FactTables, FactTables]:
    with read_session(registry.engine) as session:
        fast = docket_fact_tables(session, as_known_on=as_known_on)
        rows = row_fact_tables(session, cutoff=known_cutoff(as_known_on))
    return fast, rows


def _assert_equal(fast: FactTables, rows: FactTables) -> None:
    assert fast.tables.keys() == rows.tables.keys()
    for name, table in rows.tables.items():
        assert fast.tables[name].schema == table.schema, name
        assert fast.tables[name].to_pylist() == table.to_pylist(), name


CUTOFFS: list[AsKnownOn] = [
    None,
    T0.date() - dt.timedelta(days=1),  # before anything: no persons
    T0.date(),
    T1 - dt.timedelta(microseconds=1),  # just before the corrections
    T1,  # at the corrections' instant: included
    T1 + dt.timedelta(minutes=30),
    T2.date(),
]


def test_the_copy_read_equals_the_row_read_at_every_cutoff(registry: Registry) -> None:
    synthetic = _history(registry)
    results = {cutoff: _both(registry, cutoff) for cutoff in CUTOFFS}
    for cutoff, (fast, rows) in results.items():
        _assert_equal(fast, rows)
        assert fast.persons.num_rows == (0 if cutoff == CUTOFFS[1] else rows.persons.num_rows)
    # and the cutoffs saw different registries: the comparisons were not of the same tables
    now, before_any = results[None][0], results[CUTOFFS[1]][0]
    at_t0, at_t1 = results[T0.date()][0], results[T1][0]
    assert before_any.persons.num_rows == 0
    assert at_t0.persons.num_rows == 102
    assert now.persons.num_rows == 122
    retracted = synthetic[0]["person_id"]
    assert _known(at_t0, retracted, "convictions")
    assert not _known(at_t1, retracted, "convictions")
    assert _known(now, retracted, "convictions")  # known again at T2, to be none
    assert _known(at_t0, "sv-001", "removal_orders")
    assert not _known(at_t1, "sv-001", "removal_orders")
    assert _rows(at_t0, "nationalities", "ve-001") == [{"country": "VE"}]
    assert _rows(now, "nationalities", "ve-001") == [{"country": "VE"}, {"country": "CO"}]
    assert [r["source"] for r in _rows(now, "removal_orders", "sv-001")] == [AWKWARD, '""']
    assert [r["source"] for r in _rows(now, "convictions", "ve-001")] == [AWKWARD]
    ve = [p for p in now.persons.to_pylist() if p["person_id"] == "ve-001"]
    assert ve[0]["sex"] == "male"
    assert ve[0]["birth_date"] == dt.date(1991, 2, 3)
    assert ve[0]["name"] == 'Ana "la, ficticia"'


def test_every_list_has_rows_in_the_comparison(registry: Registry) -> None:
    """The synthetic persons fill every list, so no table is compared empty to empty."""
    _import(registry, synthetic_records(1000, seed=9), T0, "d")
    fast, rows = _both(registry, None)
    _assert_equal(fast, rows)
    assert [n for n in CASE_FILE_LISTS if fast.tables[n].num_rows == 0] == []


def _known(facts: FactTables, person: str, list_name: str) -> bool:
    row = [p for p in facts.persons.to_pylist() if p["person_id"] == person]
    return bool(row[0][f"{list_name}_known"])


def _rows(facts: FactTables, list_name: str, person: str) -> list[dict[str, Any]]:
    found = [r for r in facts.tables[list_name].to_pylist() if r["person_id"] == person]
    return [{k: v for k, v in r.items() if k != "person_id" and v is not None} for r in found]


pytestmark = pytest.mark.filterwarnings("error")
