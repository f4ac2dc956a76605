"""Rules on the removal order: is it final, and is its execution stayed."""

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
    status,
)
from accord.law.removal import IIRIRA

IMMEDIATELY_FINAL_KINDS = ("expedited", "reinstated", "administrative", "stipulated")


def _live_orders(f: Facts, ctx: Context) -> Expr:
    o = f.removal_orders
    return o.filter(
        (o.issued_on <= ctx.as_of_lit) & (o.vacated_on.isnull() | (o.vacated_on > ctx.as_of_lit))
    )


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


def _final_order(f: Facts, ctx: Context) -> Verdict:
    orders = _live_orders(f, ctx)
    immediate = orders.filter(
        orders.kind.isin(IMMEDIATELY_FINAL_KINDS) | orders.in_absentia | orders.appeal_waived
    )
    ij = _with_appeal_window_end(_appealable(orders), ctx)
    appeals = f.appeals.filter((_.kind == "bia_appeal") & (_.filed_on <= ctx.as_of_lit))
    in_window = [
        ij.person_id == appeals.person_id,
        appeals.filed_on >= ij.issued_on,
        appeals.filed_on <= ij.window_end,
    ]
    # An appeal dismissed or withdrawn makes the order final on that day (8 C.F.R. 1241.1(a), (b)).
    ended = appeals.filter(
        _.status.isin(["dismissed", "withdrawn"]) & (_.decided_on <= ctx.as_of_lit)
    )
    final_by_appeal = ij.semi_join(
        ended,
        [
            ij.person_id == ended.person_id,
            ended.filed_on >= ij.issued_on,
            ended.filed_on <= ij.window_end,
        ],
    )
    # No appeal, and the period has run out: final (8 C.F.R. 1241.1(c)).
    expired = ij.anti_join(appeals, in_window).filter(_.window_end < ctx.as_of_lit)
    expired_known = expired.filter(
        expired.person_id.isin(f.persons.filter(_.appeals_known).person_id)
    )
    final = f.person_in(immediate) | f.person_in(final_by_appeal) | f.person_in(expired_known)
    evidence = describe(
        _with_appeal_window_end(orders, ctx).mutate(
            appeal_period_ends=ibis.ifelse(_.kind == "immigration_judge", _.window_end, None)
        ),
        "removal order",
        "kind",
        "issued_on",
        "in_absentia",
        "appeal_waived",
        "appeal_period_ends",
        "source",
    ).union(describe(appeals, "appeal", "filed_on", "status", "decided_on", "source"))
    return Verdict(
        status(
            (final, PASS),
            (~f.known("removal_orders") | f.person_in(expired), UNKNOWN),
            otherwise=FAIL,
        ),
        evidence,
    )


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
        "a removal order is final as of the date (BIA dismissal, appeal waived, appeal period "
        "run out, in absentia, expedited, reinstated, administrative)",
        ("8 C.F.R. 1241.1", "8 U.S.C. 1225(b)(1)", "8 U.S.C. 1228(b)", "8 U.S.C. 1231(a)(5)"),
        IIRIRA,
        _final_order,
        reads=("removal_orders", "appeals"),
    ),
    Rule(
        "no_stay",
        "No stay of removal in force",
        "no stay is in force: automatic stay during the appeal period or a pending BIA appeal, "
        "pending motion to reopen an in-absentia order, judicial or DHS stay",
        ("8 C.F.R. 1003.6(a)", "8 C.F.R. 1003.23(b)(4)(ii)", "8 C.F.R. 241.6"),
        IIRIRA,
        _no_stay,
        reads=("stays", "appeals"),
    ),
)
