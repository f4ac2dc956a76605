"""Open-loop HTTP load for bench_api_decide.py: a fixed offered rate, latency from the schedule.

A closed-loop client (wrk: N connections, each sends its next request when the
previous one answers) slows down with the server it measures: a stalled
request also holds back every request that would have been sent meanwhile,
and those are never measured late (coordinated omission). At saturation it
measures the queue it keeps full. Here request i is due at t0 + i / rate,
whether or not earlier ones have answered, and its latency runs from that
due time to the last byte of its response, so time spent waiting for a
connection, or behind a late generator, counts against the server as a
user would see it.

The generator shares the machine's cores with the server and PostgreSQL, so
it is kept light: pre-built HTTP/1.1 request bytes written on keep-alive
connections with asyncio streams (on uvloop, which the server runs on too),
and a response parser that reads the status line and Content-Length only.
Its own CPU time is returned, for the report.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

try:
    import uvloop

    _LOOP: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    LOOP_NAME = "uvloop"
except ImportError:  # a dependency of the project, but the generator does not need it
    _LOOP, LOOP_NAME = None, "asyncio"

# a connection that failed, or a response this parser cannot read (ValueError, IndexError)
_FAILURES = (OSError, EOFError, asyncio.LimitOverrunError, ValueError, IndexError)


def request_bytes(host: str, port: int, path: str, token: str, bodies: list[str]) -> list[bytes]:
    """One POST per JSON body, each complete on the wire, so that sending is one write."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
    )
    out = []
    for body in bodies:
        data = body.encode()
        out.append(f"{head}Content-Length: {len(data)}\r\n\r\n".encode() + data)
    return out


@dataclass(frozen=True)
class OpenLoop:
    rate: float  # offered, requests per second
    offered: int  # requests scheduled
    latencies: list[float]  # ms, each response's from its due time to its last byte
    seconds: float  # span of the responses (see _Load.result)
    created: int  # 201 responses
    statuses: Counter[int]  # the other responses, by status
    socket_errors: int  # connect, write or read failed, or a malformed response
    unanswered: int  # no response within the drain time after the last due time
    waited: int  # found every connection busy at the cap (latency counts the wait)
    connections: int  # opened in all
    cap: int
    send_lag_p99: float  # ms: how late the generator started its requests (its own lag)
    generator_cpu_s: float  # CPU of this process during the run

    @property
    def errors(self) -> int:
        rest = sum(self.statuses.values())
        return rest + self.socket_errors + self.unanswered + self.waited

    def kinds(self) -> str:
        statuses = ", ".join(f"{n} status {s}" for s, n in sorted(self.statuses.items()))
        return (
            f"{statuses or '0 non-201'}, {self.socket_errors} socket, "
            f"{self.unanswered} unanswered, {self.waited} waited at the {self.cap}-connection cap"
        )


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def exchange(self, payload: bytes) -> tuple[int, bool]:
        """Send one request, read its response: (status, whether the connection stays open)."""
        self.writer.write(payload)  # a few hundred bytes: the socket takes them at once
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, keep = -1, True
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                keep = value.strip().lower() != b"close"
        if length < 0:  # uvicorn sends a length for every response of this API
            raise EOFError("response without Content-Length")
        await self.reader.readexactly(length)
        return status, keep

    def close(self) -> None:
        self.writer.close()


class _Pool:
    """Keep-alive connections up to `cap`, lent first in, first out: requests go round
    every open connection, and so round the uvicorn workers that accepted them."""

    def __init__(self, host: str, port: int, cap: int) -> None:
        self.host, self.port, self.cap = host, port, cap
        self.idle: deque[_Connection] = deque()
        self.slots = 0  # connections open or being opened
        self.opened = 0
        self.waited = 0
        self._waiters: deque[asyncio.Future[_Connection | None]] = deque()

    async def acquire(self) -> _Connection:
        while self.idle:
            conn = self.idle.popleft()
            if not conn.reader.at_eof():  # the server may close an idle one (keep-alive timeout)
                return conn
            self.discard(conn)
        if self.slots < self.cap:
            self.slots += 1
        else:
            self.waited += 1
            future: asyncio.Future[_Connection | None] = asyncio.get_running_loop().create_future()
            self._waiters.append(future)
            lent = await future
            if lent is not None:
                return lent
            # None: a connection was dropped and its slot handed to us
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except OSError:
            self._free_slot()
            raise
        self.opened += 1
        return _Connection(reader, writer)

    def release(self, conn: _Connection) -> None:
        waiter = self._next_waiter()
        if waiter is None:
            self.idle.append(conn)
        else:  # straight to the longest waiting request: it is the latest on its schedule
            waiter.set_result(conn)

    def discard(self, conn: _Connection) -> None:
        conn.close()
        self._free_slot()

    def _free_slot(self) -> None:
        waiter = self._next_waiter()
        if waiter is None:
            self.slots -= 1
        else:
            waiter.set_result(None)

    def _next_waiter(self) -> asyncio.Future[_Connection | None] | None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # cancelled at the end of the drain
                return waiter
        return None

    def close(self) -> None:
        while self.idle:
            self.idle.popleft().close()


class _Load:
    def __init__(self, pool: _Pool) -> None:
        self.pool = pool
        self.loop = asyncio.get_running_loop()
        self.latencies: list[float] = []
        self.lags: list[float] = []
        self.first_done = self.last_done = 0.0
        self.created = 0
        self.statuses: Counter[int] = Counter()
        self.socket_errors = 0

    async def one(self, payload: bytes, due: float) -> None:
        try:
            conn = await self.pool.acquire()
        except OSError:
            self.socket_errors += 1
            return
        try:
            status, keep = await conn.exchange(payload)
        except _FAILURES:
            self.socket_errors += 1
            self.pool.discard(conn)
            return
        except asyncio.CancelledError:  # unanswered at the end of the drain
            self.pool.discard(conn)
            raise
        done = self.loop.time()
        self.latencies.append((done - due) * 1000)
        self.first_done = self.first_done or done
        self.last_done = done
        if status == 201:
            self.created += 1
        else:
            self.statuses[status] += 1
        if keep:
            self.pool.release(conn)
        else:
            self.pool.discard(conn)

    def seconds(self) -> float:
        # The rate of completions, from the first response to the last (n responses span
        # n - 1 gaps): a server that keeps up shows the offered rate whatever its latency,
        # one that falls behind answers its backlog late and shows what it managed.
        n = len(self.latencies)
        return (self.last_done - self.first_done) * n / (n - 1) if n > 1 else 0.0


async def _run(
    host: str, port: int, payloads: list[bytes], rate: float, cap: int, warm: int, drain_s: float
) -> tuple[_Load, int]:
    pool = _Pool(host, port, cap)
    # connections opened before t0, as wrk opens its own before it counts
    for conn in await asyncio.gather(*(pool.acquire() for _ in range(min(warm, cap)))):
        pool.release(conn)
    load = _Load(pool)
    loop = load.loop
    tasks: list[asyncio.Task[None]] = []
    t0 = loop.time()
    for i, payload in enumerate(payloads):
        due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        # a late generator sends at once: the request is still measured from its due time
        load.lags.append(loop.time() - due)
        tasks.append(asyncio.create_task(load.one(payload, due)))
    _, pending = await asyncio.wait(tasks, timeout=drain_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    pool.close()
    return load, len(pending)


def _in_loop(coro: Coroutine[Any, Any, tuple[_Load, int]]) -> tuple[_Load, int]:
    with asyncio.Runner(loop_factory=_LOOP) as runner:
        return runner.run(coro)


def run_open_loop(
    host: str,
    port: int,
    payloads: list[bytes],
    rate: float,
    *,
    cap: int = 64,
    warm: int = 8,
    drain_s: float = 30.0,
) -> OpenLoop:
    """Send `payloads` at `rate` per second; `warm` connections are opened first."""
    cpu = time.process_time()
    load, unanswered = _in_loop(_run(host, port, payloads, rate, cap, warm, drain_s))
    cpu = time.process_time() - cpu
    lags = sorted(load.lags)
    lag_p99 = lags[int(0.99 * (len(lags) - 1))] * 1000 if lags else 0.0
    return OpenLoop(
        rate=rate,
        offered=len(payloads),
        latencies=load.latencies,
        seconds=load.seconds(),
        created=load.created,
        statuses=load.statuses,
        socket_errors=load.socket_errors,
        unanswered=unanswered,
        waited=load.pool.waited,
        connections=load.pool.opened,
        cap=cap,
        send_lag_p99=lag_p99,
        generator_cpu_s=cpu,
    )
