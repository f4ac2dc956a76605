"""The demo's refused nomination (demo/refusal.py): a U.S. citizen from the synthetic case
files is refused for CECOT before any case exists; the refusal is printed with every failed
rule and its citation, as `accord nominate` prints it, and kept on the record."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select

from accord.auth import add_user, bootstrap_admin
from accord.db import make_engine, read_session, upgrade_database, verify_chain, write_session
from accord.db.models import AuditEntry
from accord.demo.mission import AGREEMENT, FACILITY
from accord.demo.refusal import REFUSED_PERSON, attempt_refused_nomination
from accord.operations.models import TransferCase

T0 = dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)


def test_the_demo_prints_a_refused_nomination_with_its_citations(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'accord.db'}")
    try:
        upgrade_database(engine)
        with write_session(engine) as s:
            admin = bootstrap_admin(s, name="ada", now=T0)
            olivia = add_user(s, actor=admin, name="olivia", role="officer", now=T0)
        text = io.StringIO()
        done = attempt_refused_nomination(
            engine,
            actor=olivia,
            agreement=AGREEMENT,
            facility=FACILITY,
            console=Console(file=text, width=200, soft_wrap=True),
            now=T0,
        )
        printed = text.getvalue()
        assert done.refused
        assert done.decision.outcome == "ineligible"
        failed = [r.rule for r in done.blocking]
        assert failed[0] == "citizenship"
        assert "not nominated" in done.refusal_message()
        # the CLI's one line (accord: error: ...), then a table of every failed rule
        assert f"accord: error: {REFUSED_PERSON} not nominated: decision record" in printed
        assert "citizenship (8 U.S.C. 1101(a)(3); Ng Fung Ho v. White, 259 U.S. 276" in printed
        assert "citizenship recorded: citizenship=us_citizen" in printed
        for rule in done.blocking:
            assert rule.rule in printed
            assert all(c in printed for c in rule.citations)
        with read_session(engine) as s:
            assert s.scalar(select(func.count()).select_from(TransferCase)) == 0  # no case
            refusal = s.scalars(
                select(AuditEntry).where(AuditEntry.action == "operations.nomination_refused")
            ).one()
            assert refusal.subject == f"person:{REFUSED_PERSON}"
            assert json.loads(refusal.change)["failed"] == failed
            assert verify_chain(s).intact
    finally:
        engine.dispose()
