"""The main job on the embedded default: import the real ICE ERO sample and the
bundled synthetic case files, screen both under the El Salvador offer, print the
outcome tables and write an HTML report with charts; then run one mission through
a fresh SQLite registry in the same folder (demo/mission.py) and show its reconcile
report, and end with the demo users."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rich.console import Console

from accord.demo.mission import print_users, run_mission_demo
from accord.engine import DecisionRequest
from accord.engine.screen import ScreenSummary
from accord.law.catalogue import RULES
from accord.law.framework import FacilityCounts

ICE_ERO_SAMPLE = Path("data/ice-ero-seattle-expedited-removals-fy2012-2019.csv")


def _ice_ero_sample() -> Path:
    """The sample in the working folder, else the one in the project checkout."""
    if ICE_ERO_SAMPLE.is_file():
        return ICE_ERO_SAMPLE
    return Path(__file__).resolve().parents[3] / ICE_ERO_SAMPLE


def run_demo(*, out_dir: Path, as_of: str, console: Console) -> Path:
    from accord.cli.main import print_summary, run_screen
    from accord.dashboard.hint import demo_hint
    from accord.importers import read_ice_ero, write_case_files
    from accord.reports.screen_report import write_screen_report
    from accord.reports.sources import docket_source, period_in

    out_dir.mkdir(parents=True, exist_ok=True)
    sample = _ice_ero_sample()
    console.rule("[bold]Accord demo[/bold]")
    imported = read_ice_ero(sample)
    ice_cases = out_dir / "ice-ero-cases.jsonl"
    write_case_files(imported.cases, ice_cases)
    console.print(
        f"Imported {len(imported.cases):,} real ICE ERO removals from {sample} -> {ice_cases}"
    )
    synthetic = Path(str(resources.files("accord.demo") / "synthetic_cases.jsonl"))

    summaries: list[tuple[str, ScreenSummary]] = []
    runs = [
        (
            "ICE ERO sample: return of Salvadorans",
            ice_cases,
            DecisionRequest.build(
                agreement="sv-2025-offer",
                pathway="return_of_nationals",
                destination="SV",
                as_of=as_of,
            ),
        ),
        (
            "Synthetic case files: custody at CECOT",
            synthetic,
            DecisionRequest.build(
                agreement="sv-2025-offer",
                pathway="custody_placement",
                destination="SV",
                facility="CECOT",
                as_of=as_of,
                # the mission's registry starts empty: nobody is held in CECOT under the offer
                facility_counts=FacilityCounts(0, 0, source="the demo's census (CECOT empty)"),
            ),
        ),
    ]
    for title, cases, request in runs:
        summary = run_screen(cases, request, out_dir / f"decisions-{len(summaries) + 1}.parquet")
        print_summary(summary, title=title)
        summaries.append((title, summary))
    report = write_screen_report(
        summaries=summaries,
        out_dir=out_dir / "report",
        title=f"Screening under the El Salvador offer (sv-2025-offer), as of {as_of}",
        rule_titles={r.id: r.title for r in RULES.values()},
        rule_citations={r.id: "; ".join(r.citations) or "agreement term" for r in RULES.values()},
        sources={
            runs[0][0]: docket_source(
                sample, export=imported.source, period=period_in(imported.source), fictional=False
            ),
            runs[1][0]: docket_source(
                synthetic,
                export="Accord's bundled synthetic case files (the demo's fictional persons)",
                period="none: invented persons, no real period",
                fictional=True,
            ),
        },
    )
    console.print(f"\nHTML report with charts: {report}")
    console.print(
        "Explain one decision, e.g.: accord explain "
        f"{synthetic} --person <id> --agreement sv-2025-offer --pathway custody_placement "
        f"--destination SV --facility CECOT --as-of {as_of}",
        highlight=False,
        soft_wrap=True,
    )
    mission = run_mission_demo(out_dir=out_dir, console=console)
    console.rule("[bold]Demo users[/bold]")
    print_users(console, mission.users, mission.database)
    demo_hint(
        console,
        f"sqlite:///{mission.database.resolve()}",
        [(name, role, mission.tokens.get(name)) for name, role in mission.users.items()],
        admin="ada",
    )
    return report
