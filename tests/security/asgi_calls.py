"""Calling the ASGI app directly, for what a test client hides: the client address (each
request from an address of its choosing) and how much of a request body the server read
(the body is handed over chunk by chunk, and counted)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message

CHUNK = 1024 * 1024


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    read: int  # bytes of the request body the app asked for

    def json(self) -> Any:
        return json.loads(self.body)


def repeated(total: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """`total` bytes of b"x", lazily, `chunk` at a time."""
    while total > 0:
        yield b"x" * min(chunk, total)
        total -= chunk


async def call(
    app: ASGIApp,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: Iterable[bytes] = (),
    client: str = "203.0.113.7",
) -> Answer:
    """One request; `body` is handed over one item per receive() (more_body until the last)."""
    chunks = iter(body)
    pending = next(chunks, None)
    read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal pending, read
        if pending is None:
            return {"type": "http.disconnect"}
        data, pending = pending, next(chunks, None)
        read += len(data)
        return {"type": "http.request", "body": data, "more_body": pending is not None}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": (client, 40000),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return Answer(
        status=start["status"],
        headers={k.decode().lower(): v.decode() for k, v in start.get("headers", [])},
        body=b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
        read=read,
    )
