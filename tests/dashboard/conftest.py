"""Dashboard tests: the app in-process on the registry fixture (SQLite and PostgreSQL), each
user calling with their own API token (the dashboard's routes take it as the API's do)."""

from __future__ import annotations

from api.conftest import Api, api, settings_for
from registry.conftest import Registry, empty_database, pg_server, registry

__all__ = ["Api", "Registry", "api", "empty_database", "pg_server", "registry", "settings_for"]
