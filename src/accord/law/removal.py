"""Rules of removal law (DESIGN.md section 3). No agreement can override these."""

from __future__ import annotations

import datetime as dt

import ibis
from ibis import _

from accord.law.calendar import with_business_day
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
    describe,
    latest_on,
    national_of_destination,
    status,
)
from accord.pathways import ROUTED_BY_NATIONALITY

INA = dt.date(1952, 12, 24)
IIRIRA = dt.date(1997, 4, 1)
FARRA_REGULATIONS = dt.date(1999, 3, 22)
PROTECTION_KINDS_CAT = ("cat_withholding", "cat_deferral")
IMMEDIATELY_FINAL_KINDS = ("expedited", "reinstated", "administrative", "stipulated")


def _citizenship(f: Facts, ctx: Context) -> Verdict:
    c = f.persons.citizenship
    return Verdict(
        status(
            (c.isin(["us_citizen", "us_national"]), FAIL),
            (c == "unknown", UNKNOWN),
            otherwise=PASS,
        ),
        describe(f.persons, "citizenship recorded", "citizenship"),
    )


def _citizenship_claim(f: Facts, ctx: Context) -> Verdict:
    latest = latest_on(f.citizenship_claim, ctx.as_of_lit, date_col="date")
    open_claims = latest.filter(_.status.isin(["pending", "upheld"]))
    return Verdict(
        status(
            (f.person_in(open_claims), FAIL),
            (~f.known("citizenship_claim"), UNKNOWN),
            otherwise=PASS,
        ),
        describe(latest, "citizenship claim", "status", "date", "source"),
    )


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


def _latest_protections(f: Facts, ctx: Context) -> Expr:
    return latest_on(f.protections, ctx.as_of_lit, date_col="date", keys=("kind", "country"))


def _protection_granted(kinds: tuple[str, ...], *, to_destination: bool):  # type: ignore[no-untyped-def]
    def evaluate(f: Facts, ctx: Context) -> Verdict:
        latest = _latest_protections(f, ctx).filter(_.kind.isin(kinds))
        if to_destination:
            latest = latest.filter(_.country == ctx.dest)
        granted = latest.filter(_.status == "granted")
        return Verdict(
            status(
                (f.person_in(granted), FAIL), (~f.known("protections"), UNKNOWN), otherwise=PASS
            ),
            describe(latest, "protection", "kind", "status", "country", "date", "source"),
        )

    return evaluate


def _no_pending_fear(f: Facts, ctx: Context) -> Verdict:
    fear = latest_on(f.fear_claims, ctx.as_of_lit, date_col="date", keys=("country",)).filter(
        _.country == ctx.dest
    )
    open_fear = fear.filter(_.status.isin(["pending", "positive"]))
    unresolved = fear.filter(_.status == "unknown")
    pending_protection = _latest_protections(f, ctx).filter(
        (_.country == ctx.dest) & (_.status == "pending")
    )
    known = f.known("fear_claims") & f.known("protections")
    return Verdict(
        status(
            (f.person_in(open_fear) | f.person_in(pending_protection), FAIL),
            (~known | f.person_in(unresolved), UNKNOWN),
            otherwise=PASS,
        ),
        describe(fear, "fear claim", "country", "status", "date", "source").union(
            describe(
                pending_protection, "pending protection claim", "kind", "country", "date", "source"
            )
        ),
    )


def _first_day_after(days: int) -> int:
    """Days from service to the first day removal may proceed. A waiting period of N days runs
    through the N-th day after service (day of service excluded, last day included, as the appeal
    period runs), so removal may follow on the next day. A period in hours is rounded up to days
    and treated alike: the case file records the day of service, not the hour, so only the day
    after the last is wholly clear. No waiting period: the day of service."""
    return days + 1 if days > 0 else 0


def _third_country_notice(f: Facts, ctx: Context) -> Verdict:
    terms = ctx.params.notice
    assurances = ctx.agreement.diplomatic_assurances_credited
    normal = terms.waiting_days(exigent=False, assurances=assurances)
    exigent = terms.waiting_days(exigent=True, assurances=assurances)
    n = f.notices.filter((_.country == ctx.dest) & (_.served_on <= ctx.as_of_lit))
    wait = ibis.ifelse(n.exigent, _first_day_after(exigent), _first_day_after(normal))
    n = n.mutate(removable_from=n.served_on + wait.as_interval("D"))
    qualifying = n.filter(n.written & (n.removable_from <= ctx.as_of_lit))
    if terms.counsel_service:
        qualifying = qualifying.filter(_.served_on_counsel)
    branches: list[tuple[Expr, str]] = []
    if ctx.pathway in ROUTED_BY_NATIONALITY:
        # A national of the destination is returned, not sent to a third country.
        branches.append((national_of_destination(f, ctx), NOT_APPLICABLE))
    branches.append((f.person_in(qualifying), PASS))
    unknown = ~f.known("notices")
    if ctx.pathway in ROUTED_BY_NATIONALITY:
        unknown = unknown | ~f.known("nationalities")
    branches.append((unknown, UNKNOWN))
    return Verdict(
        status(*branches, otherwise=FAIL),
        describe(
            n,
            "notice",
            "country",
            "served_on",
            "served_on_counsel",
            "written",
            "removable_from",
            "source",
        ),
    )


def _not_serving(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    serving = f.sentences.filter((_.start <= a) & (_.released_on.isnull() | (_.released_on > a)))
    approved = f.early_removal_approvals.filter(_.approved_on <= a)
    is_serving = f.person_in(serving)
    return Verdict(
        status(
            (is_serving & f.person_in(approved), PASS),
            (is_serving & f.known("early_removal_approvals"), FAIL),
            (~f.known("sentences") | is_serving, UNKNOWN),
            otherwise=PASS,
        ),
        describe(serving, "serving sentence", "start", "projected_release", "source").union(
            describe(approved, "early removal approved", "approved_on", "source")
        ),
    )


def _pathway_nationality(f: Facts, ctx: Context) -> Verdict:
    national = national_of_destination(f, ctx)
    unknown = ~f.known("nationalities")
    if ctx.pathway == "return_of_nationals":
        verdict = status((national, PASS), (unknown, UNKNOWN), otherwise=FAIL)
    else:  # third-country removal: a national of the destination is returned instead
        verdict = status((national, FAIL), (unknown, UNKNOWN), otherwise=PASS)
    return Verdict(verdict, describe(f.nationalities, "nationality", "country"))


def _early_removal_offence(f: Facts, ctx: Context) -> Verdict:
    c = f.convictions.filter(_.date <= ctx.as_of_lit)
    return Verdict(
        status(
            (f.person_in(c.filter(_.category == "violent")), FAIL),
            (~f.known("convictions") | f.person_in(c.filter(_.category == "unknown")), UNKNOWN),
            otherwise=PASS,
        ),
        describe(c, "conviction", "offence", "category", "date", "source"),
    )


REMOVAL_RULES: tuple[Rule, ...] = (
    Rule(
        "citizenship",
        "Not a U.S. citizen or national",
        "the person is not a U.S. citizen or national",
        ("8 U.S.C. 1101(a)(3)", "Ng Fung Ho v. White, 259 U.S. 276 (1922)"),
        INA,
        _citizenship,
    ),
    Rule(
        "citizenship_claim",
        "No unresolved claim to U.S. citizenship or status",
        "no claim to U.S. citizenship or status is pending or upheld (ICE category [8H] is one)",
        ("Ng Fung Ho v. White, 259 U.S. 276 (1922)", "8 U.S.C. 1252(b)(5)"),
        INA,
        _citizenship_claim,
        reads=("citizenship_claim",),
    ),
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
    Rule(
        "no_asylum",
        "No grant of asylum in force",
        "the person does not hold asylum (an asylee may not be removed while asylum stands)",
        ("8 U.S.C. 1158(c)(1)(A)", "8 U.S.C. 1158(c)(2)"),
        IIRIRA,
        _protection_granted(("asylum",), to_destination=False),
        reads=("protections",),
    ),
    Rule(
        "no_withholding",
        "No withholding of removal as to the destination",
        "no withholding of removal is granted as to the destination",
        ("8 U.S.C. 1231(b)(3)",),
        IIRIRA,
        _protection_granted(("withholding",), to_destination=True),
        reads=("protections",),
    ),
    Rule(
        "no_cat",
        "No CAT protection as to the destination",
        "no withholding or deferral under the Convention Against Torture is granted as to the "
        "destination",
        ("8 C.F.R. 208.16(c)", "8 C.F.R. 208.17", "8 C.F.R. 1208.16-1208.18"),
        FARRA_REGULATIONS,
        _protection_granted(PROTECTION_KINDS_CAT, to_destination=True),
        reads=("protections",),
    ),
    Rule(
        "no_pending_fear",
        "No pending fear claim about the destination",
        "no fear claim, screening or protection application about the destination is pending",
        ("8 U.S.C. 1231(b)(3)", "8 C.F.R. 208.31"),
        FARRA_REGULATIONS,
        _no_pending_fear,
        reads=("fear_claims", "protections"),
    ),
    Rule(
        "third_country_notice",
        "Notice naming the third country, and the waiting period run",
        "written notice naming the country was served (on counsel too where the law in force "
        "requires it) and the waiting period in force has passed",
        ("law parameter third_country_notice (dated values with sources)", "8 U.S.C. 1231(b)(3)"),
        FARRA_REGULATIONS,
        _third_country_notice,
        reads=("notices",),
        term_source=lambda ctx: ctx.params.notice.source,
    ),
    Rule(
        "not_serving",
        "Not serving a sentence, unless early removal was approved",
        "the person is not serving a sentence of imprisonment, or early removal was approved",
        ("8 U.S.C. 1231(a)(4)(A)", "8 U.S.C. 1231(a)(4)(B)"),
        IIRIRA,
        _not_serving,
        reads=("sentences", "early_removal_approvals"),
    ),
    Rule(
        "pathway_nationality",
        "Nationality fits the pathway",
        "return of nationals: a national of the destination; third-country removal: not one",
        ("8 U.S.C. 1231(b)(2)(D)", "8 U.S.C. 1231(b)(2)(E)(vii)"),
        IIRIRA,
        _pathway_nationality,
        reads=("nationalities",),
    ),
    Rule(
        "early_removal_offence",
        "Early removal only for nonviolent offences",
        "every conviction is for a nonviolent offence",
        ("8 U.S.C. 1231(a)(4)(B)(i)",),
        IIRIRA,
        _early_removal_offence,
        reads=("convictions",),
    ),
)
