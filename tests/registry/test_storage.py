"""Storage: the schema the migrations make, facts in and out exactly, and nothing overwritten."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pyarrow as pa
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from accord.casefile.models import CASE_FILE_LISTS
from accord.db import Base, append_audit, read_session, write_session
from accord.errors import RegistryConflict, UnknownPerson
from accord.facts.tables import FACT_SCHEMAS, FactTables, case_files_to_tables
from accord.registry import (
    FACT_MODELS,
    docket_fact_tables,
    import_case_files,
    person_case_file,
    person_fact_tables,
)
from accord.registry.codec import fact_columns
from accord.registry.models import APPEND_ONLY_TABLES, PERSON_LIST

from .conftest import Registry
from .factories import SV, VE, cases, synthetic_records

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def _import(registry: Registry, records: list[dict[str, object]], **kw: object) -> object:
    with write_session(registry.engine) as session:
        return import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=cases(*records),
            source_document="test file",
            file_sha256="f" * 64,
            file_name="cases.jsonl",
            **kw,  # type: ignore[arg-type]
        )


def _sorted(facts: FactTables) -> dict[str, pa.Table]:
    """Tables sorted by person, keeping each person's rows in list order."""
    out = {}
    for name, table in facts.tables.items():
        order = sorted(range(table.num_rows), key=lambda i: table["person_id"][i].as_py())
        out[name] = table.take(pa.array(order, pa.int64()))
    return out


def test_fact_rows_are_shaped_like_the_fact_tables() -> None:
    for name in CASE_FILE_LISTS:
        columns = ["person_id", *(c.name for c in fact_columns(name))]
        assert columns == FACT_SCHEMAS[name].names, name
    scalars = [c.name for c in fact_columns(PERSON_LIST)]
    assert ["person_id", *scalars] == FACT_SCHEMAS["persons"].names[:5]


# PostgreSQL only: the trigram indexes of the people search (migration 0016, pg_trgm's operator
# class, which a model cannot name portably); SQLite searches by LIKE without them.
_TRIGRAM_INDEXES = {"ix_fact_person_name_trgm", "ix_current_persons_id_trgm"}
# On PostgreSQL these references are checked by statement triggers (migration 0006), not keys.
_TRIGGER_CHECKED = {("persons", "recorded_by_id"), ("fact_versions", "person_id")}
_TRIGGER_CHECKED |= {(cast(Any, m).__table__.name, "version_id") for m in FACT_MODELS.values()}


def _ours(dialect: str) -> Any:
    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        """Compare only the tables these models define (other modules add their own)."""
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        if type_ == "index" and dialect == "postgresql" and name in _TRIGRAM_INDEXES:
            return False
        if type_ == "foreign_key_constraint" and dialect == "postgresql":
            (column,) = obj.column_keys
            return (table, column) not in _TRIGGER_CHECKED
        return table in Base.metadata.tables

    return include


def test_migrations_make_exactly_the_models(registry: Registry) -> None:
    with registry.engine.connect() as conn:
        include = _ours(registry.engine.dialect.name)
        context = MigrationContext.configure(conn, opts={"include_object": include})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_docket_and_person_reads_equal_the_case_files(registry: Registry) -> None:
    records = [VE, SV, *synthetic_records(300)]
    _import(registry, records)
    expected = case_files_to_tables(cases(*records))
    with read_session(registry.engine) as session:
        docket = docket_fact_tables(session)
        one = person_fact_tables(session, person_id="sv-001", as_known_on=None)
        back = person_case_file(session, person_id="ve-001")
    assert _sorted(docket) == _sorted(expected)
    assert one.tables == case_files_to_tables(cases(SV)).tables
    assert back == cases(VE)[0]
    assert one.persons["protections_known"].to_pylist() == [True]
    assert one.persons["appeals_known"].to_pylist() == [False]


def test_reimport_writes_nothing(registry: Registry) -> None:
    first = _import(registry, [VE, SV])
    before = registry.counts()
    again = _import(registry, [VE, SV])
    assert first.new_versions > 0  # type: ignore[attr-defined]
    assert again.new_versions == 0  # type: ignore[attr-defined]
    assert again.audit_entries == 0  # type: ignore[attr-defined]
    assert again.previously_imported  # type: ignore[attr-defined]
    assert registry.counts() == before


def test_only_changed_lists_get_new_versions(registry: Registry) -> None:
    _import(registry, [VE, SV], now=T0)
    before = registry.counts()
    changed = dict(VE, stays=[{"kind": "judicial", "granted_on": "2025-03-02", "source": "order"}])
    summary = _import(registry, [changed, SV], now=T0 + dt.timedelta(days=2))
    after = registry.counts()
    assert summary.new_versions == 1  # type: ignore[attr-defined]
    assert summary.changed_persons == 1  # type: ignore[attr-defined]
    assert after["fact_versions"] == before["fact_versions"] + 1
    assert after["fact_stays"] == before["fact_stays"] + 1
    assert after["audit_log"] == before["audit_log"] + 2  # the person, and the import


def test_as_known_on_sees_the_registry_as_it_was(registry: Registry) -> None:
    _import(registry, [VE], now=T0)
    later = dict(VE, nationalities=["VE", "CO"])
    del later["removal_orders"]  # left out: retracted, not known any more
    _import(registry, [later], now=T0 + dt.timedelta(days=10))
    with read_session(registry.engine) as session:
        then = person_case_file(session, person_id="ve-001", as_known_on=T0.date())
        now = person_case_file(session, person_id="ve-001")
        docket_then = docket_fact_tables(session, as_known_on=T0.date())
        with pytest.raises(UnknownPerson, match="ve-001"):
            person_case_file(
                session, person_id="ve-001", as_known_on=T0.date() - dt.timedelta(days=1)
            )
        instant = person_case_file(
            session, person_id="ve-001", as_known_on=T0 + dt.timedelta(days=10, seconds=-1)
        )
    assert then == cases(VE)[0]
    assert instant == then
    assert now.nationalities == ["VE", "CO"]
    assert now.removal_orders is None
    assert then.removal_orders is not None
    assert docket_then.persons["removal_orders_known"].to_pylist() == [True]


def test_append_only_tables_refuse_update_and_delete(registry: Registry) -> None:
    _import(registry, [VE])
    for table in ("fact_versions", "audit_log", "fact_convictions", "persons"):
        assert table in APPEND_ONLY_TABLES
        column = {"fact_versions": "kind", "audit_log": "actor", "persons": "person_id"}.get(
            table, "source"
        )
        with pytest.raises(DBAPIError, match="append-only"):
            registry.sql(f"UPDATE {table} SET {column} = 'x'")
        with pytest.raises(DBAPIError, match="append-only"):
            registry.sql(f"DELETE FROM {table}")
    assert registry.counts()["persons"] == 1


def test_record_time_never_goes_back(registry: Registry) -> None:
    _import(registry, [VE], now=T0)
    with pytest.raises(RegistryConflict, match="never goes back"):
        _import(registry, [SV], now=T0 - dt.timedelta(seconds=1))
    assert registry.counts()["persons"] == 1


def test_append_audit_links_to_the_head(registry: Registry) -> None:
    with write_session(registry.engine) as session:
        head = session.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
        first = append_audit(
            session, actor=registry.users["lena"], action="test.note", subject="x", change={"a": 1}
        )
        second = append_audit(
            session, actor=registry.users["lena"], action="test.note", subject="y", change={}
        )
    assert first.seq == head + 1
    assert second.prev_hash == first.hash
    with write_session(registry.engine) as session, pytest.raises(ValueError, match="float"):
        append_audit(
            session, actor=registry.users["lena"], action="t", subject="z", change={"x": 1.5}
        )


def test_fact_models_cover_every_list() -> None:
    assert set(FACT_MODELS) == {PERSON_LIST, *CASE_FILE_LISTS}


def test_every_version_names_a_real_user_and_users_stay(registry: Registry) -> None:
    _import(registry, [VE])
    with pytest.raises(DBAPIError, match=r"no known (person, )?user or import"):
        registry.sql(
            "INSERT INTO fact_versions (id, person_id, list_name, known, kind, row_count, "
            "content_digest, valid_from, recorded_at, recorded_by_id, source_document) "
            "VALUES (999999, 've-001', 'stays', true, 'correction', 0, 'x', '2025-01-01', "
            "'2025-01-01 00:00:00', 424242, 'forged')"
        )
    with pytest.raises(DBAPIError, match="DELETE on users"):
        registry.sql("DELETE FROM users WHERE name = 'ana'")
    assert registry.counts()["fact_versions"] == 6  # person and the five lists VE knows


def _forged(column: Any) -> object:
    """A value of the column's type for a row written straight in SQL."""
    python_type = column.type.python_type
    if python_type is dt.date:
        return dt.date(2025, 1, 1)
    return {bool: False, int: 1}.get(python_type, "x")


def test_every_fact_row_belongs_to_a_version_of_its_person(registry: Registry) -> None:
    _import(registry, [VE, SV])
    before = registry.counts()
    [(version,)] = registry.sql("SELECT max(id) FROM fact_versions WHERE person_id = 've-001'")
    for model in FACT_MODELS.values():
        table = cast(Any, model).__table__
        values = {c.name: _forged(c) for c in table.columns}
        # a version that does not exist, then one of another person
        for version_id, person_id in ((987654, "ve-001"), (version, "sv-001")):
            values |= {"version_id": version_id, "person_id": person_id, "ordinal": 99}
            columns = ", ".join(values)
            params = ", ".join(f":{name}" for name in values)
            with pytest.raises(DBAPIError, match="names no version of its person"):
                registry.sql(f"INSERT INTO {table.name} ({columns}) VALUES ({params})", **values)
    assert registry.counts() == before


def test_every_version_and_person_names_what_it_refers_to(registry: Registry) -> None:
    _import(registry, [VE])
    user = registry.users["olivia"].id
    with pytest.raises(DBAPIError, match=r"no known person|FOREIGN KEY"):
        registry.sql(
            "INSERT INTO fact_versions (id, person_id, list_name, known, kind, row_count, "
            "content_digest, valid_from, recorded_at, recorded_by_id, source_document) "
            "VALUES (999999, 'nobody-001', 'stays', true, 'correction', 0, 'x', '2025-01-01', "
            f"'2025-01-01 00:00:00', {user}, 'forged')"
        )
    with pytest.raises(DBAPIError, match=r"no known recording user|FOREIGN KEY"):
        registry.sql(
            "INSERT INTO persons (person_id, first_recorded_at, recorded_by_id) "
            "VALUES ('ghost-001', '2025-01-01 00:00:00', 424242)"
        )
    assert registry.counts()["persons"] == 1
