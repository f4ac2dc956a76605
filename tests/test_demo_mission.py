"""The demo's mission (`accord demo`, after the screening): the boarding check strikes the
protected Salvadoran, the handover misses one person, reconcile fails, then passes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rich.console import Console
from sqlalchemy import select

from accord.auth import authenticate_token
from accord.db import make_engine, read_session, verify_chain
from accord.demo.mission import MISSING, MISSION, PROTECTED, run_mission_demo
from accord.operations.models import TransferCase


def test_mission_demo_strikes_the_protected_and_reconciles(tmp_path: Path) -> None:
    text = io.StringIO()
    # soft_wrap: a line is not cut where the tmp path's length happens to put the edge
    console = Console(file=text, width=200, soft_wrap=True)
    result = run_mission_demo(out_dir=tmp_path, console=console)
    printed = text.getvalue()

    assert result.database == tmp_path / "accord.db"
    [struck] = result.refused.struck
    assert not result.refused.departed
    assert (struck.person_id, struck.outcome) == (PROTECTED, "ineligible")
    assert [r["rule"] for r in struck.failed] == ["no_withholding"]
    assert "no_withholding failed (8 U.S.C. 1231(b)(3))" in printed
    assert result.departed.departed
    assert result.departed.cleared == 29
    handover = result.handover
    assert (handover.departed, handover.received, len(handover.incidents)) == (29, 28, 1)
    assert [v.code for v in result.failing.violations] == ["unresolved_incident"]
    assert MISSING in result.failing.violations[0].message
    assert result.passing.clean, result.passing.violations
    assert "accord reconcile: 1 violation(s)" in printed
    assert "accord reconcile: clean" in printed
    assert result.consular_tasks == 24  # every Venezuelan held, no Salvadoran

    csv_file, html_file, pdf_file = result.manifest
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8")))
    assert len(rows) == 30
    assert [(r["person_id"], r["state"]) for r in rows if r["outcome"] != "eligible"] == [
        (PROTECTED, "struck")
    ]
    assert MISSION in html_file.read_text(encoding="utf-8")
    assert pdf_file.read_bytes().startswith(b"%PDF")
    for name, role in result.users.items():
        assert f"{name} ({role})" in printed
    assert set(result.users.values()) == {
        "admin",
        "officer",
        "legal_reviewer",
        "receiving_liaison",
        "monitor",
        "analyst",
    }

    engine = make_engine(f"sqlite:///{result.database}")
    try:
        with read_session(engine) as s:
            states = sorted(s.scalars(select(TransferCase.state)))
            assert verify_chain(s).intact
            # each demo user can log in to the dashboard with the token the demo printed
            for name, token in result.tokens.items():
                assert authenticate_token(s, token).name == name
    finally:
        engine.dispose()
    assert states == ["in_custody"] * 29 + ["struck"]

    # a second run starts from a fresh registry (its record times are fixed in March 2025)
    again = run_mission_demo(out_dir=tmp_path, console=Console(file=io.StringIO()))
    assert again.passing.clean
    assert [s.person_id for s in again.refused.struck] == [PROTECTED]
