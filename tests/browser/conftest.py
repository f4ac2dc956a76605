"""Browser tests: the dashboard served by a real uvicorn on a free port, driven by Playwright
with Debian's Chromium (never a downloaded browser), against a registry on PostgreSQL.

`make test` installs Chromium when it is missing; without it these tests skip, unless
ACCORD_TEST_REQUIRE_BROWSER=1. Screenshots are kept under build/test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from accord.api import ApiSettings, create_app
from accord.auth import issue_token
from accord.casefile.models import CaseFile
from accord.db import write_session
from accord.registry import import_case_files
from registry.conftest import Registry, pg_server, registry

__all__ = ["Registry", "pg_server", "registry"]

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "screenshots"
TIMEOUT_MS = 30_000  # one page: a boarding check decides every passenger on a shared 2-core box


def _chromium_or_skip() -> None:
    if os.path.exists(CHROMIUM) and shutil.which(CHROMIUM):
        return
    message = f"Chromium not found at {CHROMIUM} (make test installs it)"
    if os.environ.get("ACCORD_TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


# module scope, not session: Playwright's sync API keeps an asyncio loop running in this
# thread while it is open, and a later test's asyncio.run() would fail on it (under
# pytest-xdist the browser tests run first on their worker, not last as in a serial run)
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--disable-background-networking", "--no-sandbox"],
        )
        yield launched
        launched.close()


class LiveServer:
    """uvicorn in a background thread on a socket bound to a free loopback port."""

    def __init__(self, app: Any):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.socket.close()


@dataclass
class Dashboard:
    """The running dashboard, its registry, each user's API token, and a browser."""

    url: str
    registry: Registry
    tokens: dict[str, str]
    browser: Any
    test_name: str

    def page(self, user: str, *, start: str = "/", width: int = 1280, height: int = 900) -> Any:
        """A fresh browser context that asks for `start`, is sent to /login, logs in as
        `user` with their API token (a session cookie) and is sent back to `start`."""
        context = self.browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(self.url + start)
        assert "/login?next=" in page.url, page.url  # not logged in: sent to the login page
        page.fill("#token", self.tokens[user])
        page.click("button[type=submit]")
        page.wait_for_url(self.url + start)
        assert page.locator("header .who strong").inner_text() == user
        return page

    def shot(self, page: Any, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def load(self, *records: dict[str, Any]) -> None:
        with write_session(self.registry.engine) as session:
            import_case_files(
                session,
                actor=self.registry.users["olivia"],
                cases=[CaseFile.model_validate(r) for r in records],
                source_document="browser test case files",
                valid_from=dt.date(2025, 3, 1),
            )


@pytest.fixture
def dashboard(
    registry: Registry, browser: Any, request: pytest.FixtureRequest
) -> Iterator[Dashboard]:
    with write_session(registry.engine) as session:
        tokens = {
            name: issue_token(session, actor=registry.users[name], name=name)
            for name in registry.users
        }
    settings = ApiSettings(
        database_url=registry.url,
        secret_key="browser-test-secret-key-0123456789abcdef",
        masking_key="browser-test-masking-key-0123456789abcdef",
    )
    app = create_app(settings, engine=registry.engine)
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name).strip("_")
    with LiveServer(app) as server:
        yield Dashboard(server.url, registry, tokens, browser, name)
