"""Bars to removal that belong to the person: a status grant in force, an order in their case.

no_status_bar reads the case file's status grants (TPS, DACA and other deferred action, DED,
U and T status) and, for TPS, the dated state of the country's designation
(law/data/tps_designations.yaml). no_individual_order_bar reads the court orders entered in
the person's own case (habeas, petition for review, district court). Class-wide orders are
another rule's.
"""

from __future__ import annotations

import datetime as dt

import ibis
from ibis import _

from accord.law.dated_law import tps_periods_on
from accord.law.framework import (
    FAIL,
    PASS,
    UNKNOWN,
    Context,
    Expr,
    Facts,
    Rule,
    Verdict,
    describe,
    latest_on,
    status,
)
from accord.law.removal import IIRIRA

# The Immigration Act of 1990 (Pub. L. 101-649, Nov. 29, 1990) created TPS, 8 U.S.C. 1254a.
IMMIGRATION_ACT_1990 = dt.date(1990, 11, 29)
NOT_ENCODED = "not_encoded"


def _designation_columns(grants: Expr, ctx: Context) -> Expr:
    """`grants` with the state of the TPS designation of each grant's country on the date
    (`designation_state`, `terminated_from`) and that state in words (`designation`)."""
    periods = tps_periods_on(ctx.as_of)
    state: Expr = ibis.literal(NOT_ENCODED)
    terminated_from: Expr = ibis.null().cast("date")
    words: Expr = ibis.literal("no period encoded for the country: the grant's own dates decide")
    if periods:
        country = grants.country
        state = ibis.cases(
            *((country == c, ibis.literal(p.state)) for c, p in periods.items()), else_=state
        )
        ended = {c: p.start for c, p in periods.items() if p.state == "terminated"}
        if ended:
            terminated_from = ibis.cases(
                *((country == c, ibis.literal(d, type="date")) for c, d in ended.items()),
                else_=terminated_from,
            )
        words = ibis.cases(
            *(
                (
                    country == c,
                    ibis.literal(
                        f"{p.state} from {p.start.isoformat()}"
                        + (f": {p.reason}" if p.reason else "")
                        + f" ({p.source})"
                    ),
                )
                for c, p in periods.items()
            ),
            else_=words,
        )
    return grants.mutate(
        designation_state=state, terminated_from=terminated_from, designation=words
    )


def _no_status_bar(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    granted = _designation_columns(f.status_grants.filter(_.granted_on <= a), ctx)
    live = granted.filter(granted.terminated_on.isnull() | (granted.terminated_on > a))
    within = live.valid_until.isnull() | (a <= live.valid_until)
    tps = live.kind == "tps"
    designated = live.designation_state.isin(["in_effect", NOT_ENCODED])
    # In force on its own dates; for TPS, also while the designation is neither terminated
    # nor in unsettled litigation (8 U.S.C. 1254a(a)(1)(A)).
    barring = live.filter((~tps & within) | (tps & designated & within))
    undecided = live.filter(
        tps
        & (
            (live.designation_state == "unsettled")
            # past the grant's date while the designation goes on: an extension by notice
            # keeps TPS for those who re-registered, which the case file does not show
            | (designated & ~within)
            # a grant made after the termination encoded: a re-designation not encoded?
            | ((live.designation_state == "terminated") & (live.granted_on >= live.terminated_from))
        )
    )
    evidence = describe(
        granted,
        "status grant",
        "kind",
        "granted_on",
        "valid_until",
        "terminated_on",
        "country",
        "authority",
        "source",
    ).union(describe(granted.filter(_.kind == "tps"), "TPS designation", "country", "designation"))
    return Verdict(
        status(
            (f.person_in(barring), FAIL),
            (~f.known("status_grants") | f.person_in(undecided), UNKNOWN),
            otherwise=PASS,
        ),
        evidence,
    )


def _no_individual_order_bar(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    latest = latest_on(f.court_orders, a, date_col="date", keys=("court", "docket", "effect"))
    in_force = latest.filter(
        (latest.status != "dissolved") & (latest.expires_on.isnull() | (a <= latest.expires_on))
    )
    barring = in_force.filter(
        ((_.effect == "bar_removal") & (_.country.isnull() | (_.country == ctx.dest)))
        # a removal takes the person out of the district the order holds them in
        | (_.effect == "bar_transfer_out_of_district")
        | (_.effect == "require_return")
    )
    notice_orders = in_force.filter(_.effect == "require_notice")
    n = f.notices.filter((_.country == ctx.dest) & _.written & _.served_on_counsel)
    # notice naming the destination, served on counsel at least notice_days before the date
    notified = notice_orders.semi_join(
        n,
        [
            notice_orders.person_id == n.person_id,
            n.served_on + notice_orders.notice_days.as_interval("D") <= a,
        ],
    )
    unmet = notice_orders.anti_join(notified, [notice_orders.person_id == notified.person_id])
    notices_known = f.known("notices")
    evidence = describe(
        latest,
        "court order",
        "court",
        "docket",
        "proceeding",
        "effect",
        "status",
        "date",
        "expires_on",
        "country",
        "district",
        "notice_days",
        "source",
    ).union(
        describe(
            n.filter((n.served_on <= a) & n.person_id.isin(notice_orders.person_id)),
            "notice served on counsel",
            "country",
            "served_on",
            "source",
        )
    )
    return Verdict(
        status(
            (f.person_in(barring) | (f.person_in(unmet) & notices_known), FAIL),
            (~f.known("court_orders") | f.person_in(unmet), UNKNOWN),
            otherwise=PASS,
        ),
        evidence,
    )


STATUS_BAR_RULES: tuple[Rule, ...] = (
    Rule(
        "no_status_bar",
        "No status grant in force that bars removal",
        "no status or grant that bars removal is in force on the date (from granted_on through "
        "valid_until, before terminated_on): TPS (while the country's designation is in effect), "
        "DACA and other deferred action, DED, U and T status",
        (
            "8 U.S.C. 1254a(a)(1)(A), (b)(3), (c)(3), (d)(3) (TPS)",
            "law data tps_designations.yaml (designations, terminations and litigation, dated, "
            "with sources)",
            "8 C.F.R. 236.21(c)(1), 236.23(d) (DACA)",
            "8 C.F.R. 274a.12(c)(14) (deferred action)",
            "8 C.F.R. 214.14(d)(2) (deferred action for U petitioners on the waiting list)",
            "8 U.S.C. 1101(a)(15)(T), (U); 8 C.F.R. 214.14(c)(5)(i) (U and T status)",
            "Deferred Enforced Departure: the presidential memorandum directing it",
        ),
        IMMIGRATION_ACT_1990,
        _no_status_bar,
        reads=("status_grants",),
        law_tables=("tps_designations",),
    ),
    Rule(
        "no_individual_order_bar",
        "No court order in the person's own case that bars the removal",
        "no order of a court in the person's own case is in force on the date that bars removal "
        "(to the destination), bars moving the person out of the district, requires their "
        "return, or requires notice to counsel naming the destination that has not run",
        (
            "the court's order (court, docket, date: cited in the facts)",
            "28 U.S.C. 1651(a) (orders in aid of jurisdiction); 28 U.S.C. 2241 (habeas)",
            "8 U.S.C. 1252(b)(3)(B) (a petition for review does not itself stay removal)",
        ),
        IIRIRA,
        _no_individual_order_bar,
        reads=("court_orders", "notices"),
    ),
)
