"""The screen report in Chromium at 1366x768: nothing scrolls sideways, the page's tables fit
without scrolling of their own, and the fictional docket is marked at the top."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.engine.screen import ScreenSummary
from accord.law.catalogue import RULES
from accord.reports.screen_report import write_screen_report
from accord.reports.sources import DocketSource

from .conftest import SCREENSHOTS, TIMEOUT_MS

LONG = "ICE ERO FOIA export, Seattle Area of Responsibility, expedited removals FY2012-2019"
RULE_IDS = list(RULES)


def _summary(n: int) -> ScreenSummary:
    metadata: dict[str, Any] = {
        "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "d" * 64},
        "ruleset": {
            "version": "1",
            "hash": "h" * 64,
            "parameters_digest": "p" * 64,
            "notice_profile": "most_protective",
        },
        "pathway": "custody_placement",
        "destination": "SV",
        "facility": "CECOT",
        "as_of": "2025-03-16",
        "not_in_effect": [],
    }
    return ScreenSummary(
        persons=100_000 + n,
        outcomes={"eligible": 1234 + n, "ineligible": 65_432, "undetermined": 33_334 - 2 * n},
        failing_rules=[(rule, 60_000 - i) for i, rule in enumerate(RULE_IDS[:14])],
        unknown_rules=[(rule, 30_000 - i) for i, rule in enumerate(RULE_IDS[5:19])],
        rules=RULE_IDS,
        metadata=metadata,
        seconds=1.5,
    )


def _report(tmp_path: Path) -> Path:
    """Five dockets with long names, long sources and every rule's full citation."""
    names = [f"{LONG}, part {n}" for n in range(1, 6)]
    sources = {
        name: DocketSource(
            file=f"build/demo/a-rather-long-folder-name/with-more-nesting/docket-{n}.jsonl",
            export="ICE ERO FOIA export (UW v. DHS): FY2012 - FY2019 YTD (01/01/2012 - "
            "07/06/2019) ICE Expedited Removals for the Seattle Area of Responsibility",
            period="fiscal years 2012 to 2019 (to date), 2012-01-01 to 2019-07-06",
            fictional=n % 2 == 0,
        )
        for n, name in enumerate(names, start=1)
    }
    return write_screen_report(
        summaries=[(name, _summary(n)) for n, name in enumerate(names)],
        out_dir=tmp_path / "report",
        title=f"Screening of five dockets under the El Salvador offer: {LONG}",
        rule_titles={r.id: r.title for r in RULES.values()},
        rule_citations={r.id: "; ".join(r.citations) or "agreement term" for r in RULES.values()},
        sources=sources,
    )


def test_report_fits_1366_pixels(browser: Any, tmp_path: Path) -> None:
    path = _report(tmp_path)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"the page scrolls sideways: {scroll} > {client}"
        # every table fits its box: no table needs its own sideways scrolling at this width
        wide = page.evaluate(
            """[...document.querySelectorAll('.scroll')]
                .filter(box => box.scrollWidth > box.clientWidth)
                .map(box => box.closest('section').id)"""
        )
        assert wide == []
        tables = page.locator("table").count()
        assert tables == 8  # sources, five dockets' outcomes, failing and unknown rules
        banner = page.locator("#fictional")
        assert banner.is_visible()
        assert banner.bounding_box()["y"] < 768  # on the first screen
        assert "part 2" in banner.inner_text()
        assert "part 1," not in banner.inner_text()
        assert page.locator("#sources .tag-fictional").count() == 2
        for image in page.locator("figure img").all():
            assert image.evaluate("img => img.naturalWidth > 0 && img.complete")
            box = image.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= client
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "screen-report-1366.png"), full_page=True)
    finally:
        context.close()
