"""accord_chain_append keeps one plan of each of its statements.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Migration 0009 made the check that nothing watched was written since a plain
statement, expecting PL/pgSQL to keep its plan. `pg_stat_statements` (with
`plans` counted) showed it planned again at every call all the same: 0.14 ms
on a 100,000-person registry, held under the writer lock, for every decision
and handover. PostgreSQL keeps a generic plan only when it costs no more than
the plans made for the values, and it estimates an array parameter of unknown
length as several elements, so against the one or two subjects a writer watches
the generic plan always looked dearer. The generic plan is the one wanted:
the primary key between the two seqs (at most `p_watch_limit` entries),
hashed against the watched subjects (checked with EXPLAIN under
plan_cache_mode = force_generic_plan on a registry of 91,000 entries). The function's other
statements (the chain's head, the entries' insert) have no parameter whose
value could change their plan.

So the function runs with plan_cache_mode = force_generic_plan, which
PostgreSQL sets for the call and restores after it, for this function alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION accord_chain_append SET plan_cache_mode = force_generic_plan")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION accord_chain_append RESET plan_cache_mode")
