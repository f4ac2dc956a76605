"""The screen report: an HTML page with its charts, escaped, and written all or nothing; it names
where each docket comes from and marks fictional data; no chart text overlaps another."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from typing import Any

import pytest

from accord import atomic_output
from accord.casefile.reader import read_case_files
from accord.demo import SYNTHETIC_CASES
from accord.engine import DecisionRequest, FactStore, ScreenSummary, screen_docket
from accord.errors import InputError
from accord.facts import case_files_to_tables
from accord.law.catalogue import RULES
from accord.reports.screen_report import (
    FAILING_CHART,
    OUTCOMES_CHART,
    REPORT_FILE,
    TOP_RULES,
    UNKNOWN_CHART,
    outcomes_figure,
    rules_figure,
    write_screen_report,
)
from accord.reports.sources import DocketSource, docket_source, period_in

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHARTS = (OUTCOMES_CHART, FAILING_CHART, UNKNOWN_CHART)
TITLES = {r.id: r.title for r in RULES.values()}
CITATIONS = {r.id: "; ".join(r.citations) for r in RULES.values()}


def _summary(
    outcomes: dict[str, int],
    failing: list[tuple[str, int]],
    unknown: list[tuple[str, int]],
    as_of: str = "2025-03-16",
) -> ScreenSummary:
    metadata: dict[str, Any] = {
        "agreement": {
            "id": "sv-2025-offer",
            "version": 1,
            "status": "offer",
            "digest": "ab12cd34ef56" + "0" * 52,
        },
        "ruleset": {
            "version": "1",
            "hash": "fe98dc76ba54" + "1" * 52,
            "parameters_digest": "0123456789ab" + "2" * 52,
            "notice_profile": "most_protective",
        },
        "parameters": [],
        "pathway": "custody_placement",
        "destination": "SV",
        "facility": "CECOT",
        "as_of": as_of,
        "not_in_effect": [],
    }
    return ScreenSummary(
        persons=sum(outcomes.values()),
        outcomes=outcomes,
        failing_rules=failing,
        unknown_rules=unknown,
        rules=sorted(TITLES),
        metadata=metadata,
        seconds=0.25,
    )


@pytest.fixture
def summaries() -> list[tuple[str, ScreenSummary]]:
    return [
        (
            "docket A",
            _summary(
                {"eligible": 17, "ineligible": 41, "undetermined": 9},
                [("third_country_notice", 23), ("conviction_required", 19), ("no_withholding", 4)],
                [("conviction_required", 7), ("no_stay", 3)],
            ),
        ),
        (
            "docket B",
            _summary(
                {"eligible": 5, "ineligible": 88, "undetermined": 13},
                [("citizenship", 31), ("final_order", 12)],
                [("adult", 13)],
                as_of="2025-04-05",
            ),
        ),
    ]


def _write(summaries: list[tuple[str, ScreenSummary]], out_dir: Path, **kw: Any) -> Path:
    args: dict[str, Any] = {
        "summaries": summaries,
        "out_dir": out_dir,
        "title": "CECOT placement screen",
        "rule_titles": TITLES,
        "rule_citations": CITATIONS,
    }
    return write_screen_report(**{**args, **kw})


def _text_without_images(html: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)


def test_report_shows_outcomes_rules_and_citations(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path
) -> None:
    path = _write(summaries, tmp_path / "report")
    assert path == tmp_path / "report" / REPORT_FILE
    html = _text_without_images(path.read_text("utf-8"))
    assert '<meta name="viewport"' in html
    for count in (17, 41, 9, 5, 88, 13, 67, 106):
        assert f'<td class="num">{count}</td>' in html or f'<th class="num">{count}</th>' in html
    for rule in ("third_country_notice", "conviction_required", "no_withholding", "citizenship"):
        assert f"<code>{rule}</code>" in html
        assert TITLES[rule] in html
    for rule in ("third_country_notice", "no_withholding", "citizenship", "final_order"):
        assert CITATIONS[rule] in html.replace("&#39;", "'")
    assert "8 U.S.C. 1231(b)(3)" in html
    # The request, with digests shortened.
    for text in ("sv-2025-offer v1", "custody_placement", "CECOT", "2025-03-16", "2025-04-05"):
        assert text in html
    assert "ab12cd34ef56" in html
    assert "ab12cd34ef560" not in html
    assert "fe98dc76ba54" in html
    assert "most_protective" in html
    assert "<em>eligible</em> only when every applicable rule passes" in " ".join(html.split())


def test_charts_are_png_files_and_embedded(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path
) -> None:
    out = tmp_path / "report"
    html = _write(summaries, out).read_text("utf-8")
    for name in CHARTS:
        data = (out / name).read_bytes()
        assert data.startswith(PNG_MAGIC)
        assert len(data) > 1000
        assert "data:image/png;base64," + base64.b64encode(data).decode() in html
    assert sorted(p.name for p in out.iterdir()) == sorted([*CHARTS, REPORT_FILE])


def test_html_escapes_titles_names_and_citations(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path
) -> None:
    attack = "<script>alert('x')</script>"
    html = _write(
        summaries,
        tmp_path / "report",
        title=f"Screen {attack}",
        rule_titles={**TITLES, "no_withholding": f"Withholding {attack}"},
        rule_citations={**CITATIONS, "citizenship": f"8 U.S.C. 1101(a)(3) {attack}"},
    ).read_text("utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "Withholding &lt;script&gt;" in html


def test_no_failures_and_no_unknowns(tmp_path: Path) -> None:
    clean = [("clean", _summary({"eligible": 3, "ineligible": 0, "undetermined": 0}, [], []))]
    out = tmp_path / "report"
    html = _write(clean, out).read_text("utf-8")
    assert "No rule failed." in html
    assert "No rule was unknown" in html
    for name in CHARTS:
        assert (out / name).read_bytes().startswith(PNG_MAGIC)


def test_unknown_rule_id_falls_back_to_the_id(tmp_path: Path) -> None:
    odd = [("x", _summary({"eligible": 0, "ineligible": 2, "undetermined": 0}, [("quota", 2)], []))]
    html = _write(odd, tmp_path / "r", rule_titles={}, rule_citations={}).read_text("utf-8")
    assert "<code>quota</code>" in html
    assert "agreement term" in html


def test_parent_is_a_file_writes_nothing(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("keep me", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError, match="cannot write the report"):
        _write(summaries, blocker / "report")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert blocker.read_text("utf-8") == "keep me"


def test_failure_midway_leaves_no_partial_files(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(atomic_output.os, "fsync", failing_fsync)
    out = tmp_path / "report"
    with pytest.raises(InputError, match="No space left"):
        _write(summaries, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_rewrite_replaces_and_keeps_other_files(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path
) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "decisions.parquet").write_bytes(b"not ours")
    _write(summaries, out)
    _write(summaries[:1], out, title="Second run")
    html = (out / REPORT_FILE).read_text("utf-8")
    assert "Second run" in html
    assert "docket B" not in html
    assert (out / "decisions.parquet").read_bytes() == b"not ours"
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


def test_refuses_nothing_to_report(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least one"):
        _write([], tmp_path / "r")
    assert list(tmp_path.iterdir()) == []


def test_report_of_the_demo_screen(tmp_path: Path) -> None:
    store = FactStore.from_tables(case_files_to_tables(read_case_files(SYNTHETIC_CASES).cases))
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        facility="CECOT",
        as_of="2025-03-16",
    )
    summary = screen_docket(store=store, request=request, out=tmp_path / "d.parquet")
    store.close()
    path = _write([("demo", summary)], tmp_path / "report")
    html = _text_without_images(path.read_text("utf-8"))
    for outcome, count in summary.outcomes.items():
        assert f'{outcome}</td>\n        <td class="num">{count}</td>' in html
    for rule, _count in summary.failing_rules:
        assert f"<code>{rule}</code>" in html
    assert summary.metadata["ruleset"]["hash"][:12] in html


# ---- where the data comes from, and fictional data marked ------------------------------


def test_sources_are_named_and_fictional_data_is_marked(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path
) -> None:
    sources = {
        "docket A": DocketSource(
            file="data/ice-ero-seattle-expedited-removals-fy2012-2019.csv",
            export="ICE ERO FOIA export (UW v. DHS)",
            period="2012-01-01 to 2019-07-06",
            fictional=False,
        ),
        "docket B": DocketSource(
            file="synthetic_cases.jsonl", export="bundled", period="none", fictional=True
        ),
    }
    html = _text_without_images(_write(summaries, tmp_path / "r", sources=sources).read_text())
    for text in ("ice-ero-seattle-expedited-removals-fy2012-2019.csv", "UW v. DHS"):
        assert text in html
    assert "2012-01-01 to 2019-07-06" in html
    banner = re.search(r'<p class="fictional-banner"[^>]*>(.*?)</p>', html, re.S)
    assert banner is not None
    assert "docket B" in banner.group(1)
    assert "docket A" not in banner.group(1)
    assert html.index('id="fictional"') < html.index('id="outcomes-explained"')  # at the top
    assert re.search(r"<h3>docket B <span class=\"tag-fictional\">fictional</span></h3>", html)
    assert not re.search(r"<h3>docket A <span", html)


def test_a_docket_without_a_source_says_so_and_is_not_called_real(
    summaries: list[tuple[str, ScreenSummary]], tmp_path: Path
) -> None:
    html = _text_without_images(_write(summaries, tmp_path / "r").read_text("utf-8"))
    assert "source not stated" in html
    assert "real records" not in html
    assert 'class="fictional-banner"' not in html
    with pytest.raises(InputError, match="no screened docket: docket C"):
        _write(summaries, tmp_path / "s", sources={"docket C": docket_source(tmp_path)})


def test_docket_source_reads_a_snapshot_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "snap"
    folder.mkdir()
    (folder / "manifest.json").write_text(
        '{"format": "accord-docket-snapshot", "note": "synthetic docket: 100 persons, seed 1",'
        ' "created_at": "2026-01-02T03:04:05+00:00"}',
        encoding="utf-8",
    )
    source = docket_source(folder)
    assert source.fictional
    assert "synthetic docket: 100 persons" in source.export
    assert source.period == "snapshot written 2026-01-02T03:04:05+00:00"
    plain = docket_source(tmp_path / "cases.jsonl")
    assert not plain.fictional
    assert plain.period == "not stated"
    assert period_in("FY2012 - FY2019 YTD (01/01/2012 - 07/06/2019) ICE") == (
        "fiscal years 2012 to 2019 (to date), 2012-01-01 to 2019-07-06"
    )


# ---- charts: no text overlaps another ---------------------------------------------------


def _text_boxes(figure: Any) -> list[tuple[str, Any]]:
    """Every visible text of the figure with its extent in pixels, as drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts: list[Any] = []
    for ax in figure.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        # the ticks within the axes' limits: matplotlib draws only those
        texts += [t for t in ax.get_xticklabels() if x0 <= t.get_position()[0] <= x1]
        texts += [t for t in ax.get_yticklabels() if y0 <= t.get_position()[1] <= y1]
        texts.append(ax.title)
        texts += [ax.xaxis.label, ax.yaxis.label, *ax.texts]
    for legend in figure.legends:
        texts += legend.get_texts()
    return [
        (t.get_text(), t.get_window_extent(renderer))
        for t in texts
        if t.get_visible() and t.get_text().strip()
    ]


def _assert_no_overlap(figure: Any) -> None:
    boxes = _text_boxes(figure)
    assert len(boxes) > 3
    frame = figure.bbox
    for text, box in boxes:
        inside = frame.x0 - 1 <= box.x0 <= box.x1 <= frame.x1 + 1
        assert inside, f"{text!r} leaves the figure"
        assert frame.y0 - 1 <= box.y0 <= box.y1 <= frame.y1 + 1, f"{text!r} leaves the figure"
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            overlap = box_a.shrunk(0.98, 0.98).overlaps(box_b.shrunk(0.98, 0.98))
            assert not overlap, f"{a!r} overlaps {b!r}"


LONG_NAME = "ICE ERO FOIA export, Seattle Area of Responsibility, expedited removals FY2012-2019"


def test_outcomes_chart_labels_do_not_overlap() -> None:
    several = [
        (
            f"{LONG_NAME} part {n}",
            _summary({"eligible": 5152 * n, "ineligible": 1377, "undetermined": 99999}, [], []),
        )
        for n in range(1, 6)
    ]
    _assert_no_overlap(outcomes_figure(several, {f"{LONG_NAME} part 2"}))
    _assert_no_overlap(outcomes_figure(several[:1]))


def test_rule_chart_labels_do_not_overlap() -> None:
    long_title = (
        "No court order in the person's own case that bars the removal, nor any stay of removal "
        "entered by an immigration judge, the Board or a federal court"
    )
    rows = [
        {"rule": f"rule_with_a_long_identifier_{n}", "title": long_title, "total": 6534 - n}
        for n in range(TOP_RULES + 3)
    ]
    figure = rules_figure(rows, f"Facts Accord does not have: rules unknown ({LONG_NAME})",
                          "#56B4E9", "none", "persons (summed over dockets)")  # fmt: skip
    _assert_no_overlap(figure)
    _assert_no_overlap(rules_figure(rows[:1], "One rule", "#D55E00", "none", "persons"))
