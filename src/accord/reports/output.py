"""What every report shares: its charts, its page's head and style, and how its files are written.

The screen report (reports/screen_report.py) and the simulation report
(simulation/report.py) are each one self-contained HTML page with PNG charts:
drawn with matplotlib's Agg canvas (no pyplot state), embedded as data URIs and
written beside the page. Their templates extend `report_base.html` (the head
and the style they share). Every file is written to a temporary name and
renamed into place, so a failure leaves no partial report behind.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from accord.errors import InputError


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


def write_files(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary name, then rename them all into place.

    Files of `out_dir` that are not in `files` are left alone. InputError if the
    folder cannot be made or a file cannot be written; nothing is left behind then.
    """
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write the report to {out_dir}: {exc.strerror or exc}") from exc
    token = secrets.token_hex(4)
    pending: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            tmp = out_dir / f".{name}.{token}.partial"
            pending.append((tmp, out_dir / name))
            with tmp.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, final in pending:
            tmp.replace(final)
    except BaseException as exc:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only if empty: never remove anything that was there
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise InputError(f"cannot write the report to {out_dir}: {reason}") from exc
        raise
