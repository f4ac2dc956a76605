"""The binary route of the docket read (COPY binary over ADBC streams, snapshot_adbc.py)
gives what the CSV route before it gives, written to the same Parquet bytes; every stream
reads the session's own snapshot; and where it cannot be taken the CSV route reads instead.
PostgreSQL only: on SQLite there is no COPY."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from accord.db import read_session, write_session
from accord.facts.snapshot import write_snapshot
from accord.facts.tables import FactTables
from accord.registry import docket_fact_tables, record_list, snapshot_adbc, snapshot_read
from accord.registry.reads import known_cutoff

from .conftest import Registry
from .factories import SV, VE, synthetic_records
from .test_snapshot_fast_path import CUTOFFS, T0, T1, _assert_equal, _history, _import

pytestmark = [
    pytest.mark.parametrize("registry", ["postgresql"], indirect=True),
    pytest.mark.filterwarnings("error"),
]


def _read(registry: Registry, route: str, cutoff: dt.datetime | None = None) -> FactTables:
    with read_session(registry.engine) as session:
        return snapshot_read.copy_fact_tables(session, cutoff=cutoff, route=route)


def _same(binary: FactTables, csv: FactTables) -> None:
    """Equal tables, and schemas equal with their metadata: none (the driver's own column
    metadata would be written into the Parquet files)."""
    _assert_equal(binary, csv)
    for name, table in binary.tables.items():
        assert table.schema.equals(csv.tables[name].schema, check_metadata=True), name
        assert all(field.metadata is None for field in table.schema), name


def test_the_binary_route_equals_the_csv_route_at_every_cutoff(registry: Registry) -> None:
    _history(registry)
    for as_known_on in CUTOFFS:
        cutoff = known_cutoff(as_known_on)
        _same(_read(registry, "arrow", cutoff), _read(registry, "csv", cutoff))


def test_both_routes_write_the_same_parquet_bytes(registry: Registry, tmp_path: Path) -> None:
    _import(registry, synthetic_records(300, seed=11), T0, "s")
    written = {}
    for route in ("arrow", "csv"):
        folder = write_snapshot(_read(registry, route), tmp_path / route)
        written[route] = {f.name: f.read_bytes() for f in sorted(folder.glob("*.parquet"))}
    assert len(written["arrow"]) == 22  # the persons and every list
    assert written["arrow"] == written["csv"]


def test_every_stream_reads_the_sessions_snapshot(registry: Registry) -> None:
    """A correction committed after the read transaction began is in no stream's tables,
    though each stream connected after it; a new read sees it."""
    _import(registry, [VE, SV, *synthetic_records(50, seed=3)], T0, "a")
    with read_session(registry.engine) as session:
        session.execute(text("SELECT 1"))  # REPEATABLE READ: the snapshot is taken here
        with write_session(registry.engine) as other:
            record_list(
                other,
                actor=registry.users["olivia"],
                person_id="sv-001",
                list_name="nationalities",
                items=["GT"],
                source_document="correction",
                now=T1,
            )
        before = docket_fact_tables(session)
    after = _read(registry, "arrow")
    assert snapshot_adbc.STREAMS > 1  # the tables were read by several connections
    sv = {"person_id": "sv-001", "country": "SV"}
    assert sv in before.tables["nationalities"].to_pylist()
    assert sv not in after.tables["nationalities"].to_pylist()
    assert {"person_id": "sv-001", "country": "GT"} in after.tables["nationalities"].to_pylist()


def test_without_the_driver_the_csv_route_reads(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(registry, [VE, SV], T0, "a")
    expected = _read(registry, "csv")
    opened: list[int] = []
    monkeypatch.setattr(snapshot_adbc, "available", lambda: False)
    monkeypatch.setattr(snapshot_adbc, "snapshot_streams", lambda *a: opened.append(1))
    _same(_read(registry, "arrow"), expected)
    assert opened == []


def test_a_stream_that_fails_raises_as_sqlalchemy_would(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stream's connection lost mid-read: OperationalError (as from any other read), not
    the driver's own exception, and no table."""
    _import(registry, [VE, SV], T0, "a")
    read = snapshot_adbc.read_statements

    def lost(connections: list[object], statements: list[tuple[str, str, object]]) -> object:
        with registry.engine.connect() as admin:
            for connection in connections:
                with connection.cursor() as cursor:  # type: ignore[attr-defined]
                    cursor.execute("SELECT pg_backend_pid()")
                    (pid,) = cursor.fetchone()
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return read(connections, statements)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot_adbc, "read_statements", lost)
    with pytest.raises(OperationalError), read_session(registry.engine) as session:
        docket_fact_tables(session)
