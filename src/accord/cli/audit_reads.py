"""CLI reads of personal data, audited like the API's (api/deps.py `Ctx.audit_read`).

Every command that shows person data appends one entry per kind of data shown, with the
action names and subjects the API uses (`read.case_file`, `person:<id>`, ...), in a short
write transaction of its own after the read: the entry names the acting user and the
credential they acted with (a token, or the database owner's CLI identity).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from accord.auth import User


def audit_read(engine: Engine, user: User, action: str, subject: str, **change: Any) -> None:
    """Record a read of personal data in the audit chain (as Ctx.audit_read); None values
    are left out of the entry."""
    from accord.db import append_audit, write_session

    recorded = {k: v for k, v in change.items() if v is not None}
    with write_session(engine) as session:
        append_audit(session, actor=user, action=action, subject=subject, change=recorded)
