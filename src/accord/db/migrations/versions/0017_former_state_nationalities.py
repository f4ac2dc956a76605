"""A nationality may be a former state's ISO 3166-3 code (SUHH, CSHH): four characters.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

Issue 22: ICE still records citizenship of states that no longer exist (USSR,
CZECHOSLOVAKIA, ...). accord.countries records them by their ISO 3166-3 code, never as a
guessed successor, and the case file (v2) accepts them as nationalities; the registry's
column held two characters.

SQLite does not enforce a VARCHAR's length, but the schema should say what the models say:
the table is rebuilt (SQLite's own recipe, through Alembic's batch mode), and its
append-only triggers, which a rebuild would lose, are taken out first and put back as they
were.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLE = "fact_nationalities"


def _country(new: int, old: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # a downgrade is refused by PostgreSQL while a longer code is stored: nothing is cut
        op.alter_column(TABLE, "country", type_=sa.String(new), existing_type=sa.String(old))
        return
    triggers = bind.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": TABLE},
    ).all()
    for name, _sql in triggers:
        op.execute(f'DROP TRIGGER "{name}"')
    with op.batch_alter_table(TABLE, recreate="always") as batch:
        batch.alter_column(
            "country", type_=sa.String(new), existing_type=sa.String(old), existing_nullable=False
        )
    for _name, sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    _country(4, 2)


def downgrade() -> None:
    _country(2, 4)
