"""Manifests as CSV rows, and as the printable document (HTML with a print stylesheet, and PDF
through WeasyPrint: accord.documents): every passenger with the decision behind their boarding."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord import documents
from accord.atomic_output import write_file
from accord.decisions.models import DecisionRecord
from accord.documents import ManifestDocument
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


def write_html(document: ManifestDocument, path: Path) -> None:
    """The manifest document (accord.documents.manifest_document) as one printable HTML page."""
    documents.write_html(document, path)


def write_pdf(document: ManifestDocument, path: Path) -> None:
    """The manifest document as PDF: A4 landscape, page numbers, signature blocks."""
    documents.write_pdf(document, path)
