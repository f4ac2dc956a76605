"""The law a decision applies: bundled law data plus a registry's law entries (law/law_set.py).

Each scenario is the kind a lawyer would check: an order entered on a day binds from that
day and not before; an event of a bundled order (a vacatur) ends it from its date; a
parameter's new dated value applies from its first day; a bad entry is refused naming it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.casefile.models import CaseFile
from accord.engine import DecisionRequest, FactStore, decide_person
from accord.facts.tables import case_files_to_tables
from accord.law.law_set import LawEntry, LawEntryError, bundled_law, law_with
from case_files import case_file

DOC_SHA = "0" * 64
TRO_DAY = dt.date(2025, 3, 15)

# A made-up temporary restraining order, labelled as a test: it bars the removal to El
# Salvador of Venezuelan nationals (the shape of the 15 March 2025 order, not its text).
TEST_TRO: dict[str, Any] = {
    "id": "test-tro-ve",
    "title": "Test v. Test (made-up order for tests)",
    "court": "D.D.C.",
    "docket": "No. 0:00-cv-00000 (test)",
    "class": {
        "definition": "Venezuelan nationals held for removal to El Salvador (test class)",
        "source": "made-up order for tests",
        "predicate": {"nationality_in": ["VE"]},
    },
    "events": [
        {
            "date": TRO_DAY.isoformat(),
            "kind": "entered",
            "what": "temporary restraining order barring removal to El Salvador",
            "effect": {"kind": "bar_removal", "countries": ["SV"]},
            "source": "made-up order for tests, para. 1",
        }
    ],
}


def entry(n: int, kind: str, subject: str, body: dict[str, Any]) -> LawEntry:
    return LawEntry(n, kind, subject, body, DOC_SHA, f"document-{n}.pdf")


def decide(nationality: str, day: dt.date, law: Any = None) -> Any:
    case = CaseFile.model_validate(case_file("law-set-1", nationality))
    store = FactStore.from_tables(case_files_to_tables([case]))
    try:
        request = DecisionRequest.build(
            agreement="sv-2025-offer",
            pathway="custody_placement",
            destination="SV",
            facility="CECOT",
            as_of=day,
            law=law,
        )
        return decide_person(store=store, request=request, person_id="law-set-1")
    finally:
        store.close()


def bar_status(decision: Any) -> str:
    return str(decision.statuses()["no_class_order_bar"])


def test_the_bundled_law_alone_decides_as_before() -> None:
    plain = decide("VE", TRO_DAY)
    with_bundled = decide("VE", TRO_DAY, law=bundled_law())
    assert plain.as_dict() == with_bundled.as_dict()
    assert "law_entries" not in plain.as_dict()
    assert "law_digest" not in plain.ruleset
    assert law_with([]) is bundled_law()


def test_an_entered_order_binds_its_class_from_its_day_and_not_before() -> None:
    law = law_with([entry(1, "court_order", "test-tro-ve", TEST_TRO)])
    assert law != bundled_law()
    assert law.digest != bundled_law().digest
    after = decide("VE", TRO_DAY, law)
    assert bar_status(after) == "fail"
    assert after.outcome == "ineligible"
    assert after.as_dict()["law_entries"][0]["entry"] == "1"
    assert after.ruleset["law_digest"] == law.digest
    applied = {r["id"]: r for r in after.court_orders}
    assert applied["test-tro-ve"]["law_entry"] == "1"
    # the day before the order, and a person outside its class, are not touched
    assert bar_status(decide("VE", TRO_DAY - dt.timedelta(days=1), law)) == "pass"
    assert bar_status(decide("GT", TRO_DAY, law)) == "pass"


def test_a_vacatur_entered_for_the_order_ends_it_from_its_date() -> None:
    vacatur = {
        "date": "2025-03-20",
        "kind": "vacated",
        "what": "order vacated (test)",
        "source": "made-up order for tests",
    }
    law = law_with(
        [
            entry(1, "court_order", "test-tro-ve", TEST_TRO),
            entry(2, "court_order_event", "test-tro-ve", vacatur),
        ]
    )
    assert bar_status(decide("VE", dt.date(2025, 3, 19), law)) == "fail"
    assert bar_status(decide("VE", dt.date(2025, 3, 20), law)) == "pass"
    assert law.order_entries["test-tro-ve"] == 2


def test_a_parameters_new_value_applies_from_its_first_day() -> None:
    law = law_with(
        [
            entry(
                1,
                "parameter_value",
                "appeal_period_days",
                {"effective_from": "2025-06-01", "value": 45, "source": "test: a new rule"},
            )
        ]
    )
    from accord.law.parameters import resolve_parameters

    before = resolve_parameters(dt.date(2025, 5, 31), law=law).appeal_period_days
    after = resolve_parameters(dt.date(2025, 6, 1), law=law).appeal_period_days
    assert before.value == 30
    assert after.value == 45
    assert "law entry 1" in after.source


@pytest.mark.parametrize(
    ("kind", "subject", "body", "problem"),
    [
        ("court_order", "other-id", TEST_TRO, "not 'other-id'"),
        (
            "court_order",
            "test-tro-ve",
            {**TEST_TRO, "class": {**TEST_TRO["class"], "predicate": {"shoe_size": 9}}},
            "unknown fact 'shoe_size'",
        ),
        ("court_order_event", "no-such-order", {"date": "2025-03-20"}, "no court order"),
        (
            "court_order_event",
            "jgg-v-trump",
            {"date": "2020-01-01", "kind": "vacated", "what": "x", "source": "y"},
            "before it starts",
        ),
        (
            "parameter_value",
            "adult_age_years",
            {"effective_from": "2025-06-01", "value": 3, "source": "x"},
            "from 14 to 21",
        ),
        ("parameter_value", "shoe_size", {"effective_from": "2025-06-01"}, "not a parameter"),
        ("agreement_amendment", "sv-2025-offer", {"effective_from": "2025-06-01"}, "exactly"),
    ],
)
def test_a_bad_entry_is_refused_in_one_line_naming_it(
    kind: str, subject: str, body: dict[str, Any], problem: str
) -> None:
    with pytest.raises(LawEntryError) as caught:
        law_with([entry(7, kind, subject, body)])
    message = str(caught.value)
    assert message.startswith(f"law entry 7 ({kind} {subject})")
    assert problem in message
    assert "\n" not in message


def test_an_order_id_in_use_is_refused() -> None:
    bundled = {**TEST_TRO, "id": "jgg-v-trump"}
    with pytest.raises(LawEntryError, match="exists: enter an event of it"):
        law_with([entry(1, "court_order", "jgg-v-trump", bundled)])
