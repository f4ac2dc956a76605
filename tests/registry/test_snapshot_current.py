"""The tables a snapshot as known now reads (migration 0015): current_persons (each person's
person-list version and known flags) and superseded_versions (every version with rows that a
newer one of its list replaced) are, after every kind of write and on both backends, exactly
what the versions say; the migration fills them from an existing registry the same way; and
the COPY read that uses them still equals the row path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text

from accord.casefile.models import CASE_FILE_LISTS
from accord.db import read_session, write_session
from accord.db.engine import _alembic_config
from accord.facts.tables import known_flag
from accord.registry import (
    docket_fact_tables,
    import_case_files,
    record_list,
    retract_list,
    snapshot_adbc,
    snapshot_read,
)
from accord.registry.models import PERSON_LIST
from accord.registry.reads import row_fact_tables
from accord.registry.writer import FactWriter

from .conftest import Registry
from .factories import SV, VE, cases, synthetic_records, write_jsonl
from .test_snapshot_fast_path import T0, T1, T2, _assert_equal, _both, _change_list, _history

Persons = dict[str, dict[str, Any]]
Superseded = set[tuple[str, int]]


def _expected(registry: Registry) -> tuple[Persons, Superseded]:
    """The two tables as the versions define them, replayed in id order."""
    newest: dict[tuple[str, str], tuple[int, bool, int]] = {}
    superseded: Superseded = set()
    versions = registry.sql(
        "SELECT id, person_id, list_name, known, row_count FROM fact_versions ORDER BY id"
    )
    for version_id, person, name, known, row_count in versions:
        before = newest.get((person, name))
        if before is not None and before[2] > 0:
            superseded.add((name, before[0]))
        newest[(person, name)] = (version_id, bool(known), row_count)
    persons: Persons = {}
    for (person, name), (version_id, known, _) in newest.items():
        row = persons.setdefault(
            person, {"person_version": None} | {known_flag(n): None for n in CASE_FILE_LISTS}
        )
        if name == PERSON_LIST:
            row["person_version"] = version_id
        else:
            row[known_flag(name)] = known
    return persons, superseded


def _actual(registry: Registry) -> tuple[Persons, Superseded]:
    flags = [known_flag(n) for n in CASE_FILE_LISTS]
    persons: Persons = {}
    for person, version, *known in registry.sql(
        f"SELECT person_id, person_version, {', '.join(flags)} FROM current_persons"
    ):
        values = [None if k is None else bool(k) for k in known]  # SQLite: 0/1
        persons[person] = {"person_version": version} | dict(zip(flags, values, strict=True))
    superseded = {
        (name, version_id)
        for name, version_id in registry.sql(
            "SELECT list_name, version_id FROM superseded_versions"
        )
    }
    return persons, superseded


def _assert_kept(registry: Registry) -> tuple[Persons, Superseded]:
    actual = _actual(registry)
    assert actual == _expected(registry)
    return actual


def test_the_tables_follow_imports_corrections_and_retractions(registry: Registry) -> None:
    synthetic = _history(registry)
    persons, superseded = _assert_kept(registry)
    assert len(persons) == 122
    # the history replaced lists with rows, retracted lists, and left lists never recorded
    names = {name for name, _ in superseded}
    assert {"nationalities", "removal_orders", "convictions", PERSON_LIST} <= names
    assert persons["sv-001"][known_flag("removal_orders")] is True  # known again at T2
    assert persons[synthetic[1]["person_id"]][known_flag("convictions")] is False  # retracted
    assert any(v is None for row in persons.values() for v in row.values())
    _assert_equal(*_both(registry, None))


def _import(registry: Registry, records: list[dict[str, Any]], at: dt.datetime, tag: str) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=cases(*records),
            source_document=f"file {tag}",
            now=at,
        )


def _insert_versions_by_sql(registry: Registry, person: str, at: dt.datetime) -> int:
    """Three versions of one list of a new person in one INSERT, then their rows: no write path
    of Accord does this, but the trigger must hold for any insert."""
    officer = registry.users["olivia"].id
    registry.sql(
        "INSERT INTO persons (person_id, first_recorded_at, recorded_by_id) VALUES (:p, :at, :u)",
        p=person,
        at=at,
        u=officer,
    )
    first = int(registry.sql("SELECT coalesce(max(id), 0) + 1 FROM fact_versions")[0][0])
    columns = (
        "id, person_id, list_name, known, kind, row_count, content_digest, valid_from, "
        "recorded_at, recorded_by_id, source_document"
    )
    versions = [(first, "recorded", 1), (first + 1, "correction", 1), (first + 2, "correction", 0)]
    values = ", ".join(
        f"(:id{i}, :p, 'nationalities', :known, :kind{i}, :rows{i}, :digest, :day, :at, :u, 'sql')"
        for i in range(len(versions))
    )
    params: dict[str, Any] = {"p": person, "known": True, "digest": "0" * 64}
    params |= {"day": at.date(), "at": at, "u": officer}
    for i, (version_id, kind, rows) in enumerate(versions):
        params |= {f"id{i}": version_id, f"kind{i}": kind, f"rows{i}": rows}
    registry.sql(f"INSERT INTO fact_versions ({columns}) VALUES {values}", **params)
    for version_id, country in ((first, "MX"), (first + 1, "GT")):
        registry.sql(
            "INSERT INTO fact_nationalities (version_id, ordinal, person_id, country) "
            "VALUES (:v, 0, :p, :c)",
            v=version_id,
            p=person,
            c=country,
        )
    return first


def test_every_write_path_keeps_them(registry: Registry, tmp_path: Path) -> None:
    synthetic = synthetic_records(40, seed=7)
    # the bulk import (COPY on PostgreSQL, executemany on SQLite)
    _import(registry, [VE, SV, *synthetic[:20]], T0, "a")
    _assert_kept(registry)
    # the general path of the writer (generic COPY formatting on PostgreSQL)
    original = FactWriter.__init__

    def general(self: FactWriter, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.postgres = False

    changed = [dict(r, nationalities=["MX"], convictions=[]) for r in synthetic[:10]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FactWriter, "__init__", general)
        _import(registry, [*changed, *synthetic[20:30]], T0 + dt.timedelta(hours=1), "b")
    _assert_kept(registry)
    # one list corrected and one retracted, through the service
    with write_session(registry.engine) as session:
        olivia = registry.users["olivia"]
        record_list(
            session,
            actor=olivia,
            person_id="ve-001",
            list_name="nationalities",
            items=["VE", "CO"],
            source_document="correction",
            now=T1,
        )
        retract_list(
            session,
            actor=olivia,
            person_id="sv-001",
            list_name="protections",
            source_document="retraction",
            now=T1,
        )
    _assert_kept(registry)
    # the command line's import of a file: new persons and a correction of one known
    path = write_jsonl(tmp_path / "more.jsonl", [dict(VE, sex="male"), *synthetic[30:]])
    imported = registry.cli("registry", "import", str(path), as_user="olivia")
    assert imported.returncode == 0, imported.stderr
    _assert_kept(registry)
    # any insert: three versions of one list of a new person in one statement
    first = _insert_versions_by_sql(registry, "sql-001", T2)
    persons, superseded = _assert_kept(registry)
    assert persons["sql-001"][known_flag("nationalities")] is True  # known to be none
    assert {("nationalities", first), ("nationalities", first + 1)} <= superseded
    assert persons["sv-001"][known_flag("protections")] is False
    assert persons["ve-001"][known_flag("nationalities")] is True
    fast, rows = _both(registry, None)
    _assert_equal(fast, rows)
    assert "sql-001" not in fast.tables["nationalities"]["person_id"].to_pylist()  # emptied


@pytest.fixture
def streams(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The COPY streams each read took (PostgreSQL): ("binary", ADBC connections opened),
    ("csv", 2 or 1)."""
    taken: list[tuple[str, int]] = []
    binary, csv = snapshot_adbc.snapshot_streams, snapshot_read._same_snapshot

    @contextmanager
    def spied_binary(*args: Any) -> Iterator[list[Any]]:
        with binary(*args) as connections:
            taken.append(("binary", len(connections)))
            yield connections

    @contextmanager
    def spied_csv(session: Any, raw: Any) -> Iterator[Any]:
        with csv(session, raw) as other:
            taken.append(("csv", 1 if other is None else 2))
            yield other

    monkeypatch.setattr(snapshot_adbc, "snapshot_streams", spied_binary)
    monkeypatch.setattr(snapshot_read, "_same_snapshot", spied_csv)
    return taken


def test_a_write_transaction_reads_its_own_writes(
    registry: Registry, streams: list[tuple[str, int]]
) -> None:
    """In a transaction that wrote, the snapshot is read over its own connection alone (an
    exported snapshot would not hold its writes), as CSV, and sees them; the row path agrees.
    A read transaction takes the binary route's streams, each in its exported snapshot."""
    _import(registry, [VE, SV], T0, "a")
    _assert_equal(*_both(registry, None))
    with write_session(registry.engine) as session:
        record_list(
            session,
            actor=registry.users["olivia"],
            person_id="sv-001",
            list_name="nationalities",
            items=["GT"],
            source_document="correction",
            now=T1,
        )
        fast = docket_fact_tables(session)
        rows = row_fact_tables(session, cutoff=None)
        session.rollback()
    _assert_equal(fast, rows)
    countries = fast.tables["nationalities"].to_pylist()
    assert {"person_id": "sv-001", "country": "GT"} in countries
    assert {"person_id": "sv-001", "country": "SV"} not in countries
    if registry.backend == "postgresql":
        assert streams == [("binary", snapshot_adbc.STREAMS), ("csv", 1)]
    else:
        assert streams == []


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
def test_without_a_second_connection_one_stream_reads_it(
    registry: Registry, streams: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No connection to be had beside the session's: no binary stream, and the CSV route
    over the session's own connection alone."""
    _import(registry, [VE, SV], T0, "a")
    dialect = registry.engine.dialect
    cargs, cparams = dialect.create_connect_args(registry.engine.url)
    refused = (cargs, cparams | {"host": "127.0.0.1", "port": 1})  # nobody listens there
    monkeypatch.setattr(dialect, "create_connect_args", lambda url: refused)
    fast, rows = _both(registry, None)
    _assert_equal(fast, rows)
    assert fast.persons.num_rows == 2
    assert streams == [("binary", 0), ("csv", 1)]


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
def test_a_list_never_corrected_is_read_without_looking_up_superseded_versions(
    registry: Registry,
) -> None:
    """Before any correction no list has a superseded version, and every list's statement
    reads its rows with no anti-join; a correction of one list (or of the person's own
    fields) brings the lookup back for that list alone, and the snapshot still leaves the
    replaced rows out: it equals the row path at every step."""
    _import(registry, [VE, SV, *synthetic_records(20, seed=3)], T0, "a")
    with read_session(registry.engine) as session:
        assert snapshot_read.lists_with_superseded_versions(session) == frozenset()
        jobs = snapshot_read._jobs(session, None, split_persons=True)
    assert not any("superseded_versions" in str(job.statement) for job in jobs)
    _assert_equal(*_both(registry, None))

    _change_list(registry, "sv-001", "nationalities", ["GT"], T1)
    _import(registry, [dict(VE, name="Ana Corrected")], T2, "c")  # the person's own fields
    fast, rows = _both(registry, None)
    _assert_equal(fast, rows)
    with read_session(registry.engine) as session:
        replaced = snapshot_read.lists_with_superseded_versions(session)
        jobs = snapshot_read._jobs(session, None, split_persons=True)
    assert replaced == {"nationalities", PERSON_LIST}
    looked_up = {job.name for job in jobs if "superseded_versions" in str(job.statement)}
    assert looked_up == {"nationalities", PERSON_LIST}
    countries = fast.tables["nationalities"].to_pylist()
    assert {"person_id": "sv-001", "country": "GT"} in countries
    assert {"person_id": "sv-001", "country": "SV"} not in countries
    persons = fast.persons.to_pylist()
    assert [p["name"] for p in persons if p["person_id"] == "ve-001"] == ["Ana Corrected"]


def test_the_migration_fills_them_as_the_writes_keep_them(registry: Registry) -> None:
    _history(registry)
    kept = _assert_kept(registry)
    config = _alembic_config()
    with registry.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0014")  # below 0015 (0016 builds on it)
    with registry.engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert revision != "0015"
        assert "current_persons" not in inspect(conn).get_table_names()
    with registry.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert _actual(registry) == kept
    _import(registry, [dict(VE, nationalities=["BR"])], T2 + dt.timedelta(days=1), "d")
    _assert_kept(registry)  # and the trigger keeps them after the upgrade


pytestmark = pytest.mark.filterwarnings("error")
