"""The transparency report's HTML page and its charts (matplotlib, as the screen report).

The charts draw only published figures: a suppressed cell is a gap, never a number. The page
states the provenance (audit chain head, ruleset hash, time) and how to check it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.publish.tables import PERIOD, TOTAL, CountTable
from accord.reports.output import Chart, png, report_environment

if TYPE_CHECKING:
    from accord.publish.service import Publication

REPORT_FILE = "report.html"
DPI = 110
# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]


def _total_row(table: CountTable) -> list[int | None]:
    cells = table.published()[-1]
    return cells[: len(table.months)]


def _axes_style(axes: Any, title: str, unit: str) -> None:
    """Counts from 0, in whole numbers, months slanted."""
    from matplotlib.ticker import MaxNLocator

    axes.set_title(title)
    axes.set_ylabel(unit)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelrotation=45)


def _bar_chart(file: str, title: str, table: CountTable) -> Chart:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2))
    axes = figure.add_subplot()
    values = _total_row(table)
    shown = [(m, v) for m, v in zip(table.months, values, strict=True) if v is not None]
    axes.bar([m for m, _ in shown], [v for _, v in shown], color=COLOURS[0])
    hidden = [m for m, v in zip(table.months, values, strict=True) if v is None]
    _axes_style(axes, title, table.unit)
    alt = f"{title}: " + ", ".join(f"{m} {v}" for m, v in shown)
    if hidden:
        alt += f"; suppressed: {', '.join(hidden)}"
    return Chart(file, title, alt, png(figure, dpi=DPI))


def _rows_chart(file: str, title: str, table: CountTable) -> Chart:
    """One line per published row (the rows' published months only)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.6))
    axes = figure.add_subplot()
    cells = table.published()
    alt_parts = []
    for index, (row, values) in enumerate(zip(table.rows, cells, strict=False)):
        points = [(m, v) for m, v in zip(table.months, values, strict=False) if v is not None]
        if not points:
            continue
        axes.plot(
            [m for m, _ in points],
            [v for _, v in points],
            marker="o",
            label=row,
            color=COLOURS[index % len(COLOURS)],
        )
        alt_parts.append(f"{row}: " + ", ".join(f"{m} {v}" for m, v in points))
    _axes_style(axes, title, table.unit)
    if alt_parts:
        axes.legend(fontsize="small")
    return Chart(file, title, f"{title}. " + "; ".join(alt_parts), png(figure, dpi=DPI))


def html_table(table: CountTable) -> dict[str, Any]:
    """A table as the report page and the dashboard show it: (label, cells) rows."""
    return {
        "name": table.name,
        "title": table.title,
        "unit": table.unit,
        "label": table.label,
        "columns": table.columns,
        "rows": list(zip([*table.rows, TOTAL], table.published(), strict=True)),
        "suppressed": len(table.hidden),
        "verified": table.verified,
        "records": table.records,
        "not_checkable": table.not_checkable,
    }


def render_report(publication: Publication) -> dict[str, bytes]:
    """report.html and its PNG charts, by file name."""
    by_name = {t.name: t for t in publication.tables}
    charts = [
        _bar_chart(
            "transfers.png", "Persons transferred per month", by_name["transfers_by_facility"]
        ),
        _rows_chart(
            "decisions.png", "Decisions per month, by outcome", by_name["decisions_by_outcome"]
        ),
        _rows_chart(
            "held.png", "Persons held at the end of each month", by_name["held_by_facility"]
        ),
    ]
    template = report_environment("accord.publish").get_template("publish_report.html")
    html = template.render(
        report_kind="transparency",
        title=f"Transparency report, {publication.provenance.period}",
        provenance=publication.provenance,
        tables=[html_table(t) for t in publication.tables],
        fees=publication.fees,
        fee_rows=publication.fees.published(),
        limits=publication.limits,
        charts=charts,
        period_column=PERIOD,
    )
    files = {REPORT_FILE: html.encode("utf-8")}
    files.update({chart.file: chart.png for chart in charts})
    return files
