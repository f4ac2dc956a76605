"""Document tests reuse the API fixtures: a fresh registry on SQLite and PostgreSQL, the app."""

from __future__ import annotations

from api.conftest import Api, api
from registry.conftest import Registry, empty_database, pg_server, registry

__all__ = ["Api", "Registry", "api", "empty_database", "pg_server", "registry"]
