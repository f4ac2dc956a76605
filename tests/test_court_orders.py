"""Class-wide court orders as dated law data (law/court_orders.py, law/class_predicates.py).

The data files load and validate; a bad file is one clear line (and exit 2 from the CLI);
every bundled order changes state on the day of each of its events and not the day before;
the orders binding a date feed the notice terms and the rule no_class_order_bar; and a
decision records the orders it applied.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from pathlib import Path

import pytest
import yaml

from accord.casefile.models import CaseFile
from accord.countries import is_country
from accord.engine import DecisionRequest, FactStore, decide_person
from accord.facts import case_files_to_tables
from accord.law.catalogue import RULES
from accord.law.class_orders import BAR_ORDERS
from accord.law.class_predicates import ATOMS, PredicateError, parse_predicate, words
from accord.law.court_orders import (
    CourtOrder,
    CourtOrderDataError,
    Event,
    bundled_court_orders,
    ids_with_effects,
    load_court_orders,
)
from accord.law.notice import NOTICE_ORDERS
from accord.law.parameters import resolve_parameters
from cli_runner import run_accord as accord

SCENARIOS = Path(__file__).resolve().parents[1] / "src" / "accord" / "law" / "scenarios"
DAY = dt.timedelta(days=1)

VALID = {
    "id": "draft-order",
    "title": "Draft v. Order",
    "court": "D. Mass.",
    "docket": "No. 1:26-cv-00001",
    "class": {
        "definition": "All detainees designated under the proclamation.",
        "source": "Draft",
        "predicate": {"designated_under": "aea_proclamation_10903"},
    },
    "events": [
        {
            "date": dt.date(2026, 1, 5),
            "kind": "entered",
            "what": "temporary restraining order",
            "effect": {"kind": "bar_removal"},
            "source": "Draft TRO",
        }
    ],
}


def write_order(folder: Path, data: dict[str, object], name: str = "draft.yaml") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return folder


def with_change(**changes: object) -> dict[str, object]:
    data = yaml.safe_load(yaml.safe_dump(VALID))
    data.update(changes)
    return data


# ---- the bundled data ---------------------------------------------------------------------


def test_bundled_orders_load_and_the_rules_name_the_orders_they_read() -> None:
    orders = bundled_court_orders()
    assert {"jgg-v-trump", "aarp-v-trump", "dvd-v-dhs", "jop-v-dhs"} <= set(orders)
    assert set(BAR_ORDERS) == set(
        ids_with_effects(("bar_removal", "bar_removal_under_authority", "require_return"))
    )
    assert set(NOTICE_ORDERS) == set(ids_with_effects(("require_notice",)))
    assert RULES["no_class_order_bar"].court_orders == BAR_ORDERS
    assert RULES["third_country_notice"].court_orders == NOTICE_ORDERS
    for order in orders.values():
        assert order.court
        assert order.docket
        assert order.class_source
        assert all(ev.source for ev in order.events)
        assert order.rules_reading()


def _boundaries() -> list[tuple[str, int]]:
    return [
        (order.id, n) for order in bundled_court_orders().values() for n in range(len(order.events))
    ]


@pytest.mark.parametrize(("order_id", "n"), _boundaries(), ids=lambda v: str(v))
def test_each_event_takes_effect_on_its_day_and_not_the_day_before(order_id: str, n: int) -> None:
    order = bundled_court_orders()[order_id]
    event = order.events[n]
    on_the_day = order.state_on(event.on)
    same_day = [ev for ev in order.events if ev.on == event.on]
    assert on_the_day.event is same_day[-1] or on_the_day.expired_on is not None
    day_before = order.state_on(event.on - DAY)
    assert day_before.event is not event
    if n == 0:
        assert day_before.status == "not_entered"
    expected = {
        "entered": "in_force",
        "modified": "in_force",
        "narrowed": "in_force",
        "stayed": "stayed",
        "vacated": "ended",
        "dissolved": "ended",
    }
    if same_day[-1] is event:
        assert on_the_day.status == expected[event.kind]


@pytest.mark.parametrize(
    "order_id", [o.id for o in bundled_court_orders().values() if _boundaries()]
)
def test_an_order_expires_after_its_last_day(order_id: str) -> None:
    order = bundled_court_orders()[order_id]
    for n, ev in enumerate(order.events):
        if ev.expires_on is None:
            continue
        later = [e for e in order.events[n + 1 :] if e.on <= ev.expires_on + DAY]
        if later:  # superseded before it ran out
            continue
        assert order.state_on(ev.expires_on).status in ("in_force", "stayed")
        after = order.state_on(ev.expires_on + DAY)
        assert after.status == "ended"
        assert after.expired_on == ev.expires_on


def test_dvd_dates_and_the_profiles() -> None:
    dvd = bundled_court_orders()["dvd-v-dhs"]
    assert dvd.state_on(dt.date(2025, 3, 27)).status == "not_entered"
    assert dvd.state_on(dt.date(2025, 6, 22)).applies("agency_policy")  # in force binds all
    stayed = dvd.state_on(dt.date(2025, 6, 23))
    assert stayed.stay == "pending_appeal"
    assert not stayed.applies("most_protective")
    paused = dvd.state_on(dt.date(2026, 3, 11))
    assert paused.stay == "administrative"
    assert paused.applies("most_protective")
    assert paused.applies("court_order")
    assert not paused.applies("agency_policy")


def test_notice_terms_come_from_the_orders_binding_the_date() -> None:
    def order_ids(day: str, profile: str = "most_protective") -> list[str]:
        params = resolve_parameters(dt.date.fromisoformat(day), profile)
        return [o.order_id for o in params.notice_orders]

    assert order_ids("2025-03-27") == []
    assert order_ids("2025-03-28") == ["dvd-v-dhs"]
    assert order_ids("2025-03-28", "agency_policy") == ["dvd-v-dhs"]
    assert order_ids("2025-06-23") == []
    assert order_ids("2026-02-25") == ["dvd-v-dhs"]
    assert order_ids("2026-02-25", "agency_policy") == []
    params = resolve_parameters(dt.date(2025, 4, 20))
    assert params.notice.counsel_service
    assert params.notice.reopen_days_after_negative_fear == 15
    assert params.notice_outside_orders.basis == "agency_policy"  # DHS guidance of 2025-03-30
    assert {p["parameter"] for p in params.records()} >= {"third_country_notice"}


def test_aea_only_orders_do_not_bar_title_8_removal() -> None:
    aarp = bundled_court_orders()["aarp-v-trump"]
    before = aarp.state_on(dt.date(2025, 5, 15)).effect
    after = aarp.state_on(dt.date(2025, 5, 16)).effect
    assert before is not None
    assert before.bars_title_8_removal_to("SV")
    assert after is not None
    assert not after.bars_title_8_removal_to("SV")
    assert after.kind == "bar_removal_under_authority"


# ---- validation: one clear line ---------------------------------------------------------------


def _error(tmp_path: Path, data: dict[str, object]) -> str:
    folder = write_order(tmp_path / "orders", data)
    with pytest.raises(CourtOrderDataError) as caught:
        load_court_orders(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("draft.yaml: court order draft-order: ")
    return message


def test_a_valid_draft_loads(tmp_path: Path) -> None:
    orders = load_court_orders(write_order(tmp_path / "orders", VALID))
    assert isinstance(orders["draft-order"], CourtOrder)


def test_an_order_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    events = [
        *VALID["events"],  # type: ignore[list-item]
        {"date": dt.date(2026, 1, 1), "kind": "vacated", "what": "vacated", "source": "x"},
    ]
    message = _error(tmp_path, with_change(events=events))
    assert "ends (vacated on 2026-01-01) before it starts (entered on 2026-01-05)" in message


def test_an_order_that_expires_before_it_is_made_is_refused(tmp_path: Path) -> None:
    event = {**VALID["events"][0], "expires_on": dt.date(2026, 1, 1)}  # type: ignore[index]
    assert "expires (2026-01-01) before it is made (2026-01-05)" in _error(
        tmp_path, with_change(events=[event])
    )


def test_an_unknown_effect_is_refused(tmp_path: Path) -> None:
    event = {**VALID["events"][0], "effect": {"kind": "bar_everything"}}  # type: ignore[index]
    assert "unknown effect 'bar_everything'" in _error(tmp_path, with_change(events=[event]))


def test_a_predicate_naming_an_unknown_fact_is_refused(tmp_path: Path) -> None:
    klass = {**VALID["class"], "predicate": {"all": [{"gang_tattoo": True}]}}  # type: ignore[dict-item]
    message = _error(tmp_path, with_change(**{"class": klass}))
    assert "class predicate: unknown fact 'gang_tattoo'" in message


@pytest.mark.parametrize(
    ("event", "says"),
    [
        ({"kind": "enjoined"}, "unknown event 'enjoined'"),
        ({"date": "soon"}, "needs a date"),
        ({"source": ""}, "needs 'source'"),
    ],
)
def test_other_malformed_events_are_refused(
    tmp_path: Path, event: dict[str, object], says: str
) -> None:
    bad = {**VALID["events"][0], **event}  # type: ignore[dict-item]
    assert says in _error(tmp_path, with_change(events=[bad]))


def test_a_stay_must_say_what_kind_it_is(tmp_path: Path) -> None:
    stay = {"date": dt.date(2026, 1, 9), "kind": "stayed", "what": "stayed", "source": "x"}
    events = [*VALID["events"], stay]  # type: ignore[list-item]
    assert "a stayed event, and only one, needs 'stay'" in _error(
        tmp_path, with_change(events=events)
    )
    stay["stay"] = "forever"
    assert "stay 'forever' is not one of" in _error(tmp_path, with_change(events=events))


def test_duplicate_ids_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    folder = write_order(tmp_path / "orders", VALID, "a.yaml")
    write_order(folder, VALID, "b.yaml")
    with pytest.raises(CourtOrderDataError, match="used twice"):
        load_court_orders(folder)
    (folder / "b.yaml").write_text("id: [unclosed\n", "utf-8")
    with pytest.raises(CourtOrderDataError, match=r"b\.yaml: not valid YAML"):
        load_court_orders(folder)


def test_predicate_language() -> None:
    predicate = parse_predicate(
        {"all": [{"nationality_in": ["ve"]}, {"not": {"uac_determined": True}}]}
    )
    assert words(predicate) == (
        "(a national of VE and not (determined an unaccompanied alien child))"
    )
    for bad, says in [
        ({"nationality_in": ["ZZ"]}, "not an ISO 3166"),
        ({"order_proceeding_in": ["212(d)"]}, "not among"),
        ({"all": []}, "non-empty list"),
        ({"age_under": "eighteen"}, "number of years"),
        ({"any": [{"x": 1}]}, "unknown fact 'x'"),
    ]:
        with pytest.raises(PredicateError, match=says):
            parse_predicate(bad)
    assert "designated_under" in ATOMS
    assert "destination_designated" in ATOMS


# ---- the CLI ------------------------------------------------------------------------------


def test_court_orders_list_and_show() -> None:
    listed = accord("court-orders", "list", "--as-of", "2025-04-19")
    assert listed.returncode == 0, listed.stderr
    for order_id in bundled_court_orders():
        assert order_id in listed.stdout
    shown = accord("court-orders", "show", "aarp-v-trump", "--as-of", "2025-05-16")
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    for expected in (
        "No. 24A1007",
        "2025-04-19 entered",
        "2025-05-16 narrowed",
        "under other lawful authorities",
        "read by rules: no_class_order_bar",
        "designated under aea_proclamation_10903",
    ):
        assert expected in text, expected


def test_cli_refuses_bad_data_in_one_line_with_exit_2(tmp_path: Path) -> None:
    klass = {**VALID["class"], "predicate": {"tattoo": True}}  # type: ignore[dict-item]
    folder = write_order(tmp_path / "orders", with_change(**{"class": klass}))
    for args in (("list",), ("show", "draft-order")):
        result = accord("court-orders", *args, "--data", folder)
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "unknown fact 'tattoo'" in lines[0]
    unknown = accord("court-orders", "show", "no-such-order")
    assert unknown.returncode == 2
    assert "no court order 'no-such-order'" in unknown.stderr


# ---- decisions record the orders they applied -----------------------------------------------


def _decide(scenario: str):  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(next(SCENARIOS.glob(f"{scenario}_*.yaml")).read_text("utf-8"))
    case = CaseFile.model_validate(doc["case"])
    store = FactStore.from_tables(case_files_to_tables([case]))
    try:
        request = DecisionRequest.from_mapping(doc["request"])
        return decide_person(store=store, request=request, person_id=case.person_id)
    finally:
        store.close()


def test_a_decision_records_the_court_orders_it_applied() -> None:
    decision = _decide("304")
    records = {r["id"]: r for r in decision.court_orders}
    assert records["aarp-v-trump"]["applied"].endswith(
        "bars removal of class members (no_class_order_bar)"
    )
    assert records["aarp-v-trump"]["event_date"] == "2025-04-19"
    assert records["dvd-v-dhs"]["applied"].startswith("applied: notice terms")
    assert "jgg-v-trump" not in records  # vacated on 2025-04-07
    data = decision.as_dict()
    assert data["court_orders"] == list(decision.court_orders)
    assert len(data["ruleset"]["court_orders_digest"]) == 64
    (failed,) = decision.failed
    assert any("No. 24A1007" in c for c in failed.citations)

    narrowed = {r["id"]: r for r in _decide("306").court_orders}
    assert "not a bar to this Title 8 removal" in narrowed["aarp-v-trump"]["applied"]
    stayed = {r["id"]: r for r in _decide("320").court_orders}
    assert stayed["dvd-v-dhs"]["applied"] == "stayed pending appeal: not applied"


def test_evidence_says_accord_decides_title_8_only() -> None:
    doc = yaml.safe_load(next(SCENARIOS.glob("301_*.yaml")).read_text("utf-8"))
    case = CaseFile.model_validate(doc["case"])
    store = FactStore.from_tables(case_files_to_tables([case]))
    try:
        decision = decide_person(
            store=store,
            request=DecisionRequest.from_mapping(doc["request"]),
            person_id=case.person_id,
            all_facts=True,
        )
    finally:
        store.close()
    (result,) = [r for r in decision.results if r.rule == "no_class_order_bar"]
    facts = " ".join(result.facts)
    assert "Accord decides Title 8 pathways only" in facts
    assert "bars removal under the Alien Enemies Act only, not this removal under Title 8" in facts


def test_event_record_is_plain_data() -> None:
    ev = Event(dt.date(2025, 1, 1), "vacated", "vacated", "source")
    assert ev.as_record() == {
        "on": "2025-01-01",
        "kind": "vacated",
        "what": "vacated",
        "source": "source",
    }


# ---- many orders entered in a registry --------------------------------------------------------

_ISO = ["".join(pair) for pair in itertools.product(string.ascii_uppercase, repeat=2)]
# forty orders, each for the nationals of one country (Venezuela's last)
MANY = (*[c for c in _ISO if is_country(c) and c not in ("SV", "VE")][:39], "VE")


def _bar(country: str) -> dict[str, object]:
    """A (fictional) class-wide order barring removal of nationals of `country` to SV."""
    return {
        **with_change(id=f"bar-{country.lower()}", title=f"Bar for {country} (test)"),
        "class": {
            "definition": f"All nationals of {country} (test)",
            "source": "test order",
            "predicate": {"nationality_in": [country]},
        },
        "events": [
            {
                "date": "2025-03-15",
                "kind": "entered",
                "what": "temporary restraining order (test)",
                "effect": {"kind": "bar_removal", "countries": ["SV"]},
                "source": "test order",
            }
        ],
    }


def test_forty_orders_entered_in_a_registry_decide_one_person_on_both_engines() -> None:
    """Each class-wide order adds a branch to the evidence of no_class_order_bar: the second
    order a registry entered once took SQLite's parser past its depth ("parser stack
    overflow"), and entering it failed; about thirty took the docket statement past
    sqlglot's recursion. Forty orders: the person's decision on SQLite has the barring
    order's evidence and agrees with the DuckDB screen, rule by rule."""
    from accord.engine import screen_table
    from accord.law.law_set import LawEntry, law_with

    entries = [
        LawEntry(
            id=n,
            kind="court_order",
            subject=f"bar-{country.lower()}",
            body=_bar(country),
            source_document_sha256="0" * 64,
            source_document_name=f"bar-{country.lower()}.pdf",
        )
        for n, country in enumerate(MANY, start=1)
    ]
    doc = yaml.safe_load(next(SCENARIOS.glob("011_*.yaml")).read_text("utf-8"))
    case = CaseFile.model_validate(doc["case"])  # a Venezuelan, eligible for CECOT with notice
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        facility="CECOT",
        as_of=dt.date(2025, 3, 16),
        law=law_with(entries),
    )
    store = FactStore.from_tables(case_files_to_tables([case]))
    try:
        decision = decide_person(
            store=store, request=request, person_id=case.person_id, all_facts=True
        )
        screened = screen_table(store=store, request=request).to_pylist()[0]
    finally:
        store.close()
    (bar,) = [r for r in decision.results if r.rule == "no_class_order_bar"]
    assert bar.status == "fail"
    assert any("Bar for VE (test)" in fact for fact in bar.facts)
    assert not any(f"Bar for {MANY[0]} (test)" in fact for fact in bar.facts)  # not its class
    assert decision.outcome == "ineligible"
    assert {r.rule: r.status for r in decision.results} == {
        rule: status for rule, status in screened.items() if rule not in ("person_id", "outcome")
    }
    assert screened["outcome"] == decision.outcome
