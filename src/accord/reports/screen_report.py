"""A screen report: one self-contained HTML page, with its charts also written as PNG files.

The page shows where each docket's data comes from (file, export, period; a
fictional docket is marked as fictional, at the top and wherever it is named),
what was asked (agreement, pathway, destination, facility, date, ruleset), each
docket's outcomes, which rules fail most often and which facts Accord does not
have, with every rule's citation. The charts are laid out by matplotlib's
constrained layout with wrapped labels, so no text overlaps another
(tests/test_screen_report.py measures it). The charts are
embedded as data URIs so the single file works offline, and written beside
it for reuse in other documents.

Nothing is written until everything has been rendered, and each file lands
by rename, so a failure leaves no partial report behind (reports/output.py).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.engine.decision import OUTCOMES
from accord.engine.screen import ScreenSummary
from accord.errors import InputError
from accord.reports.output import Chart, generated_at, png, report_environment, write_files
from accord.reports.sources import NOT_STATED, DocketSource

if TYPE_CHECKING:
    from matplotlib.figure import Figure

REPORT_FILE = "report.html"
OUTCOMES_CHART = "outcomes.png"
FAILING_CHART = "failing_rules.png"
UNKNOWN_CHART = "unknown_rules.png"
TOP_RULES = 12
DPI = 120

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
OUTCOME_COLOURS: dict[str, str] = {
    "eligible": "#009E73",
    "ineligible": "#D55E00",
    "undetermined": "#56B4E9",
}
OUTCOME_MEANINGS: dict[str, str] = {
    "eligible": "every applicable rule passes: no rule Accord encodes stands in the way. "
    "It is not an order to transfer, and counsel must still review the case.",
    "ineligible": "at least one rule fails on recorded, adjudicated facts. A fact that is "
    "missing elsewhere in the file cannot change this.",
    "undetermined": "no rule fails, but at least one rule needs a fact the case file does not "
    "record (an absent list means 'not known'). Record the fact and screen again.",
}


def write_screen_report(
    *,
    summaries: list[tuple[str, ScreenSummary]],
    out_dir: Path,
    title: str,
    rule_titles: dict[str, str],
    rule_citations: dict[str, str],
    sources: Mapping[str, DocketSource] | None = None,
) -> Path:
    """Write out_dir/report.html and its PNG charts; return the path of the HTML file.

    `summaries` pairs each docket's name with its screen summary; `sources` says where each
    docket's data comes from (reports/sources.py; a docket without one is shown as "source
    not stated"). Raises
    InputError if there is nothing to report or `out_dir` cannot be created;
    in either case nothing is written.
    """
    if not summaries:
        raise InputError("a screen report needs at least one screened docket")
    names = [name for name, _ in summaries]
    if len(set(names)) != len(names):
        raise InputError(f"docket names must be distinct: {', '.join(names)}")
    known = dict(sources or {})
    if unknown_names := sorted(set(known) - set(names)):
        raise InputError(f"a source names no screened docket: {', '.join(unknown_names)}")
    failing = _rule_rows(summaries, "failing_rules", rule_titles, rule_citations)
    unknown = _rule_rows(summaries, "unknown_rules", rule_titles, rule_citations)
    fictional = {name for name in names if name in known and known[name].fictional}
    charts = _render_charts(summaries, failing, unknown, fictional)
    html = _render_html(
        title=title,
        summaries=summaries,
        sources=known,
        charts=charts,
        failing=failing,
        unknown=unknown,
        rule_titles=rule_titles,
    )
    files = {c.file: c.png for c in charts}
    files[REPORT_FILE] = html.encode("utf-8")  # last: the page appears only with its charts
    write_files(out_dir, files)
    return out_dir / REPORT_FILE


# ---- data for the page and the charts ----------------------------------------------------


def _rule_rows(
    summaries: list[tuple[str, ScreenSummary]],
    which: str,
    titles: dict[str, str],
    citations: dict[str, str],
) -> list[dict[str, Any]]:
    """One row per rule: counts per docket and in total, most frequent first."""
    per_docket: dict[str, dict[str, int]] = {}
    for name, summary in summaries:
        for rule, count in getattr(summary, which):
            per_docket.setdefault(rule, {})[name] = int(count)
    rows = [
        {
            "rule": rule,
            "title": titles.get(rule, rule),
            "citation": citations.get(rule, ""),
            "counts": [counts.get(name, 0) for name, _ in summaries],
            "total": sum(counts.values()),
        }
        for rule, counts in per_docket.items()
    ]
    return sorted(rows, key=lambda r: (-r["total"], r["rule"]))


def _short(value: Any, length: int = 12) -> str:
    return str(value)[:length] if value else "not recorded"


def _request_rows(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    agreement = metadata.get("agreement") or {}
    ruleset = metadata.get("ruleset") or {}
    return [
        ("Agreement", f"{agreement.get('id', '?')} v{agreement.get('version', '?')}"),
        ("Agreement status", str(agreement.get("status") or "not recorded")),
        ("Agreement digest", _short(agreement.get("digest"))),
        ("Pathway", str(metadata.get("pathway") or "not recorded")),
        ("Destination", str(metadata.get("destination") or "not recorded")),
        ("Facility", str(metadata.get("facility") or "none")),
        ("As of", str(metadata.get("as_of") or "not recorded")),
        ("Ruleset", f"v{ruleset.get('version', '?')}, hash {_short(ruleset.get('hash'))}"),
        ("Parameters digest", _short(ruleset.get("parameters_digest"))),
        ("Notice profile", str(ruleset.get("notice_profile") or "not recorded")),
    ]


def _requests(summaries: list[tuple[str, ScreenSummary]]) -> list[dict[str, Any]]:
    """The distinct requests, each with the dockets screened under it."""
    groups: list[dict[str, Any]] = []
    for name, summary in summaries:
        rows = _request_rows(summary.metadata)
        for group in groups:
            if group["rows"] == rows:
                group["dockets"].append(name)
                break
        else:
            groups.append({"rows": rows, "dockets": [name]})
    return groups


def _source_row(name: str, source: DocketSource | None) -> dict[str, Any]:
    if source is None:
        return {"name": name, "file": NOT_STATED, "export": "source not stated",
                "period": NOT_STATED, "fictional": False, "stated": False}  # fmt: skip
    return {"name": name, **source.__dict__, "stated": True}


def _dockets(
    summaries: list[tuple[str, ScreenSummary]], sources: Mapping[str, DocketSource]
) -> list[dict[str, Any]]:
    dockets = []
    for name, s in summaries:
        rows = []
        for outcome in OUTCOMES:
            count = int(s.outcomes.get(outcome, 0))
            share = 100.0 * count / s.persons if s.persons else 0.0
            rows.append({"outcome": outcome, "count": count, "share": f"{share:.1f}%"})
        dockets.append(
            {
                "name": name,
                "persons": s.persons,
                "rows": rows,
                "rules": len(s.rules),
                "seconds": f"{s.seconds:.2f}",
                "not_in_effect": list(s.metadata.get("not_in_effect") or []),
                "source": _source_row(name, sources.get(name)),
            }
        )
    return dockets


# ---- charts ------------------------------------------------------------------------------


def _label(text: str) -> str:
    """Chart text: `$` would start matplotlib mathtext."""
    return text.replace("$", r"\$")


def docket_label(name: str, fictional: bool) -> str:
    """A docket's name on a chart: wrapped, and marked when its data is fictional."""
    return _label("\n".join(textwrap.wrap(name, 18) + (["(fictional)"] if fictional else [])))


def outcomes_figure(
    summaries: list[tuple[str, ScreenSummary]], fictional: frozenset[str] | set[str] = frozenset()
) -> Figure:
    """Grouped bars of the outcomes per docket. Constrained layout keeps the wrapped docket
    names, the bar labels and the legend (below the axes) clear of each other."""
    from matplotlib.figure import Figure

    n = len(summaries)
    figure = Figure(figsize=(max(6.0, 2.2 * n + 2.0), 4.6), layout="constrained")
    ax = figure.add_subplot()
    width = 0.8 / len(OUTCOMES)
    for i, outcome in enumerate(OUTCOMES):
        xs = [d + (i - 1) * width for d in range(n)]
        counts = [int(s.outcomes.get(outcome, 0)) for _, s in summaries]
        bars = ax.bar(xs, counts, width, label=outcome, color=OUTCOME_COLOURS[outcome])
        ax.bar_label(bars, labels=[str(c) for c in counts], padding=2, fontsize=9)
    ax.set_xticks(range(n), [docket_label(nm, nm in fictional) for nm, _ in summaries])
    ax.set_ylabel("persons")
    ax.set_title("Outcomes per docket")
    ax.margins(y=0.15)
    ax.spines[["top", "right"]].set_visible(False)
    figure.legend(frameon=False, ncols=3, loc="outside lower center")
    return figure


def rules_figure(
    rows: Sequence[dict[str, Any]], title: str, colour: str, empty: str, xlabel: str
) -> Figure:
    """Horizontal bars of the rules most often failing (or unknown), each labelled with its
    title wrapped to a few short lines; the figure grows with the lines it must hold."""
    from matplotlib.figure import Figure

    top = list(rows[:TOP_RULES])
    labels = [_label("\n".join(textwrap.wrap(f"{r['title']} ({r['rule']})", 40))) for r in top]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = max(0.5 * len(top), 0.2 * lines) + 1.5 if top else 1.6
    figure = Figure(figsize=(8.0, height), layout="constrained")
    ax = figure.add_subplot()
    ax.set_title("\n".join(textwrap.wrap(_label(title), 60)))
    if not top:
        ax.text(0.5, 0.5, empty, ha="center", va="center", fontsize=11)
        ax.set_axis_off()
        return figure
    counts = [r["total"] for r in top]
    bars = ax.barh(range(len(top)), counts, color=colour)
    ax.bar_label(bars, labels=[str(c) for c in counts], padding=3, fontsize=9)
    ax.set_yticks(range(len(top)), labels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.margins(x=0.12)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def _rules_png(*args: Any) -> bytes:
    return png(rules_figure(*args), dpi=DPI)


def _render_charts(
    summaries: list[tuple[str, ScreenSummary]],
    failing: list[dict[str, Any]],
    unknown: list[dict[str, Any]],
    fictional: set[str],
) -> list[Chart]:
    several = len(summaries) > 1
    scope = "all dockets" if several else summaries[0][0]
    xlabel = "persons (summed over dockets)" if several else "persons"
    return [
        Chart(
            OUTCOMES_CHART,
            "Outcomes per docket",
            "Bar chart of eligible, ineligible and undetermined persons per docket",
            png(outcomes_figure(summaries, fictional), dpi=DPI),
        ),
        Chart(
            FAILING_CHART,
            "Rules that fail most often",
            f"Horizontal bar chart of the {TOP_RULES} most frequent failing rules",
            _rules_png(
                failing,
                f"Rules that fail most often ({scope})",
                OUTCOME_COLOURS["ineligible"],
                "No rule failed.",
                xlabel,
            ),
        ),
        Chart(
            UNKNOWN_CHART,
            "Facts Accord does not have",
            f"Horizontal bar chart of the {TOP_RULES} rules most often unknown",
            _rules_png(
                unknown,
                f"Facts Accord does not have: rules unknown ({scope})",
                OUTCOME_COLOURS["undetermined"],
                "No rule was unknown: every needed fact was recorded.",
                xlabel,
            ),
        ),
    ]


# ---- page --------------------------------------------------------------------------------


def _render_html(
    *,
    title: str,
    summaries: list[tuple[str, ScreenSummary]],
    sources: Mapping[str, DocketSource],
    charts: list[Chart],
    failing: list[dict[str, Any]],
    unknown: list[dict[str, Any]],
    rule_titles: dict[str, str],
) -> str:
    template = report_environment("accord.reports").get_template("screen_report.html")
    return template.render(
        title=title,
        generated=generated_at(),
        requests=_requests(summaries),
        dockets=_dockets(summaries, sources),
        docket_names=[name for name, _ in summaries],
        charts=charts,
        failing=failing,
        unknown=unknown,
        rule_titles=rule_titles,
        outcomes=[(o, OUTCOME_COLOURS[o], OUTCOME_MEANINGS[o]) for o in OUTCOMES],
        colours=OUTCOME_COLOURS,
    )
