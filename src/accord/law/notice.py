"""Notice before removal to a third country (law parameter third_country_notice)."""

from __future__ import annotations

import ibis
from ibis import _

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
    national_of_destination,
    status,
)
from accord.law.removal import FARRA_REGULATIONS
from accord.pathways import ROUTED_BY_NATIONALITY


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


NOTICE_RULES: tuple[Rule, ...] = (
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
)
