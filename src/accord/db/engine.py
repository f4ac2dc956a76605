"""Engine, sessions, the writer lock and migrations.

Writes are serialised: a write session takes the registry's writer lock before
it reads anything (or, for the optimistic writes of db/optimistic.py,
the database takes it and checks that nothing read was written since), so two
writers can neither fork the audit chain nor both decide that the same fact is
new. On PostgreSQL the lock is a transaction-level
advisory lock; on SQLite the write transaction starts with BEGIN IMMEDIATE.
Reads never take it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Select, Table, create_engine, event, insert, text
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, SessionTransaction

from accord.db.settings import RegistrySettings
from accord.errors import RegistryNotReady

# pg_advisory_xact_lock key: the ASCII of "accord", so it is recognisable in pg_locks
WRITER_LOCK_KEY = 0x6163636F7264
SQLITE_BUSY_TIMEOUT_S = 120.0
_WRITE_OPTION = "accord_write"
_TRANSACTION_STATE = "accord_transaction_state"
# session.info: who takes a write session's writer lock (write_session, lock_after_reads)
_LOCK_MODE = "accord_lock_mode"
_LOCK_BEFORE_FIRST_STATEMENT = "before the first statement"
_LOCK_LEFT_TO_SERVICE = "by the one service function called (lock=False)"
_TUPLES_OK = 2  # psycopg.pq.ExecStatus.TUPLES_OK (libpq's PGRES_TUPLES_OK)


def make_engine(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """An engine for `url`; on SQLite with foreign keys on, WAL, and our own BEGIN.
    `pool_size`: connections kept open (PostgreSQL; SQLAlchemy's default is 5);
    `max_overflow`: connections opened beyond them when all are busy, and closed when
    given back (SQLAlchemy's default is 10)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _fix_sqlite_transactions(engine)
        return engine
    pool: dict[str, int] = {}
    if pool_size is not None:
        pool["pool_size"] = pool_size
    if max_overflow is not None:
        pool["max_overflow"] = max_overflow
    engine = create_engine(url, **pool)
    _ping_when_idle(engine)
    return engine


# A connection back in the pool for longer than this is pinged before it is handed out.
IDLE_BEFORE_PING_S = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, but only for connections that sat in the pool: one used a moment ago
    is alive (a round trip per transaction would be the busiest writers' largest cost),
    and a server that went away meanwhile fails that transaction, not a later one."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["accord_checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("accord_checked_in")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"idle connection lost: {exc}") from exc
        if not alive:
            raise DisconnectionError("idle connection lost")


def engine_from_settings(settings: RegistrySettings) -> Engine:
    return make_engine(settings.database_url)


def registry_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the database did not answer (refused, lost, timed out, busy, out of
    pooled connections) rather than that a statement was wrong: the caller may retry later."""
    return isinstance(exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeout)


def _fix_sqlite_transactions(engine: Engine) -> None:
    # pysqlite would BEGIN lazily (only before DML): a read-then-write transaction
    # could then see a stale snapshot. We turn that off and BEGIN ourselves.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a committed import survives power loss
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextlib.contextmanager
def write_session(engine: Engine, *, lock: bool | None = None) -> Iterator[Session]:
    """One write transaction under the writer lock; commits on success, else rolls back.

    The lock is taken before the transaction's first statement, unless the service
    function running in the session says first that it takes the lock itself, after
    reads that do not need it (`lock_after_reads`: the optimistic writes of
    db/optimistic.py), so that it does not hold up every other writer while
    it reads. Callers need not know which services do (a session may hold several
    service calls, in one transaction). `lock=True` takes the lock at once, whatever
    the service says (tests compare the two paths); `lock=False` leaves it to the
    service function, and the session to one service call, which may commit with its
    write (for_one_service_call).
    """
    # the option only tells SQLite's BEGIN listener to BEGIN IMMEDIATE
    bind = (
        engine
        if engine.dialect.name != "sqlite"
        else engine.execution_options(**{_WRITE_OPTION: True})
    )
    with Session(bind=bind, expire_on_commit=False) as session, session.begin():
        if lock is None:
            session.info[_LOCK_MODE] = _LOCK_BEFORE_FIRST_STATEMENT
        elif lock:
            lock_for_write(session)
        else:
            session.info[_LOCK_MODE] = _LOCK_LEFT_TO_SERVICE
        yield session


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """One read transaction: every query in it sees the same committed state."""
    with Session(bind=engine, expire_on_commit=False) as session, session.begin():
        if engine.dialect.name == "postgresql":
            # REPEATABLE READ gives the several queries of one read a single snapshot
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def transaction_state(session: Session) -> dict[str, Any]:
    """Scratch state of the session's current transaction, dropped when any transaction
    (a savepoint too) ends: whether the writer lock is held, the audit chain's head.

    Holding the writer lock is what makes caching these safe: nobody else can
    write until this transaction ends.
    """
    current = session.get_transaction()
    kept: tuple[SessionTransaction | None, dict[str, Any]] | None = session.info.get(
        _TRANSACTION_STATE
    )
    if kept is None or kept[0] is not current:
        kept = (current, {})
        session.info[_TRANSACTION_STATE] = kept
    return kept[1]


@event.listens_for(Session, "after_transaction_end")
def _forget_transaction_state(session: Session, transaction: SessionTransaction) -> None:
    # a flush runs in a subtransaction of its own: only the end of the real
    # transaction or of a savepoint (whose writes may roll back) forgets
    if transaction.parent is None or transaction.nested:
        session.info.pop(_TRANSACTION_STATE, None)


def restart_database_transaction(session: Session) -> None:
    """Roll the database's transaction back and go on in a new one, within the session's
    (PostgreSQL): for a transaction that has written nothing it would keep (db/chain.py).
    What this module knew of the old one (the writer lock, the chain's head) is forgotten."""
    driver_connection(session).rollback()
    session.info.pop(_TRANSACTION_STATE, None)


def holds_writer_lock(session: Session) -> bool:
    """Whether this transaction holds the writer lock (a SQLite write session always does)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(transaction_state(session).get("writer_lock"))


def lock_after_reads(session: Session) -> bool:
    """Whether the calling service function may read before it takes the writer lock, which
    it must then take itself (lock_for_write, or an optimistic write) before it writes.

    True on PostgreSQL when this transaction does not hold the lock yet; in a
    `write_session` that would take it before the first statement, this transaction
    then does not (the next one does). SQLite's write transactions begin locked: False.
    """
    if holds_writer_lock(session):
        return False
    transaction_state(session)["lock_after_reads"] = True
    return True


def for_one_service_call(session: Session) -> bool:
    """Whether the session was opened for one service call, which may end its transaction
    (`write_session(lock=False)`)."""
    return session.info.get(_LOCK_MODE) == _LOCK_LEFT_TO_SERVICE


@event.listens_for(Session, "after_begin")
def _lock_before_first_statement(
    session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    # the session's first statement (ORM, Core or on the driver's connection) begins
    # its transaction on a connection: the lock goes first
    if session.info.get(_LOCK_MODE) != _LOCK_BEFORE_FIRST_STATEMENT:
        return
    state = transaction_state(session)
    if not state.get("lock_after_reads"):
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})
        state["writer_lock"] = True


def lock_for_write(session: Session) -> None:
    """Take the writer lock for the rest of this transaction (re-entrant; a no-op if held).

    On SQLite the lock is the BEGIN IMMEDIATE of a write session; a write through
    any other session still cannot fork the chain, SQLite refuses its commit.
    """
    state = transaction_state(session)
    if state.get("writer_lock"):
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})
    state["writer_lock"] = True


# A read the database runs under the writer lock (custody.room_requirement): a statement
# built once (its values as named bind parameters, no `IN` list) and the values; the
# statement is compiled once per process.
LockedRead = tuple[Select[Any], Mapping[str, Any]]
_compiled_reads: dict[tuple[int, str], tuple[Select[Any], Any]] = {}


def driver_sql(
    statement: Select[Any], params: Mapping[str, Any], dialect: Any
) -> tuple[str, dict[str, Any]]:
    """A statement built once (see LockedRead) as the driver's SQL and named parameters."""
    key = (id(statement), dialect.name)
    found = _compiled_reads.get(key)
    if found is None:  # the statement is kept with it, so its id is never reused
        compiled = statement.compile(dialect=dialect)  # an IN (list) would need its values
        found = _compiled_reads[key] = (statement, compiled)
    compiled = found[1]
    return str(compiled.string), dict(compiled.construct_params(dict(params)))


def read_pipelined(
    session: Session, statements: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[list[tuple[Any, ...]]]:
    """PostgreSQL only: run statements (psycopg SQL, named parameters) one after the other
    in one round trip, in the session's transaction, and return each one's rows.

    For the busiest writers' reads, where the ORM would cost several times the database's
    own time. Each statement takes its own snapshot (READ COMMITTED), in order.
    """
    raw = driver_connection(session)
    if len(statements) == 1:  # a pipeline costs the client more than it saves here
        sql, params = statements[0]
        with raw.cursor() as cursor:
            cursor.execute(sql, params)
            return [cursor.fetchall() if returns_rows(cursor) else []]
    results: list[list[tuple[Any, ...]]] = []
    with raw.pipeline() as pipeline:
        cursors = []
        for sql, params in statements:
            cursor = raw.cursor()
            cursor.execute(sql, params)
            cursors.append(cursor)
        pipeline.sync()  # every result is in
        for cursor in cursors:
            results.append(cursor.fetchall() if returns_rows(cursor) else [])
            cursor.close()
    return results


def returns_rows(cursor: Any) -> bool:
    """Whether a psycopg cursor's statement returned rows (a SELECT, or RETURNING); cheaper
    than `cursor.description`, which builds an object per column."""
    result = cursor.pgresult
    return result is not None and result.status == _TUPLES_OK


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("accord.db") / "migrations"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise RegistryNotReady(f"cannot open the registry database: {exc.orig}") from None


def upgrade_database(engine: Engine) -> tuple[str | None, str | None]:
    """Create or upgrade the schema to the newest migration; return (before, after)."""
    before = current_revision(engine)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return before, current_revision(engine)


def ensure_ready(engine: Engine) -> None:
    """Refuse to work on a database that `accord init` has not created or upgraded."""
    database = engine.url.database
    on_disk = engine.dialect.name == "sqlite" and database and database != ":memory:"
    if on_disk and not Path(str(database)).is_file():  # connecting would create an empty file
        raise RegistryNotReady(f"{database}: no registry here; run `accord init --admin NAME`")
    current = current_revision(engine)
    if current is None:
        raise RegistryNotReady(
            f"{engine.url.render_as_string(hide_password=True)}: no registry here; "
            "run `accord init --admin NAME` first"
        )
    if current != head_revision():
        raise RegistryNotReady(
            f"registry schema is at revision {current}, this Accord needs {head_revision()}; "
            "run `accord init` to upgrade"
        )


# Bulk writes. PostgreSQL gets COPY in text format, formatted here: several times
# faster than INSERT, and faster than psycopg's per-value adaptation.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_str(value: str) -> str:
    # most text has nothing to escape: four scans are cheaper than a translated copy
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _copy_iso(value: dt.date) -> str:  # datetimes too: aware ones keep their +00:00
    return value.isoformat()


# Dispatch on the exact type (a bool is not formatted as an int); others: str(value)
_COPY_FORMATS: dict[type, Any] = {
    str: _copy_str,
    bool: lambda value: "t" if value else "f",
    dt.date: _copy_iso,
    dt.datetime: _copy_iso,
    type(None): lambda _value: "\\N",
}


def copy_text(value: object) -> str:
    """One value in COPY text format."""
    formatter = _COPY_FORMATS.get(type(value))
    return formatter(value) if formatter is not None else str(value)


def copy_fields(values: Iterable[object]) -> str:
    """Values as the tab-separated fields of one COPY text line (copy_text of each)."""
    formats = _COPY_FORMATS
    return "\t".join([formats.get(type(v), str)(v) for v in values])


# (table, columns, the rows as COPY text)
CopyBatch = tuple[str, tuple[str, ...], str]


def copy_batch(table: str, columns: Sequence[str], lines: Iterable[str]) -> CopyBatch:
    return table, tuple(columns), "".join(lines)


def rows_batch(table: str, rows: Sequence[dict[str, Any]]) -> CopyBatch:
    """Rows (dicts with the same keys) as one COPY batch."""
    columns = list(rows[0])
    lines = ("\t".join([copy_text(r[c]) for c in columns]) + "\n" for r in rows)
    return copy_batch(table, columns, lines)


def driver_connection(session: Session) -> Any:
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return raw


def run_copies(raw: Any, batches: Sequence[CopyBatch]) -> None:
    """COPY each batch over the psycopg connection `raw`."""
    from psycopg import sql  # PostgreSQL only

    for table, columns, data in batches:
        if not data:
            continue
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for start in range(0, len(data), 1 << 20):
                copy.write(data[start : start + (1 << 20)])


class CopyPipeline:
    """Runs the COPYs of one chunk in a thread while Python prepares the next chunk.

    The connection is used by one thread at a time: call `wait()` before any other
    statement on it. PostgreSQL works on the rows while Python hashes and formats,
    so the two cores are both busy.
    """

    def __init__(self, session: Session):
        self.raw = driver_connection(session)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def submit(self, batches: Sequence[CopyBatch]) -> None:
        self.wait()

        def work() -> None:
            try:
                run_copies(self.raw, batches)
            except BaseException as exc:  # re-raised by wait(), in the caller's thread
                self.error = exc

        self.thread = threading.Thread(target=work, name="accord-copy", daemon=True)
        self.thread.start()

    def wait(self, *, reraise: bool = True) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        error, self.error = self.error, None
        if error is not None and reraise:
            raise error


def bulk_insert(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows (dicts with the same keys): COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    assert isinstance(table, Table)
    # COPY costs a few round trips of its own: a handful of rows go faster as INSERT
    if session.get_bind().dialect.name == "postgresql" and len(rows) > 8:
        run_copies(driver_connection(session), [rows_batch(table.name, rows)])
    else:
        session.execute(insert(table), list(rows))
