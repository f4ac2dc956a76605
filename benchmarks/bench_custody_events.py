"""Custody events per second on PostgreSQL with the audit chain and 32 concurrent writers.

    .venv/bin/python benchmarks/bench_custody_events.py [--writers 32] [--events 150]

Each custody event is a real handover: `confirm_handover` places one departed
person into custody at CECOT in its own transaction, as `accord handover
confirm` and POST /missions/{number}/handover do: it reads the mission, the
case, the liaison's facility and the person's nationalities, then sends in one
round trip the call in which PostgreSQL takes the writer lock, checks in the
audit chain that none of that changed since and appends the audit entries
(db/chain.py), the check of capacity and quota, the event, the case's new
state and the person's consular-notification task; then it commits. Every
writer has its own connection and transactions.

Runs, on a throwaway database (dropped at the end):

* baseline: 1 writer, one event per transaction, in this process;
* **32 writer processes**, one event per transaction (target: 500 events/s
  sustained): 32 independent clients, as 32 liaisons' requests reach the
  server's worker processes;
* 32 writer threads in this one process, one event per transaction: the same
  work under one interpreter lock (a threaded client's view);
* 32 writer processes, a batch of `--batch` persons per transaction: one liaison
  confirming a group from the same aircraft at once, which is one act.

The registry's writer lock serialises every write (so the audit chain cannot
fork): what concurrency buys is that each writer's reads, and all of its own
work, happen outside it; the lock is held while the database works and commits.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from accord.auth import User, add_user, bootstrap_admin, get_user
from accord.casefile.models import CaseFile
from accord.db import make_engine, read_session, upgrade_database, verify_chain, write_session
from accord.operations.care import assign_liaison
from accord.operations.handover import confirm_handover
from accord.operations.models import Mission, TransferCase
from accord.operations.states import CaseState, MissionState
from accord.registry import import_case_files

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


def _placer(url: str, pool_size: int) -> tuple[Any, Callable[[list[str]], None]]:
    """An engine and the handover of one batch, as the CLI and the API write it."""
    engine = make_engine(url, pool_size=pool_size)
    with read_session(engine) as s:
        liaison = get_user(s, name="liam")

    def place(batch: list[str]) -> None:
        with write_session(engine) as s:
            # as the CLI and the HTTP route: the handover commits in its own round trip
            confirm_handover(
                s, actor=liaison, mission_number="BENCH", person_ids=batch, commit=True
            )

    return engine, place


def _run(writers: int, work: list[list[list[str]]], place: Callable[[list[str]], None]) -> float:
    """Each writer thread runs its list of transactions (each a batch of persons); events/s."""
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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process_writer(
    url: str, batches: list[list[str]], barrier: Any, failures: Any, cpu: Any
) -> None:  # pragma: no cover - runs in a child process
    engine, place = _placer(url, 1)
    place(batches[0])  # the first transaction warms the connection and the caches
    with engine.connect() as conn:  # the pool's one connection: the writes' backend
        backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
    barrier.wait()
    mine, theirs = time.process_time(), _cpu_seconds(backend)
    try:
        for batch in batches[1:]:
            place(batch)
        cpu.put((time.process_time() - mine, _cpu_seconds(backend) - theirs))
    except BaseException as exc:
        failures.put(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _run_processes(url: str, work: list[list[list[str]]]) -> tuple[float, str]:
    """Each writer a process of its own (own interpreter, own connection); events/s, timed
    from the moment all are ready, over every transaction but each writer's first, and the
    CPU spent per event by the writers and by their PostgreSQL backends."""
    context = mp.get_context("fork")
    barrier = context.Barrier(len(work) + 1)
    failures, cpu = context.Queue(), context.Queue()
    children = [
        context.Process(target=_process_writer, args=(url, batches, barrier, failures, cpu))
        for batches in work
    ]
    for child in children:
        child.start()
    barrier.wait()
    began = time.perf_counter()
    for child in children:
        child.join()
    seconds = time.perf_counter() - began
    if not failures.empty():
        raise RuntimeError(failures.get())
    if any(child.exitcode != 0 for child in children):
        raise RuntimeError("a writer process failed")
    events = sum(len(b) for w in work for b in w[1:])
    spent = [cpu.get() for _ in children]
    writers, backends = (1000 * sum(c[k] for c in spent) / events for k in (0, 1))
    total = writers + backends
    line = (
        f"CPU per event: writers {writers:.2f} ms, PostgreSQL backends {backends:.2f} ms "
        f"(two cores: at most {2000 / total:.0f} events/s at this cost)"
    )
    return events / seconds, line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--events", type=int, default=150, help="events per writer")
    parser.add_argument("--batch", type=int, default=10, help="events per transaction, batched")
    parser.add_argument("--baseline", type=int, default=500, help="events of the 1-writer run")
    args = parser.parse_args()
    per_writer = args.events + 1  # each process writer's first event warms it up
    total = args.baseline + args.writers * (2 * per_writer + args.events + args.batch)
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    database = f"accord_bench_custody_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        url = make_url(SERVER).set(database=database).render_as_string(False)
        setup_engine, _liaison, persons = _setup(url, total)
        setup_engine.dispose()  # type: ignore[attr-defined]
        admin.dispose()  # no connection of this process may be inherited by a writer
        queue = iter(persons)

        def take(writers: int, per_writer: int, batch: int) -> list[list[list[str]]]:
            return [
                [[next(queue) for _ in range(batch)] for _ in range(per_writer // batch)]
                for _ in range(writers)
            ]

        # processes first, forked before this process opens any connection
        processes, processes_cpu = _run_processes(url, take(args.writers, per_writer, 1))
        batched, batched_cpu = _run_processes(
            url, take(args.writers, args.events + args.batch, args.batch)
        )
        # one connection per writer thread: the default pool (5 + 10) would make them queue
        engine, place = _placer(url, args.writers + 2)
        base = _run(1, take(1, args.baseline, 1), place)
        threads = _run(args.writers, take(args.writers, args.events, 1), place)
        with read_session(engine) as s:
            chain = verify_chain(s)
            events = s.scalar(text("SELECT count(*) FROM operations_events"))
        engine.dispose()
        print(f"custody events (handovers into CECOT) on PostgreSQL, {total:,} persons")
        rows = [
            ("baseline, 1 writer, 1 event/transaction", base, ""),
            (f"{args.writers} writer processes, 1 event/transaction", processes, processes_cpu),
            (f"{args.writers} writer threads (one process), 1 event/transaction", threads, ""),
            (
                f"{args.writers} writer processes, {args.batch} events/transaction",
                batched,
                batched_cpu,
            ),
        ]
        for label, rate, cpu in rows:
            print(
                f"  {label + ':':<58} {rate:7.0f} events/s "
                f"({rate / TARGET:.2f}x of {TARGET:.0f}/s; {rate / base:.2f}x baseline)"
            )
            if cpu:
                print(f"    {cpu}")
        print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"  {events:,} handover events written; {chain.message()}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
