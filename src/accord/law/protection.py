"""Rules of protection: asylum, withholding, CAT, and fear claims about the destination.

A protection stands whether it was recorded as a grant (`protections`) or as the outcome of a
fear claim (`fear_claims` with status `granted`, `protection` naming it): the rules on grants
read both lists. A fear claim is open from the claim until it is closed:

* open: `pending` (claimed, not screened), `positive` (screened positive), `referred` (before
  an immigration judge on the merits, 8 C.F.R. 208.30(f), 208.31(e), 1208.31(e)),
  `review_pending` (a negative screening under review by an immigration judge, 8 C.F.R.
  208.30(g), 208.31(g), 1208.31(g), 1003.42), `denied` (protection denied by the judge while
  an appeal to the Board is possible or pending, 8 C.F.R. 1208.31(e), 1003.38(b));
* closed: `negative` (the judge concurred in the negative screening, from which no appeal
  lies (8 C.F.R. 208.31(g)(1), 1208.31(g)(1), 1003.42), or review was declined or not
  requested (208.31(f))), `denied_final` (denied and the appeal dismissed, waived or run
  out), `withdrawn`, and `granted` (a grant, decided by no_asylum, no_withholding and no_cat);
* `unknown`: the outcome is not recorded.

A `denied` record stays open until a `denied_final` record closes it: the case file does not
link an appeal to the claim, so the engine does not infer that the appeal period ran out.
"""

from __future__ import annotations

from ibis import _

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
from accord.law.removal import FARRA_REGULATIONS, IIRIRA

PROTECTION_KINDS_CAT = ("cat_withholding", "cat_deferral")
OPEN_FEAR = ("pending", "positive", "referred", "review_pending", "denied")

FEAR_CITATIONS = (
    "8 C.F.R. 208.30(f)-(g)",
    "8 C.F.R. 208.31(e)-(g)",
    "8 C.F.R. 1208.31(e)-(g)",
    "8 C.F.R. 1003.42",
    "8 C.F.R. 1003.38(b)",
)


def latest_protections(f: Facts, ctx: Context) -> Expr:
    return latest_on(f.protections, ctx.as_of_lit, date_col="date", keys=("kind", "country"))


def latest_fear_claims(f: Facts, ctx: Context) -> Expr:
    """The latest record per country on or before the date: where each claim stands."""
    return latest_on(f.fear_claims, ctx.as_of_lit, date_col="date", keys=("country",))


def open_fear_claims(f: Facts, ctx: Context) -> tuple[Expr, Expr]:
    """(open claims, claims whose outcome is not recorded), about any country."""
    fear = latest_fear_claims(f, ctx)
    return fear.filter(_.status.isin(OPEN_FEAR)), fear.filter(_.status == "unknown")


def _protection_granted(kinds: tuple[str, ...], *, to_destination: bool):  # type: ignore[no-untyped-def]
    def evaluate(f: Facts, ctx: Context) -> Verdict:
        latest = latest_protections(f, ctx).filter(_.kind.isin(kinds))
        fear = latest_fear_claims(f, ctx).filter(_.status == "granted")
        if to_destination:
            latest = latest.filter(_.country == ctx.dest)
            fear = fear.filter(_.country == ctx.dest)
        granted = latest.filter(_.status == "granted")
        fear_granted = fear.filter(_.protection.isin(kinds))
        # adjudicated with protection, the kind not recorded: it may be this one
        fear_unnamed = fear.filter(_.protection.isnull())
        known = f.known("protections") & f.known("fear_claims")
        return Verdict(
            status(
                (f.person_in(granted) | f.person_in(fear_granted), FAIL),
                (~known | f.person_in(fear_unnamed), UNKNOWN),
                otherwise=PASS,
            ),
            describe(latest, "protection", "kind", "status", "country", "date", "source").union(
                describe(fear, "fear claim granted", "country", "protection", "date", "source")
            ),
        )

    return evaluate


def _no_pending_fear(f: Facts, ctx: Context) -> Verdict:
    fear = latest_fear_claims(f, ctx).filter(_.country == ctx.dest)
    open_fear = fear.filter(_.status.isin(OPEN_FEAR))
    unresolved = fear.filter(_.status == "unknown")
    pending_protection = latest_protections(f, ctx).filter(
        (_.country == ctx.dest) & (_.status == "pending")
    )
    known = f.known("fear_claims") & f.known("protections")
    return Verdict(
        status(
            (f.person_in(open_fear) | f.person_in(pending_protection), FAIL),
            (~known | f.person_in(unresolved), UNKNOWN),
            otherwise=PASS,
        ),
        describe(fear, "fear claim", "country", "status", "screening", "date", "source").union(
            describe(
                pending_protection, "pending protection claim", "kind", "country", "date", "source"
            )
        ),
    )


PROTECTION_RULES: tuple[Rule, ...] = (
    Rule(
        "no_asylum",
        "No grant of asylum in force",
        "the person does not hold asylum, granted as such or as the outcome of a fear claim (an "
        "asylee may not be removed while asylum stands)",
        ("8 U.S.C. 1158(c)(1)(A)", "8 U.S.C. 1158(c)(2)"),
        IIRIRA,
        _protection_granted(("asylum",), to_destination=False),
        reads=("protections", "fear_claims"),
    ),
    Rule(
        "no_withholding",
        "No withholding of removal as to the destination",
        "no withholding of removal is granted as to the destination, as such or as the outcome "
        "of a fear claim",
        ("8 U.S.C. 1231(b)(3)",),
        IIRIRA,
        _protection_granted(("withholding",), to_destination=True),
        reads=("protections", "fear_claims"),
    ),
    Rule(
        "no_cat",
        "No CAT protection as to the destination",
        "no withholding or deferral under the Convention Against Torture is granted as to the "
        "destination, as such or as the outcome of a fear claim",
        ("8 C.F.R. 208.16(c)", "8 C.F.R. 208.17", "8 C.F.R. 1208.16-1208.18"),
        FARRA_REGULATIONS,
        _protection_granted(PROTECTION_KINDS_CAT, to_destination=True),
        reads=("protections", "fear_claims"),
    ),
    Rule(
        "no_pending_fear",
        "No pending fear claim about the destination",
        "no fear claim about the destination is open (claimed, screened positive, referred, "
        "under review of a negative screening, or denied with an appeal possible or pending) "
        "and no protection application about it is pending",
        ("8 U.S.C. 1231(b)(3)", "8 U.S.C. 1225(b)(1)(B)", *FEAR_CITATIONS),
        FARRA_REGULATIONS,
        _no_pending_fear,
        reads=("fear_claims", "protections"),
    ),
)
