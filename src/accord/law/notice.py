"""Notice before removal to a country not designated on the person's removal order.

Notice is owed for every country not designated on a removal order in force (the primary
country or an alternative, 8 C.F.R. 1240.12(d)), whatever the person's nationality: that is
the class of D.V.D. v. DHS (law/data/court_orders/dvd-v-dhs.yaml). A country designated on
the order needs none. Whether the destination is designated cannot be told when removal
orders are not recorded, or an order does not record its country or its alternatives.

The terms are of two kinds. The regulation's or the agency's (law parameter
third_country_notice, chosen by the deployment's profile) bind every removal. A class-wide
court order requiring notice (D.V.D.), while it binds under the profile, adds its terms for
the members of its class: service on counsel, a longer wait, and, after a negative fear
determination about the country, days to move to reopen that run from that determination
(fear_claims: the latest claim about the destination on or after the notice, status
negative, and its date), not from the notice.

A notice counts only if served on or after the latest removal order in force was issued:
it is notice under that order, not under one since vacated nor under none (scenarios 383,
384). A notice recorded more than a day after its stated service (it could be backdated) is not
a fact until a legal reviewer other than its recorder confirms it (operations/workflow.py
confirm_notice): until then this rule reads no such notice and answers as if none were
served (fail where notice is owed). That is the rule's semantics for an unproved notice:
`unknown` is kept for facts not recorded at all, and a decision must not pass, nor wait as
undetermined, on a notice the registry does not hold. The pending confirmation is shown
with the case (its events), not by this rule, which reads facts only.
"""

from __future__ import annotations

import functools
import operator

import ibis
from ibis import _

from accord.law.class_predicates import Truth, Where, destination_designated, evaluate
from accord.law.framework import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    UNKNOWN,
    Context,
    Expr,
    Facts,
    Rule,
    Verdict,
    all_of,
    describe,
    latest_on,
    removal_orders_in_force,
    status,
    union_all,
)
from accord.law.parameters import NoticeTerms
from accord.law.removal import FARRA_REGULATIONS

# A fear claim in these states has not been decided: removal cannot follow.
OPEN_FEAR = ("pending", "positive", "referred", "review_pending")
NOTICE_ORDERS = ("dvd-v-dhs",)  # the bundled orders it reads (checked against the data)


def _first_day_after(days: int) -> int:
    """Days from service to the first day removal may proceed. A waiting period of N days runs
    through the N-th day after service (day of service excluded, last day included, as the appeal
    period runs), so removal may follow on the next day. A period in hours is rounded up to days
    and treated alike: the case file records the day of service, not the hour, so only the day
    after the last is wholly clear. No waiting period: the day of service."""
    return days + 1 if days > 0 else 0


def _notices(f: Facts, ctx: Context, terms: NoticeTerms) -> Expr:
    """Written notices naming the destination, with the first day removal may follow."""
    assurances = ctx.agreement.diplomatic_assurances_credited
    normal = terms.waiting_days(exigent=False, assurances=assurances)
    exigent = terms.waiting_days(exigent=True, assurances=assurances)
    n = f.notices.filter((_.country == ctx.dest) & (_.served_on <= ctx.as_of_lit))
    wait = ibis.ifelse(n.exigent, _first_day_after(exigent), _first_day_after(normal))
    return n.mutate(removable_from=n.served_on + wait.as_interval("D"))


def _fear_about_destination(f: Facts, ctx: Context) -> Expr:
    fear = latest_on(f.fear_claims, ctx.as_of_lit, date_col="date", keys=("country",))
    return fear.filter(_.country == ctx.dest)


def _under_order_in_force(f: Facts, ctx: Context, notices: Expr) -> Expr:
    """The notices served on or after the latest removal order in force was issued: a notice
    is given under an order, so one served before it (under an order since vacated, or
    before any order: a backdated date such as 2000-01-01) does not count for removal under
    it. With no order in force this rule does not judge the notice by an order (final_order
    fails: there is nothing to remove under, and a second failure here would only echo it)."""
    live = removal_orders_in_force(f, ctx.as_of)
    latest = live.group_by("person_id").aggregate(order_issued=live.issued_on.max())
    joined = notices.left_join(latest, "person_id")
    kept = joined.filter(joined.order_issued.isnull() | (joined.served_on >= joined.order_issued))
    return kept.select(*notices.columns)


def _qualifies(f: Facts, ctx: Context, terms: NoticeTerms) -> Expr:
    """A notice that meets `terms` on the date: given under the removal order in force,
    written, served on counsel where required, its wait run, and any days to move to reopen
    after a negative fear determination run."""
    n = _under_order_in_force(f, ctx, _notices(f, ctx, terms))
    ok = n.filter(n.written & (n.removable_from <= ctx.as_of_lit))
    if terms.counsel_service:
        ok = ok.filter(_.served_on_counsel)
    reopen = terms.reopen_days_after_negative_fear
    if not reopen:
        return f.person_in(ok)
    fear = _fear_about_destination(f, ctx)
    running = fear.filter(
        fear.status.isin(OPEN_FEAR)
        | (fear.status == "unknown")
        | (
            (fear.status == "negative")
            & (fear.date + ibis.interval(days=_first_day_after(reopen)) > ctx.as_of_lit)
        )
    )
    ok = ok.anti_join(running, [ok.person_id == running.person_id, running.date >= ok.served_on])
    return f.person_in(ok) & f.known("fear_claims")


def _evidence(f: Facts, ctx: Context, orders: list[tuple[str, NoticeTerms]]) -> Expr:
    base = ctx.params.notice_outside_orders
    rows = [
        describe(
            _notices(f, ctx, base),
            "notice",
            "country",
            "served_on",
            "served_on_counsel",
            "written",
            "removable_from",
            "source",
        )
    ]
    for title, terms in orders:
        rows.append(
            describe(
                _notices(f, ctx, terms),
                f"notice under {title} (for its class)",
                "served_on",
                "served_on_counsel",
                "removable_from",
            )
        )
        if terms.reopen_days_after_negative_fear:
            fear = _fear_about_destination(f, ctx)
            days = terms.reopen_days_after_negative_fear
            rows.append(
                describe(
                    fear.mutate(reopen_days_end=fear.date + ibis.interval(days=days)),
                    f"fear claim about the destination ({days} days to move to reopen after "
                    f"a negative determination, {title})",
                    "status",
                    "screening",
                    "date",
                    "reopen_days_end",
                    "source",
                )
            )
    o = f.removal_orders.filter(_.issued_on <= ctx.as_of_lit)
    # "|" is the empty list of codes (facts/tables.py encode_codes): say "none"
    o = o.mutate(
        alternative_countries=ibis.ifelse(
            o.alternative_countries == "|", "none", o.alternative_countries
        )
    )
    rows.append(
        describe(
            o,
            "removal order (designated countries)",
            "kind",
            "country",
            "alternative_countries",
            "issued_on",
            "vacated_on",
        )
    )
    return union_all(rows)


def _third_country_notice(f: Facts, ctx: Context) -> Verdict:
    where = Where(f, ctx.as_of, ctx.pathway, ctx.destination)
    designated = destination_designated(where)
    base_ok = _qualifies(f, ctx, ctx.params.notice_outside_orders)
    orders: list[tuple[Truth, Expr, NoticeTerms]] = []
    titles: list[tuple[str, NoticeTerms]] = []
    for order_notice in ctx.params.notice_orders:
        order = ctx.law.order(order_notice.order_id)
        member = evaluate(order.predicate, where)
        orders.append((member, _qualifies(f, ctx, order_notice.terms), order_notice.terms))
        titles.append((order.title, order_notice.terms))
    # Met: the regulation's or agency's terms, and every binding order's for its class.
    met = all_of([base_ok, *(m.is_false | ok for m, ok, _t in orders)])
    # Unmet only for want of knowing whether the person is in an order's class.
    met_if_outside = functools.reduce(
        operator.and_, [~m.is_true | ok for m, ok, _t in orders], base_ok
    )
    fear_unknown = ibis.literal(False)
    for member, _ok, terms in orders:
        if terms.reopen_days_after_negative_fear:
            fear = _fear_about_destination(f, ctx).filter(_.status == "unknown")
            fear_unknown = fear_unknown | (
                ~member.is_false & (~f.known("fear_claims") | f.person_in(fear))
            )
    verdict = status(
        (designated.is_true, NOT_APPLICABLE),
        (~f.known("removal_orders"), UNKNOWN),
        (met, PASS),
        (designated.is_unknown, UNKNOWN),
        (~f.known("notices"), UNKNOWN),
        (fear_unknown, UNKNOWN),
        (met_if_outside, UNKNOWN),
        otherwise=FAIL,
    )
    return Verdict(verdict, _evidence(f, ctx, titles))


def _terms_cited(ctx: Context) -> str | None:
    """The terms applied: the parameter's value and every binding order's, with sources."""
    cited = [ctx.params.notice_outside_orders.source]
    cited.extend(o.terms.source for o in ctx.params.notice_orders)
    return "; ".join(cited)


NOTICE_RULES: tuple[Rule, ...] = (
    Rule(
        "third_country_notice",
        "Notice naming a country not designated on the removal order, and the wait run",
        "the destination is designated on the person's removal order (no notice owed), or "
        "written notice naming it was served and the waiting period in force has passed; for "
        "a member of a binding court order's class, the order's terms too (service on "
        "counsel, its wait, and its days to move to reopen after a negative fear "
        "determination, counted from that determination)",
        (
            "law parameter third_country_notice (dated values with sources)",
            "class-wide court orders requiring notice (law/data/court_orders)",
            "8 U.S.C. 1231(b)(3)",
            "8 C.F.R. 1240.12(d)",
        ),
        FARRA_REGULATIONS,
        _third_country_notice,
        reads=("notices", "removal_orders", "fear_claims"),
        term_source=_terms_cited,
        parameters=("third_country_notice",),
        court_orders=NOTICE_ORDERS,
    ),
)
