"""Registry import throughput on PostgreSQL, against the 20,000 facts/s target (issue #3).

    .venv/bin/python benchmarks/bench_registry_import.py --persons 50000 --naive 1000

Generates N synthetic case files (accord.synthetic), writes them as JSON Lines,
and imports them into a throwaway PostgreSQL database (created and dropped
here), with the audit chain. A fact is one row of a fact list, plus each
person's scalar fields counted as one. Then a naive baseline, row by row with
the ORM and a commit per person, on a smaller N in another throwaway database.
Prints facts/s and the ratio to the target; not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.importers.writer import write_case_files
from accord.registry import (
    add_user,
    bootstrap_admin,
    docket_fact_tables,
    import_case_files,
    make_engine,
    person_fact_tables,
    read_import_file,
    upgrade_database,
    verify_chain,
    write_session,
)
from accord.registry.audit import append_audit, record_time
from accord.registry.codec import case_files_from_tables, case_rows, content_digest
from accord.registry.db import lock_for_write, read_session
from accord.registry.models import FACT_MODELS, FactVersion, Person, User
from accord.synthetic import synthetic_docket

TARGET = 20_000  # facts per second into PostgreSQL, audit chain included
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def synthetic_cases(n: int, seed: int = 11) -> list[CaseFile]:
    return case_files_from_tables(synthetic_docket(n, seed=seed))


def count_facts(cases: list[CaseFile]) -> int:
    return sum(1 + sum(len(getattr(c, n) or ()) for n in CASE_FILE_LISTS) for c in cases)


class Throwaway:
    """CREATE DATABASE accord_bench_<random> on the server; DROP it on exit."""

    def __init__(self, server: str):
        self.server = create_engine(server, isolation_level="AUTOCOMMIT")
        self.name = f"accord_bench_{uuid.uuid4().hex[:10]}"
        self.url = make_url(server).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc: object) -> None:
        with self.server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.server.dispose()


def _users(url: str) -> tuple[Any, User]:
    engine = make_engine(url)
    upgrade_database(engine)
    with write_session(engine) as session:
        admin = bootstrap_admin(session, name="root")
        officer = add_user(session, actor=admin, name="olivia", role="officer")
    return engine, officer


def bench_bulk(server: str, cases: list[CaseFile], facts: int) -> dict[str, float]:
    with Throwaway(server) as url, TemporaryDirectory() as tmp:
        engine, officer = _users(url)
        path = Path(tmp) / "cases.jsonl"
        write_case_files(cases, path)
        start = time.perf_counter()
        prepared = read_import_file(path)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        with write_session(engine) as session:
            summary = import_case_files(
                session,
                actor=officer,
                cases=prepared.cases,
                source_document="benchmark",
                file_sha256=prepared.sha256,
                file_name=path.name,
            )
        write_s = time.perf_counter() - start
        start = time.perf_counter()
        with write_session(engine) as session:
            again = import_case_files(
                session,
                actor=officer,
                cases=prepared.cases,
                source_document="benchmark",
                file_sha256=prepared.sha256,
                file_name=path.name,
            )
        again_s = time.perf_counter() - start
        with read_session(engine) as session:
            chain = verify_chain(session)
        reads = bench_reads(engine, [c.person_id for c in cases])
        engine.dispose()
    assert summary.new_persons == len(cases)
    assert again.new_versions == 0
    assert chain.intact
    return {
        "read_s": read_s,
        "write_s": write_s,
        "reimport_s": again_s,
        "versions": summary.new_versions,
        "audit": summary.audit_entries,
        **reads,
        "write_rate": facts / write_s,
        "total_rate": facts / (read_s + write_s),
    }


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


def bench_naive(server: str, cases: list[CaseFile], facts: int) -> float:
    with Throwaway(server) as url:
        engine, officer = _users(url)
        start = time.perf_counter()
        for case in cases:
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
    args = parser.parse_args()
    start = time.perf_counter()
    cases = synthetic_cases(args.persons)
    facts = count_facts(cases)
    took = time.perf_counter() - start
    print(f"{len(cases):,} synthetic case files, {facts:,} facts ({took:.1f} s to generate)")
    bulk = bench_bulk(args.server, cases, facts)
    print(
        f"bulk import: {bulk['write_s']:.2f} s to write {bulk['versions']:,} versions and "
        f"{bulk['audit']:,} audit entries in one transaction: {bulk['write_rate']:,.0f} facts/s "
        f"= {bulk['write_rate'] / TARGET:.2f}x the {TARGET:,} facts/s target"
    )
    print(
        f"  with reading and validating the JSON Lines ({bulk['read_s']:.2f} s): "
        f"{bulk['total_rate']:,.0f} facts/s = {bulk['total_rate'] / TARGET:.2f}x target"
    )
    print(f"  re-import of the same file (no change, nothing written): {bulk['reimport_s']:.2f} s")
    print(
        f"per-person read (person_fact_tables), {len(cases):,} persons in the registry: "
        f"mean {bulk['read_mean_ms']:.2f} ms, p95 {bulk['read_p95_ms']:.2f} ms (target < 5 ms); "
        f"whole docket (docket_fact_tables): {bulk['docket_s']:.2f} s"
    )
    naive_cases = cases[: args.naive]
    naive_rate = bench_naive(args.server, naive_cases, count_facts(naive_cases))
    print(
        f"naive baseline (ORM row by row, commit per person, {len(naive_cases):,} persons): "
        f"{naive_rate:,.0f} facts/s = {naive_rate / TARGET:.2f}x target; "
        f"bulk is {bulk['write_rate'] / naive_rate:.1f}x faster"
    )


if __name__ == "__main__":
    main()
