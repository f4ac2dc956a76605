"""Rules of removal law on who the person is (docs/design.md section 3). No agreement can override
these. The other rules of removal are in finality.py, protection.py, notice.py and serving.py;
catalogue.py puts them together."""

from __future__ import annotations

import datetime as dt

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
    latest_on,
    national_of_destination,
    nationality_unsettled,
    status,
)

INA = dt.date(1952, 12, 24)
IIRIRA = dt.date(1997, 4, 1)
FARRA_REGULATIONS = dt.date(1999, 3, 22)


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


def _pathway_nationality(f: Facts, ctx: Context) -> Verdict:
    national = national_of_destination(f, ctx)
    unknown = nationality_unsettled(f)  # not known, or a former state (SUHH)
    if ctx.pathway == "return_of_nationals":
        verdict = status((national, PASS), (unknown, UNKNOWN), otherwise=FAIL)
    else:  # third-country removal: a national of the destination is returned instead
        verdict = status((national, FAIL), (unknown, UNKNOWN), otherwise=PASS)
    return Verdict(verdict, describe(f.nationalities, "nationality", "country"))


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
        "pathway_nationality",
        "Nationality fits the pathway",
        "return of nationals: a national of the destination; third-country removal: not one",
        ("8 U.S.C. 1231(b)(2)(D)", "8 U.S.C. 1231(b)(2)(E)(vii)"),
        IIRIRA,
        _pathway_nationality,
        reads=("nationalities",),
    ),
)
