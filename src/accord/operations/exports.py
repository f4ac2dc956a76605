"""Manifests as CSV and as a printable page (HTML, and PDF through matplotlib):
every passenger with the decision behind their boarding."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.atomic_output import write_file
from accord.decisions.models import DecisionRecord
from accord.operations.events import get_mission
from accord.operations.missions import mission_cases
from accord.operations.models import Mission, OperationsEvent

COLUMNS = (
    "seq",
    "person_id",
    "case_id",
    "state",
    "outcome",
    "decision_record",
    "failed",
    "unknown",
)


@dataclass(frozen=True)
class ManifestRow:
    seq: int
    person_id: str
    case_id: int
    state: str
    outcome: str
    decision_record: int | None
    failed: str
    unknown: str

    def values(self) -> list[str]:
        return [
            str(self.seq),
            self.person_id,
            str(self.case_id),
            self.state,
            self.outcome,
            "" if self.decision_record is None else str(self.decision_record),
            self.failed,
            self.unknown,
        ]


def manifest_rows(session: Session, *, mission_number: str) -> tuple[Mission, list[ManifestRow]]:
    """Each case ever on the manifest, with its latest boarding decision (strike or departure)."""
    mission = get_mission(session, mission_number)
    rows = []
    for seq, case in enumerate(mission_cases(session, mission), start=1):
        record_id = session.scalars(
            select(OperationsEvent.decision_record_id)
            .where(
                OperationsEvent.case_id == case.id,
                OperationsEvent.kind.in_(["struck", "departed"]),
                OperationsEvent.mission_id == mission.id,
            )
            .order_by(OperationsEvent.id.desc())
            .limit(1)
        ).first()
        record = session.get(DecisionRecord, record_id) if record_id else None
        explanation = record.explanation if record is not None else {}
        failed = "; ".join(f"{r['rule']} ({r['citation']})" for r in explanation.get("failed", []))
        unknown = "; ".join(
            f"{r['rule']} ({r['citation']})" for r in explanation.get("unknown", [])
        )
        rows.append(
            ManifestRow(
                seq,
                case.person_id,
                case.id,
                case.state,
                record.outcome if record else "not checked",
                record.id if record else None,
                failed,
                unknown,
            )
        )
    return mission, rows


def write_csv(rows: list[ManifestRow], path: Path) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    writer.writerows(r.values() for r in rows)
    data = text.getvalue().encode("utf-8")
    write_file(path, lambda handle: handle.write(data), what="the manifest")


def _title(mission: Mission) -> str:
    return (
        f"Manifest {mission.mission_number} ({mission.carrier}): {mission.agreement_id}, "
        f"{mission.pathway} to {mission.destination}/{mission.facility_id}, "
        f"planned {mission.planned_departure.isoformat()}, state {mission.state}"
    )


def write_html(mission: Mission, rows: list[ManifestRow], path: Path) -> None:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r.values()) + "</tr>" for r in rows
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(mission.mission_number)}</title>
<style>body{{font-family:sans-serif;font-size:10pt}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:2px 4px;vertical-align:top}}
@media print{{tr{{page-break-inside:avoid}}}}</style></head><body>
<h1>{html.escape(_title(mission))}</h1>
<p>Every passenger with the decision behind their boarding: outcome, decision record
(replay with <code>accord decisions replay ID</code>), failed and unknown rules with citations.</p>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>
"""
    data = page.encode("utf-8")
    write_file(path, lambda handle: handle.write(data), what="the manifest")


def write_pdf(mission: Mission, rows: list[ManifestRow], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    lines = [_title(mission), ""]
    for r in rows:
        lines.append(
            f"{r.seq:>4} {r.person_id:<20} case {r.case_id:<6} {r.state:<18} "
            f"{r.outcome:<13} record {r.decision_record or '-'}"
        )
        for label, text in (("failed", r.failed), ("unknown", r.unknown)):
            if text:
                lines.append(f"       {label}: {text[:150]}")
    write_file(path, lambda handle: _pdf_pages(lines, handle), what="the manifest")


def _pdf_pages(lines: list[str], handle: IO[bytes]) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    per_page = 60
    with PdfPages(handle) as pdf:
        for start in range(0, max(len(lines), 1), per_page):
            fig = plt.figure(figsize=(8.27, 11.69))  # A4 portrait
            fig.text(
                0.04,
                0.97,
                "\n".join(lines[start : start + per_page]),
                va="top",
                family="monospace",
                fontsize=6.5,
            )
            pdf.savefig(fig)
            plt.close(fig)
