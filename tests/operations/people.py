"""Case files and a clock for the operations tests (fictional people, March 2025 dates)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from accord.casefile.models import CaseFile
from accord.db import write_session
from accord.registry import import_case_files
from case_files import case_file

from .conftest import Registry

CECOT = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
}


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=dt.UTC)


def venezuelan(n: int) -> dict[str, Any]:
    """Eligible for CECOT once written notice naming El Salvador is served (law scenario 011)."""
    return case_file(f"ve-{n:03d}", "VE")


def salvadoran(n: int) -> dict[str, Any]:
    """A Salvadoran with a final order and a final conviction: eligible for CECOT."""
    return case_file(f"sv-{n:03d}", "SV")


def protected_salvadoran(n: int) -> dict[str, Any]:
    """Withholding of removal as to El Salvador granted in 2019 (src/accord/law/scenarios/020)."""
    case = salvadoran(n)
    case["protections"] = [
        {
            "kind": "withholding",
            "status": "granted",
            "country": "SV",
            "date": "2019-10-10",
            "source": "EOIR immigration judge decision granting withholding of removal",
        }
    ]
    return case


def load(registry: Registry, records: list[dict[str, Any]], now: dt.datetime) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=[CaseFile.model_validate(r) for r in records],
            source_document="test case files",
            valid_from=dt.date(2025, 3, 1),
            now=now,
        )


def ready_for_cecot(
    s: Session,
    registry: Registry,
    records: list[dict[str, Any]],
    *,
    nominated: dt.datetime,
    approved: dt.datetime,
    noticed: dt.datetime,
) -> dict[str, int]:
    """Every person (loaded) nominated for CECOT by olivia at `nominated`, approved by lena
    at `approved`, and served written notice, with counsel, where the law needs it (served
    on `noticed`'s day, recorded at `noticed`). Returns the transfer case id of each."""
    from accord.operations.models import TransferCase
    from accord.operations.states import ApproveReason, CaseState
    from accord.operations.workflow import nominate, review, serve_notices

    olivia, lena = registry.users["olivia"], registry.users["lena"]
    ids = {
        r["person_id"]: nominate(
            s, actor=olivia, person_id=r["person_id"], now=nominated, **CECOT
        ).id
        for r in records
    }
    for case_id in ids.values():
        review(
            s,
            actor=lena,
            case_id=case_id,
            approve=True,
            reason=ApproveReason.FACTS_VERIFIED,
            now=approved,
        )
    owed = [i for i in ids.values() if s.get(TransferCase, i).state == CaseState.APPROVED]
    if owed:
        serve_notices(
            s,
            actor=olivia,
            case_ids=owed,
            served_on=noticed.date(),
            counsel=True,
            source_document="DHS written notice of removal to El Salvador",
            now=noticed,
        )
    return ids


def departed_mission(
    registry: Registry, records: list[dict[str, Any]], *, mission: str = "GST-1"
) -> dict[str, int]:
    """Every person loaded, nominated (olivia), approved (lena), noticed where the law needs it
    (14 March), manifested and departed on `mission` at 18:00 on 15 March; liam acts for CECOT.
    Returns the transfer case id of each person."""
    from accord.operations.care import assign_liaison
    from accord.operations.missions import add_to_mission, create_mission, depart_mission

    olivia = registry.users["olivia"]
    load(registry, records, at(10))
    with write_session(registry.engine) as s:
        ids = ready_for_cecot(
            s, registry, records, nominated=at(12), approved=at(13), noticed=at(14, 9)
        )
        create_mission(
            s,
            actor=olivia,
            mission_number=mission,
            carrier="GlobalX",
            planned_departure=at(15, 18),
            seats=max(len(ids), 1),
            legs=[("Harlingen TX", "Comalapa SAL")],
            now=at(14, 10),
            **CECOT,
        )
        add_to_mission(
            s, actor=olivia, mission_number=mission, case_ids=list(ids.values()), now=at(14, 11)
        )
    with write_session(registry.engine) as s:
        result = depart_mission(
            s, actor=olivia, mission_number=mission, departed_at=at(15, 18), now=at(15, 18, 30)
        )
        assert result.departed, result.struck
        assign_liaison(
            s, actor=registry.users["root"], user_name="liam", facility_id="CECOT", now=at(15, 19)
        )
    return ids


def run_cli(
    registry: Registry, *args: str | Path, as_user: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`accord ARGS` on the registry, in this process (`registry.cli`): the same parsing,
    permission checks, output and exit codes as the console script, without starting an
    interpreter and compiling the rules again for every command (about 1.5 s each)."""
    return registry.cli(*args, as_user=as_user)


def audit_actions(registry: Registry, prefix: str = "operations.") -> list[str]:
    """The audit chain's actions in order (those starting with `prefix`)."""
    rows = registry.sql("SELECT action FROM audit_log ORDER BY seq")
    return [a for (a,) in rows if a.startswith(prefix)]


def snapshot(registry: Registry) -> dict[str, Any]:
    """Rows per registry and operations table, and every case's state: equal before and
    after a refused command means it wrote nothing, not even part of its work."""
    from accord.operations.models import OPERATIONS_APPEND_ONLY

    counts: dict[str, Any] = dict(registry.counts())
    for table in (*OPERATIONS_APPEND_ONLY, "missions", "transfer_cases"):
        counts[table] = registry.sql(f"SELECT count(*) FROM {table}")[0][0]
    counts["states"] = sorted(registry.sql("SELECT id, state FROM transfer_cases"))
    counts["missions_state"] = sorted(registry.sql("SELECT mission_number, state FROM missions"))
    return counts


def dual_national() -> dict[str, object]:
    """A Colombian and Venezuelan national: two consulates to notify."""
    person = venezuelan(2)
    person["nationalities"] = ["CO", "VE"]
    return person


def in_custody(registry: Registry) -> dict[str, int]:
    """ve-001 (VE), ve-002 (CO and VE) and sv-001 (SV) received at CECOT on 16 March."""
    from accord.operations.handover import close_handover, confirm_handover

    ids = departed_mission(registry, [venezuelan(1), dual_national(), salvadoran(1)])
    with write_session(registry.engine) as s:
        confirm_handover(
            s,
            actor=registry.users["liam"],
            mission_number="GST-1",
            person_ids=list(ids),
            occurred_at=at(16, 2),
            now=at(16, 3),
        )
        assert close_handover(
            s, actor=registry.users["liam"], mission_number="GST-1", now=at(16, 4)
        ).balanced
    return ids


def audit_changes(registry: Registry, action: str) -> list[dict[str, object]]:
    """The audit entries of one action: actor, subject and the change recorded."""
    rows = registry.sql(
        "SELECT actor, subject, change FROM audit_log WHERE action = :a ORDER BY seq", a=action
    )
    return [{"actor": a, "subject": s, **json.loads(c)} for a, s, c in rows]
