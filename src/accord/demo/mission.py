"""The demo's mission on the embedded default: one flight to CECOT, run the way issue 4 asks.

A fresh SQLite registry in the demo folder, a user for every role, 30 fictional case
files (24 Venezuelans, 6 Salvadorans), nomination, review by another user, third-country
notice, a manifest, the boarding check that strikes the one Salvadoran whose 2019
withholding grant surfaces on the morning of the flight, departure, a handover with one
person missing (an incident: reconcile fails) until the incident is resolved (reconcile
passes), the census, and the manifest as CSV, HTML and PDF. Before the flight, a nomination
the workflow refuses (demo/refusal.py: a U.S. citizen from the synthetic case files).
Record times are injected (March 2025), so every run writes the same registry.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from accord.casefile.models import V2_LISTS
from accord.demo.refusal import attempt_refused_nomination
from accord.operations.nomination import Nomination
from accord.operations.results import BoardingResult, HandoverClose, ReconcileReport

AGREEMENT = {"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV"}
FACILITY = "CECOT"
MISSION = "DEMO-2025-0315"
VENEZUELANS = 24
SALVADORANS = 6
PROTECTED = f"mission-sv-{SALVADORANS:02d}"  # withholding as to El Salvador, granted 2019
MISSING = "mission-ve-17"  # not counted at intake: the handover opens an incident
# one user per role (docs/design.md section 1), in the order they act
USERS = {
    "ada": "admin",
    "olivia": "officer",
    "lena": "legal_reviewer",
    "liam": "receiving_liaison",
    "mona": "monitor",
    "ana": "analyst",
}
_FIRST = ("Dalia", "Efrain", "Marisol", "Teodoro", "Yanira", "Osmar", "Lucila", "Baltazar")
_LAST = ("Ficticio", "Borrador", "Simulado", "Ilusorio", "Inventado", "Supuesto", "Modelo")


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=dt.UTC)


@dataclass(frozen=True)
class MissionDemo:
    """What the mission demo did, for the caller (and its test) to check."""

    database: Path
    users: dict[str, str]
    tokens: dict[str, str]  # each demo user's API token, to log in to the dashboard
    refused_nomination: Nomination  # a U.S. citizen from the synthetic case files: refused
    refused: BoardingResult  # the first departure: the boarding check struck someone
    departed: BoardingResult
    handover: HandoverClose
    failing: ReconcileReport  # with the incident open
    passing: ReconcileReport  # once it is resolved
    consular_tasks: int
    manifest: tuple[Path, Path, Path]


def _case_file(person_id: str, nationality: str, n: int) -> dict[str, Any]:
    """A person with a final order of an immigration judge and a final nonviolent
    conviction, sentence served: eligible for CECOT (after notice, for non-Salvadorans)."""
    source = f"DEMO-{person_id.upper()}"
    return {
        "schema_version": "2",
        "person_id": person_id,
        "name": f"{_FIRST[n % len(_FIRST)]} {_LAST[(3 * n) % len(_LAST)]} (fictional)",
        "birth_date": f"{1975 + n % 25}-{1 + n % 12:02d}-{1 + (7 * n) % 28:02d}",
        "sex": "male" if n % 4 else "female",
        "citizenship": "noncitizen",
        "citizenship_claim": [],
        "nationalities": [nationality],
        "removal_orders": [
            {
                "kind": "immigration_judge",
                "issued_on": "2024-10-07",
                "country": nationality,
                "source": f"{source}-IJ-ORDER (fictional)",
            }
        ],
        "appeals": [],
        "stays": [],
        "protections": [],
        "fear_claims": [],
        "notices": [],
        "convictions": [
            {
                "offence": "possession of a controlled substance",
                "category": "nonviolent",
                "date": "2023-05-10",
                "final": True,
                "source": f"{source}-JUDGMENT (fictional)",
                "jurisdiction": "state",
                "juvenile": False,
                "offence_classes": [],
            }
        ],
        "sentences": [
            {
                "start": "2023-05-10",
                "projected_release": "2024-05-09",
                "released_on": "2024-05-09",
                "source": f"{source}-RELEASE (fictional)",
                "custodian": "state",
            }
        ],
        "consents": [],
        "early_removal_approvals": [],
        "transfer_requests": [],
        **{name: [] for name in V2_LISTS},
    }


def mission_case_files() -> list[dict[str, Any]]:
    """The demo's persons, the same on every run."""
    people = [_case_file(f"mission-ve-{n:02d}", "VE", n) for n in range(1, VENEZUELANS + 1)]
    people += [
        _case_file(f"mission-sv-{n:02d}", "SV", VENEZUELANS + n) for n in range(1, SALVADORANS + 1)
    ]
    return people


WITHHOLDING = {
    "kind": "withholding",
    "status": "granted",
    "country": "SV",
    "date": "2019-10-10",
    "source": "DEMO-EOIR-ORDER-2019-10-10 granting withholding of removal (fictional)",
}


def _fresh_registry(out_dir: Path) -> Path:
    """The demo's own SQLite file, made anew: its record times are fixed in March 2025."""
    database = out_dir / "accord.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def print_reconcile(console: Console, report: ReconcileReport, *, title: str) -> None:
    """The reconcile report: what was checked and every violation with its code."""
    checked = ", ".join(f"{n:,} {what}" for what, n in report.checked.items())
    if report.clean:
        console.print(f"[bold green]{title}: clean[/bold green] ({checked})")
        return
    table = Table(title=f"{title}: {len(report.violations)} violation(s) ({checked})")
    for column in ("code", "subject", "message"):
        table.add_column(column)
    for v in report.violations:
        table.add_row(f"[red]{v.code}[/red]", v.subject, v.message)
    console.print(table)


def print_users(console: Console, users: dict[str, str], database: Path) -> None:
    table = Table(title=f"Demo users of the registry {database}")
    table.add_column("user")
    table.add_column("role")
    for name, role in users.items():
        table.add_row(name, role)
    console.print(table)


def _print_struck(console: Console, result: BoardingResult) -> None:
    table = Table(title=f"Struck at the boarding check of {result.mission_number}")
    for column in ("person", "case", "outcome", "decision record", "reasons"):
        table.add_column(column)
    for s in result.struck:
        outcome = f"[red]{s.outcome}[/red]"
        table.add_row(s.person_id, str(s.case_id), outcome, str(s.decision_record_id), s.reasons())
    console.print(table)


def run_mission_demo(*, out_dir: Path, console: Console) -> MissionDemo:
    from accord.auth import add_user, bootstrap_admin, issue_token
    from accord.casefile.models import CaseFile
    from accord.db import make_engine, read_session, upgrade_database, write_session
    from accord.documents import manifest_document
    from accord.operations import exports
    from accord.operations.care import assign_liaison, list_consular_tasks
    from accord.operations.custody import report_census
    from accord.operations.handover import close_handover, confirm_handover, resolve_incident
    from accord.operations.missions import (
        add_to_mission,
        check_mission,
        create_mission,
        depart_mission,
    )
    from accord.operations.reconcile import reconcile
    from accord.operations.states import ApproveReason, CaseState, ResolutionReason
    from accord.operations.workflow import nominate, review, serve_notices
    from accord.registry import import_case_files, record_list

    out_dir.mkdir(parents=True, exist_ok=True)
    console.rule("[bold]Mission demo: one flight to CECOT under sv-2025-offer[/bold]")
    database = _fresh_registry(out_dir)
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade_database(engine)
        with write_session(engine) as s:
            admin = bootstrap_admin(s, name="ada", now=at(1))
            users = {"ada": admin}
            for name, role in list(USERS.items())[1:]:
                users[name] = add_user(s, actor=admin, name=name, role=role, now=at(1))
            tokens = {  # each user's own token, as after their enrolment
                name: issue_token(s, actor=users[name], name=name, now=at(1)) for name in USERS
            }
        olivia, lena, liam = users["olivia"], users["lena"], users["liam"]
        console.print(
            f"Registry: {database} (SQLite, the embedded default), users "
            + ", ".join(f"{n} ({r})" for n, r in USERS.items()),
            highlight=False,
        )

        records = mission_case_files()
        cases_file = out_dir / "mission-cases.jsonl"
        cases_file.write_text(
            "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records), "utf-8"
        )
        with write_session(engine) as s:
            import_case_files(
                s,
                actor=olivia,
                cases=[CaseFile.model_validate(r) for r in records],
                source_document=f"{cases_file.name} (fictional demo case files)",
                valid_from=dt.date(2025, 3, 1),
                now=at(10),
            )
        console.print(
            f"olivia imported {len(records)} fictional case files ({VENEZUELANS} Venezuelans, "
            f"{SALVADORANS} Salvadorans) from {cases_file}",
            highlight=False,
        )

        ids: dict[str, int] = {}
        with _progress(console) as bar, write_session(engine) as s:
            task = bar.add_task("olivia nominates, lena reviews", total=2 * len(records))
            for r in records:
                pid = r["person_id"]
                ids[pid] = nominate(
                    s, actor=olivia, person_id=pid, facility=FACILITY, now=at(12), **AGREEMENT
                ).id
                bar.advance(task)
            owed = []  # approved, with the third-country notice still to serve
            for case_id in ids.values():
                event = review(
                    s,
                    actor=lena,
                    case_id=case_id,
                    approve=True,
                    reason=ApproveReason.FACTS_VERIFIED,
                    now=at(13),
                )
                if event.to_state == CaseState.APPROVED:
                    owed.append(case_id)
                bar.advance(task)
            serve_notices(
                s,
                actor=olivia,
                case_ids=owed,
                served_on=dt.date(2025, 3, 14),
                counsel=True,
                source_document="DEMO-DHS-NOTICE naming El Salvador (fictional)",
                now=at(14, 9),
            )
            create_mission(
                s,
                actor=olivia,
                mission_number=MISSION,
                carrier="GlobalX (demo)",
                facility=FACILITY,
                planned_departure=at(15, 18),
                seats=len(records),
                legs=[("Harlingen TX", "Comalapa SAL")],
                now=at(14, 10),
                **AGREEMENT,
            )
            add_to_mission(
                s, actor=olivia, mission_number=MISSION, case_ids=list(ids.values()), now=at(14, 11)
            )
        console.print(
            f"{len(ids)} nominated by olivia and approved by lena (never by the nominator); "
            f"written notice naming El Salvador served on the {len(owed)} non-Salvadorans "
            f"on 2025-03-14; all {len(ids)} on mission {MISSION} departing 2025-03-15 18:00 UTC",
            highlight=False,
        )

        refused_nomination = attempt_refused_nomination(
            engine,
            actor=olivia,
            agreement=AGREEMENT,
            facility=FACILITY,
            console=console,
            now=at(14, 12),
        )

        with write_session(engine) as s:  # the grant surfaces on the morning of the flight
            record_list(
                s,
                actor=lena,
                person_id=PROTECTED,
                list_name="protections",
                items=[WITHHOLDING],
                source_document=str(WITHHOLDING["source"]),
                now=at(15, 10),
            )
        console.print(
            f"2025-03-15 10:00: lena records that {PROTECTED} holds withholding of removal "
            "as to El Salvador, granted 2019-10-10",
            highlight=False,
        )

        with console.status("boarding check: every passenger decided again"):
            with write_session(engine) as s:
                check = check_mission(s, actor=olivia, mission_number=MISSION, now=at(15, 16))
            with write_session(engine) as s:
                refused = depart_mission(
                    s,
                    actor=olivia,
                    mission_number=MISSION,
                    departed_at=at(15, 18),
                    now=at(15, 18, 5),
                )
        console.print(
            f"Boarding check: {check.cleared} of {check.checked} eligible as of the departure. "
            f"[bold red]Departure refused[/bold red]: {len(refused.struck)} passenger(s) struck "
            "(the strike is kept; no role can override a failed rule of law)",
            highlight=False,
        )
        _print_struck(console, refused)
        with console.status("departing the verified manifest"), write_session(engine) as s:
            departed = depart_mission(
                s, actor=olivia, mission_number=MISSION, departed_at=at(15, 18), now=at(15, 18, 10)
            )
        console.print(
            f"Mission {MISSION} departed with {departed.cleared} passengers, each eligible "
            "as of 2025-03-15 (a decision record for each)",
            highlight=False,
        )

        with write_session(engine) as s:
            assign_liaison(s, actor=admin, user_name="liam", facility_id=FACILITY, now=at(15, 19))
            received = [p for p in ids if p not in (PROTECTED, MISSING)]  # all who flew but one
            confirm_handover(
                s,
                actor=liam,
                mission_number=MISSION,
                person_ids=received,
                occurred_at=at(16, 2),
                now=at(16, 2, 30),
            )
            handover = close_handover(s, actor=liam, mission_number=MISSION, now=at(16, 3))
        console.print(
            f"Handover at {FACILITY} (liam): departed {handover.departed} = received "
            f"{handover.received} + returned on board {handover.returned_on_board} + "
            f"[bold red]incidents {len(handover.incidents)}[/bold red] ({MISSING} not counted)",
            highlight=False,
        )
        with read_session(engine) as s:
            failing = reconcile(s, now=at(16, 3, 5))
        print_reconcile(console, failing, title="accord reconcile")

        with write_session(engine) as s:
            for incident in handover.incidents:
                resolve_incident(
                    s,
                    actor=liam,
                    incident_id=incident,
                    reason=ResolutionReason.RECEIVED_LATE,
                    note=f"{MISSING} held at intake, counted at 06:00",
                    occurred_at=at(16, 6),
                    now=at(16, 6, 30),
                )
            census = report_census(
                s,
                actor=liam,
                facility_id=FACILITY,
                day=dt.date(2025, 3, 16),
                count=departed.cleared,
                now=at(17, 8),
            )
        with read_session(engine) as s:
            passing = reconcile(s, now=at(17, 9))
            tasks = len(list_consular_tasks(s, facility_id=FACILITY))
            _mission, rows = exports.manifest_rows(s, mission_number=MISSION)
            document = manifest_document(s, mission_number=MISSION, now=at(17, 9))
        console.print(
            f"Incident resolved by liam (received_late). Census of {FACILITY} for 2025-03-16: "
            f"reported {census.reported_count}, registry {census.registry_count}. "
            f"{tasks} consular notification tasks open (Vienna Convention art. 36: "
            "every non-Salvadoran held), none for the Salvadorans",
            highlight=False,
        )
        print_reconcile(console, passing, title="accord reconcile")

        folder = out_dir / "mission"
        folder.mkdir(exist_ok=True)
        paths = (folder / "manifest.csv", folder / "manifest.html", folder / "manifest.pdf")
        exports.write_csv(rows, paths[0])
        exports.write_html(document, paths[1])
        exports.write_pdf(document, paths[2])
        console.print(
            f"Manifest with the decision behind every boarding: {paths[0]}, {paths[1]}, {paths[2]}",
            highlight=False,
        )
        console.print(
            f"Explore it, e.g.: ACCORD_DATABASE_URL=sqlite:///{database} "
            "ACCORD_TOKEN=<mona's token, printed at the end> accord --as mona "
            f"reconcile  (or: incidents list, missions manifest {MISSION} --html FILE, "
            "consular list, audit verify)",
            highlight=False,
            soft_wrap=True,
        )
    finally:
        engine.dispose()
    return MissionDemo(
        database=database,
        users=dict(USERS),
        tokens=tokens,
        refused_nomination=refused_nomination,
        refused=refused,
        departed=departed,
        handover=handover,
        failing=failing,
        passing=passing,
        consular_tasks=tasks,
        manifest=paths,
    )
