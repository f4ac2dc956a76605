"""Registry import throughput on PostgreSQL, against the 20,000 facts/s target (issue #3).

    .venv/bin/python benchmarks/bench_registry_import.py --persons 50000 --naive 1000

Generates N synthetic case files (accord.synthetic), writes them as JSON Lines,
and imports them into a throwaway PostgreSQL database (created and dropped
here) by running the command line itself, `accord --as olivia registry import
FILE`, through its entry code in this process: parse, validate, write and
audit chain in one all-or-nothing transaction, committed. The headline figure
is facts/s of that command; the interpreter's start is timed apart (`accord
--help`). A fact is one row of a fact list, plus each person's scalar fields
counted as one. Then the same command again on the same file as a process of
its own (idempotent: it must write nothing), a check of the audit chain,
per-person reads, and a naive baseline that reads and validates the same file
format, then writes row by row with the ORM and a commit per person, on a
smaller N in another throwaway database. Prints facts/s with the ratios to the
target and to the baseline, and the load average (the machine may be shared);
not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from accord.auth import User, add_user, bootstrap_admin, issue_token
from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.db import (
    AuditEntry,
    append_audit,
    lock_for_write,
    make_engine,
    read_session,
    record_time,
    upgrade_database,
    verify_chain,
    write_session,
)
from accord.importers.writer import write_case_files
from accord.registry import (
    FACT_MODELS,
    FactVersion,
    Person,
    case_files_from_tables,
    case_rows,
    content_digest,
    docket_fact_tables,
    person_fact_tables,
    read_import_file,
)
from accord.synthetic import synthetic_docket

TARGET = 20_000  # facts per second into PostgreSQL, audit chain included
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CLI = [sys.executable, "-c", "from accord.cli.main import run; run()"]  # the `accord` script


def synthetic_cases(n: int, seed: int = 11) -> list[CaseFile]:
    return case_files_from_tables(synthetic_docket(n, seed=seed))


def count_facts(cases: list[CaseFile]) -> int:
    return sum(1 + sum(len(getattr(c, n) or ()) for n in CASE_FILE_LISTS) for c in cases)


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


class Throwaway:
    """CREATE DATABASE accord_bench_<random> on the server; DROP it on exit."""

    def __init__(self, server: str, *, keep: bool = False):
        self.server = create_engine(server, isolation_level="AUTOCOMMIT")
        self.keep = keep  # leave the database for a later run (its URL is printed)
        self.name = f"accord_bench_{uuid.uuid4().hex[:10]}"
        self.url = make_url(server).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc: object) -> None:
        if self.keep:
            print(f"kept the registry: {self.url}")
        else:
            with self.server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.server.dispose()


def _users(url: str) -> tuple[Any, User]:
    engine = make_engine(url)
    upgrade_database(engine)
    with write_session(engine) as session:
        admin = bootstrap_admin(session, name="root")
        officer = add_user(session, actor=admin, name="olivia", role="officer")
        # `--as olivia` needs olivia's own token (issue 19): hers, as after her enrolment
        os.environ["ACCORD_TOKEN"] = issue_token(session, actor=officer, name="olivia")
    return engine, officer


def cli_import_in_process(url: str, path: Path) -> tuple[float, float]:
    """`accord --as olivia registry import PATH` run by the command line's own entry code in
    this process (interpreter started, modules loaded): (wall s, CPU s of this process)."""
    from accord.cli.main import app

    os.environ["ACCORD_DATABASE_URL"] = url
    cpu_start, start = time.process_time(), time.perf_counter()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            app(["--as", "olivia", "registry", "import", str(path)], standalone_mode=False)
    finally:
        del os.environ["ACCORD_DATABASE_URL"]
    return time.perf_counter() - start, time.process_time() - cpu_start


def cli_import_process(url: str, path: Path) -> float:
    """The same command as a process of its own, the `accord` script: wall s."""
    env = {**os.environ, "ACCORD_DATABASE_URL": url}
    start = time.perf_counter()
    done = subprocess.run(
        [*CLI, "--as", "olivia", "registry", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"accord registry import failed ({done.returncode}):\n{done.stderr}")
    return time.perf_counter() - start


def cli_startup_s() -> float:
    """The command line's own start (interpreter, imports), for reading the figures."""
    start = time.perf_counter()
    subprocess.run([*CLI, "--help"], capture_output=True)
    return time.perf_counter() - start


def _table_counts(engine: Any) -> tuple[int, int, int]:
    with read_session(engine) as session:
        persons = session.scalar(select(func.count()).select_from(Person))
        versions = session.scalar(select(func.count()).select_from(FactVersion))
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
    return int(persons or 0), int(versions or 0), int(audit or 0)


def bench_bulk(server: str, path: Path, persons: int, facts: int, reads: bool) -> dict[str, Any]:
    with Throwaway(server) as url:
        engine, _officer = _users(url)
        load_before = load()
        wall, cpu = cli_import_in_process(url, path)
        load_after = load()
        counts = _table_counts(engine)
        again_wall = cli_import_process(url, path)
        assert _table_counts(engine) == counts, "re-import of the same file wrote something"
        with read_session(engine) as session:
            chain = verify_chain(session)
        assert counts[0] == persons
        assert chain.intact, chain.message()
        result: dict[str, Any] = {
            "wall_s": wall,
            "cpu_s": cpu,
            "reimport_s": again_wall,
            "versions": counts[1],
            "audit": counts[2],
            "rate": facts / wall,
            "load_before": load_before,
            "load_after": load_after,
        }
        if reads:
            with read_session(engine) as session:
                ids = list(session.scalars(select(Person.person_id)))
            result.update(bench_reads(engine, ids))
        engine.dispose()
    return result


def bench_reads(engine: Any, person_ids: list[str], samples: int = 500) -> dict[str, float]:
    """Per-person reads (the engine's path) and one docket read, on the imported registry."""
    rng = random.Random(5)
    picked = [rng.choice(person_ids) for _ in range(samples)]
    timings = []
    with read_session(engine) as session:
        person_fact_tables(session, person_id=picked[0], as_known_on=None)  # warm up
        for pid in picked:
            start = time.perf_counter()
            person_fact_tables(session, person_id=pid, as_known_on=None)
            timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        docket = docket_fact_tables(session)
        docket_s = time.perf_counter() - start
    assert len(docket) == len(person_ids)
    timings.sort()
    return {
        "read_mean_ms": 1000 * statistics.fmean(timings),
        "read_p95_ms": 1000 * timings[int(0.95 * len(timings))],
        "docket_s": docket_s,
    }


def _naive_import(session: Session, officer: User, case: CaseFile) -> None:
    """Row by row with the ORM, the way one might first write it."""
    lock_for_write(session)
    at = record_time(session)
    session.add(Person(person_id=case.person_id, first_recorded_at=at, recorded_by_id=officer.id))
    next_id = (session.scalar(select(func.max(FactVersion.id))) or 0) + 1
    versions: dict[str, int] = {}
    for name, rows in case_rows(case).items():
        if rows is None:
            continue
        session.add(
            FactVersion(
                id=next_id,
                person_id=case.person_id,
                list_name=name,
                known=True,
                kind="recorded",
                row_count=len(rows),
                content_digest=content_digest(rows),
                valid_from=at.date(),
                recorded_at=at,
                recorded_by_id=officer.id,
                source_document="benchmark",
            )
        )
        session.flush()
        for ordinal, row in enumerate(rows):
            model: Any = FACT_MODELS[name]
            session.add(model(version_id=next_id, ordinal=ordinal, person_id=case.person_id, **row))
        versions[name], next_id = next_id, next_id + 1
    session.flush()
    append_audit(
        session,
        actor=officer,
        action="facts.record",
        subject=f"person:{case.person_id}",
        change={"versions": versions},
        now=at,
    )


def bench_naive(server: str, path: Path, facts: int) -> float:
    """Read and validate the file as the command line does, then write row by row."""
    with Throwaway(server) as url:
        engine, officer = _users(url)
        start = time.perf_counter()
        for case in read_import_file(path).cases:
            with write_session(engine) as session:
                _naive_import(session, officer, case)
        seconds = time.perf_counter() - start
        with read_session(engine) as session:
            assert verify_chain(session).intact
        engine.dispose()
    return facts / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--naive", type=int, default=1_000, help="persons for the naive baseline")
    parser.add_argument("--server", default=SERVER, help="PostgreSQL URL to create databases on")
    parser.add_argument("--no-reads", action="store_true", help="skip the read timings")
    args = parser.parse_args()
    print(f"{machine()}; {load()}")
    start = time.perf_counter()
    cases = synthetic_cases(args.persons)
    facts = count_facts(cases)
    naive_cases = cases[: args.naive]
    naive_facts = count_facts(naive_cases)
    took = time.perf_counter() - start
    print(f"{len(cases):,} synthetic case files, {facts:,} facts ({took:.1f} s to generate)")
    with TemporaryDirectory() as tmp:
        path, naive_path = Path(tmp) / "cases.jsonl", Path(tmp) / "naive.jsonl"
        write_case_files(cases, path)
        write_case_files(naive_cases, naive_path)
        del cases, naive_cases
        startup = cli_startup_s()
        bulk = bench_bulk(args.server, path, args.persons, facts, reads=not args.no_reads)
        naive_rate = bench_naive(args.server, naive_path, naive_facts) if args.naive else 0.0
    print(
        f"accord registry import (parse, validate, write, audit chain, one transaction, "
        f"committed; in process): {bulk['wall_s']:.2f} s for {bulk['versions']:,} versions and "
        f"{bulk['audit']:,} audit entries: {bulk['rate']:,.0f} facts/s "
        f"= {bulk['rate'] / TARGET:.2f}x the {TARGET:,} facts/s target"
        + (f" = {bulk['rate'] / naive_rate:.1f}x the naive baseline" if naive_rate else "")
    )
    print(
        f"  Python CPU {bulk['cpu_s']:.2f} s (PostgreSQL's not counted); a process of its own "
        f"adds its start, {startup:.2f} s for `accord --help`; "
        f"{bulk['load_before']} before, {bulk['load_after']} after"
    )
    print(
        f"  the same command again, as the `accord` process (idempotent, nothing written): "
        f"{bulk['reimport_s']:.2f} s"
    )
    if "read_mean_ms" in bulk:
        print(
            f"per-person read (person_fact_tables), {args.persons:,} persons in the registry: "
            f"mean {bulk['read_mean_ms']:.2f} ms, p95 {bulk['read_p95_ms']:.2f} ms "
            f"(target < 5 ms); whole docket (docket_fact_tables): {bulk['docket_s']:.2f} s"
        )
    if naive_rate:
        print(
            f"naive baseline (read and validate, then ORM row by row, commit per person, "
            f"{args.naive:,} persons): {naive_rate:,.0f} facts/s "
            f"= {naive_rate / TARGET:.3f}x target"
        )
    print(load())


if __name__ == "__main__":
    main()
