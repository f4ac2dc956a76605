"""PostgreSQL: the audit entry's hash has one reference, bundle/verify_bundle.py's
entry_hash (shipped with every export), and two implementations in SQL tested against it
on the same inputs: the function accord_entry_hash, and its copy inline in
accord_chain_append (db/sql/), which appends the entries of the busiest writers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from accord.db import sha256_hex
from accord.db.audit import format_time
from accord.db.bundle.verify_bundle import GENESIS, entry_hash
from accord.db.engine import WRITER_LOCK_KEY

from .conftest import Registry

POSTGRES_ONLY = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
BIG = 2_000_000  # characters

# (action, subject, change): what an entry's writer chooses; the change is hashed as its digest
ENTRIES: list[tuple[str, str, str]] = [
    ("decision.record", "person:sv-001", '{"outcome":"eligible"}'),
    ("", "", ""),  # empty text
    ("unicode.é", "person:Zoë 日本語 👩🏽‍⚖️ e\u0301 \u202eRTL", '{"name":"Ñoño ß ﬁ 𝔘"}'),
    ("escapes", 'quote " backslash \\ slash /', "line\nfeed\ttab\rreturn\bback\fform"),
    ("controls", "\x01\x1f\x7f \u2028\u2029 \ufeff", '{"nul-free":"\\u0000 escaped"}'),
    ("large.subject", "s" * 256, "é" * BIG),  # a large change: only its digest is hashed
    ("large.change", "x", '{"rows":[' + ",".join(['"ø"'] * (BIG // 4)) + "]}"),
]


def _append(
    conn: Connection,
    actor: str,
    entries: list[tuple[str, str, str]],
    credential: str | None = None,
) -> int:
    """accord_chain_append, as chain.DatabaseChain calls it; the first seq it gave."""
    head = conn.execute(text("SELECT coalesce(max(seq), 0) FROM audit_log")).scalar_one()
    first: int = conn.execute(
        text(
            "SELECT first_seq FROM accord_chain_append(:key, :seen, '{}', '{}', 1000, :now, "
            "true, :actor, :actions, :subjects, :changes, :digests, :credential)"
        ),
        {
            "key": WRITER_LOCK_KEY,
            "seen": head,
            "now": dt.datetime.now(dt.UTC),
            "actor": actor,
            "actions": [a for a, _, _ in entries],
            "subjects": [s for _, s, _ in entries],
            "changes": [c for _, _, c in entries],
            "digests": [sha256_hex(c) for _, _, c in entries],
            "credential": credential,
        },
    ).scalar_one()
    return first


@POSTGRES_ONLY
@pytest.mark.parametrize("credential", [None, 'token:0123456789abcdef "é" \\ 李'])
def test_the_three_hashes_agree_on_the_same_entries(
    registry: Registry, credential: str | None
) -> None:
    """With a credential (migration 0013) accord_chain_append hashes it as the eighth field;
    accord_entry_hash, unchanged, is the reference of entries without one."""
    actor = 'Ólafur "the" O\'Brien \\ 李'
    with registry.engine.connect() as conn:  # rolled back: nothing is kept
        first = _append(conn, actor, ENTRIES, credential)
        rows: Any = conn.execute(
            text(
                "SELECT seq, recorded_at, actor, action, subject, change_digest, prev_hash, "
                "credential, hash, accord_entry_hash(seq, accord_record_time_text(recorded_at), "
                "actor, action, subject, change_digest, prev_hash) AS by_function "
                "FROM audit_log WHERE seq >= :first ORDER BY seq"
            ),
            {"first": first},
        ).all()
        conn.rollback()
    assert len(rows) == len(ENTRIES)
    prev = rows[0].prev_hash
    for row, (action, subject, change) in zip(rows, ENTRIES, strict=True):
        assert (row.actor, row.action, row.subject) == (actor, action, subject)
        assert row.change_digest == sha256_hex(change)
        assert row.prev_hash == prev
        reference = entry_hash(
            row.seq,
            format_time(row.recorded_at),
            actor,
            action,
            subject,
            sha256_hex(change),
            prev,
            credential,
        )
        assert row.credential == credential
        assert row.hash == reference, action  # accord_chain_append, inline
        if credential is None:
            assert row.by_function == reference, action  # accord_entry_hash
        prev = reference


@POSTGRES_ONLY
@pytest.mark.parametrize("seq", [1, 2**62])
def test_the_function_hashes_any_seq_and_text_as_python_does(registry: Registry, seq: int) -> None:
    stamp = format_time(dt.datetime(2025, 3, 15, 18, 0, 0, 1, tzinfo=dt.UTC))
    with registry.engine.connect() as conn:
        for action, subject, change in ENTRIES:
            fields = (stamp, "actor", action, subject, sha256_hex(change), GENESIS)
            found = conn.execute(
                text("SELECT accord_entry_hash(:seq, :a, :b, :c, :d, :e, :f)"),
                {"seq": seq, **dict(zip("abcdef", fields, strict=True))},
            ).scalar_one()
            assert found == entry_hash(seq, *fields), action


@POSTGRES_ONLY
def test_a_null_field_is_never_hashed(registry: Registry) -> None:
    """No entry has a null field (the columns are NOT NULL, and Python's writers pass text):
    the function gives no hash for one, and the append refuses it, writing nothing."""
    fields = ["2025-03-15T18:00:00.000000+00:00", "actor", "a", "s", "d", GENESIS]
    with registry.engine.connect() as conn:
        for n in range(len(fields) + 1):
            values: list[Any] = [1, *fields]
            values[n] = None
            found = conn.execute(
                text("SELECT accord_entry_hash(:v0, :v1, :v2, :v3, :v4, :v5, :v6)"),
                {f"v{i}": v for i, v in enumerate(values)},
            ).scalar_one()
            assert found is None, n
        before = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        conn.rollback()
    for actor, entry in ((None, ("a", "s", "{}")), ("actor", ("a", None, "{}"))):
        with registry.engine.connect() as conn, pytest.raises(DBAPIError):
            _append(conn, actor, [entry])  # type: ignore[arg-type, list-item]
    with registry.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == before
