"""Rules on the removal order: is it final, and is its execution stayed.

final_order follows 8 C.F.R. 1241.1 for an immigration judge's order and the statute or
regulation of each other kind of order. The order that decides is the latest one in force
(issued, not vacated, not cancelled): a later order (the Board's, one entered after
reopening, a reinstatement) takes the place of an earlier one.
"""

from __future__ import annotations

import ibis
from ibis import _

from accord.law.calendar import with_business_day
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
    removal_orders_in_force,
    status,
)
from accord.law.removal import IIRIRA

# Final when made: an order of the Board itself (1241.1(a), 1241.31: "final as of the date of
# the Board's decision"), a stipulated order (appeal waived in the stipulation, 8 C.F.R.
# 1003.25(b)), expedited removal (8 U.S.C. 1225(b)(1)(A)(i)), a reinstated order ("not subject
# to being reopened or reviewed", 1231(a)(5)) and an INA 238(b) final administrative order.
IMMEDIATELY_FINAL_KINDS = ("bia", "stipulated", "expedited", "reinstated", "administrative")
# Orders the Secretary issues: deemed cancelled by operation of law when USCIS approves U or T
# status (8 C.F.R. 214.14(c)(5)(i) for U; the T regulations alike). A reinstated order is
# DHS's decision on an order that may be a judge's: whether the approval cancels it is open.
SECRETARY_ORDER_KINDS = ("expedited", "administrative")
U_T_STATUS = ("u_nonimmigrant", "t_nonimmigrant")
# Filing any of these during a voluntary departure period ends the grant and the alternate
# order takes effect at once (8 C.F.R. 1240.26(e)(1), (i)).
ENDS_VOLUNTARY_DEPARTURE = ("motion_to_reopen", "motion_to_reconsider", "petition_for_review")
# A granted motion to reopen or to remand reopens the proceedings (8 C.F.R. 1003.2, 1003.23(b)).
REOPENS = ("motion_to_reopen", "motion_to_remand")


def _live_orders(f: Facts, ctx: Context) -> Expr:
    return removal_orders_in_force(f, ctx.as_of)


def _appealable(orders: Expr) -> Expr:
    """Immigration judge orders that could be appealed to the BIA."""
    return orders.filter(
        (orders.kind == "immigration_judge") & ~orders.in_absentia & ~orders.appeal_waived
    )


def _with_appeal_window_end(orders: Expr, ctx: Context, *, out: str = "window_end") -> Expr:
    """`orders` with the last day to appeal: 30 calendar days, and if that day is a Saturday,
    Sunday or legal holiday, the next business day (8 C.F.R. 1003.38(b))."""
    days = int(ctx.params.appeal_period_days.value)
    return with_business_day(orders, orders.issued_on + ibis.interval(days=days), out=out)


def _operative_orders(f: Facts, ctx: Context) -> tuple[Expr, Expr, Expr]:
    """(the deciding orders: latest in force, per person; orders cancelled by a U or T
    approval; the U and T approvals on or before the date)."""
    a = ctx.as_of_lit
    live = _live_orders(f, ctx)
    ut = f.status_grants.filter(_.kind.isin(U_T_STATUS) & (_.granted_on <= a))
    approved_since = [
        live.person_id == ut.person_id,
        live.kind.isin(SECRETARY_ORDER_KINDS),
        ut.granted_on >= live.issued_on,
    ]
    # views end the join chains: both are joined again (SQLite has no chained semi-join)
    cancelled = live.semi_join(ut, approved_since).view()
    standing = live.anti_join(ut, approved_since).view()
    # read by a dozen of final_order's tests: computed once per docket statement
    deciding = f.share("operative_removal_orders", latest_on(standing, a, date_col="issued_on"))
    return deciding, cancelled, ut


def _final_order(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    ops, cancelled, ut = _operative_orders(f, ctx)
    filed = f.appeals.filter(_.filed_on <= a)
    appeals = filed.filter(_.kind == "bia_appeal")
    # The appeal period is computed for every deciding order; it matters for a judge's only.
    ow = f.share("deciding_orders_appeal_window", _with_appeal_window_end(ops, ctx))
    appealable = (ow.kind == "immigration_judge") & ~ow.in_absentia
    in_window = [
        ow.person_id == appeals.person_id,
        appealable,
        appeals.filed_on >= ow.issued_on,
        appeals.filed_on <= ow.window_end,
    ]
    # (a) an appeal dismissed (or withdrawn) makes the order final on that day.
    ended = appeals.filter(_.status.isin(["dismissed", "withdrawn"]) & (_.decided_on <= a))
    final_by_appeal = ow.semi_join(
        ended,
        [
            ow.person_id == ended.person_id,
            appealable,
            ended.filed_on >= ow.issued_on,
            ended.filed_on <= ow.window_end,
        ],
    )
    u = ow.anti_join(appeals, in_window)  # not appealed in time (every other kind stays)
    judge = (u.kind == "immigration_judge") & ~u.in_absentia
    vd = u.voluntary_departure_until
    with_vd = vd.notnull() & (judge | (u.kind == "bia"))
    final_on_its_terms = u.filter(
        # the kinds final when made (a Board order with voluntary departure waits, (f))
        (u.kind.isin(IMMEDIATELY_FINAL_KINDS) & ~with_vd)
        # (e) in absentia
        | ((u.kind == "immigration_judge") & u.in_absentia)
        # (b) appeal waived; (c) the appeal period run out with no appeal
        | (judge & vd.isnull() & (u.appeal_waived | (u.window_end < a)))
        # (f) voluntary departure overstayed
        | (with_vd & (vd < a))
        # INA 238(c): final on the waiver of appeal of the conviction, the end of the period
        # to seek review, or the dismissal of the conviction's appeal (8 U.S.C.
        # 1228(c)(3)(A)(iii)); only the waiver is recorded on the order
        | ((u.kind == "judicial") & u.appeal_waived)
    )
    # (f) a motion or petition filed during voluntary departure ends the grant, and the
    # alternate order takes effect at once (8 C.F.R. 1240.26(e)(1), (i)).
    ends_vd = filed.filter(_.kind.isin(ENDS_VOLUNTARY_DEPARTURE))
    departing = u.filter(with_vd)
    vd_ended = departing.semi_join(
        ends_vd,
        [
            departing.person_id == ends_vd.person_id,
            ends_vd.filed_on >= departing.issued_on,
            ends_vd.filed_on <= departing.voluntary_departure_until,
        ],
    )
    final_any = _any_row(f, final_on_its_terms, final_by_appeal, vd_ended)
    judicial_open = ops.filter((ops.kind == "judicial") & ~ops.appeal_waived)

    granted_after = filed.filter((_.status == "granted") & (_.decided_on <= a))
    reopen = granted_after.filter(_.kind.isin(REOPENS))
    reconsider = granted_after.filter(_.kind == "motion_to_reconsider")
    reopened = ops.semi_join(
        reopen, [ops.person_id == reopen.person_id, reopen.decided_on > ops.issued_on]
    )
    # A granted motion to reconsider vacates the decision reconsidered and a new one takes
    # its place (Fuller v. BIA, 702 F.3d 83 (2d Cir. 2012); Mu Ju Li v. Mukasey, 515 F.3d 575
    # (6th Cir. 2008)): without a new order recorded since, finality is undecided.
    reconsidered = ops.semi_join(
        reconsider,
        [ops.person_id == reconsider.person_id, reconsider.decided_on > ops.issued_on],
    )
    approvals = ut.view()  # a second use of the approvals in the same statement
    revoked = cancelled.semi_join(
        approvals,
        [
            cancelled.person_id == approvals.person_id,
            approvals.granted_on >= cancelled.issued_on,
            approvals.terminated_on.notnull() & (approvals.terminated_on <= a),
        ],
    )
    reinstated = ops.filter(ops.kind == "reinstated")
    reinstated_ut = reinstated.semi_join(
        approvals,
        [
            reinstated.person_id == approvals.person_id,
            approvals.granted_on >= reinstated.issued_on,
        ],
    )
    grants_needed = f.person_in(ops.filter(_.kind.isin((*SECRETARY_ORDER_KINDS, "reinstated"))))
    grants_ok = ~grants_needed | f.known("status_grants")
    open_question = f.person_in(reconsidered) | f.person_in(revoked) | f.person_in(reinstated_ut)
    evidence = (
        describe(
            _with_appeal_window_end(_live_orders(f, ctx), ctx).mutate(
                appeal_period_ends=ibis.ifelse(_.kind == "immigration_judge", _.window_end, None)
            ),
            "removal order",
            "kind",
            "issued_on",
            "in_absentia",
            "appeal_waived",
            "voluntary_departure_until",
            "appeal_period_ends",
            "source",
        )
        .union(
            describe(
                filed, "appeal or motion", "kind", "filed_on", "status", "decided_on", "source"
            )
        )
        .union(
            describe(
                cancelled,
                "removal order deemed cancelled by a later U or T approval",
                "kind",
                "issued_on",
                "source",
            )
        )
    )
    return Verdict(
        status(
            (~f.known("removal_orders"), UNKNOWN),
            (f.person_in(reopened), FAIL),
            (open_question, UNKNOWN),
            (final_any & f.known("appeals") & grants_ok, PASS),
            (final_any | f.person_in(judicial_open), UNKNOWN),
            otherwise=FAIL,
        ),
        evidence,
    )


def _any_row(f: Facts, *subsets: Expr) -> Expr:
    """True for persons with a row in any of `subsets`."""
    result: Expr = f.person_in(subsets[0])
    for subset in subsets[1:]:
        result = result | f.person_in(subset)
    return result


def _no_stay(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    s = f.stays
    explicit = s.filter(
        (s.granted_on <= a)
        & (s.expires_on.isnull() | (a <= s.expires_on))
        & (s.lifted_on.isnull() | (s.lifted_on > a))
    )
    pending = f.appeals.filter((_.filed_on <= a) & ((_.status == "pending") | (_.decided_on > a)))
    orders = _live_orders(f, ctx)
    in_absentia = orders.filter(orders.in_absentia)
    # 8 C.F.R. 1003.6(a): a pending BIA appeal stays removal; 1003.23(b)(4)(ii): so does
    # a pending motion to reopen an in-absentia order.
    pending_stays = pending.filter(
        (pending.kind == "bia_appeal") | pending.person_id.isin(in_absentia.person_id)
    )
    ij = _appealable(orders)
    window_open = _with_appeal_window_end(ij, ctx, out="appeal_period_ends").filter(
        a <= _.appeal_period_ends
    )
    has_ij_order = f.person_in(orders.filter(_.kind == "immigration_judge"))
    stayed = f.person_in(explicit) | f.person_in(pending_stays) | f.person_in(window_open)
    evidence = describe(explicit, "stay in force", "kind", "granted_on", "expires_on", "source")
    evidence = evidence.union(
        describe(pending, "pending appeal or motion", "kind", "filed_on", "status", "source")
    ).union(
        describe(
            window_open,
            "automatic stay during the appeal period",
            "issued_on",
            "appeal_period_ends",
            "source",
        )
    )
    return Verdict(
        status(
            (stayed, FAIL),
            (~f.known("stays") | (~f.known("appeals") & has_ij_order), UNKNOWN),
            otherwise=PASS,
        ),
        evidence,
    )


FINALITY_RULES: tuple[Rule, ...] = (
    Rule(
        "final_order",
        "A final order of removal",
        "the latest removal order in force is final on the date: an immigration judge's order on "
        "the Board's dismissal, waiver of appeal, the end of the appeal period, in absentia, or "
        "overstay of voluntary departure; the Board's, stipulated, expedited, reinstated and "
        "INA 238(b) orders when made; an INA 238(c) order on waiver of appeal; and not reopened "
        "or remanded since",
        (
            "8 C.F.R. 1241.1(a)-(f), 1241.31",
            "8 C.F.R. 1003.25(b) (stipulated orders)",
            "8 C.F.R. 1240.26(e)(1), (i) (voluntary departure ended by a motion or petition)",
            "8 U.S.C. 1225(b)(1)",
            "8 U.S.C. 1228(b), (c)(3)(A)(iii)",
            "8 U.S.C. 1231(a)(5)",
            "8 C.F.R. 1003.2, 1003.23(b) (reopening, remand and reconsideration)",
            "8 C.F.R. 214.14(c)(5)(i) (an order of the Secretary cancelled by U approval)",
        ),
        IIRIRA,
        _final_order,
        reads=("removal_orders", "appeals", "status_grants"),
        parameters=("appeal_period_days",),
        law_tables=("non_business_days",),
    ),
    Rule(
        "no_stay",
        "No stay of removal in force",
        "no stay is in force: automatic stay during the appeal period or a pending BIA appeal, "
        "pending motion to reopen an in-absentia order, judicial or DHS stay",
        ("8 C.F.R. 1003.6(a)", "8 C.F.R. 1003.23(b)(4)(ii)", "8 C.F.R. 241.6"),
        IIRIRA,
        _no_stay,
        reads=("stays", "appeals", "removal_orders"),
        parameters=("appeal_period_days",),
        law_tables=("non_business_days",),
    ),
)
