"""Custody events per second on PostgreSQL with the audit chain and 32 concurrent writers.

    .venv/bin/python benchmarks/bench_custody_events.py [--writers 32] [--events 100]

Each custody event is a real handover: `confirm_handover` places one departed
person into custody at CECOT, which takes the writer lock, checks capacity and
quota, appends the event and its audit entry, updates the case's state and opens
the person's consular-notification task (with its own audit entry). Every
writer is a thread with its own connection and transactions.

Runs, in the same process, on a throwaway database (dropped at the end):

* baseline: 1 writer, one event per transaction;
* 32 writers, one event per transaction (target: 500 events/s);
* 32 writers, a batch of `--batch` persons per transaction: one liaison
  confirming a group from the same aircraft at once, which is one act.

The registry's writer lock serialises every write (so the audit chain cannot
fork); concurrency adds no throughput, only waiting. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import threading
import time
import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from accord.casefile.models import CaseFile
from accord.operations.care import assign_liaison
from accord.operations.custody import confirm_handover
from accord.operations.models import Mission, TransferCase
from accord.operations.schemas import CaseState, MissionState
from accord.registry import (
    add_user,
    bootstrap_admin,
    import_case_files,
    make_engine,
    read_session,
    upgrade_database,
    verify_chain,
    write_session,
)
from accord.registry.models import User

SERVER = os.environ.get(
    "ACCORD_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TARGET = 500.0
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _person(n: int) -> CaseFile:
    return CaseFile.model_validate(
        {"person_id": f"b-{n:06d}", "citizenship": "noncitizen", "nationalities": ["VE"]}
    )


def _setup(url: str, persons: int) -> tuple[object, User, list[str]]:
    engine = make_engine(url)
    upgrade_database(engine)
    with write_session(engine) as s:
        root = bootstrap_admin(s, name="root", now=START)
        officer = add_user(s, actor=root, name="olivia", role="officer", now=START)
        liaison = add_user(s, actor=root, name="liam", role="receiving_liaison", now=START)
        assign_liaison(s, actor=root, user_name="liam", facility_id="CECOT", now=START)
        import_case_files(
            s,
            actor=officer,
            cases=[_person(n) for n in range(persons)],
            source_document="benchmark",
            now=START,
        )
    # Departed passengers of one mission, written straight to the tables: the
    # benchmark measures handovers, not the steps before them.
    with engine.begin() as conn:
        mission_id = conn.execute(
            insert(Mission).returning(Mission.id),
            [
                {
                    "mission_number": "BENCH",
                    "carrier": "X",
                    "agreement_id": "sv-2025-offer",
                    "pathway": "custody_placement",
                    "destination": "SV",
                    "facility_id": "CECOT",
                    "planned_departure": START,
                    "seats": persons,
                    "created_at": START,
                    "state": MissionState.DEPARTED.value,
                    "created_by_id": officer.id,
                }
            ],
        ).scalar_one()
        conn.execute(
            insert(TransferCase),
            [
                {
                    "person_id": f"b-{n:06d}",
                    "agreement_id": "sv-2025-offer",
                    "pathway": "custody_placement",
                    "destination": "SV",
                    "facility_id": "CECOT",
                    "state": CaseState.DEPARTED.value,
                    "mission_id": mission_id,
                    "nominated_at": START,
                    "nominated_by_id": officer.id,
                }
                for n in range(persons)
            ],
        )
    return engine, liaison, [f"b-{n:06d}" for n in range(persons)]


def _run(writers: int, work: list[list[list[str]]], place: Callable[[list[str]], None]) -> float:
    """Each writer runs its list of transactions (each a batch of persons); events/s."""
    barrier = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def writer(batches: list[list[str]]) -> None:
        barrier.wait()
        try:
            for batch in batches:
                place(batch)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in work]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    if errors:
        raise errors[0]
    return sum(len(b) for w in work for b in w) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--events", type=int, default=100, help="events per writer")
    parser.add_argument("--batch", type=int, default=10, help="events per transaction, batched")
    parser.add_argument("--baseline", type=int, default=500, help="events of the 1-writer run")
    args = parser.parse_args()
    total = args.baseline + 2 * args.writers * args.events
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    database = f"accord_bench_custody_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        url = make_url(SERVER).set(database=database).render_as_string(False)
        setup_engine, liaison, persons = _setup(url, total)
        setup_engine.dispose()  # type: ignore[attr-defined]
        # one connection per writer: the default pool (5 + 10) would make writers queue
        engine = create_engine(url, pool_size=args.writers + 2, pool_pre_ping=True)

        def place(batch: list[str]) -> None:
            with write_session(engine) as s:
                confirm_handover(s, actor=liaison, mission_number="BENCH", person_ids=batch)

        queue = iter(persons)

        def take(writers: int, per_writer: int, batch: int) -> list[list[list[str]]]:
            return [
                [[next(queue) for _ in range(batch)] for _ in range(per_writer // batch)]
                for _ in range(writers)
            ]

        base = _run(1, take(1, args.baseline, 1), place)
        single = _run(args.writers, take(args.writers, args.events, 1), place)
        batched = _run(args.writers, take(args.writers, args.events, args.batch), place)
        with read_session(engine) as s:
            chain = verify_chain(s)
        print(f"custody events (handovers into CECOT) on PostgreSQL, {total:,} persons")
        print(
            f"  baseline, 1 writer, 1 event/transaction:  {base:8.0f} events/s "
            f"({base / TARGET:.2f}x of {TARGET:.0f}/s)"
        )
        print(
            f"  {args.writers} writers, 1 event/transaction:      {single:8.0f} events/s "
            f"({single / TARGET:.2f}x of {TARGET:.0f}/s; {single / base:.2f}x baseline)"
        )
        print(
            f"  {args.writers} writers, {args.batch} events/transaction:    {batched:8.0f} "
            f"events/s ({batched / TARGET:.2f}x of {TARGET:.0f}/s; {batched / base:.2f}x "
            "baseline)"
        )
        print(f"  {chain.message()}")
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
