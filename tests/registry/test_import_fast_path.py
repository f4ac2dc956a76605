"""The import's fast paths write exactly what the plain ones write.

case_lists and list_digest stand in for codec.case_rows and content_digest; the
PostgreSQL COPY lines are formatted by hand; the registry's known persons are
asked for in one query. Each is held equal here to the general code it replaces.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from accord.casefile.models import CaseFile
from accord.db import read_session, verify_chain, write_session
from accord.registry import case_rows, content_digest, import_case_files
from accord.registry.codec import LISTS, fact_columns
from accord.registry.models import APPEND_ONLY_TABLES
from accord.registry.service import ANALYZE_AFTER
from accord.registry.writer import FactWriter, case_lists, list_digest

from .conftest import Registry, _new_registry, _Server
from .factories import SV, VE, cases, synthetic_records

AT = dt.datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)
AWKWARD = 'tab\there, new\nline, back\\slash, "quotes", ñandú, 漢字, 🙂, \x01'


def _awkward(record: dict[str, Any]) -> dict[str, Any]:
    """A copy whose free text needs escaping in JSON and in COPY text."""
    out = dict(record, name=f"Ana {AWKWARD} Ficticia")
    out["convictions"] = [
        {"offence": AWKWARD, "category": "violent", "date": "2020-01-01", "source": AWKWARD}
    ]
    return out


CASES = [*cases(VE, SV, _awkward(dict(VE, person_id="ve-002")))]
CASES += [CaseFile.model_validate(r) for r in synthetic_records(60)]


def test_case_lists_equal_case_rows() -> None:
    for case in CASES:
        assert case_lists(case) == case_rows(case)


_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.dates(),
    st.text(alphabet=st.characters(exclude_categories=["Cs"])),  # valid UTF-8 text only
)


def _row(name: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({c.name: _VALUE for c in fact_columns(name)})


@given(st.sampled_from(LISTS).flatmap(lambda name: st.lists(_row(name), min_size=1)))
def test_list_digest_equals_content_digest(rows: list[dict[str, Any]]) -> None:
    assert list_digest(rows) == content_digest(rows)


def test_list_digest_of_every_synthetic_list() -> None:
    for case in CASES:
        for rows in case_rows(case).values():
            if rows:
                assert list_digest(rows) == content_digest(rows)


# derived from the entry's change and its predecessors: equal when the rest is (the chain
# verifies in each registry), but the setup's tokens differ, so these would differ throughout
_CHAIN_DERIVED = frozenset({"change_digest", "prev_hash", "hash"})


def _dump(registry: Registry) -> dict[str, list[Any]]:
    """Every row of every append-only table, in key order. Each registry's fixture users got
    tokens of their own (random key ids, in audit entries as credentials and changes): they are
    named by their user here, and the entries' hashes left to verify_chain."""
    out = {}
    with read_session(registry.engine) as session:
        key_ids = session.execute(
            text("SELECT t.key_id, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id")
        ).all()
        for table in APPEND_ONLY_TABLES:
            result = session.execute(text(f"SELECT * FROM {table}"))
            keep = [i for i, c in enumerate(result.keys()) if c not in _CHAIN_DERIVED]
            rows = []
            for row in result:
                values = [row[i] for i in keep] if table == "audit_log" else list(row)
                for key_id, name in key_ids:
                    values = [
                        v.replace(key_id, f"<key of {name}>") if isinstance(v, str) else v
                        for v in values
                    ]
                rows.append(tuple(values))
            out[table] = sorted(rows, key=repr)
        assert verify_chain(session).intact
    return out


def _import(registry: Registry, batch: list[CaseFile], *, at: dt.datetime, plain: bool) -> None:
    with write_session(registry.engine) as session:
        if plain:  # the general path: bulk_insert of row dicts (generic COPY formatting)
            original = FactWriter.__init__

            def general(self: FactWriter, *args: Any, **kwargs: Any) -> None:
                original(self, *args, **kwargs)
                self.postgres = False

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(FactWriter, "__init__", general)
                _run(session, registry, batch, at)
        else:
            _run(session, registry, batch, at)


def _run(session: Any, registry: Registry, batch: list[CaseFile], at: dt.datetime) -> None:
    import_case_files(
        session,
        actor=registry.users["olivia"],
        cases=batch,
        source_document=f"ICE batch {AWKWARD}",
        file_sha256="ab" * 32,
        file_name="cases.jsonl",
        note=AWKWARD,
        now=at,
    )


def _later_file() -> list[CaseFile]:
    """The same persons with corrections, retractions and a new person."""
    changed = dict(SV, protections=[], nationalities=None)
    ve = dict(
        VE, convictions=None, stays=[{"kind": "dhs", "granted_on": "2025-01-02", "source": AWKWARD}]
    )
    return cases(ve, changed, dict(SV, person_id="sv-009"))


@pytest.mark.parametrize("backend", ["postgresql"])
def test_copy_fast_path_writes_what_the_general_path_writes(
    backend: str, tmp_path: Path, pg_server: _Server
) -> None:
    (tmp_path / "fast").mkdir()
    (tmp_path / "plain").mkdir()
    fast = _new_registry(backend, tmp_path / "fast", pg_server)
    plain = _new_registry(backend, tmp_path / "plain", pg_server)
    try:
        for registry, is_plain in ((fast, False), (plain, True)):
            _import(registry, CASES, at=AT, plain=is_plain)
            _import(registry, CASES, at=AT + dt.timedelta(hours=1), plain=is_plain)  # no-op
            _import(registry, _later_file(), at=AT + dt.timedelta(days=1), plain=is_plain)
        assert _dump(fast) == _dump(plain)
    finally:
        fast.engine.dispose()
        plain.engine.dispose()


def test_known_persons_across_chunks_and_reimport(registry: Registry) -> None:
    """More persons than one chunk (and SQLite's query per chunk): the second import of the
    same file writes nothing, and a file that changes one person writes only that person."""
    records = synthetic_records(2_100, seed=9)
    batch = [CaseFile.model_validate(r) for r in records]
    with write_session(registry.engine) as session:
        first = _summary(session, registry, batch, AT)
    assert first.new_persons == 2_100
    before = registry.counts()
    with write_session(registry.engine) as session:
        again = _summary(session, registry, batch, AT + dt.timedelta(hours=1))
    assert again.new_versions == 0
    assert registry.counts() == before
    last = dict(records[-1], name="Renamed (fictional)")
    with write_session(registry.engine) as session:
        one = _summary(
            session, registry, [*batch[:-1], CaseFile.model_validate(last)], AT + dt.timedelta(1)
        )
    assert (one.changed_persons, one.new_versions, one.new_persons) == (1, 1, 0)


def _summary(session: Any, registry: Registry, batch: list[CaseFile], at: dt.datetime) -> Any:
    return import_case_files(
        session,
        actor=registry.users["olivia"],
        cases=batch,
        source_document="synthetic",
        now=at,
    )


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_large_import_refreshes_the_statistics_as_it_grows(
    backend: str, tmp_path: Path, pg_server: _Server
) -> None:
    """The plans of the import's reads and of the triggers on fact_versions are made when
    the tables are small; planned for an empty current_persons, its probe per person
    scanned the whole table, and each chunk took longer than the last. The statistics are
    refreshed as the versions written double, within the import's transaction: another
    connection sees the planner's row count of current_persons grow before the commit."""
    registry = _new_registry(backend, tmp_path, pg_server)
    watcher = create_engine(registry.url)
    seen: list[float] = []

    def planner_rows(done: int) -> None:
        with watcher.connect() as connection:  # not the import's transaction
            seen.append(
                connection.scalar(
                    text("SELECT reltuples FROM pg_class WHERE oid = 'current_persons'::regclass")
                )
            )

    batch = [CaseFile.model_validate(r) for r in synthetic_records(6_000, seed=3)]
    try:
        with write_session(registry.engine) as session:
            summary = import_case_files(
                session,
                actor=registry.users["olivia"],
                cases=batch,
                source_document="synthetic",
                now=AT,
                progress=planner_rows,
            )
        assert summary.new_versions >= 2 * ANALYZE_AFTER
        assert len(seen) == 3  # one call per chunk of 2,000 persons
        assert seen[0] <= 0  # not analysed with rows yet when the first chunk was sent
        assert seen[-1] >= 2_000  # refreshed mid-import, with this transaction's own rows
    finally:
        watcher.dispose()
        registry.engine.dispose()
