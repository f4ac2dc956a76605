"""The rule that applies class-wide court orders barring removal (law/court_orders.py).

`no_class_order_bar` fails when an order binding the decision on its date (in force, or
under an administrative stay where the profile counts it) covers the person by its class
definition and bars this removal; it is unknown when a fact the class turns on is not
recorded. An order barring removal under the Alien Enemies Act only does not bar a
removal under Title 8, the only pathways Accord decides: its evidence says so, as it does
for a person designated under the AEA proclamation.
"""

from __future__ import annotations

import ibis

from accord.law.class_predicates import Where, evaluate
from accord.law.court_orders import OrderState
from accord.law.framework import (
    FAIL,
    PASS,
    UNKNOWN,
    Context,
    Expr,
    Facts,
    Rule,
    Verdict,
    any_of,
    constant,
    describe,
    status,
    union_all,
)
from accord.law.removal import IIRIRA

BAR_ORDERS = ("aarp-v-trump", "dbu-v-trump", "jav-v-trump", "jgg-v-trump", "jop-v-dhs")
TITLE_8_ONLY = (
    "Accord decides Title 8 pathways only; removal under the Alien Enemies Act "
    "(50 U.S.C. 21) is not decided here"
)


def _standing(ctx: Context) -> list[OrderState]:
    """Orders binding a decision of this date under the deployment's profile."""
    states = ctx.law.states_on(ctx.as_of)
    return [s for s in states if s.applies(ctx.params.profile) and s.effect is not None]


def _said(f: Facts, who: Expr, text: str) -> Expr:
    return f.persons.filter(who).select("person_id", fact=ibis.literal(text, type="string"))


def _order_text(state: OrderState) -> str:
    o, ev = state.order, state.event
    assert ev is not None
    how = "in force" if state.status == "in_force" else f"under an {state.stay} stay"
    return f"{o.title} ({o.court}, {o.docket}), {ev.what} of {ev.on}, {how} ({ev.source})"


def _no_class_order_bar(f: Facts, ctx: Context) -> Verdict:
    where = Where(f, ctx.as_of, ctx.pathway, ctx.destination)
    members: list[Expr] = []
    maybe: list[Expr] = []
    d = f.designations
    aea = d.filter(
        (d.authority == "aea_proclamation_10903")
        & (d.designated_on <= ctx.as_of_lit)
        & (d.withdrawn_on.isnull() | (d.withdrawn_on > ctx.as_of_lit))
    )
    evidence = [
        describe(
            aea,
            f"Alien Enemies Act designation ({TITLE_8_ONLY})",
            "authority",
            "designated_on",
            "source",
        )
    ]
    for state in _standing(ctx):
        effect = state.effect
        assert effect is not None
        if effect.kind == "require_notice":  # read by third_country_notice
            continue
        truth = evaluate(state.order.predicate, where)
        text = _order_text(state)
        if effect.kind == "bar_removal_under_authority":
            evidence.append(
                _said(
                    f,
                    truth.is_true,
                    f"{text}: the person is in its class; it bars removal "
                    "under the Alien Enemies Act only, not this removal under Title 8",
                )
            )
            continue
        if not effect.bars_title_8_removal_to(ctx.destination):
            continue
        members.append(truth.is_true)
        maybe.append(truth.is_unknown)
        class_words = state.order.class_words()
        evidence.append(
            _said(
                f,
                truth.is_true,
                f"{text}: the person is in its class ({class_words}); it {effect.words()}",
            )
        )
        evidence.append(
            _said(
                f,
                truth.is_unknown,
                f"{text}: whether the person is in its class "
                f"({class_words}) cannot be told from the facts recorded",
            )
        )
    verdict = (
        status(
            (any_of(members), FAIL),
            (any_of(maybe), UNKNOWN),
            otherwise=PASS,
        )
        if members
        else constant(PASS)
    )
    return Verdict(verdict, union_all(evidence))


def _orders_cited(ctx: Context) -> str | None:
    """The orders barring removal that bind this decision: court, docket, event and date."""
    cited = [
        s.citation()
        for s in _standing(ctx)
        if s.effect is not None and s.effect.bars_title_8_removal_to(ctx.destination)
    ]
    return "; ".join(cited) or None


CLASS_ORDER_RULES: tuple[Rule, ...] = (
    Rule(
        "no_class_order_bar",
        "No class-wide court order bars the removal",
        "no class-wide court order binding on the date (law/data/court_orders) covers the "
        "person by its class definition and bars this removal; an order barring removal under "
        "the Alien Enemies Act only does not bar a Title 8 removal",
        (
            "class-wide orders of the federal courts bind the government as to every class "
            "member (Fed. R. Civ. P. 23, 65(d)(2)); the orders, with court, docket, date and "
            "source, are law/data/court_orders/*.yaml",
        ),
        IIRIRA,
        _no_class_order_bar,
        # the Alien Enemies Act designations, and the lists the classes of BAR_ORDERS turn on
        reads=("designations", "custody_locations", "protections", "uac_determinations"),
        term_source=_orders_cited,
        # the bundled orders it reads (tests/test_court_orders.py checks this against the data)
        court_orders=BAR_ORDERS,
    ),
)
