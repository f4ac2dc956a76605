"""Publishing a year of a 100,000-person registry on PostgreSQL (target: at most 30 s).

    .venv/bin/python benchmarks/bench_publish.py [--persons 100000] [--transferred 30000]

On a throwaway database (dropped at the end):

1. the synthetic docket of `--persons` is imported as `accord registry import` does
   (import_case_files, in batches), so facts, nationalities and the audit chain are real;
2. a year of operations (2025) for `--transferred` of them is written in bulk with COPY:
   transfer cases and their events (nominated, approved, manifested, departed, received,
   some released), decision records (review and boarding, and screenings of others, some
   ineligible with failed rules), boarding strikes, incidents and their resolutions,
   consular tasks and notifications, counsel contacts, monitoring visits and findings,
   return cases, and monthly invoices with a line per person in custody. Writing these
   through the services (a decision each, one transaction each) would take hours; the
   rows are the ones the services write, under the chain's head as it stands;
3. `accord publish --period 2025-01..2025-12` is timed as the CLI runs it: one read
   transaction (every aggregate and the suppression), then the folder written.

Prints the figures; not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text

from accord.db import read_session, write_session
from accord.publish.period import parse_period
from accord.publish.service import build_publication, write_publication, write_records
from accord.registry import import_case_files
from bench_registry_import import SERVER, Throwaway, _users, load, machine, synthetic_cases

TARGET_S = 30.0
YEAR = 2025
RULES = ["final_order", "no_stay", "no_protection_for_destination", "facility_terms", "notice"]
NATIONALS = "SV"


def utc(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, tzinfo=dt.UTC)


def copy(conn: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY the rows into `table` (psycopg's COPY FROM STDIN); how many."""
    count = 0
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
        for row in rows:
            stream.write_row(row)
            count += 1
    return count


class Year:
    """The year's operations rows, generated in memory (seeded)."""

    def __init__(self, people: list[tuple[str, str]], transferred: int, seed: int, head: int):
        self.random = random.Random(seed)
        self.head = head
        self.people = people
        self.moved = people[:transferred]
        self.rows: dict[str, list[tuple[Any, ...]]] = {}

    def add(self, table: str, *row: Any) -> None:
        self.rows.setdefault(table, []).append(row)

    def event(self, case: int, person: str, kind: str, to: str, at: dt.datetime, user: int,
              facility: str | None, reason: str | None = None) -> None:  # fmt: skip
        self.add("operations_events", kind, case, None, person, facility, None, to, reason,
                 at, at, user, "{}", None, self.head)  # fmt: skip

    def decision(self, person: str, at: dt.datetime, user: int, failed: list[str]) -> None:
        outcome = "ineligible" if failed else "eligible"
        explanation = {"outcome": outcome, "failed": [{"rule": r} for r in failed]}
        self.add("decision_records", person, at, user, json.dumps({"pathway": "custody_placement"}),
                 at, "0" * 64, "0" * 64, "sv-2025-offer", "1", "0" * 64, "[]", outcome,
                 json.dumps(explanation), self.head)  # fmt: skip

    def build(self, user: int) -> None:
        r = self.random
        for number, (person, nationality) in enumerate(self.moved, start=1):
            month, day = r.randint(1, 12), r.randint(6, 27)
            facility = "CECOT" if r.random() < 0.8 else None
            pathway = "custody_placement" if facility else "third_country_removal"
            departed, received = utc(month, day, 18), utc(month, day + 1, 2)
            released = received + dt.timedelta(days=r.randint(20, 200))
            state = "released" if released.year == YEAR and r.random() < 0.3 else "in_custody"
            self.add("transfer_cases", number, person, "sv-2025-offer", pathway, "SV", facility,
                     state, None, utc(month, day - 5), user)  # fmt: skip
            for kind, to, at in [
                ("nominated", "nominated", utc(month, day - 5)),
                ("approved", "ready", utc(month, day - 4)),
                ("manifested", "manifested", utc(month, day - 3)),
                ("departed", "departed", departed),
                ("handover_received", "in_custody", received),
            ]:
                self.event(number, person, kind, to, at, user, facility)
            if state == "released":
                self.event(number, person, "released", "released", released, user, facility,
                           "released_by_receiving_state")  # fmt: skip
            self.decision(person, utc(month, day - 4), user, [])
            self.decision(person, departed, user, [])
            if facility and nationality != NATIONALS:
                notified = received.date() + dt.timedelta(days=r.randint(0, 8))
                self.add("consular_tasks", number, number, person, nationality or "XX", facility,
                         received, self.head)  # fmt: skip
                if r.random() < 0.85:
                    self.add("consular_completions", number, notified, "", received, user,
                             self.head)  # fmt: skip
            if r.random() < 0.01:
                self.add("incidents", number, "missing_at_handover", None, number, person,
                         "not received", received, user, self.head)  # fmt: skip
                resolved = received + dt.timedelta(days=r.randint(0, 12))
                self.add("incident_resolutions", number, "received_late", "found", resolved,
                         user, self.head)  # fmt: skip
            if r.random() < 0.3:
                self.add("counsel_access_log", person, "Legal aid", r.choice(["call", "refused",
                         "in_person"]), received + dt.timedelta(days=3), "", received, user,
                         self.head)  # fmt: skip
            if r.random() < 0.005:
                self.add("return_cases", number, person, number, "D. Md.", "8:25-cv-951",
                         received.date(), received, user, self.head)  # fmt: skip
        for person, _ in self.people[len(self.moved) :: 7]:  # screenings of others
            failed = r.sample(RULES, r.randint(0, 2))
            self.decision(person, utc(r.randint(1, 12), r.randint(1, 28)), user, failed)
        for month in range(1, 13):
            for visit in range(2):
                number = month * 10 + visit
                self.add("monitoring_visits", number, "CECOT", dt.date(YEAR, month, 10 + visit),
                         "visit", utc(month, 12), user, self.head)  # fmt: skip
                for severity in ("info", "concern", "serious"):
                    self.add("monitoring_findings", number, severity, "finding", "act")
        self._invoices(user)

    def _invoices(self, user: int) -> None:
        """A monthly invoice with a line per person held at CECOT that month (30 days billed)."""
        held = [row for row in self.rows["transfer_cases"] if row[5] == "CECOT"]
        line = 0
        for month in range(1, 13):
            self.add("billing_invoices", month, "sv-2025-offer", 1, "0" * 64, f"{YEAR}-{month:02d}",
                     dt.date(YEAR, month, 1), dt.date(YEAR, month, 28), "USD", "0", 0, "0" * 64,
                     utc(month, 28), user, self.head)  # fmt: skip
            for case in held:
                if case[8].month <= month:
                    line += 1
                    self.add("billing_invoice_lines", line, month, line, "custody", case[1],
                             "CECOT", "per_inmate_day", 30, 30, "[]", "[]", None, "USD",
                             "1643.84")  # fmt: skip


COLUMNS = {
    "transfer_cases": ("id", "person_id", "agreement_id", "pathway", "destination",
                       "facility_id", "state", "mission_id", "nominated_at", "nominated_by_id"),
    "operations_events": ("kind", "case_id", "mission_id", "person_id", "facility_id",
                          "from_state", "to_state", "reason_code", "occurred_at", "recorded_at",
                          "recorded_by_id", "details", "decision_record_id", "audit_seq"),
    "decision_records": ("person_id", "decided_at", "decided_by_id", "request", "facts_known_at",
                         "inputs_digest", "ruleset_hash", "agreement_id", "agreement_version",
                         "agreement_digest", "parameters", "outcome", "explanation", "audit_seq"),
    "consular_tasks": ("id", "case_id", "person_id", "country", "facility_id", "created_at",
                       "audit_seq"),
    "consular_completions": ("task_id", "notified_on", "note", "recorded_at", "recorded_by_id",
                             "audit_seq"),
    "incidents": ("id", "kind", "mission_id", "case_id", "person_id", "description",
                  "opened_at", "opened_by_id", "audit_seq"),
    "incident_resolutions": ("incident_id", "reason_code", "note", "resolved_at",
                             "resolved_by_id", "audit_seq"),
    "counsel_access_log": ("person_id", "counsel", "kind", "occurred_at", "note", "recorded_at",
                           "recorded_by_id", "audit_seq"),
    "return_cases": ("id", "person_id", "case_id", "court", "order_reference", "ordered_on",
                     "opened_at", "opened_by_id", "audit_seq"),
    "monitoring_visits": ("id", "facility_id", "visited_on", "summary", "recorded_at",
                          "recorded_by_id", "audit_seq"),
    "monitoring_findings": ("visit_id", "severity", "finding", "recommendation"),
    "billing_invoices": ("id", "agreement_id", "agreement_version", "agreement_digest", "month",
                         "period_start", "period_end", "currency", "total", "line_count",
                         "content_digest", "issued_at", "issued_by_id", "audit_seq"),
    "billing_invoice_lines": ("id", "invoice_id", "line_no", "kind", "person_id", "facility_id",
                              "unit", "days_in_custody", "days_billed", "periods", "runs",
                              "handover_event_id", "currency", "amount"),
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--transferred", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--server", default=SERVER)
    args = parser.parse_args()
    print(f"{machine()}; {load()}")
    with Throwaway(args.server) as url:
        engine, officer = _users(url)
        started = time.perf_counter()
        cases = synthetic_cases(args.persons, seed=args.seed)
        for first in range(0, len(cases), 20_000):
            with write_session(engine) as session:
                import_case_files(session, actor=officer, cases=cases[first : first + 20_000],
                                  source_document="benchmark")  # fmt: skip
        people = [(c.person_id, (c.nationalities or [""])[0]) for c in cases]
        print(f"imported {len(cases):,} persons in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with engine.begin() as conn:
            head = int(conn.execute(text("SELECT max(seq) FROM audit_log")).scalar_one())
            year = Year(people, args.transferred, args.seed, head)
            year.build(officer.id)
            written = {t: copy(conn, t, COLUMNS[t], rows) for t, rows in year.rows.items()}
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        print(f"wrote a year of operations in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{t} {n:,}" for t, n in written.items()))  # fmt: skip
        period = parse_period(f"{YEAR}-01..{YEAR}-12")
        steps: list[tuple[str, float]] = []
        last = [time.perf_counter()]

        def progress(done: int, total: int, what: str) -> None:
            now = time.perf_counter()
            steps.append((what, now - last[0]))
            last[0] = now

        with tempfile.TemporaryDirectory() as folder:
            started = last[0] = time.perf_counter()
            with read_session(engine) as session:
                publication = build_publication(
                    session, period=period, threshold=11, progress=progress
                )
            built = time.perf_counter() - started
            files = write_publication(publication, Path(folder) / "report")
            total = time.perf_counter() - started
            # the records folder for the audit bundle's holders: not part of the target
            started_records = time.perf_counter()
            with read_session(engine) as session:
                write_records(session, publication, Path(folder) / "records")
            records_s = time.perf_counter() - started_records
        engine.dispose()
    # each step's time is printed against the step that ran before the next one was named
    names = [what for what, _ in steps]
    timings = [seconds for _, seconds in steps[1:]] + [0.0]
    slowest = sorted(zip(names, timings, strict=True), key=lambda s: -s[1])[:5]
    hidden = sum(len(t.hidden) for t in publication.tables)
    print(f"publish {period.text}: {total:.2f} s (read and suppress {built:.2f} s, "
          f"write {total - built:.2f} s; target {TARGET_S:.0f} s: "
          f"{'met' if total <= TARGET_S else 'missed'})")  # fmt: skip
    print("slowest steps: " + ", ".join(f"{n} {s:.2f} s" for n, s in slowest))
    print(f"{len(files)} files, {len(publication.tables) + 1} tables, {hidden} cells suppressed")
    print(f"records folder (accord publish --records): {records_s:.2f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
