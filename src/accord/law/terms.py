"""Rules that an agreement's terms add, and the law's test that an agreement applies at all.

The terms are data (agreements/data/*.yaml); these functions give them meaning.
A term's citation is the source the agreement file gives for it.
"""

from __future__ import annotations

import ibis
from ibis import _

from accord.law.framework import (
    FAIL,
    PASS,
    UNKNOWN,
    Context,
    Facts,
    Rule,
    Verdict,
    constant,
    describe,
    status,
)
from accord.law.removal import IIRIRA


def acceptance_problem(ctx: Context) -> str | None:
    """Why the agreement does not cover this pathway and destination on the date, if it doesn't."""
    a = ctx.agreement
    if not a.entered_into_force:
        return f"{a.id} never entered into force ({a.notes.strip()})"
    if not a.effective.contains(ctx.as_of):
        end = a.effective.to.isoformat() if a.effective.to else "open"
        return f"{a.id} is not in force on {ctx.as_of} (in force {a.effective.from_} to {end})"
    if ctx.pathway not in a.pathways:
        return (
            f"{a.id} does not provide for {ctx.pathway} (it provides for {', '.join(a.pathways)})"
        )
    if ctx.destination not in a.receiving_states:
        return f"{ctx.destination} is not a receiving party of {a.id}"
    if not a.party_in_force(ctx.destination, ctx.as_of):
        return f"{a.id} is not in force for {ctx.destination} on {ctx.as_of}"
    return None


def _receiving_acceptance(f: Facts, ctx: Context) -> Verdict:
    problem = acceptance_problem(ctx)
    text = problem or (
        f"{ctx.agreement.id} v{ctx.agreement.version} ({ctx.agreement.status}) in force, "
        f"provides for {ctx.pathway} to {ctx.destination}"
    )
    return Verdict(
        constant(FAIL if problem else PASS),
        f.persons.select("person_id", fact=ibis.literal(text)),
    )


def accepted_nationalities(ctx: Context) -> list[str] | None:
    """The nationalities the pathway accepts, or None for any."""
    terms = ctx.agreement.pathways.get(ctx.pathway)
    if terms is None or terms.accepted_nationalities == "any":
        return None
    return list(terms.accepted_nationalities)


def _nationality_accepted(f: Facts, ctx: Context) -> Verdict:
    accepted = accepted_nationalities(ctx)
    if accepted is None:
        return Verdict(constant(PASS), None)
    hit = f.nationalities.filter(_.country.isin(accepted))
    return Verdict(
        status((f.person_in(hit), PASS), (~f.known("nationalities"), UNKNOWN), otherwise=FAIL),
        describe(f.nationalities, f"nationality (accepted: {', '.join(accepted)})", "country"),
    )


def _conviction_required(f: Facts, ctx: Context) -> Verdict:
    c = f.convictions.filter(_.date <= ctx.as_of_lit)
    return Verdict(
        status(
            (f.person_in(c.filter(_.final)), PASS),
            (~f.known("convictions") | f.person_in(c.filter(_.final.isnull())), UNKNOWN),
            otherwise=FAIL,
        ),
        describe(c, "conviction", "offence", "category", "date", "final", "source"),
    )


def _adult(f: Facts, ctx: Context) -> Verdict:
    years = int(ctx.params.adult_age_years.value)
    p = f.persons
    of_age_on = p.birth_date + ibis.interval(years=years)
    return Verdict(
        status(
            (p.birth_date.isnull(), UNKNOWN), (of_age_on <= ctx.as_of_lit, PASS), otherwise=FAIL
        ),
        describe(p.mutate(of_age_on=of_age_on), "birth date", "birth_date", "of_age_on"),
    )


def _term_source(ctx: Context) -> str | None:
    a = ctx.agreement
    parts = []
    if ctx.pathway in a.pathways:
        parts.append(f"{a.id}: {a.pathways[ctx.pathway].source}")
    if ctx.facility is not None:
        parts.append(f"{a.id} facility {ctx.facility.id}: {ctx.facility.source}")
    return "; ".join(parts) or None


TERM_RULES: tuple[Rule, ...] = (
    Rule(
        "receiving_acceptance",
        "An agreement in force covers the pathway and the destination",
        "an agreement in force on the date provides for the pathway to the destination",
        ("8 U.S.C. 1231(b)(2)(E)(vii)",),
        IIRIRA,
        _receiving_acceptance,
        term_source=lambda ctx: f"{ctx.agreement.id} v{ctx.agreement.version}",
    ),
    Rule(
        "nationality_accepted",
        "The agreement accepts the person's nationality",
        "the person holds a nationality the agreement accepts for the pathway",
        (),
        IIRIRA,
        _nationality_accepted,
        reads=("nationalities",),
        kind="agreement",
        term_source=_term_source,
    ),
    Rule(
        "conviction_required",
        "At least one final conviction",
        "the person has at least one final conviction as of the date",
        (),
        IIRIRA,
        _conviction_required,
        reads=("convictions",),
        kind="agreement",
        term_source=_term_source,
    ),
    Rule(
        "adult",
        "Age 18 or over on the date",
        "the person is of age on the date",
        (),
        IIRIRA,
        _adult,
        kind="agreement",
        term_source=_term_source,
    ),
)
