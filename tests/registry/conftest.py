"""The `registry` fixture: a fresh registry on SQLite and on PostgreSQL, with users.

PostgreSQL: one throwaway database per test process (CREATE DATABASE
accord_test_<xdist worker>_<random>, dropped at the end; each pytest-xdist worker has its
own), one schema per test inside it, so tests never see each other's rows (the tables are
append-only: they cannot be emptied). If no server answers at ACCORD_TEST_POSTGRES_URL (default
postgres@127.0.0.1:5432) the PostgreSQL cases are skipped, unless
ACCORD_TEST_REQUIRE_POSTGRES=1, when they fail.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from accord.auth import User, add_user, bootstrap_admin, get_user, issue_token
from accord.auth import users as auth_users
from accord.db import make_engine, read_session, upgrade_database, write_session
from accord.db.audit import chain_head
from accord.db.chain import ChainedBatch
from accord.registry import registry_counts
from cli_runner import ACCORD, run_accord, run_accord_process

SERVER_URL = os.environ.get(
    "ACCORD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
# users are made early, so that tests may inject any later record time
SETUP_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
ROLES_UNDER_TEST = {
    "olivia": "officer",
    "lena": "legal_reviewer",
    "mona": "monitor",
    "ana": "analyst",
    "liam": "receiving_liaison",
}


@dataclass
class Registry:
    """A fresh, initialised registry and the users of every role."""

    backend: str
    url: str
    engine: Engine
    tmp: Path
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
        # no token file of the machine's user is ever read (cli/login.py)
        env["XDG_CONFIG_HOME"] = str(self.tmp / "config")
        return env | {"ACCORD_DATABASE_URL": self.url, "COLUMNS": "250"} | extra

    def token(self, name: str) -> str:
        """User `name`'s own API token, issued by them through the service (as after their
        enrolment) once per registry, at the chain head's time (so a test may still inject
        any later record time). Hashed with cheap argon2 parameters, which the hash carries:
        verifying it costs a CLI call little."""
        if name not in self.tokens:
            with patch.object(auth_users, "_hasher", CHEAP_HASHER), write_session(self.engine) as s:
                if name not in self.users:  # added by the test (accord users add)
                    self.users[name] = get_user(s, name=name)
                head = chain_head(s).recorded_at
                self.tokens[name] = issue_token(s, actor=self.users[name], name=name, now=head)
        return self.tokens[name]

    def _as(self, as_user: str | None, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        if not as_user:
            return [], env
        return ["--as", as_user], {"ACCORD_TOKEN": self.token(as_user)} | env

    def cli(
        self, *args: str | Path, as_user: str | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """`accord [--as USER] ARGS` on this registry, in this process (cli_runner.py), with
        USER's own token in ACCORD_TOKEN (unless `env` gives another)."""
        prefix, env = self._as(as_user, env)
        return run_accord(*prefix, *args, env=self.env(**env), cwd=self.tmp)

    def cli_process(
        self, *args: str | Path, as_user: str | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """As `cli`, in a new interpreter: where the process boundary is what is tested."""
        prefix, env = self._as(as_user, env)
        return run_accord_process(*prefix, *args, env=self.env(**env), cwd=self.tmp)

    def popen(self, *args: str | Path, as_user: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*ACCORD, "--as", as_user, *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(ACCORD_TOKEN=self.token(as_user)),
            cwd=self.tmp,
        )

    def counts(self) -> dict[str, int]:
        with read_session(self.engine) as session:
            return registry_counts(session)

    def sql(self, statement: str, **params: Any) -> list[Any]:
        with self.engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []


class _Server:
    """The throwaway PostgreSQL database of this test run, made on first use."""

    def __init__(self) -> None:
        self.database: str | None = None
        self.error: str | None = None
        self.admin: Engine | None = None
        self.migrated_schema_sql: str | None = None  # see _migrated_postgres_url

    def url(self) -> str:
        if self.database is None and self.error is None:
            try:
                self.admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
                worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
                name = f"accord_test_{worker}_{uuid.uuid4().hex[:12]}"
                with self.admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                self.database = name
            except OperationalError as exc:
                self.error = str(exc.orig).strip().splitlines()[0]
        if self.error is not None:
            if os.environ.get("ACCORD_TEST_REQUIRE_POSTGRES") == "1":
                pytest.fail(f"PostgreSQL required but unreachable: {self.error}")
            pytest.skip(f"PostgreSQL unreachable at {SERVER_URL}: {self.error}")
        return make_url(SERVER_URL).set(database=self.database).render_as_string(False)

    def drop(self) -> None:
        if self.admin is not None and self.database is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
            self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[_Server]:
    server = _Server()
    yield server
    server.drop()


def _postgres_url(server: _Server, schema: str | None = None) -> str:
    """The URL of a new, empty schema in the test database."""
    base = server.url()
    schema = schema or f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    # every connection of this test, in this process and in CLI subprocesses, uses the schema
    return f"{base}?options=-csearch_path%3D{schema}"


TEMPLATE_SCHEMA = "accord_migrated_template"


def _migrated_postgres_url(server: _Server) -> str:
    """The URL of a new schema migrated to the head. The migrations run once per test database,
    into a template schema that pg_dump writes out as SQL; each test's schema is that SQL
    replayed under its own name in one round trip (the migrations' 300-odd DDL statements one
    by one take twice as long). Without pg_dump, each schema is migrated."""
    if server.migrated_schema_sql is None:
        template = make_engine(_postgres_url(server, TEMPLATE_SCHEMA))
        upgrade_database(template)
        template.dispose()
        server.migrated_schema_sql = _dump_schema(server.url(), TEMPLATE_SCHEMA)
    if not server.migrated_schema_sql:
        url = _postgres_url(server)
        engine = make_engine(url)
        upgrade_database(engine)
        engine.dispose()
        return url
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server.url())
    raw = engine.raw_connection()
    try:  # psycopg itself: the dump is many statements and has no parameters
        raw.driver_connection.execute(server.migrated_schema_sql.replace(TEMPLATE_SCHEMA, schema))
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return f"{server.url()}?options=-csearch_path%3D{schema}"


def _dump_schema(database_url: str, schema: str) -> str:
    """The SQL that makes `schema` again, its rows included ("" if pg_dump is not at hand)."""
    if shutil.which("pg_dump") is None:
        return ""
    libpq_url = make_url(database_url).set(drivername="postgresql")
    dumped = subprocess.run(
        [
            *("pg_dump", "--dbname", libpq_url.render_as_string(hide_password=False)),
            *(f"--schema={schema}", "--inserts", "--no-owner", "--no-privileges"),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    # \restrict and \unrestrict are psql's commands (pg_dump's guard against a hostile server)
    return "\n".join(line for line in dumped.splitlines() if not line.startswith("\\"))


@functools.cache
def _migrated_sqlite_file() -> Path:
    """A SQLite registry migrated to the head once per test process; each SQLite test gets a
    copy of the file (the same bytes a migration would write, in a fraction of the time)."""
    folder = Path(tempfile.mkdtemp(prefix="accord-sqlite-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "accord.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()  # the last connection closed: the WAL is checkpointed into the file
    assert not path.with_name("accord.db-wal").exists()
    return path


def _new_registry(backend: str, tmp: Path, server: _Server) -> Registry:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'accord.db'}"
        shutil.copyfile(_migrated_sqlite_file(), tmp / "accord.db")
        engine = make_engine(url)
    else:
        url = _migrated_postgres_url(server)
        engine = make_engine(url)
    registry = Registry(backend=backend, url=url, engine=engine, tmp=tmp)
    with write_session(engine) as session:
        admin = bootstrap_admin(session, name="root", now=SETUP_TIME)
        registry.users["root"] = admin
        for name, role in ROLES_UNDER_TEST.items():
            registry.users[name] = add_user(
                session, actor=admin, name=name, role=role, now=SETUP_TIME
            )
    for name in registry.users:  # each user's own token, as after their enrolment
        registry.token(name)
    return registry


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(
    request: pytest.FixtureRequest, tmp_path: Path, pg_server: _Server
) -> Iterator[Registry]:
    reg = _new_registry(request.param, tmp_path, pg_server)
    yield reg
    reg.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path, pg_server: _Server) -> str:
    """A URL where no registry exists yet (for `accord init`)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'accord.db'}"
    return _postgres_url(pg_server)


@pytest.fixture
def chained_sends(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each one-round-trip write returned (db/chain.py): True if written in one
    go, False if it fell back to the locked path."""
    real = ChainedBatch.send_chained
    results: list[bool] = []

    def spy(batch: ChainedBatch, **options: Any) -> bool:
        results.append(real(batch, **options))
        return results[-1]

    monkeypatch.setattr(ChainedBatch, "send_chained", spy)
    return results
