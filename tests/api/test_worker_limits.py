"""How much one worker process does at once: `db_threads` threads, each with a pooled
connection, so that a burst of requests waits for a thread instead of opening and
closing a database connection per request; and what it built before serving is kept out
of the garbage collector's full collections."""

from __future__ import annotations

import gc

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from accord.api import ApiSettings, create_app
from accord.errors import SettingsError

from .conftest import MASKING_KEY, SECRET, Registry, settings_for


def test_a_worker_works_on_db_threads_requests_at_once_each_with_a_kept_connection(
    registry: Registry,
) -> None:
    settings = settings_for(registry).model_copy(update={"db_threads": 3})
    app = create_app(settings)
    engine = app.state.accord.engine
    try:
        with TestClient(app) as client:
            assert client.portal is not None
            tokens = client.portal.call(
                lambda: anyio.to_thread.current_default_thread_limiter().total_tokens
            )
            assert tokens == 3
            assert gc.get_freeze_count() > 100_000  # the libraries and the app, frozen
            assert client.get("/openapi.json").status_code == 200
        assert gc.get_freeze_count() == 0  # thawed at shutdown
        if registry.backend == "postgresql":
            assert engine.pool.size() == 3
            assert engine.pool._max_overflow == 3
    finally:
        engine.dispose()


def test_db_threads_comes_from_the_environment_and_is_checked() -> None:
    env = {
        "ACCORD_DATABASE_URL": "sqlite:///accord.db",
        "ACCORD_SECRET_KEY": SECRET,
        "ACCORD_MASKING_KEY": MASKING_KEY,
    }
    assert ApiSettings.from_env(env).db_threads == 2
    assert ApiSettings.from_env({**env, "ACCORD_DB_THREADS": "12"}).db_threads == 12
    with pytest.raises(SettingsError, match="ACCORD_DB_THREADS"):
        ApiSettings.from_env({**env, "ACCORD_DB_THREADS": "0"})
