"""Operations tests reuse the registry fixtures: a fresh registry on SQLite and PostgreSQL."""

from __future__ import annotations

from registry.conftest import Registry, chained_sends, empty_database, pg_server, registry

__all__ = ["Registry", "chained_sends", "empty_database", "pg_server", "registry"]
