"""A legitimate caller's latency while made-up tokens and large bodies arrive (issue 19 item 3).

    .venv/bin/python benchmarks/bench_auth_pressure.py [--seconds 15] [--workers 2]
        [--bogus 64] [--bodies-per-s 4] [--body-mb 50] [--database-url URL]

Starts `accord serve` (real sockets, `--workers` processes) on a new SQLite registry in a
temporary folder (or on `--database-url`, an empty database it initialises), with a monitor
whose token the legitimate caller sends, and four more users whose key ids the attack
knows. The legitimate caller sends GET /api/v1/users (a route thread and a database read
each) one after another on a keep-alive connection. Two phases of `--seconds` each:

* *baseline*: the legitimate caller alone;
* *attack*: the same caller while `--bogus` made-up tokens are in flight at all times
  (`accord_<16 hex>_<secret>`, half with the key id of a real token and a made-up secret,
  half with unknown key ids; each of the 64 senders from its own loopback address,
  127.0.0.2 onwards, so that the per-address budget alone does not stop them) and
  `--bodies-per-s` bodies of `--body-mb` MB a second are sent (half without credentials
  to POST /api/v1/imports, half with a valid token to a small route; each sender writes
  the body until the server answers or closes).

Before the phases the caller's token is verified by every worker (fresh connections), as
a client that has been working would be. Prints the legitimate caller's p50/p99 in both
phases and their ratio, the answers the attack got by status, how many bytes of the large
bodies the client wrote before the answer, the attack's own CPU time (it runs on the same
cores as the server), and the workers' largest resident size.
**Target: p99 < 100 ms under attack.** Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

from accord.auth import add_user, bootstrap_admin, issue_token
from accord.db import make_engine, upgrade_database, write_session

TARGET_P99_MS = 100.0
CHUNK = 256 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_registry(url: str) -> tuple[str, list[str]]:
    """The legitimate caller's token, and the key ids of four other real tokens."""
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        with write_session(engine) as s:
            root = bootstrap_admin(s, name="root")
            mona = add_user(s, actor=root, name="mona", role="monitor")
            others = [add_user(s, actor=root, name=f"officer{i}", role="officer") for i in range(4)]
        with write_session(engine) as s:
            token = issue_token(s, actor=mona, name="mona")
            known = [issue_token(s, actor=o, name=o.name).split("_")[1] for o in others]
        return token, known
    finally:
        engine.dispose()


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "ACCORD_DATABASE_URL": url,
        "ACCORD_SECRET_KEY": secrets.token_urlsafe(48),
        "ACCORD_MASKING_KEY": secrets.token_urlsafe(24),
    }
    command = [sys.executable, "-c", "from accord.cli.main import run; run()", "serve"]
    command += ["--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    return subprocess.Popen(command, env=env)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout_s: float = 90.0) -> None:
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


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == pid:
            found.append(int(entry.name))
    return found


def worker_rss_mb(server_pid: int) -> float:
    """The largest resident size of the server's worker processes (Linux), in MB."""
    largest = 0.0
    for pid in _children(server_pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return largest


@dataclass
class Attack:
    statuses: Counter[str] = field(default_factory=Counter)
    body_statuses: Counter[str] = field(default_factory=Counter)
    body_bytes_sent: list[int] = field(default_factory=list)
    rss_mb: float = 0.0
    cpu_s: float = 0.0  # the attack's own CPU time (it shares the cores with the server)


async def legitimate(base: str, token: str, until: float) -> list[float]:
    """GET /api/v1/users one after another until `until`; each latency in ms."""
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60.0) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            response = await client.get("/api/v1/users")
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"the legitimate caller got {response.status_code}")
    return latencies


async def bogus_sender(
    base: str, address: str, known: list[str], until: float, out: Attack
) -> None:
    """Made-up tokens from one address, one in flight at a time, until `until`."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=base, transport=transport, timeout=60.0) as client:
        n = 0
        while time.monotonic() < until:
            n += 1
            key_id = known[n % len(known)] if n % 2 else secrets.token_hex(8)
            token = f"accord_{key_id}_{secrets.token_urlsafe(32)}"
            try:
                response = await client.get(
                    "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                )
                out.statuses[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                out.statuses[type(exc).__name__] += 1


async def large_body(port: int, path: str, token: str | None, size: int, out: Attack) -> None:
    """One body of `size` bytes, written until the server answers or closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "Content-Type: application/json\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    head += f"Content-Length: {size}\r\n\r\n"
    writer.write(head.encode())
    sent = 0
    answer = asyncio.ensure_future(reader.readline())
    chunk = b" " * CHUNK
    try:
        while sent < size and not answer.done():
            writer.write(chunk[: min(CHUNK, size - sent)])
            await writer.drain()
            sent += min(CHUNK, size - sent)
    except OSError:
        pass  # the server closed the connection: it will read no more
    try:
        line = await asyncio.wait_for(answer, timeout=60)
        status = line.split()[1].decode() if line else "closed"
    except (OSError, TimeoutError):
        status = "reset"
    finally:
        writer.close()
    out.body_statuses[status] += 1
    out.body_bytes_sent.append(sent)


async def _attack(
    base: str, port: int, token: str, known: list[str], options: dict[str, float], until: float
) -> Attack:
    out = Attack()
    senders = [
        asyncio.ensure_future(bogus_sender(base, f"127.0.0.{2 + i}", known, until, out))
        for i in range(int(options["bogus"]))
    ]
    bodies: list[asyncio.Future[None]] = []
    size = int(options["body_mb"] * 1024 * 1024)
    n, started = 0, time.monotonic()
    while time.monotonic() < until:
        n += 1
        if n % 2:  # without credentials, to the route with the largest cap
            job = large_body(port, "/api/v1/imports", None, size, out)
        else:  # with the caller's own valid token, to a small route
            job = large_body(port, "/api/v1/users", token, size, out)
        bodies.append(asyncio.ensure_future(job))
        if n % 8 == 0:  # reading /proc of every process is not free
            out.rss_mb = max(out.rss_mb, worker_rss_mb(int(options["server_pid"])))
        due = started + n / options["bodies_per_s"]  # on schedule, however late this loop
        await asyncio.sleep(max(0.0, due - time.monotonic()))
    await asyncio.gather(*senders)
    await asyncio.gather(*bodies)
    out.rss_mb = max(out.rss_mb, worker_rss_mb(int(options["server_pid"])))
    return out


def run_attack(
    base: str,
    port: int,
    token: str,
    known: list[str],
    options: dict[str, float],
    results: Connection,
) -> None:
    """The attack, in a process of its own: the caller's latencies are not its event loop's."""
    until = time.monotonic() + options["seconds"]
    results.send("started")
    attack = asyncio.run(_attack(base, port, token, known, options, until))
    attack.cpu_s = time.process_time()
    results.send(attack)


def attack_phase(
    base: str,
    port: int,
    token: str,
    known: list[str],
    args: argparse.Namespace,
    server_pid: int,
) -> tuple[list[float], Attack]:
    """The legitimate caller's latencies while the attack (another process) runs."""
    options = {
        "seconds": args.seconds + 1.0,
        "bogus": args.bogus,
        "body_mb": args.body_mb,
        "bodies_per_s": args.bodies_per_s,
        "server_pid": server_pid,
    }
    mine, theirs = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=run_attack, args=(base, port, token, known, options, theirs)
    )
    process.start()
    assert mine.recv() == "started"
    time.sleep(0.5)  # the attack under way before the caller measures
    latencies = asyncio.run(legitimate(base, token, time.monotonic() + args.seconds))
    attack = mine.recv()
    process.join()
    assert isinstance(attack, Attack)
    return latencies, attack


def quantiles(latencies: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return q[49], q[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bogus", type=int, default=64)
    parser.add_argument("--bodies-per-s", type=float, default=4.0)
    parser.add_argument("--body-mb", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="an empty database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'accord.db'}"
        token, known = make_registry(url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, args.workers)
        try:
            wait_ready(base, server)
            for _ in range(10 * args.workers):  # new connections: every worker verifies it
                response = httpx.get(
                    f"{base}/api/v1/users", headers={"Authorization": f"Bearer {token}"}
                )
                assert response.status_code == 200, response.text
            baseline = asyncio.run(legitimate(base, token, time.monotonic() + args.seconds))
            rss_before = worker_rss_mb(server.pid)
            attacked, attack = attack_phase(base, port, token, known, args, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)
    b50, b99 = quantiles(baseline)
    a50, a99 = quantiles(attacked)
    sent = attack.body_bytes_sent
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.workers} workers"
    )
    print(
        f"baseline: {len(baseline):,} requests, p50 {b50:.1f} ms, p99 {b99:.1f} ms, "
        f"mean {statistics.fmean(baseline):.1f} ms, max {max(baseline):.0f} ms"
    )
    print(
        f"attack:   {len(attacked):,} requests, p50 {a50:.1f} ms, p99 {a99:.1f} ms, "
        f"mean {statistics.fmean(attacked):.1f} ms, max {max(attacked):.0f} ms "
        f"({a99 / b99:.1f}x the baseline p99)"
    )
    print(f"made-up tokens ({args.bogus} in flight): {dict(attack.statuses)}")
    print(f"the attack's own CPU: {attack.cpu_s:.1f} s in {args.seconds:.0f} s")
    print(
        f"{args.body_mb} MB bodies: {len(sent)} sent ({len(sent) / args.seconds:.1f}/s), "
        f"answers {dict(attack.body_statuses)} (reset: closed unread before the client read "
        f"the answer); written before it: median {statistics.median(sent) / 1024:.0f} KiB, "
        f"max {max(sent) / 1024:.0f} KiB (the kernel's socket buffers included)"
        if sent
        else "no large bodies sent"
    )
    print(
        f"largest worker RSS: {rss_before:.0f} MB before the attack, {attack.rss_mb:.0f} MB during"
    )
    met = "met" if a99 < TARGET_P99_MS else "NOT met"
    print(f"target p99 < {TARGET_P99_MS:.0f} ms under attack: {met}")


if __name__ == "__main__":
    main()
