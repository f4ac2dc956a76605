"""`accord serve --workers N`: N worker processes, each listening on its own socket on the
port (SO_REUSEPORT), so the kernel spreads connections over them; a port already in use
is refused with exit status 2; SIGTERM stops every worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from registry.conftest import ACCORD

from .conftest import MASKING_KEY, SECRET, Registry

pytestmark = pytest.mark.slow  # a real server, its worker processes, signals


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:  # 0A: LISTEN
            inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _serve(registry: Registry, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*ACCORD, "serve", "--workers", "2", "--port", str(port), "--log-level", "warning"],
        env=registry.env(ACCORD_SECRET_KEY=SECRET, ACCORD_MASKING_KEY=MASKING_KEY),
        cwd=registry.tmp,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_each_worker_listens_on_its_own_socket_and_sigterm_stops_them_all(
    registry: Registry,
) -> None:
    port = _free_port()
    server = _serve(registry, port)
    try:
        deadline = time.monotonic() + 90
        answered = 0
        while time.monotonic() < deadline and answered < 20:
            try:
                with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                    assert client.get("/openapi.json").status_code == 200
                answered += 1
            except httpx.TransportError:
                time.sleep(0.2)
        assert answered == 20, server.stderr.read() if server.poll() is not None else ""
        workers = _children(server.pid)
        workers = [w for w in workers if _socket_inodes(w) & _listening_inodes(port)]
        assert len(workers) == 2
        first, second = (_socket_inodes(w) & _listening_inodes(port) for w in workers)
        assert first
        assert second
        assert not first & second  # a socket each, not one shared
    finally:
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=60)
    assert status == 0
    assert _listening_inodes(port) == set()


def test_a_port_in_use_is_refused_with_status_2(registry: Registry) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        server = _serve(registry, port)
        _, err = server.communicate(timeout=90)
    assert server.returncode == 2
    assert f"--port {port} is in use" in err
    assert "Traceback" not in err
