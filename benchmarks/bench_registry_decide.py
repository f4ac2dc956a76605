"""One-person decisions from a PostgreSQL registry of 1,000,000 persons (issue #3 target).

    .venv/bin/python benchmarks/bench_registry_decide.py [--persons 1000000] [--calls 300]

Loads `synthetic_docket(persons, seed=0)` into a PostgreSQL database through the
registry's own import (in chunks of 50,000 persons, each one transaction with
its audit entries), unless the database `accord_bench_decide_<persons>` already
holds them from an earlier run (it is kept, to spare the load: drop it by hand).
Then reads the registry into memory once (pg_prewarm: a 1M registry is about
5.6 GB, which this machine's RAM holds; cold, a decision waits on the disk) and
times, on random persons:

* `decide_from_registry` as `accord decide --person` runs it: one write
  transaction that reads the person's facts as known now, decides, and stores
  the decision record with its audit entry, committed. **Target: p99 <= 20 ms.**
* its two parts alone: the read (`person_fact_tables`) and the decision on the
  facts read (`decide_facts`).

Baseline, in the same process: `decide_person` on the same persons from the
same docket as a Parquet snapshot loaded in memory (no database), so the ratio
is the price of the system of record. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from rich.progress import Progress
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from accord.auth import User, add_user, bootstrap_admin, get_user
from accord.db import make_engine, read_session, upgrade_database, write_session
from accord.decisions import decide_from_registry
from accord.engine import DecisionRequest, FactStore, decide_facts, decide_person
from accord.errors import UnknownUser
from accord.facts.tables import FactTables
from accord.registry import Person, case_files_from_tables, import_case_files, person_fact_tables
from accord.synthetic import synthetic_docket

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 20.0
CHUNK = 50_000
REQUEST = DecisionRequest.build(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of=dt.date(2025, 3, 16),
)


def database(server: str, name: str, *, fresh: bool = False) -> str:
    """The URL of the benchmark database `name`, created if missing; `fresh` drops it first
    (every run then starts from the same import, not from the records earlier runs wrote)."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def officer(engine: Engine) -> User:
    with read_session(engine) as session:
        try:
            return get_user(session, name="olivia")
        except UnknownUser:  # a new database: no users yet
            pass
    with write_session(engine) as session:
        admin = bootstrap_admin(session, name="root")
        return add_user(session, actor=admin, name="olivia", role="officer")


def persons_in(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def chunk_of(facts: FactTables, first: int, last: int) -> FactTables:
    """The persons syn-<first>..syn-<last> (ids are zero-padded, so they sort as numbers)."""
    lo, hi = f"syn-{first:07d}", f"syn-{last:07d}"
    tables: dict[str, pa.Table] = {}
    for name, table in facts.tables.items():
        ids = table.column("person_id")
        keep = pc.and_(pc.greater_equal(ids, lo), pc.less_equal(ids, hi))
        tables[name] = table.filter(keep)
    return FactTables(tables)


def load(engine: Engine, user: User, persons: int) -> float:
    have = persons_in(engine)
    if have == persons:
        print(f"reusing the registry: {have:,} persons already imported")
        return 0.0
    if have:
        raise SystemExit(f"the database holds {have:,} persons, not {persons:,}: drop it first")
    facts = synthetic_docket(persons, seed=0)
    started = time.perf_counter()
    with Progress() as progress:
        task = progress.add_task("importing into PostgreSQL", total=persons)
        for first in range(1, persons + 1, CHUNK):
            last = min(first + CHUNK - 1, persons)
            cases = case_files_from_tables(chunk_of(facts, first, last))
            with write_session(engine) as session:
                import_case_files(
                    session, actor=user, cases=cases, source_document="benchmark docket"
                )
            progress.update(task, advance=len(cases))
    return time.perf_counter() - started


def prewarm(engine: Engine) -> str:
    """Read the registry's tables and indexes into memory once, as a server that has been
    answering for a while holds them (pg_prewarm); the docket-only list index is left out."""
    with engine.begin() as conn:
        try:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        except DBAPIError as exc:
            return f"not prewarmed (pg_prewarm unavailable: {exc.orig})"
        blocks = conn.scalar(
            text(
                "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') "
                "AND c.relname <> 'ix_fact_versions_list_person'"
            )
        )
    return f"prewarmed {int(blocks or 0) * 8 // 1024:,} MiB of tables and indexes"


def timed_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def summary(times: list[float]) -> str:
    q = statistics.quantiles(times, n=100, method="inclusive")
    return f"p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, max {max(times):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--snapshot", default="build/bench/docket-1000000-seed0")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    try:
        url = database(args.server, f"accord_bench_decide_{args.persons}")
    except OperationalError as exc:
        raise SystemExit(f"PostgreSQL unreachable at {args.server}: {exc.orig}") from None
    engine = make_engine(url)
    upgrade_database(engine)
    user = officer(engine)
    load_s = load(engine, user, args.persons)
    if load_s:
        print(f"imported {args.persons:,} persons in {load_s:.0f} s")
    print(prewarm(engine))
    rng = random.Random(7)
    ids = [f"syn-{rng.randint(1, args.persons):07d}" for _ in range(args.calls + 20)]

    def record(pid: str) -> None:
        with write_session(engine) as session:
            decide_from_registry(session, request=REQUEST, person_id=pid, actor=user)

    def read(pid: str) -> FactTables:
        with read_session(engine) as session:
            return person_fact_tables(session, person_id=pid, as_known_on=None)

    for pid in ids[:20]:  # warm-up: connections, compiled rules, statement caches
        record(pid)
    full = [timed_ms(lambda pid=pid: record(pid)) for pid in ids[20:]]
    reads = [timed_ms(lambda pid=pid: read(pid)) for pid in ids[20:]]
    facts = [read(pid) for pid in ids[20:]]
    decide_only = [timed_ms(lambda f=f: decide_facts(facts=f, request=REQUEST)) for f in facts]
    p99 = statistics.quantiles(full, n=100, method="inclusive")[98]
    print(f"registry: PostgreSQL, {persons_in(engine):,} persons")
    print(f"decide_from_registry, committed with its record ({args.calls} calls): {summary(full)}")
    print(f"  target p99 <= {TARGET_MS:.0f} ms: {'met' if p99 <= TARGET_MS else 'MISSED'}")
    print(f"  of which the read, person_fact_tables: {summary(reads)}")
    print(f"  of which the decision, decide_facts: {summary(decide_only)}")
    if os.path.isdir(args.snapshot) and args.persons == 1_000_000:
        store = FactStore.from_snapshot(Path(args.snapshot), load=True)
        store.person_facts(ids[0])
        base = [
            timed_ms(lambda pid=pid: decide_person(store=store, request=REQUEST, person_id=pid))
            for pid in ids[20:]
        ]
        b99 = statistics.quantiles(base, n=100, method="inclusive")[98]
        print(f"baseline, decide_person from the same docket as a loaded snapshot: {summary(base)}")
        print(f"  registry / snapshot at p99: {p99 / b99:.1f}x (the price of the record)")
    else:
        print(f"baseline skipped: no snapshot at {args.snapshot} (run bench_engine.py first)")
    engine.dispose()


if __name__ == "__main__":
    main()
