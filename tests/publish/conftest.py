"""Publish tests reuse the registry fixtures (a fresh registry on SQLite and PostgreSQL) and
the API's (the app in-process)."""

from __future__ import annotations

from api.conftest import Api, api
from registry.conftest import Registry, empty_database, pg_server, registry

__all__ = ["Api", "Registry", "api", "empty_database", "pg_server", "registry"]
