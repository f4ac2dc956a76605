"""Former states (ISO 3166-3): recorded as such, and never read as a successor state.

ICE still records some people's citizenship as the USSR, Czechoslovakia, Yugoslavia, Serbia
and Montenegro or the Netherlands Antilles. Such a person may today be a national of any
successor state, of several, or of none: that turns on each successor's nationality law and
on facts the record does not hold. So every rule that needs a current nationality answers
`unknown` for a former-state code (SUHH, CSHH, YUCS, CSXX, ANHH, ...), unless a current
nationality recorded beside it settles the rule. Each scenario below is decided by both
engines (per person on SQLite, the docket on DuckDB), which must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError

from accord.casefile.models import CaseFile
from accord.countries import (
    country_code,
    former_state_codes,
    former_state_name,
    is_former_state,
    nationality_code,
)
from accord.engine import DecisionRequest, FactStore, decide_person, screen_table
from accord.errors import UnknownCountry
from accord.facts import case_files_to_tables
from accord.importers import read_ice_ero
from case_files import case_file

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Scenario:
    title: str
    nationalities: list[str]
    pathway: str
    expect: dict[str, str]  # rule -> status


SCENARIOS = [
    Scenario(
        "A man ICE records as a citizen of the USSR is offered to El Salvador as a returning "
        "Salvadoran: whether he is Salvadoran is not known (the USSR's successors are fifteen "
        "states, and the record names none of them), so neither the pathway's nationality nor "
        "the offer's accepted nationalities can pass or fail",
        ["SUHH"],
        "return_of_nationals",
        {"pathway_nationality": "unknown", "nationality_accepted": "unknown"},
    ),
    Scenario(
        "A woman recorded as Czechoslovak is sent to CECOT as a third country: a third-country "
        "removal needs her not to be a national of El Salvador, and what nationality she holds "
        "today is not in the record",
        ["CSHH"],
        "third_country_removal",
        {"pathway_nationality": "unknown"},
    ),
    Scenario(
        "A prisoner recorded as a national of Serbia and Montenegro asks for a sentenced "
        "transfer to El Salvador: the treaties transfer nationals of the receiving state, and "
        "his current nationality is not known",
        ["CSXX"],
        "sentenced_transfer",
        {"transfer_nationality": "unknown"},
    ),
    Scenario(
        "A man recorded as Yugoslav who is also recorded as Salvadoran: the current "
        "nationality settles it, he is returned as a Salvadoran",
        ["YUCS", "SV"],
        "return_of_nationals",
        {"pathway_nationality": "pass", "nationality_accepted": "pass"},
    ),
    Scenario(
        "The same man sent to El Salvador as a third country: he is a national of El Salvador, "
        "so it is not a third country for him",
        ["YUCS", "SV"],
        "third_country_removal",
        {"pathway_nationality": "fail"},
    ),
    Scenario(
        "For contrast, a Frenchman sent to CECOT as a third country: recorded as French only, "
        "he is known not to be Salvadoran",
        ["FR"],
        "third_country_removal",
        {"pathway_nationality": "pass"},
    ),
    Scenario(
        "A woman recorded as a citizen of the Netherlands Antilles, offered as a returning "
        "Salvadoran: never guessed to be Dutch or anything else, her nationality is unknown",
        ["ANHH"],
        "return_of_nationals",
        {"pathway_nationality": "unknown", "nationality_accepted": "unknown"},
    ),
]


def _decide(case: CaseFile, pathway: str) -> tuple[dict[str, str], dict[str, str], str]:
    request = DecisionRequest.build(
        agreement="sv-2025-offer", pathway=pathway, destination="SV", as_of="2025-03-16"
    )
    store = FactStore.from_tables(case_files_to_tables([case]))
    try:
        one = decide_person(store=store, request=request, person_id=case.person_id)
        [row] = screen_table(store=store, request=request).to_pylist()
    finally:
        store.close()
    bulk = {k: v for k, v in row.items() if k not in ("person_id", "outcome")}
    return one.statuses(), bulk, one.outcome


@pytest.mark.parametrize(
    "scenario", SCENARIOS, ids=[s.nationalities[0] + "-" + s.pathway for s in SCENARIOS]
)
def test_former_state_scenario(scenario: Scenario) -> None:
    record = case_file("FS-001", "FR") | {"nationalities": scenario.nationalities}
    case = CaseFile.model_validate(record)
    per_person, docket, outcome = _decide(case, scenario.pathway)
    assert per_person == docket, scenario.title
    for rule, status in scenario.expect.items():
        assert per_person[rule] == status, f"{scenario.title}: {rule}"
    if "unknown" in scenario.expect.values():
        assert outcome != "eligible", scenario.title


# --- the codes ----------------------------------------------------------------------------


def test_the_former_states_ice_uses_have_iso_3166_3_codes() -> None:
    for code, name in {
        "SUHH": "USSR",
        "CSHH": "Czechoslovakia",
        "CSXX": "Serbia and Montenegro",
        "YUCS": "Yugoslavia",
        "ANHH": "Netherlands Antilles",
        "DDDE": "German Democratic Republic",
    }.items():
        assert is_former_state(code)
        assert name in former_state_name(code)
    assert all(len(code) == 4 for code in former_state_codes())  # the rules rely on it


def test_a_former_state_is_a_nationality_only() -> None:
    assert nationality_code("suhh") == "SUHH"
    assert nationality_code("sv") == "SV"
    with pytest.raises(UnknownCountry, match="neither an ISO 3166-1 alpha-2 code"):
        nationality_code("ZZZZ")
    with pytest.raises(UnknownCountry):
        country_code("SUHH")  # never a destination, order country or protection country
    record = case_file("FS-002", "SUHH")  # the order's country defaults to the nationality
    with pytest.raises(ValidationError, match=r"removal_orders\.0\.country"):
        CaseFile.model_validate(record)


# --- the import -------------------------------------------------------------------------


def test_ice_spellings_of_former_states_are_recorded_as_such() -> None:
    result = read_ice_ero(DATA / "ice-ero-former-states.csv")
    by_line = {case.person_id[-2:]: case for case in result.cases}
    assert [c.nationalities for c in result.cases] == [
        ["SUHH"],
        ["CSHH"],
        ["CSXX"],
        ["ANHH"],
        ["YUCS"],
        ["DDDE"],
        ["CD"],  # Zaire: renamed, the same state, so its current code
        ["SUHH"],
    ]
    assert by_line["01"].citizenship == "noncitizen"  # ICE recorded a foreign citizenship
    # a credible-fear referral of a Soviet citizen: the feared country cannot be named
    assert by_line["08"].fear_claims is None
