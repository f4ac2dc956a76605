"""Alembic environment: migrations run from the package (`accord init`), on the connection given.

A developer can also run `alembic` by hand with `-x url=...`; otherwise the
URL comes from the registry settings (ACCORD_DATABASE_URL or ./accord.db).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

# Every domain's tables register on the one Base.metadata (accord.db.models) when imported.
import accord.auth.models
import accord.billing.models
import accord.decisions.models
import accord.law_entries.models
import accord.operations.models
import accord.registry.models  # noqa: F401
from accord.db.engine import make_engine
from accord.db.models import Base
from accord.db.settings import RegistrySettings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    engine = make_engine(url or RegistrySettings.from_env().database_url)
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("accord migrations run online only (they create triggers per backend)")
run_migrations()
