"""A registry of N synthetic persons written straight from Arrow: what the snapshot reads.

    .venv/bin/python benchmarks/bulk_registry.py --persons 100000 --check
    .venv/bin/python benchmarks/bench_registry_snapshot.py --bulk --persons 10000000

Why: `accord registry import` builds a registry of about 1,400 persons a second on
these 2-core machines and 8.9 GB of PostgreSQL per million persons (measured at
100,000: fact_versions alone is 6.7 GB a million, about 20 versions a person, every
known list, empty ones too, with three indexes; the audit log 1.1 GB). A 10M-person
registry would take about two hours and 89 GB, more than the disk here holds. The
snapshot as known now (snapshot_read.copy_fact_tables with no cutoff) reads neither
the versions nor the audit log: it reads `current_persons`, `superseded_versions`
and the fact tables (`fact_person` and one a list). So this writes exactly those,
with the rows an import of the same docket writes, and leaves the rest out:

- no `fact_versions` rows, no `imports` row, no audit entries: the registry is
  not one Accord would accept (its fact rows name versions that are not there; the
  foreign-key and append-only triggers are off while it is written, as
  session_replication_role = replica turns them off) and is for this benchmark
  alone;
- version ids are numbered person by person, list by list (an import numbers
  them in the same order, but skips the lists a case does not know): ids are not
  part of the snapshot.

`--check` imports the same docket through the registry's own import into another
throwaway database and asserts that the two snapshots (docket_fact_tables) are
equal, table by table, schema and metadata too. Rows go in by ADBC's bulk ingest,
COPY (FORMAT binary) from Arrow. Not a test: a benchmark's instrument.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accord.casefile.models import CASE_FILE_LISTS
from accord.facts.tables import FactTables, known_flag
from accord.registry import snapshot_adbc
from accord.registry.codec import SCALARS
from accord.registry.models import FACT_MODELS, PERSON_LIST
from accord.synthetic import synthetic_docket

VERSIONS_A_PERSON = 1 + len(CASE_FILE_LISTS)  # the person list, then every list
_BATCH = 1_000_000  # rows a COPY: memory, and the progress bar's step


def version_ids(positions: np.ndarray, list_index: int) -> pa.Array:
    """The version id of one list for each person by position: person by person, list by
    list (the person list first), from 1."""
    return pa.array(positions.astype(np.int64) * VERSIONS_A_PERSON + list_index + 1)


def ordinals(positions: np.ndarray) -> pa.Array:
    """Each row's place in its person's list, for rows grouped by person in list order."""
    n = len(positions)
    if n == 0:
        return pa.array([], pa.int32())
    starts = np.flatnonzero(np.r_[True, positions[1:] != positions[:-1]])
    lengths = np.diff(np.r_[starts, n])
    return pa.array(np.arange(n) - np.repeat(starts, lengths), pa.int32())


def registry_tables(
    facts: FactTables, *, recorded_at: dt.datetime, user_id: int
) -> dict[str, pa.Table]:
    """The registry's tables the snapshot reads, as an import of `facts` would write them
    (less the versions and the audit: see the module's docstring)."""
    persons = facts.persons
    ids = persons["person_id"]
    count = persons.num_rows
    everyone = np.arange(count)
    out: dict[str, pa.Table] = {
        "persons": pa.table(
            {
                "person_id": ids,
                "first_recorded_at": pa.array(
                    np.full(count, recorded_at.replace(tzinfo=None)), pa.timestamp("us", "UTC")
                ),
                "recorded_by_id": pa.array(np.full(count, user_id, np.int64)),
            }
        )
    }
    person_version = version_ids(everyone, 0)
    out[_table_name(PERSON_LIST)] = pa.table(
        {
            "version_id": person_version,
            "ordinal": pa.array(np.zeros(count, np.int32)),
            "person_id": ids,
            **{s: persons[s] for s in SCALARS},
        }
    )
    current: dict[str, Any] = {"person_id": ids, "person_version": person_version}
    for name in CASE_FILE_LISTS:
        # an import writes a version of every list a case knows: its flag is then known's
        flag = persons[known_flag(name)]
        current[known_flag(name)] = pc.if_else(flag, True, pa.scalar(None, pa.bool_()))
    out["current_persons"] = pa.table(current)
    for index, name in enumerate(CASE_FILE_LISTS, start=1):
        rows = facts.tables[name]
        positions = pc.index_in(rows["person_id"], value_set=ids).to_numpy(zero_copy_only=False)
        order = np.argsort(positions, kind="stable")  # grouped by person, in list order
        rows, positions = rows.take(pa.array(order)), positions[order]
        columns = {"version_id": version_ids(positions, index), "ordinal": ordinals(positions)}
        out[_table_name(name)] = pa.table({**columns, **{c: rows[c] for c in rows.column_names}})
    return out


def _table_name(list_name: str) -> str:
    return str(FACT_MODELS[list_name].__table__.name)  # type: ignore[attr-defined]


def write_registry(url: str, tables: dict[str, pa.Table]) -> int:
    """Append the tables to the registry at `url` (migrated, empty of facts) by ADBC's bulk
    ingest, with its triggers off; then VACUUM ANALYZE, as autovacuum would have by the
    time anyone reads. The rows written."""
    import adbc_driver_postgresql.dbapi as adbc  # type: ignore[import-untyped]

    from accord.db import make_engine

    engine = make_engine(url)
    info = snapshot_adbc.conninfo(engine)
    engine.dispose()
    total = sum(t.num_rows for t in tables.values())
    written = 0
    with adbc.connect(info, autocommit=False) as connection, Progress() as progress:
        task = progress.add_task("writing the registry's tables", total=total)
        with connection.cursor() as cursor:
            # the fact rows name versions this does not write (see the docstring)
            cursor.execute("SET session_replication_role = replica")
            for name, table in tables.items():
                for batch in table.to_batches(_BATCH):
                    written += cursor.adbc_ingest(name, batch, mode="append")
                    progress.advance(task, batch.num_rows)
        connection.commit()
    with adbc.connect(info, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return written


def bulk_registry(url: str, *, persons: int, seed: int, user_id: int) -> tuple[float, int]:
    """Generate the docket and write its registry tables to `url`: (seconds, rows)."""
    started = time.perf_counter()
    facts = synthetic_docket(persons, seed=seed)
    tables = registry_tables(facts, recorded_at=dt.datetime.now(dt.UTC), user_id=user_id)
    del facts
    rows = write_registry(url, tables)
    return time.perf_counter() - started, rows


def check(persons: int, seed: int, server: str) -> None:
    """Import the docket through the registry's import and write it in bulk, each into a
    throwaway database, and assert that their snapshots are equal."""
    from accord.db import read_session
    from accord.registry import docket_fact_tables
    from bench_registry_import import Throwaway, _users
    from bench_registry_snapshot import _assert_equal, build_registry

    with Throwaway(server) as imported_url, Throwaway(server) as bulk_url:
        engine, officer = _users(imported_url)
        import_s, _ = build_registry(engine, officer, persons, 1, seed)
        bulk_engine, bulk_officer = _users(bulk_url)
        bulk_s, rows = bulk_registry(bulk_url, persons=persons, seed=seed, user_id=bulk_officer.id)
        snapshots = []
        for each in (engine, bulk_engine):
            with read_session(each) as session:
                snapshots.append(docket_fact_tables(session, as_known_on=None))
            each.dispose()
        _assert_equal(snapshots[0], snapshots[1], "the imported and the bulk registries")
        print(
            f"{persons:,} persons: imported in {import_s:.1f} s, written in bulk in "
            f"{bulk_s:.1f} s ({rows:,} rows); the two snapshots are equal"
        )


def main() -> None:
    from bench_registry_import import SERVER

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--check", action="store_true", help="against an import: see above")
    args = parser.parse_args()
    if not args.check:
        parser.error("the bulk registry is written by bench_registry_snapshot.py --bulk")
    check(args.persons, args.seed, args.server)


if __name__ == "__main__":
    main()
