"""Decisions over HTTP against a PostgreSQL registry of 100,000 persons (issue 6 target).

    .venv/bin/python benchmarks/bench_api_decide.py [--persons 100000] [--requests 3000]
        [--concurrency 16] [--workers 2]

Loads the registry with bench_registry_decide.py's loader (the database
`accord_bench_decide_<persons>` is kept between runs), issues an API token for
the officer, starts `accord serve` (uvicorn, real sockets) in a subprocess and
sends POST /api/v1/decisions for random persons from an httpx client with
`--concurrency` requests in flight. Each request authenticates by bearer token,
decides from the registry and commits the decision record with its audit
entry, as `accord decide --person` does. Client and server share the machine's
cores, so the figure is conservative. **Target: >= 300 requests/s, p99 <= 50 ms.**
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time

import httpx
from sqlalchemy.exc import OperationalError

from accord.registry import get_user, issue_token, make_engine, upgrade_database, write_session

# the script's folder is on sys.path: reuse the 100k loader of the registry benchmark
from bench_registry_decide import SERVER, database, load, officer, persons_in

TARGET_RPS = 300.0
TARGET_P99_MS = 50.0
BODY = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
    "as_of": "2025-03-16",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "ACCORD_DATABASE_URL": url,
        "ACCORD_SECRET_KEY": secrets.token_urlsafe(48),
        "ACCORD_MASKING_KEY": secrets.token_urlsafe(24),
    }
    command = [sys.executable, "-c", "from accord.cli.main import run; run()", "serve"]
    command += ["--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    return subprocess.Popen(command, env=env)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"accord serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("accord serve did not answer in time")


async def run_load(
    base: str, token: str, ids: list[str], concurrency: int
) -> tuple[list[float], float, int]:
    """(latencies in ms, wall seconds, non-2xx responses)."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for pid in ids:
        queue.put_nowait(pid)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60.0
    ) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                pid = queue.get_nowait()
                started = time.perf_counter()
                response = await client.post("/api/v1/decisions", json=BODY | {"person_id": pid})
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 201:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--server", default=SERVER)
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
    with write_session(engine) as session:
        token = issue_token(session, actor=get_user(session, name="root"), name=user.name)
    print(f"registry: PostgreSQL, {persons_in(engine):,} persons")
    engine.dispose()
    rng = random.Random(7)
    ids = [f"syn-{rng.randint(1, args.persons):07d}" for _ in range(args.warmup + args.requests)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, port, args.workers)
    try:
        wait_ready(base, server)
        asyncio.run(run_load(base, token, ids[: args.warmup], args.concurrency))
        latencies, seconds, errors = asyncio.run(
            run_load(base, token, ids[args.warmup :], args.concurrency)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    rps = len(latencies) / seconds
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    print(
        f"POST /api/v1/decisions: {len(latencies):,} requests, {args.concurrency} in flight, "
        f"{args.workers} uvicorn worker(s), {errors} non-201"
    )
    print(
        f"  throughput {rps:,.0f} requests/s: {rps / TARGET_RPS:.2f}x the target {TARGET_RPS:.0f}/s"
    )
    print(
        f"  latency p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, "
        f"max {max(latencies):.1f} ms: p99 is {q[98] / TARGET_P99_MS:.2f}x "
        f"the {TARGET_P99_MS:.0f} ms limit"
    )
    met = rps >= TARGET_RPS and q[98] <= TARGET_P99_MS
    verdict = "met" if met else "MISSED"
    print(f"  target (>= {TARGET_RPS:.0f}/s and p99 <= {TARGET_P99_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
