"""PostgreSQL: a handover sends its lock, audit chain and writes in one round trip, the
database appending the chain (db/chain.py, migration 0007). The chain it writes
must be the chain Python writes, entry for entry; whenever the database cannot vouch
for the handover's reads, it must fall back to the locked way and write nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import accord.operations.handover as handover
from accord.db import (
    append_audit,
    head_revision,
    read_session,
    upgrade_database,
    utc_now,
    verify_chain,
    write_session,
)
from accord.db.audit import format_time
from accord.db.bundle.verify_bundle import entry_hash
from accord.db.engine import _alembic_config
from accord.errors import CapacityExceeded, RegistryConflict
from accord.operations.handover import confirm_handover
from accord.operations.models import OperationsEvent
from registry.conftest import _new_registry, _Server

from .conftest import Registry
from .people import at, departed_mission, snapshot, venezuelan


@pytest.fixture
def pg(tmp_path: Path, pg_server: _Server) -> Iterator[Registry]:
    registry = _new_registry("postgresql", tmp_path, pg_server)
    yield registry
    registry.engine.dispose()


def _confirm(pg: Registry, person_id: str, now: dt.datetime | None) -> list[OperationsEvent]:
    with write_session(pg.engine, lock=False) as s:
        return confirm_handover(
            s, actor=pg.users["liam"], mission_number="GST-1", person_ids=[person_id], now=now
        )


_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seq=st.integers(1, 2**62), fields=st.lists(_TEXT, min_size=6, max_size=6))
def test_the_database_hashes_an_entry_as_python_does(
    pg: Registry, seq: int, fields: list[str]
) -> None:
    """Quotes, backslashes, control characters and any Unicode: the same canonical JSON."""
    with pg.engine.connect() as conn:
        found = conn.execute(
            text("SELECT accord_entry_hash(:seq, :a, :b, :c, :d, :e, :f)"),
            {"seq": seq, **dict(zip("abcdef", fields, strict=True))},
        ).scalar_one()
    assert found == entry_hash(seq, *fields)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moment=st.datetimes(min_value=dt.datetime(1970, 1, 1), timezones=st.just(dt.UTC)))
def test_the_database_writes_a_record_time_as_python_does(
    pg: Registry, moment: dt.datetime
) -> None:
    with pg.engine.connect() as conn:
        found = conn.execute(text("SELECT accord_record_time_text(:t)"), {"t": moment})
        assert found.scalar_one() == format_time(moment)


def test_a_handover_is_written_in_one_go_with_the_chain_python_would_write(
    pg: Registry, chained_sends: list[bool]
) -> None:
    departed_mission(pg, [venezuelan(1), venezuelan(2)])
    events = _confirm(pg, "ve-001", None) + _confirm(pg, "ve-002", None)
    assert chained_sends == [True, True]
    for event in events:  # the seqs and record time the database gave, told back
        [(seq, recorded_at)] = pg.sql(
            "SELECT audit_seq, recorded_at FROM operations_events WHERE id = :i", i=event.id
        )
        assert (event.audit_seq, event.recorded_at) == (seq, recorded_at)
        [(action, entry_at)] = pg.sql(
            "SELECT action, recorded_at FROM audit_log WHERE seq = :s", s=seq
        )
        assert (action, entry_at) == ("operations.handover_received", recorded_at)
    tasks = pg.sql(
        "SELECT c.person_id, a.action FROM consular_tasks c JOIN audit_log a "
        "ON a.seq = c.audit_seq ORDER BY c.person_id"
    )
    assert tasks == [("ve-001", "operations.consular_task"), ("ve-002", "operations.consular_task")]
    with read_session(pg.engine) as s:
        assert verify_chain(s).intact  # every hash recomputed in Python


def test_a_handover_is_committed_with_its_writes_before_the_call_returns(
    pg: Registry, chained_sends: list[bool]
) -> None:
    """The COMMIT goes in the same round trip as the lock and the writes (the lock is
    never held while the reply travels back): another connection sees the handover as
    soon as confirm_handover returns, and the session has no transaction left open."""
    departed_mission(pg, [venezuelan(1)])
    with write_session(pg.engine, lock=False) as s:
        [event] = confirm_handover(
            s, actor=pg.users["liam"], mission_number="GST-1", person_ids=["ve-001"]
        )
        assert not s.in_transaction()
        seen = pg.sql("SELECT kind FROM operations_events WHERE id = :i", i=event.id)
        assert seen == [("handover_received",)]
        [(state,)] = pg.sql("SELECT state FROM transfer_cases WHERE person_id = 've-001'")
        assert state == "in_custody"
    assert chained_sends == [True]
    with read_session(pg.engine) as s:
        assert verify_chain(s).intact


def test_a_clock_behind_the_chain_takes_the_chain_heads_time(
    pg: Registry, chained_sends: list[bool]
) -> None:
    departed_mission(pg, [venezuelan(1)])
    ahead = utc_now() + dt.timedelta(hours=1)  # a writer on a machine whose clock is ahead
    with write_session(pg.engine) as s:
        append_audit(
            s, actor=pg.users["root"], action="test.note", subject="x", change={}, now=ahead
        )
    [event] = _confirm(pg, "ve-001", None)
    assert chained_sends == [True]
    assert event.recorded_at == ahead
    with read_session(pg.engine) as s:
        assert verify_chain(s).intact


def test_a_given_time_before_the_chain_goes_the_locked_way_and_is_refused(
    pg: Registry, chained_sends: list[bool]
) -> None:
    departed_mission(pg, [venezuelan(1)])
    before = snapshot(pg)
    with pytest.raises(RegistryConflict, match="never goes back"):
        _confirm(pg, "ve-001", at(1, 1))
    assert chained_sends == [False]
    assert snapshot(pg) == before


def test_no_room_goes_the_locked_way_and_is_refused(
    pg: Registry, chained_sends: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    departed_mission(pg, [venezuelan(1), venezuelan(2)])
    cecot = handover.agreement_facility("sv-2025-offer", "CECOT")
    monkeypatch.setitem(cecot.__dict__, "capacity", 1)
    _confirm(pg, "ve-001", None)
    before = snapshot(pg)
    with pytest.raises(CapacityExceeded, match="capacity 1"):
        _confirm(pg, "ve-002", None)
    assert chained_sends == [True, False]
    assert snapshot(pg) == before


def test_a_write_of_what_was_read_sends_it_the_locked_way(
    pg: Registry, chained_sends: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The liaison's assignment is written between the reads and the send: the handover
    is judged again under the lock, and written once."""
    departed_mission(pg, [venezuelan(1)])
    real = handover.read_for_handover_pg

    def read_then_someone_writes(session: Any, **kwargs: Any) -> Any:
        found = real(session, **kwargs)
        with write_session(pg.engine) as other:
            append_audit(
                other, actor=pg.users["root"], action="users.note", subject="user:liam", change={}
            )
        return found

    monkeypatch.setattr(handover, "read_for_handover_pg", read_then_someone_writes)
    [event] = _confirm(pg, "ve-001", None)
    assert chained_sends == [False]
    assert pg.sql("SELECT count(*) FROM operations_events WHERE kind = 'handover_received'") == [
        (1,)
    ]
    assert pg.sql("SELECT audit_seq FROM operations_events WHERE id = :i", i=event.id) == [
        (event.audit_seq,)
    ]
    with read_session(pg.engine) as s:
        assert verify_chain(s).intact


def _chain_append_settings(pg: Registry) -> list[str]:
    [(config,)] = pg.sql(
        "SELECT coalesce(proconfig, '{}') FROM pg_proc WHERE proname = 'accord_chain_append' "
        "AND pronamespace = current_schema()::regnamespace"
    )
    return list(config)


def test_the_chain_append_keeps_one_plan_of_its_statements_and_migrates_both_ways(
    pg: Registry,
) -> None:
    """Migration 0010: the append runs with generic plans (its check of what was written
    since was planned at every call, under the writer lock); downgrading takes it back to
    0009's function (and 0011 undone), and upgrading again restores both. Handovers work
    before and after. (Not at 0009 itself: since 0013 the chain append takes the acting
    credential, an argument 0009's function does not have, so this code cannot write to a
    registry at 0009; the migrations, not old code, are what this test holds.)"""
    departed_mission(pg, [venezuelan(1), venezuelan(2), venezuelan(3)])
    assert _chain_append_settings(pg) == ["plan_cache_mode=force_generic_plan"]
    _confirm(pg, "ve-001", None)
    config = _alembic_config()
    with pg.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0009")
    assert _chain_append_settings(pg) == []
    assert upgrade_database(pg.engine) == ("0009", head_revision())
    assert _chain_append_settings(pg) == ["plan_cache_mode=force_generic_plan"]
    _confirm(pg, "ve-002", None)
    _confirm(pg, "ve-003", None)
    assert pg.sql("SELECT count(*) FROM operations_events WHERE kind = 'handover_received'") == [
        (3,)
    ]
    with read_session(pg.engine) as s:
        assert verify_chain(s).intact
