"""Where a screened docket's data comes from, as a report names it: the file, the export or
generator it came from, the period its records cover, and whether it is fictional.

A docket snapshot says it in its manifest (the note `registry snapshot` or `docket generate`
wrote: "registry as known on ...", "synthetic docket: ..."); a file of case files says
nothing of itself, so its caller states what it is (the ICE ERO importer names the export and
its period from the export's own banner).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.facts.snapshot import MANIFEST, is_snapshot

NOT_STATED = "not stated"


@dataclass(frozen=True)
class DocketSource:
    file: str  # the file or snapshot folder screened
    export: str  # what it is: the export, registry or generator it came from
    period: str  # the period its records cover, or NOT_STATED
    fictional: bool  # synthetic persons: the report marks the docket as fictional


def _manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads((path / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def docket_source(
    path: Path,
    *,
    export: str | None = None,
    period: str | None = None,
    fictional: bool | None = None,
) -> DocketSource:
    """The source of the docket at `path`: what the caller states, else what a snapshot's
    manifest says (a synthetic docket is fictional; a registry snapshot is as known on its
    date), else "not stated"."""
    manifest = _manifest(path) if is_snapshot(path) else {}
    note = str(manifest.get("note") or "")
    synthetic = note.startswith("synthetic")
    if manifest:
        made = str(manifest.get("created_at") or "")
        export = export or f"docket snapshot: {note or 'no note'}"
        period = period or (f"snapshot written {made}" if made else None)
    return DocketSource(
        file=str(path),
        export=export or "case files (JSON Lines); origin not stated",
        period=period or NOT_STATED,
        fictional=synthetic if fictional is None else fictional,
    )


_DATE_SPAN = re.compile(r"\((\d{2})/(\d{2})/(\d{4}) - (\d{2})/(\d{2})/(\d{4})\)")
_FISCAL_SPAN = re.compile(r"FY\s?(\d{4})\s?-\s?FY\s?(\d{4})( YTD)?")


def period_in(text: str) -> str | None:
    """The period an export's own name states ("FY2012 - FY2019 YTD (01/01/2012 -
    07/06/2019)" in an ICE ERO banner), as ISO dates with the fiscal years; None if none."""
    parts = []
    if fiscal := _FISCAL_SPAN.search(text):
        parts.append(f"fiscal years {fiscal[1]} to {fiscal[2]}{' (to date)' if fiscal[3] else ''}")
    if span := _DATE_SPAN.search(text):
        m1, d1, y1, m2, d2, y2 = span.groups()
        parts.append(f"{y1}-{m1}-{d1} to {y2}-{m2}-{d2}")
    return ", ".join(parts) or None
