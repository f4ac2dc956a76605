"""Law entry tests reuse the registry fixtures: a fresh registry on SQLite and PostgreSQL."""

from __future__ import annotations

from registry.conftest import Registry, empty_database, pg_server, registry

__all__ = ["Registry", "empty_database", "pg_server", "registry"]
