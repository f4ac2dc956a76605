"""What `accord audit verify` costs now that it checks fact rows and checkpoints (ADR 0015).

    .venv/bin/python benchmarks/bench_audit_verify.py --persons 20000

Imports N synthetic persons (accord.synthetic) into a throwaway SQLite registry,
issues a signed checkpoint, then times the chain walk alone (audit.verify_chain,
what `audit verify` did before), the chain walk with the checkpoint, and the full
report (registry.audit_report: the walk, rows past the head, every fact version
re-digested from its rows). Prints seconds and persons/s; not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from accord.auth import add_user, bootstrap_admin
from accord.db import make_engine, read_session, upgrade_database, verify_chain, write_session
from accord.db.bundle.checkpoint_proof import parse_checkpoint
from accord.db.checkpoints import (
    generate_key_file,
    issue_checkpoint,
    load_signing_key,
    verify_against_checkpoints,
)
from accord.registry import case_files_from_tables, import_case_files
from accord.registry.audit_report import audit_report
from accord.synthetic import synthetic_docket


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    with TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'accord.db'}")
        upgrade_database(engine)
        at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        with write_session(engine) as session:
            admin = bootstrap_admin(session, name="root", now=at)
            officer = add_user(session, actor=admin, name="olivia", role="officer", now=at)
            monitor = add_user(session, actor=admin, name="mona", role="monitor", now=at)
        cases = case_files_from_tables(synthetic_docket(args.persons, seed=3))
        started = time.perf_counter()
        with write_session(engine) as session:
            import_case_files(session, actor=officer, cases=cases, source_document="bench")
        print(f"import of {args.persons:,} persons: {time.perf_counter() - started:.1f} s")
        key_file = Path(folder) / "checkpoint.pem"
        generate_key_file(key_file)
        with write_session(engine) as session:
            document = issue_checkpoint(session, actor=monitor, key=load_signing_key(key_file))
        checkpoint = parse_checkpoint(document, source="bench")
        for name, run in (
            ("chain walk alone (verify_chain)", lambda s: verify_chain(s).intact),
            (
                "chain walk with a checkpoint",
                lambda s: not verify_against_checkpoints(s, [checkpoint]).problems,
            ),
            ("full audit verify (audit_report)", lambda s: audit_report(s, [checkpoint]).intact),
        ):
            with read_session(engine) as session:
                started = time.perf_counter()
                intact = run(session)
                seconds = time.perf_counter() - started
            rate = args.persons / seconds
            print(f"{name}: {seconds:.2f} s ({rate:,.0f} persons/s), intact={intact}")
        engine.dispose()
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
