"""Impact tests reuse the registry and API fixtures: a fresh registry on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

import accord.registry.reads
from api.conftest import Api, api
from registry.conftest import Registry, empty_database, pg_server, registry

__all__ = ["Api", "Registry", "api", "empty_database", "pg_server", "registry"]

READ_IN_FULL = accord.registry.reads.docket_fact_tables


@pytest.fixture
def docket_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the registry's docket is read in full (the real read, counted)."""
    reads: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return READ_IN_FULL(*args, **kwargs)

    monkeypatch.setattr(accord.registry.reads, "docket_fact_tables", counted)
    return reads
