"""Serving the API from several worker processes, each with its own listening socket.

uvicorn's own supervisor binds one socket and shares it among its workers: the
kernel then hands each new connection to whichever worker wakes first, and the
benchmark's eight keep-alive connections were seen all on one of four workers
(it served every request while three idled), or six of nine. Here each worker
binds its own socket on the same port with SO_REUSEPORT, and the kernel spreads
the connections over the sockets by a hash of their addresses (Linux).

The supervisor restarts a worker that dies while serving; one that dies within
`_STARTUP_S` of starting is taken as a fault of the setup (its error is on
stderr) and ends the server, rather than being restarted in a loop.
"""

from __future__ import annotations

import errno
import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType

from accord.api.settings import ApiSettings
from accord.db import ensure_ready, make_engine
from accord.errors import InputError

_STARTUP_S = 5.0
_BACKLOG = 2048


def check_can_serve(settings: ApiSettings, *, host: str, port: int) -> None:
    """Refuse, before any worker starts, a registry `accord init` has not made ready and a
    port another program listens on (InputError: one line, exit 2)."""
    engine = make_engine(settings.database_url)
    try:
        ensure_ready(engine)
    finally:
        engine.dispose()
    check_port_free(host, port)


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on (with SO_REUSEPORT the workers would
    otherwise share its connections with it, if it is ours from an earlier run)."""
    probe = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is free
        probe.bind((host, port))
    except OSError as exc:
        reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound: {exc}"
        raise InputError(f"--host {host} --port {port} {reason}") from None
    finally:
        probe.close()


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port that other workers' sockets may share."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(_BACKLOG)
    return sock


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def run_worker(host: str, port: int, log_level: str) -> None:
    """One worker process: its own app (engine, caches) from ACCORD_*, its own socket."""
    import uvicorn

    from accord.api.app import create_app_from_env

    sock = reuse_port_socket(host, port)
    config = uvicorn.Config(
        create_app_from_env,
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=False,
    )
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(*, host: str, port: int, workers: int, log_level: str) -> int:
    """Run `workers` worker processes until SIGINT or SIGTERM; the exit status. Call
    check_can_serve first: a worker that fails at startup stops them all."""
    context = multiprocessing.get_context("spawn")  # no inherited connections or threads
    stopping = False

    def start() -> tuple[BaseProcess, float]:
        process = context.Process(target=run_worker, args=(host, port, log_level))
        process.start()
        return process, time.monotonic()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for process, _ in running:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in hand

    running = [start() for _ in range(workers)]
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        while not stopping:
            wait([process.sentinel for process, _ in running], timeout=1.0)
            for i, (process, started) in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                if time.monotonic() - started < _STARTUP_S:
                    print(
                        f"accord: a worker exited at startup (status {process.exitcode}); stopping",
                        file=sys.stderr,
                    )
                    status = 1
                    stop(signal.SIGTERM, None)
                    break
                print(
                    f"accord: worker {process.pid} exited (status {process.exitcode}); "
                    "starting another",
                    file=sys.stderr,
                )
                running[i] = start()
    finally:
        for process, _ in running:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status
