"""A person serving a sentence: removal only when early removal is approved, for the offences
the law allows (8 U.S.C. 1231(a)(4))."""

from __future__ import annotations

from ibis import _

from accord.law.framework import (
    FAIL,
    PASS,
    UNKNOWN,
    Context,
    Facts,
    Rule,
    Verdict,
    describe,
    status,
)
from accord.law.removal import IIRIRA


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


SERVING_RULES: tuple[Rule, ...] = (
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
        "early_removal_offence",
        "Early removal only for nonviolent offences",
        "every conviction is for a nonviolent offence",
        ("8 U.S.C. 1231(a)(4)(B)(i)",),
        IIRIRA,
        _early_removal_offence,
        reads=("convictions",),
    ),
)
