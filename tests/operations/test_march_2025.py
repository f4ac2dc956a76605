"""End to end: the mission of 15 March 2025 to San Salvador, 238 Venezuelans and 23 Salvadorans.

Fictional people, real shape. One Salvadoran holds withholding of removal as to El
Salvador (a 2019 grant the registry learns of on the morning of the flight): the
boarding check must strike him. At handover one person is missing: an incident opens,
`accord reconcile` fails until it is resolved, then passes. Service functions with
injected March 2025 times first, then the CLI (whose clock is the real one): run in this
process (`run_cli`, the same `accord.cli.main.run`), which spares a new interpreter and a
new compile of the rules per command, and the final `accord reconcile` from a fresh process.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from accord.db import read_session, verify_chain, write_session
from accord.decisions.models import DecisionRecord
from accord.operations.missions import add_to_mission, create_mission
from accord.operations.models import OperationsEvent, TransferCase
from accord.operations.states import ApproveReason, CaseState
from accord.operations.workflow import nominate, review, serve_notices
from accord.registry import record_list

from .conftest import Registry
from .people import at, load, protected_salvadoran, run_cli, salvadoran, venezuelan

VENEZUELANS = [venezuelan(n) for n in range(1, 239)]
SALVADORANS = [salvadoran(n) for n in range(1, 24)]
PROTECTED = "sv-023"
MISSING = "ve-117"
CECOT = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
}
DEPARTED_AT = "2025-03-15T18:00:00+00:00"


def _prepare(registry: Registry) -> dict[str, int]:
    olivia, lena = registry.users["olivia"], registry.users["lena"]
    load(registry, VENEZUELANS + SALVADORANS, at(10))
    with write_session(registry.engine) as s:
        ids = {
            r["person_id"]: nominate(
                s, actor=olivia, person_id=r["person_id"], now=at(12), **CECOT
            ).id
            for r in VENEZUELANS + SALVADORANS
        }
    with write_session(registry.engine) as s:
        for case_id in ids.values():
            review(
                s,
                actor=lena,
                case_id=case_id,
                approve=True,
                reason=ApproveReason.FACTS_VERIFIED,
                now=at(13),
            )
    with write_session(registry.engine) as s:
        serve_notices(
            s,
            actor=olivia,
            case_ids=[ids[r["person_id"]] for r in VENEZUELANS],
            served_on=dt.date(2025, 3, 14),
            counsel=False,
            source_document="DHS written notice of removal to El Salvador",
            now=at(14, 9),
        )
        create_mission(
            s,
            actor=olivia,
            mission_number="GST-2025-0315",
            carrier="GlobalX",
            planned_departure=at(15, 18),
            seats=261,
            legs=[("Harlingen TX", "Comalapa SAL")],
            now=at(14, 10),
            **{k: v for k, v in CECOT.items()},
        )
        add_to_mission(
            s,
            actor=olivia,
            mission_number="GST-2025-0315",
            case_ids=list(ids.values()),
            now=at(14, 11),
        )
    with write_session(registry.engine) as s:  # learned on the morning of the flight
        record_list(
            s,
            actor=lena,
            person_id=PROTECTED,
            list_name="protections",
            items=protected_salvadoran(23)["protections"],
            source_document="EOIR order of 2019-10-10 granting withholding",
            now=at(15, 10),
        )
    return ids


def test_march_2025_mission(registry: Registry) -> None:
    ids = _prepare(registry)
    mission = "GST-2025-0315"

    def cli(*args: str | Path, as_user: str) -> subprocess.CompletedProcess[str]:
        return run_cli(registry, *args, as_user=as_user)

    check = cli("missions", "check", mission, as_user="olivia")
    assert check.returncode == 1, check.stderr
    assert "260 of 261 eligible" in check.stdout
    assert f"STRUCK {PROTECTED}" in check.stdout

    first = cli("missions", "depart", mission, "--at", DEPARTED_AT, as_user="olivia")
    assert first.returncode == 1, first.stderr
    assert "NOT departed: 1 passenger(s) struck" in first.stdout
    assert f"STRUCK {PROTECTED}" in first.stdout
    assert "no_withholding failed" in first.stdout
    second = cli("missions", "depart", mission, "--at", DEPARTED_AT, as_user="olivia")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "departed with 260 passengers" in second.stdout

    files = [registry.tmp / n for n in ("m.csv", "m.html", "m.pdf")]
    manifest = cli(
        "missions",
        "manifest",
        mission,
        "--csv",
        files[0],
        "--html",
        files[1],
        "--pdf",
        files[2],
        as_user="mona",
    )
    assert manifest.returncode == 0, manifest.stderr
    rows = list(csv.DictReader(files[0].open(encoding="utf-8")))
    assert len(rows) == 261
    struck = [r for r in rows if r["state"] == "struck"]
    assert [(r["person_id"], r["outcome"]) for r in struck] == [(PROTECTED, "ineligible")]
    assert "no_withholding" in struck[0]["failed"]
    assert all(r["outcome"] == "eligible" and r["decision_record"] for r in rows if r not in struck)
    assert PROTECTED in files[1].read_text(encoding="utf-8")
    assert files[2].read_bytes().startswith(b"%PDF")

    assert cli("liaisons", "assign", "liam", "CECOT", as_user="root").returncode == 0
    received = [
        r["person_id"]
        for r in VENEZUELANS + SALVADORANS
        if r["person_id"] not in (PROTECTED, MISSING)
    ]
    confirm = cli("handover", "confirm", mission, *received, as_user="liam")
    assert confirm.returncode == 0, confirm.stderr
    close = cli("handover", "close", mission, as_user="liam")
    assert close.returncode == 1
    assert "departed 260 = received 259 + returned on board 0 + incidents 1" in close.stdout

    failing = cli("reconcile", as_user="mona")
    assert failing.returncode == 1
    assert "unresolved_incident" in failing.stdout
    assert MISSING in failing.stdout
    listed = cli("incidents", "list", "--open", as_user="olivia")
    assert MISSING in listed.stdout
    resolve = cli(
        "incidents",
        "resolve",
        "1",
        "--reason",
        "received_late",
        "--note",
        "held at intake, counted on 16 March",
        as_user="liam",
    )
    assert resolve.returncode == 0, resolve.stderr

    today = dt.datetime.now(dt.UTC).date().isoformat()
    census = cli("census", "report", "CECOT", "--date", today, "--count", "260", as_user="liam")
    assert census.returncode == 0
    assert "registry 260" in census.stdout
    passing = registry.cli_process("reconcile", as_user="mona")  # a fresh process sees it all
    assert passing.returncode == 0, passing.stdout
    assert "reconcile: clean" in passing.stdout

    with read_session(registry.engine) as s:
        states = dict(
            s.execute(select(TransferCase.state, func.count()).group_by(TransferCase.state)).all()
        )
        boarding = s.scalar(
            select(func.count())
            .select_from(DecisionRecord)
            .where(DecisionRecord.request["as_of"].as_string() == "2025-03-15")
        )
        departed = s.scalar(select(func.count()).where(OperationsEvent.kind == "departed"))
        assert verify_chain(s).intact
    assert states == {CaseState.IN_CUSTODY.value: 260, CaseState.STRUCK.value: 1}
    assert departed == 260
    # every passenger decided at each of the three checks (check, refused depart, depart)
    assert boarding == 261 + 261 + 260
    assert len(ids) == 261
