"""Rules of protection: asylum, withholding, CAT, and pending fear claims about the destination."""

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


PROTECTION_RULES: tuple[Rule, ...] = (
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
)
