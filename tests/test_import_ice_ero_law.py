"""What the newly mapped ICE case categories mean in the engine: decided, not just recorded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from accord.casefile.models import CaseFile
from accord.engine import DecisionRequest, FactStore, screen_table
from accord.facts import case_files_to_tables
from accord.importers import read_ice_ero

ALL_CATEGORIES = Path(__file__).parent / "data" / "ice-ero-all-categories.csv"
HEADER = "Departed Date,Country of Citizenship,Case Category\n"


def _screen(
    cases: list[CaseFile], pathway: str = "return_of_nationals"
) -> dict[str, dict[str, str]]:
    store = FactStore.from_tables(case_files_to_tables(cases))
    request = DecisionRequest.build(
        agreement="sv-2025-offer", pathway=pathway, destination="SV", as_of="2025-03-16"
    )
    try:
        rows = screen_table(store=store, request=request).to_pylist()
    finally:
        store.close()
    return {row.pop("person_id"): row for row in rows}


def _import(tmp_path: Path, *rows: str) -> list[CaseFile]:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return read_ice_ero(path).cases


def test_no_category_ever_makes_anyone_eligible() -> None:
    cases = read_ice_ero(ALL_CATEGORIES).cases
    for pathway in ("return_of_nationals", "third_country_removal"):
        outcomes = Counter(row["outcome"] for row in _screen(cases, pathway).values())
        assert outcomes["eligible"] == 0, pathway


@pytest.mark.parametrize(
    "category",
    [
        "[2B] Deportable - Under Adjudication by BIA",
        "[8D] Excludable / Inadmissible - Under Adjudication by BIA",
    ],
)
def test_an_appeal_before_the_board_means_no_final_order_and_a_stay(
    tmp_path: Path, category: str
) -> None:
    [case] = _import(tmp_path, f"5/1/2019,EL SALVADOR,{category}")
    decided = _screen([case])[case.person_id]
    assert decided["final_order"] == "fail"  # 8 C.F.R. 1241.1(a): not final while appealed
    assert decided["no_stay"] == "fail"  # 8 C.F.R. 1003.6(a): execution stayed
    assert decided["outcome"] == "ineligible"


def test_a_judicial_order_is_recorded_but_its_finality_is_not_known(tmp_path: Path) -> None:
    [case] = _import(tmp_path, "5/1/2019,EL SALVADOR,[12] Judicial Deportation / Removal")
    assert case.removal_orders is not None
    [order] = case.removal_orders
    assert (order.kind, order.appeal_waived) == ("judicial", False)
    assert case.citizenship == "noncitizen"
    assert _screen([case])[case.person_id]["final_order"] == "unknown"  # 1228(c)(3)(A)(iii)


def test_withholding_granted_somewhere_bars_certainty_everywhere(tmp_path: Path) -> None:
    cases = _import(
        tmp_path,
        "5/1/2019,EL SALVADOR,[5C] Relief Granted - Withholding of Deportation / Removal",
        "5/2/2019,HONDURAS,Relief Granted - Withholding of Deportation / Removal",
    )
    for pathway in ("return_of_nationals", "third_country_removal"):
        for decided in _screen(cases, pathway).values():
            # the protected country is not in the export: it may be this destination
            assert decided["no_withholding"] == "unknown", pathway
            assert decided["no_asylum"] == "unknown"
            assert decided["outcome"] != "eligible"


def test_a_positive_credible_fear_finding_leaves_the_claim_open(tmp_path: Path) -> None:
    label = "[8K] Expedited Removal Terminated due to Credible Fear Finding / NTA Issued"
    [case] = _import(tmp_path, f"5/1/2019,EL SALVADOR,{label}")
    assert case.removal_orders == []  # the expedited order is gone, no judge's order yet
    assert case.fear_claims is not None
    assert [(f.country, f.status, f.screening) for f in case.fear_claims] == [
        ("SV", "referred", "credible_fear")
    ]
    decided = _screen([case])[case.person_id]
    assert decided["no_pending_fear"] == "fail"
    assert decided["final_order"] == "fail"


def test_voluntary_departure_by_a_judge_leaves_the_order_unknown(tmp_path: Path) -> None:
    [case] = _import(tmp_path, "5/1/2019,MEXICO,[2V] Voluntary Departure Granted by IJ")
    assert case.removal_orders is None  # the alternate order took effect only if time ran out
    assert case.citizenship == "unknown"
    assert _screen([case])[case.person_id]["final_order"] == "unknown"
