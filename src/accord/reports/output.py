"""What every report shares: its charts, its page's head and style, and how its files are written.

The screen report (reports/screen_report.py) and the simulation report
(simulation/report.py) are each one self-contained HTML page with PNG charts:
drawn with matplotlib's Agg canvas (no pyplot state), embedded as data URIs and
written beside the page. Their templates extend `report_base.html` (the head
and the style they share). Every file is written to a temporary name and
renamed into place, so a failure leaves no partial report behind
(accord.atomic_output.write_files, shared by every command that writes files).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from accord.atomic_output import write_files

__all__ = ["Chart", "generated_at", "png", "report_environment", "write_files"]


@dataclass(frozen=True)
class Chart:
    file: str
    title: str
    alt: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def png(figure: Any, *, dpi: int) -> bytes:
    """The figure as PNG bytes, drawn by the Agg backend for this figure only."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def report_environment(package: str) -> Environment:
    """Templates of `package`, then the shared ones of accord.reports (report_base.html)."""
    return Environment(
        loader=ChoiceLoader(
            [PackageLoader(package, "templates"), PackageLoader("accord.reports", "templates")]
        ),
        autoescape=True,  # always: titles, names, sources and citations are data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def generated_at() -> str:
    """When a report was generated, as its page says it."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
