"""Decisions over HTTP against a PostgreSQL registry of 100,000 persons (issue 6 target).

    .venv/bin/python benchmarks/bench_api_decide.py [--persons 100000] [--seconds 20]
        [--concurrency 8] [--workers 2] [--client wrk|httpx] [--rate 300 [350 ...]]
        [--max-connections 64] [--fresh]

Loads the registry with bench_registry_decide.py's loader (the database
`accord_bench_decide_<persons>` is kept between runs; `--fresh` imports it
again), issues an API token for the officer, starts `accord serve` (uvicorn,
real sockets) in a subprocess and sends POST /api/v1/decisions for random
persons. Each request authenticates by bearer token, decides from the registry
and commits the decision record with its audit entry, as `accord decide
--person` does. **Target: >= 300 requests/s, p99 <= 50 ms.** Two measurements,
each for `--seconds`:

* *Closed loop* (the saturation throughput): `--concurrency` requests in
  flight, from `wrk` (apt-get install wrk: a C load generator, light on the
  two cores that client, server and PostgreSQL share) or, without it, an httpx
  client; each connection sends its next request when the previous answers.
  With a fixed number in flight the mean latency is that number over the
  throughput (Little's law): at 300/s, 16 in flight means 53 ms on average,
  over the p99 limit whatever the server does, and at saturation the p99 is
  the queue the client keeps full, which says nothing about serving 300/s.
  The defaults (8 in flight; 2 workers, one per core, of ACCORD_DB_THREADS=2
  threads each: with 4 workers every process's cache and the scheduler cost
  about a fifth more CPU per request, and the tail with it) are the load at
  which both can hold.
* *Open loop* (the target as stated), once per `--rate` (default 300; 0 skips
  it): request i is due at t0 + i/rate whether or not earlier ones have
  answered, and its latency runs from its due time to its complete response,
  so a stall shows in every request it delays instead of holding back the
  requests that would have measured it (coordinated omission). Sent from this
  process (benchmarks/open_loop.py: asyncio streams on uvloop, pre-built
  request bytes, keep-alive connections opened as needed up to
  `--max-connections`; a request that finds them all busy at the cap is an
  error, still measured from its due time). The rate is met when every request
  offered was answered with a 201 (how late, the latencies say); the rate of the
  responses, first to last, is printed too, and is what an overloaded server
  managed. The generator's own CPU per request is printed, as it takes its
  share of the same two cores.

Each run prints the CPU that the server's processes and the database's
backends spent per request (Linux), which a machine shared with other work
changes less than the throughput. The warm-up opens a new connection per
request, so that every worker process has compiled the rules before the
measured runs (a worker's first decision compiles them: about 0.4 s).

Baseline, in the same process once the server has stopped: the same decisions
called in-process (`decide_from_registry` in a write session, as the route
does) from `--concurrency` threads, so the ratio is the price of HTTP. Then the
audit chain is verified and the decision records counted against the 201s,
and a summary says which measurement met the target. Not a test: it prints
figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from accord.auth import User, get_user, issue_token
from accord.db import make_engine, read_session, upgrade_database, verify_chain, write_session
from accord.decisions import DecisionRecord, decide_from_registry
from accord.engine import DecisionRequest

# the script's folder is on sys.path: reuse the 100k loader of the registry benchmark
from bench_registry_decide import SERVER, database, load, officer, persons_in
from open_loop import LOOP_NAME, OpenLoop, request_bytes, run_open_loop

TARGET_RPS = 300.0
TARGET_P99_MS = 50.0
BODY = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
    "as_of": "2025-03-16",
}
REQUEST = DecisionRequest.build(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of="2025-03-16",
)


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    errors: int  # responses other than 201 (wrk: other than 2xx/3xx), and socket errors
    p50: float
    p95: float
    p99: float
    max: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        return (
            f"{self.requests:,} in {self.seconds:.1f} s, {self.rps:,.0f}/s; "
            f"p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, p99 {self.p99:.1f} ms, "
            f"max {self.max:.1f} ms; {self.errors} errors"
        )


def from_latencies(latencies: list[float], seconds: float, errors: int) -> Run:
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return Run(len(latencies), seconds, errors, q[49], q[94], q[98], max(latencies))


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


# wrk runs this per connection thread: each request a random person of the registry
# (the same seeded sequence as the baseline), and prints the figures as one JSON line.
WRK_SCRIPT = """
local ids = {%(ids)s}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  n = n %% #ids + 1
  local body = ('%(body)s'):gsub("PERSON", ids[n])
  return wrk.format(nil, "/api/v1/decisions", nil, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "us": %%d, "errors": %%d, "p50": %%d, "p95": %%d, "p99": %%d, '
    .. '"max": %%d, "kinds": "connect %%d, read %%d, write %%d, timeout %%d, status %%d"}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def run_wrk(base: str, token: str, ids: list[str], concurrency: int, seconds: float) -> Run:
    body = json.dumps(BODY | {"person_id": "PERSON"})
    script = WRK_SCRIPT % {
        "ids": ",".join(f'"{pid}"' for pid in ids),
        "token": token,
        "body": body,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:.0f}s", "--timeout", "30s"]
        command += ["-s", handle.name]
        out = subprocess.run([*command, base], capture_output=True, text=True, check=True)
    finally:
        Path(handle.name).unlink()
    found = re.search(r"^WRK (.*)$", out.stdout, re.MULTILINE)
    if found is None:
        raise SystemExit(f"wrk printed no figures:\n{out.stdout}{out.stderr}")
    w = json.loads(found.group(1))
    ms = {k: w[k] / 1000 for k in ("p50", "p95", "p99", "max")}
    if w["errors"]:
        print(f"wrk errors: {w['kinds']}")
    return Run(w["requests"], w["us"] / 1e6, w["errors"], **ms)


async def _httpx_load(
    base: str, token: str, ids: list[str], concurrency: int, fresh: bool
) -> tuple[list[float], float, int]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for pid in ids:
        queue.put_nowait(pid)
    latencies: list[float] = []
    errors = 0
    # fresh: a new connection per request, so that requests reach every worker process
    keep = 0 if fresh else concurrency
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=keep)
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


def run_httpx(
    base: str, token: str, ids: list[str], concurrency: int, *, fresh: bool = False
) -> Run:
    latencies, seconds, errors = asyncio.run(_httpx_load(base, token, ids, concurrency, fresh))
    return from_latencies(latencies, seconds, errors)


def run_open(
    port: int, token: str, persons: int, rate: float, seconds: float, cap: int
) -> tuple[Run, OpenLoop]:
    """`rate` requests per second for `seconds`, each for a random person (its own seeded
    sequence: the closed loop's ids would repeat at this length)."""
    rng = random.Random(int(rate))
    bodies = [
        json.dumps(BODY | {"person_id": f"syn-{rng.randint(1, persons):07d}"})
        for _ in range(round(rate * seconds))
    ]
    payloads = request_bytes("127.0.0.1", port, "/api/v1/decisions", token, bodies)
    result = run_open_loop("127.0.0.1", port, payloads, rate, cap=cap)
    if len(result.latencies) < 2:
        raise SystemExit(f"open loop at {rate:.0f}/s: no responses ({result.kinds()})")
    return from_latencies(result.latencies, result.seconds, result.errors), result


def run_in_process(engine: Engine, user: User, ids: list[str], concurrency: int) -> Run:
    """The baseline: the route's work without HTTP, from `concurrency` threads."""
    latencies: list[float] = []
    lock = threading.Lock()

    def one(pid: str) -> None:
        started = time.perf_counter()
        with write_session(engine) as session:
            decide_from_registry(session, request=REQUEST, person_id=pid, actor=user)
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, ids))
    return from_latencies(latencies, time.perf_counter() - started, 0)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (state first); [] if it has gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return []


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (Linux /proc); 0 if it has gone."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / _TICK if fields else 0.0


def _reaped_seconds(pid: int) -> float:
    """CPU of the process's children that have exited (cutime + cstime)."""
    fields = _stat(pid)
    return (int(fields[13]) + int(fields[14])) / _TICK if fields else 0.0


def _children(pid: int) -> list[int]:
    """The process and its descendants (the uvicorn workers of `accord serve`)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found += _children(int(entry.name))
    return found


class CpuMeter:
    """CPU spent by the server's processes and the database's backends during a run: on a
    shared machine, CPU per request says more than requests per second."""

    def __init__(self, engine: Engine, server_pid: int):
        self.engine, self.server_pid = engine, server_pid
        self.enabled = Path("/proc/self/stat").exists()
        self.server: dict[int, float] = {}  # pid -> CPU seconds at the start
        self.backends: dict[int, float] = {}
        self.postmaster, self.reaped = 0, 0.0

    def _backends(self) -> list[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
            )
            return [int(r[0]) for r in rows]

    def start(self) -> None:
        if self.enabled:
            self.server = {p: _cpu_seconds(p) for p in _children(self.server_pid)}
            self.backends = {p: _cpu_seconds(p) for p in self._backends()}
            # a backend that exits during the run (a pool's overflow connection, closed when
            # returned) leaves its CPU to the postmaster's reaped children (those of every
            # database: other PostgreSQL work meanwhile would count here too)
            with self.engine.connect() as conn:
                own = int(conn.scalar(text("SELECT pg_backend_pid()")) or 0)
            fields = _stat(own)
            self.postmaster = int(fields[1]) if fields else 0
            self.reaped = _reaped_seconds(self.postmaster)

    def line(self, requests: int) -> str:
        if not self.enabled or not requests:
            return "CPU per request: not measured (no /proc)"
        server = sum(_cpu_seconds(p) - t for p, t in self.server.items())
        # backends that connected during the run count from zero
        alive = self._backends()
        database = sum(_cpu_seconds(p) - self.backends.get(p, 0.0) for p in alive)
        # those that exited: their whole life, less what those alive at the start had spent
        exited = _reaped_seconds(self.postmaster) - self.reaped
        exited -= sum(t for p, t in self.backends.items() if p not in alive)
        database += exited
        ms = 1000 / requests
        gone = f" ({exited * ms:.2f} ms of it by backends that exited)" if exited > 0 else ""
        return (
            f"CPU per request: server {server * ms:.2f} ms, PostgreSQL {database * ms:.2f} ms"
            f"{gone} (2 cores give {2000 / ((server + database) * ms):,.0f}/s at that cost)"
        )


def decision_records(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(DecisionRecord)) or 0)


def load_avg() -> str:
    return f"load average {os.getloadavg()[0]:.2f}"


def verdict(run: Run, achieved: float) -> str:
    met = achieved >= TARGET_RPS and run.p99 <= TARGET_P99_MS and run.errors == 0
    return "met" if met else "MISSED"


def report_open(run: Run, result: OpenLoop, workers: int, cpu: str, load_after: str) -> str:
    """Print one open-loop run; return its verdict for the summary."""
    print(
        f"POST /api/v1/decisions (open loop, {result.rate:,.0f}/s offered for "
        f"{result.offered / result.rate:.0f} s, {workers} uvicorn worker(s)): "
        f"{run.line()}; {load_after}"
    )
    print(f"  {cpu}")
    gen_ms = result.generator_cpu_s * 1000 / result.offered
    print(
        f"  load generator ({LOOP_NAME}, this process): {gen_ms:.2f} ms CPU per request "
        f"({gen_ms * result.rate / 20:.1f}% of the 2 cores at {result.rate:,.0f}/s), requests "
        f"started p99 {result.send_lag_p99:.1f} ms late, {result.connections} connection(s) opened"
    )
    if result.errors:
        print(f"  errors: {result.kinds()}")
    # Served: every request offered was answered with a 201 (lateness is the latencies'
    # part: a last response 100 ms late stretches the span of the responses, and the
    # completion rate with it, below the offered rate of a server that kept up).
    served = result.rate if result.created == result.offered and not result.errors else run.rps
    print(
        f"  answered {result.created:,} of {result.offered:,} offered with 201; completions "
        f"{run.rps:,.1f}/s "
        f"first to last response; p99 is {run.p99 / TARGET_P99_MS:.2f}x the "
        f"{TARGET_P99_MS:.0f} ms limit"
    )
    met = verdict(run, served)
    print(
        f"  target ({TARGET_RPS:.0f}/s or more offered, every request answered, "
        f"p99 <= {TARGET_P99_MS:.0f} ms): {met}"
    )
    return f"open loop, {result.rate:,.0f}/s offered: {run.rps:,.0f}/s, p99 {run.p99:.1f} ms: {met}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="wrk and each open loop")
    parser.add_argument("--requests", type=int, default=3000, help="httpx and the baseline")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8, help="closed loop: in flight")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--client", choices=["wrk", "httpx"], default=None)
    parser.add_argument(
        "--rate", type=float, nargs="+", default=[TARGET_RPS], help="open loop: offered/s, 0 skips"
    )
    parser.add_argument("--max-connections", type=int, default=64, help="open loop: the cap")
    parser.add_argument("--server", default=SERVER)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop the kept registry and import it again (each run adds ~26,000 records)",
    )
    args = parser.parse_args()
    client = args.client or ("wrk" if shutil.which("wrk") else "httpx")
    rates = [r for r in args.rate if r > 0]
    print(f"machine: {os.cpu_count()} CPUs; {load_avg()}")
    try:
        url = database(args.server, f"accord_bench_decide_{args.persons}", fresh=args.fresh)
    except OperationalError as exc:
        raise SystemExit(f"PostgreSQL unreachable at {args.server}: {exc.orig}") from None
    engine = make_engine(url)
    upgrade_database(engine)
    user = officer(engine)
    load_s = load(engine, user, args.persons)
    if load_s:
        print(f"imported {args.persons:,} persons in {load_s:.0f} s")
    with write_session(engine) as session:
        token = issue_token(session, actor=get_user(session, name=user.name), name=user.name)
    print(f"registry: PostgreSQL, {persons_in(engine):,} persons")
    records_before = decision_records(engine)
    rng = random.Random(7)
    ids = [f"syn-{rng.randint(1, args.persons):07d}" for _ in range(args.warmup + args.requests)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, port, args.workers)
    measure: Callable[[], Run]
    if client == "wrk":

        def measure() -> Run:
            return run_wrk(base, token, ids, args.concurrency, args.seconds)
    else:

        def measure() -> Run:
            return run_httpx(base, token, ids[args.warmup :], args.concurrency)

    summary: list[str] = []
    created = 0  # 201s of the open loops
    try:
        wait_ready(base, server)
        # every worker must be warm (its first decision compiles the rules): new connections
        warm = run_httpx(base, token, ids[: args.warmup], args.concurrency, fresh=True)
        print(f"{load_avg()} before the measured runs")
        meter = CpuMeter(engine, server.pid)
        meter.start()
        http = measure()
        cpu = meter.line(http.requests)
        print(
            f"POST /api/v1/decisions ({client}, closed loop, {args.concurrency} in flight, "
            f"{args.workers} uvicorn worker(s)): {http.line()}; {load_avg()}"
        )
        print(f"  {cpu}")
        print(f"  throughput {http.rps / TARGET_RPS:.2f}x the target {TARGET_RPS:.0f}/s")
        print(f"  p99 is {http.p99 / TARGET_P99_MS:.2f}x the {TARGET_P99_MS:.0f} ms limit")
        met = verdict(http, http.rps)
        print(f"  target (>= {TARGET_RPS:.0f}/s and p99 <= {TARGET_P99_MS:.0f} ms): {met}")
        summary.append(
            f"closed loop ({client}), {args.concurrency} in flight: {http.rps:,.0f}/s, "
            f"p99 {http.p99:.1f} ms: {met}"
        )
        for rate in rates:
            meter.start()
            run, result = run_open(
                port, token, args.persons, rate, args.seconds, args.max_connections
            )
            cpu = meter.line(run.requests)
            summary.append(report_open(run, result, args.workers, cpu, load_avg()))
            created += result.created
    finally:
        server.terminate()
        server.wait(timeout=30)
    # its own pool, as large as its threads: the default of 15 starved a 16th thread
    threads_engine = create_engine(url, pool_pre_ping=True, pool_size=args.concurrency)
    base_run = run_in_process(threads_engine, user, ids[args.warmup :], args.concurrency)
    threads_engine.dispose()
    print(
        f"baseline, in-process decide_from_registry from {args.concurrency} threads: "
        f"{base_run.line()}; {load_avg()}"
    )
    print(
        f"  HTTP (closed loop) / in-process: throughput {http.rps / base_run.rps:.2f}x, "
        f"p99 {http.p99 / base_run.p99:.2f}x"
    )
    written = decision_records(engine) - records_before
    expected = warm.requests - warm.errors + http.requests - http.errors + base_run.requests
    expected += created
    with read_session(engine) as session:
        chain = verify_chain(session)
    print(f"decision records written: {written:,} (201s and baseline calls: {expected:,})")
    print(f"{chain.message()}")
    engine.dispose()
    print(f"summary, target >= {TARGET_RPS:.0f}/s and p99 <= {TARGET_P99_MS:.0f} ms:")
    for line in summary:
        print(f"  {line}")
    if not chain.intact or written < expected:
        raise SystemExit("the registry does not hold what was answered")


if __name__ == "__main__":
    main()
