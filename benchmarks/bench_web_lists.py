"""The dashboard's long lists over a 100,000-person PostgreSQL registry (issue 21 target).

    .venv/bin/python benchmarks/bench_web_lists.py [--persons 100000] [--calls 30]

Loads `synthetic_docket(persons, seed=0)` through the registry's own import (as
bench_registry_decide.py does, into the database `accord_bench_web_lists_<persons>`, kept
between runs to spare the load: drop it by hand), migrated to the head (0016: pg_trgm and
the GIN trigram indexes) and vacuumed (as autovacuum would have done). Then times requests
through the ASGI app in process (Starlette's TestClient over httpx, an officer's API
token, so each request is authenticated, read in one transaction and audited as a
browser's is):

* GET /people: the first page of the list (50 of 100,000, with the total), and the list
  sorted by name, and a page far down (page 1,000);
* GET /people?q=...: a search by a full name (trigram similarity and substring, ranked), by
  a misspelt name, by the start of a person id, and by nationality and date of birth;
* GET /people?format=csv: the CSV download, timed to its first byte (what the user waits
  for before the download starts) and to its last (all 100,000 rows streamed), and the
  download of a filtered list (one nationality); these over HTTP from uvicorn serving the
  same app (an in-process client gathers the whole body before it answers). The header row
  is sent before the query's first row, so the first byte is the header's;
* the two routes of the CSV (dashboard/listing_csv.py) in this process, on the same list
  (every person, the whole file): PostgreSQL's COPY with the cells made in SQL (what an
  officer's download takes) against the Python route from a server-side cursor (what every
  download took before, and what an analyst's, whose ids are masked, takes), interleaved
  call for call; the ratio is the Python route's median over COPY's, and the peak of
  Python memory each allocates (tracemalloc) shows that neither holds the list.

Each figure: median and p95 of `--calls` requests after 3 of warm-up, against the 300 ms
target. Not a test: it prints figures and never fails on a missed target.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accord.api import ApiSettings, create_app
from accord.auth import issue_token
from accord.dashboard import listing_csv, lists
from accord.db import make_engine, read_session, upgrade_database, write_session
from accord.registry.search import people_statement
from bench_registry_decide import SERVER, database, load, officer, persons_in, prewarm

TARGET_MS = 300.0


def timed(fn: Callable[[], object], calls: int) -> list[float]:
    for _ in range(3):  # warm-up: connections, statement caches, the auth cache
        fn()
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def csv_routes(engine: Engine, calls: int) -> list[str]:
    """The whole people CSV through each route, interleaved: lines for the table."""
    columns = [c for c in lists.PEOPLE.columns if c.csv and not c.hidden]
    keys = [c.key for c in columns]

    def route(copy: bool) -> int:
        with read_session(engine) as session:
            statement = people_statement(session, bulk=True)
            session.execute(text("SET LOCAL jit = off"))
            session.execute(text("SET LOCAL work_mem = '64MB'"))
            session.execute(text("SET LOCAL DateStyle = 'ISO, YMD'"))
            ordered = lists.PEOPLE.ordered(statement, lists.PEOPLE.default_sort)
            connection = session.connection()
            if copy:
                copied = listing_csv.copy_statement(ordered, keys)
                assert copied is not None
                chunks = listing_csv.copy_rows(connection, copied)
            else:
                masks = [False] * len(keys)
                chunks = listing_csv.python_rows(connection, ordered, keys, masks, str)
            return sum(len(chunk) for chunk in chunks)

    assert route(copy=True) == route(copy=False)  # the same characters (tests: the same bytes)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(calls):
        for copy in (True, False):
            started = time.perf_counter()
            route(copy)
            times[copy].append((time.perf_counter() - started) * 1000)
    peaks = {}
    for copy in (True, False):
        tracemalloc.start()
        route(copy)
        peaks[copy] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    ratio = statistics.median(times[False]) / statistics.median(times[True])
    python = f"CSV rows by the Python route, in process ({ratio:.2f}x COPY's median"
    return [
        line(f"CSV rows by COPY, in process (peak {peaks[True]:.1f} MiB)", times[True]),
        line(f"{python}; peak {peaks[False]:.1f} MiB)", times[False]),
    ]


def line(what: str, times: list[float]) -> str:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else median
    verdict = (
        "met"
        if p95 <= TARGET_MS
        else ("median met, p95 missed" if median <= TARGET_MS else "MISSED")
    )
    return f"| {what} | {median:.0f} ms | {p95:.0f} ms | {verdict} |"


@contextmanager
def served(app: object) -> Iterator[str]:
    """uvicorn on a free loopback port in a thread (as the browser tests serve the app)."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listening.close()


def main() -> None:
    from fastapi.testclient import TestClient

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--server", default=SERVER)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    try:
        url = database(args.server, f"accord_bench_web_lists_{args.persons}")
    except OperationalError as exc:
        raise SystemExit(f"PostgreSQL unreachable at {args.server}: {exc.orig}") from None
    engine = make_engine(url, pool_size=4, max_overflow=4)
    upgrade_database(engine)
    user = officer(engine)
    load_s = load(engine, user, args.persons)
    if load_s:
        print(f"imported {args.persons:,} persons in {load_s:.0f} s")
    # statistics and the visibility map as autovacuum keeps them on a server in service
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(prewarm(engine))
    with write_session(engine) as session:
        token = issue_token(session, actor=user, name=user.name)
    settings = ApiSettings(
        database_url=url,
        secret_key="bench-web-lists-secret-key-0123456789abcdef",
        masking_key="bench-web-lists-masking-key-0123456789abcdef",
    )
    app = create_app(settings, engine=engine)
    headers = {"Authorization": f"Bearer {token}"}
    some_id = f"syn-{args.persons // 2:07d}"
    rows: list[str] = []
    with TestClient(app, headers=headers) as client:

        def get(path: str, **params: str) -> Callable[[], object]:
            def call() -> object:
                response = client.get(path, params=params)
                assert response.status_code == 200, (path, params, response.text[:500])
                return response

            return call

        first_page = get("/people")()
        assert "Showing 1–50 of" in first_page.text  # type: ignore[attr-defined]
        cases = [
            ("/people, first page of 50 with the total", get("/people")),
            ("/people sorted by name", get("/people", sort="name")),
            ("/people, page 1,000", get("/people", page="1000")),
            ("search: a full name (`María Hernández`)", get("/people", q="María Hernández")),
            ("search: a misspelt name (`Maria Hernandes`)", get("/people", q="Maria Hernandes")),
            (f"search: a person id (`{some_id}`)", get("/people", q=some_id)),
            (
                "search: nationality and date of birth",
                get("/people", nationality="SV", born="1990-01-01"),
            ),
        ]
        for what, call in cases:
            rows.append(line(what, timed(call, args.calls)))

    # the downloads over HTTP from uvicorn: TestClient and ASGITransport gather the whole
    # body before they answer, so only a real server shows when the first byte comes
    with served(app) as base, httpx.Client(base_url=base, headers=headers, timeout=120) as web:

        def first_byte() -> None:
            with web.stream("GET", "/people", params={"format": "csv"}) as response:
                assert response.status_code == 200
                next(response.iter_bytes())

        def whole(**params: str) -> Callable[[], None]:
            def call() -> None:
                with web.stream("GET", "/people", params={"format": "csv", **params}) as r:
                    size = sum(len(chunk) for chunk in r.iter_bytes())
                assert size > 0

            return call

        exports = max(3, args.calls // 5)
        rows.append(line("CSV of all persons: first byte", timed(first_byte, args.calls)))
        rows.append(
            line(f"CSV of all {args.persons:,} persons: last byte", timed(whole(), exports))
        )
        rows.append(
            line("CSV of one nationality (VE): last byte", timed(whole(nationality="VE"), exports))
        )
    rows.extend(csv_routes(engine, max(3, args.calls // 5)))
    print(f"registry: PostgreSQL, {persons_in(engine):,} persons; target {TARGET_MS:.0f} ms")
    print("| request | median | p95 | target 300 ms |")
    print("|---|---|---|---|")
    for row in rows:
        print(row)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    engine.dispose()


if __name__ == "__main__":
    main()
