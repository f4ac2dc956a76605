"""Rules that an agreement's terms add, and the law's test that an agreement applies at all.

The terms are data (agreements/data/*.yaml); these functions give them meaning. A term's
citation is the source the agreement file gives for it. Every term of a bundled agreement that
concerns a person is a rule here or a rule of law that always applies (docs/law.md, "Fear
claims, convictions, early removal and agreement terms", maps each term to its rule); the
terms that do not concern a person (monitoring, consular access, fees) are listed there with
the reason.

Terms that depend on the registry's state (a facility's capacity, an agreement's quota) are
decided from the registry's count when deciding from the registry (Context.facility_counts)
and are unknown, never pass, when deciding from a case file alone.
"""

from __future__ import annotations

import ibis
from ibis import _

from accord.agreements.models import PathwayTerms
from accord.law.convictions import COUNTS, DOUBTFUL, with_standing
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
    latest_on,
    national_of_destination,
    nationality_unsettled,
    status,
)
from accord.law.protection import latest_protections, open_fear_claims
from accord.law.removal import IIRIRA

# Early removal (8 U.S.C. 1231(a)(4)(B)) of a national to their own state is a return of a
# national: an agreement that provides for the return of nationals accepts it on those terms.
BORROWED_PATHWAYS = {"early_removal": "return_of_nationals"}
# Rules decided from the registry's state: unknown from a case file alone.
REGISTRY_RULES = ("facility_capacity", "quota")


def pathway_terms(ctx: Context) -> tuple[str, PathwayTerms] | None:
    """(the agreement pathway whose terms govern, its terms), or None if none does: the
    pathway's own, or for early removal the return of nationals (accepting nationals only)."""
    a = ctx.agreement
    if ctx.pathway in a.pathways:
        return ctx.pathway, a.pathways[ctx.pathway]
    borrowed = BORROWED_PATHWAYS.get(ctx.pathway)
    if borrowed is not None and borrowed in a.pathways:
        return borrowed, a.pathways[borrowed]
    return None


def acceptance_problem(ctx: Context) -> str | None:
    """Why the agreement does not cover this pathway and destination on the date, if it doesn't."""
    a = ctx.agreement
    if not a.entered_into_force:
        return f"{a.id} never entered into force ({a.notes.strip()})"
    if not a.effective.contains(ctx.as_of):
        end = a.effective.to.isoformat() if a.effective.to else "open"
        return f"{a.id} is not in force on {ctx.as_of} (in force {a.effective.from_} to {end})"
    if pathway_terms(ctx) is None:
        return (
            f"{a.id} does not provide for {ctx.pathway} (it provides for {', '.join(a.pathways)})"
        )
    if ctx.destination not in a.receiving_states:
        return f"{ctx.destination} is not a receiving party of {a.id}"
    for country in _parties_to_check(ctx):
        if a.party_status(country, ctx.as_of) == "not_in_force":
            return f"{a.id} is not in force for {country} on {ctx.as_of}"
    return None


def _parties_to_check(ctx: Context) -> tuple[str, ...]:
    """The destination, and the United States where the instrument names it as a party: an
    instrument binds the two states only once in force for both."""
    us_party = any(p.country == "US" for p in ctx.agreement.parties)
    return ("US", ctx.destination) if us_party and ctx.destination != "US" else (ctx.destination,)


def acceptance_unsettled(ctx: Context) -> str | None:
    """Why it cannot be told whether the instrument is in force for a party on the date: the
    party's day of entry into force is not verified from the depositary's record."""
    for country in _parties_to_check(ctx):
        if ctx.agreement.party_status(country, ctx.as_of) == "unknown":
            return (
                f"{ctx.agreement.id}: the day it entered into force for {country} is not verified "
                f"from the depositary's record, and {ctx.as_of} is before any day a source attests"
            )
    return None


def _receiving_acceptance(f: Facts, ctx: Context) -> Verdict:
    problem = acceptance_problem(ctx)
    a = ctx.agreement
    if problem:
        return Verdict(constant(FAIL), f.persons.select("person_id", fact=ibis.literal(problem)))
    unsettled = acceptance_unsettled(ctx)
    if unsettled:
        return Verdict(
            constant(UNKNOWN), f.persons.select("person_id", fact=ibis.literal(unsettled))
        )
    governing = pathway_terms(ctx)
    assert governing is not None  # acceptance_problem says so
    if governing[0] == ctx.pathway:
        text = (
            f"{a.id} v{a.version} ({a.status}) in force, provides for {ctx.pathway} to "
            f"{ctx.destination}"
        )
        return Verdict(constant(PASS), f.persons.select("person_id", fact=ibis.literal(text)))
    # Early removal under the return of nationals: accepted for nationals of the destination.
    text = (
        f"{a.id} v{a.version} ({a.status}) in force, provides for {governing[0]} to "
        f"{ctx.destination}: {ctx.pathway} accepted for nationals of {ctx.destination} only"
    )
    return Verdict(
        status(
            (national_of_destination(f, ctx), PASS),
            (nationality_unsettled(f), UNKNOWN),  # not known, or a former state (SUHH)
            otherwise=FAIL,
        ),
        f.persons.select("person_id", fact=ibis.literal(text)).union(
            describe(f.nationalities, "nationality", "country")
        ),
    )


def accepted_nationalities(ctx: Context) -> list[str] | None:
    """The nationalities the pathway accepts, or None for any."""
    governing = pathway_terms(ctx)
    if governing is None or governing[1].accepted_nationalities == "any":
        return None
    return list(governing[1].accepted_nationalities)


def term_rule_ids(ctx: Context) -> list[str]:
    """The rules the agreement's terms add for this decision, in order: the governing
    pathway's, nationality_accepted if it names nationalities, the facility's own, and the
    facility's capacity and quota (numbers in the agreement, so terms too)."""
    governing = pathway_terms(ctx)
    ids: list[str] = list(governing[1].rules) if governing else []
    if accepted_nationalities(ctx) is not None:
        ids.append("nationality_accepted")
    if ctx.facility is not None:
        ids.extend(ctx.facility.rules)
        ids.append("facility_capacity")
        if ctx.facility.quota is not None:
            ids.append("quota")
    return list(dict.fromkeys(ids))


def _nationality_accepted(f: Facts, ctx: Context) -> Verdict:
    accepted = accepted_nationalities(ctx)
    if accepted is None:
        return Verdict(constant(PASS), None)
    hit = f.nationalities.filter(_.country.isin(accepted))
    return Verdict(
        status((f.person_in(hit), PASS), (nationality_unsettled(f), UNKNOWN), otherwise=FAIL),
        describe(f.nationalities, f"nationality (accepted: {', '.join(accepted)})", "country"),
    )


def _conviction_required(f: Facts, ctx: Context) -> Verdict:
    c = with_standing(f, ctx.as_of)
    return Verdict(
        status(
            (f.person_in(c.filter(c.standing == COUNTS)), PASS),
            (~f.known("convictions") | f.person_in(c.filter(c.standing == DOUBTFUL)), UNKNOWN),
            otherwise=FAIL,
        ),
        describe(c, "conviction", "offence", "date", "jurisdiction", "final", "why", "source"),
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


def _no_pending_claims(f: Facts, ctx: Context) -> Verdict:
    """Any claim still open, about any country: a protection application, a fear claim, an
    appeal, motion, petition for review or stay motion, a claim to U.S. citizenship."""
    a = ctx.as_of_lit
    protections = latest_protections(f, ctx).filter(_.status == "pending")
    open_fear, unresolved_fear = open_fear_claims(f, ctx)
    appeals = f.appeals.filter((_.filed_on <= a) & ((_.status == "pending") | (_.decided_on > a)))
    citizenship = latest_on(f.citizenship_claim, a, date_col="date").filter(_.status == "pending")
    pending = (
        f.person_in(protections)
        | f.person_in(open_fear)
        | f.person_in(appeals)
        | f.person_in(citizenship)
    )
    known = (
        f.known("protections")
        & f.known("fear_claims")
        & f.known("appeals")
        & f.known("citizenship_claim")
    )
    evidence = (
        describe(protections, "pending protection claim", "kind", "country", "date", "source")
        .union(describe(open_fear, "open fear claim", "country", "status", "date", "source"))
        .union(describe(unresolved_fear, "fear claim, outcome not recorded", "country", "source"))
        .union(describe(appeals, "pending appeal or motion", "kind", "filed_on", "source"))
        .union(describe(citizenship, "pending citizenship claim", "date", "source"))
    )
    return Verdict(
        status(
            (pending, FAIL),
            (~known | f.person_in(unresolved_fear), UNKNOWN),
            otherwise=PASS,
        ),
        evidence,
    )


def _not_unaccompanied_child(f: Facts, ctx: Context) -> Verdict:
    determined = f.uac_determinations.filter(_.determined_on <= ctx.as_of_lit)
    return Verdict(
        status(
            (f.person_in(determined), FAIL),
            (~f.known("uac_determinations"), UNKNOWN),
            otherwise=PASS,
        ),
        describe(determined, "determined an unaccompanied alien child", "determined_on", "by"),
    )


def _registry_term(which: int, what: str):  # type: ignore[no-untyped-def]
    """facility_capacity (which=0) or quota (which=1), on Context.facility_room."""

    def evaluate(f: Facts, ctx: Context) -> Verdict:
        facility, a = ctx.facility, ctx.agreement
        if facility is None:  # only applied with a facility (catalogue.rule_ids_for)
            return Verdict(constant(PASS), None)
        limit = facility.capacity if which == 0 else facility.quota
        whose = "under any agreement" if which == 0 else f"under {a.id}"
        subject = f"{facility.id} {what} {limit:,}: persons held there or on the way {whose}"
        room = ctx.facility_room
        if room is None:
            text = (
                f"{subject} are counted by the registry; decided from a case file alone, "
                "the count is not known"
            )
            verdict = UNKNOWN
        elif room[which]:
            source = ctx.facility_counts.source if ctx.facility_counts else ""
            text = f"{subject}, this person aside: {source} is lower (room for one)"
            verdict = PASS
        else:
            source = ctx.facility_counts.source if ctx.facility_counts else ""
            text = f"{subject}, this person aside: {source} is as high or higher (full)"
            verdict = FAIL
        return Verdict(constant(verdict), f.persons.select("person_id", fact=ibis.literal(text)))

    return evaluate


def _term_source(ctx: Context) -> str | None:
    a = ctx.agreement
    parts = []
    governing = pathway_terms(ctx)
    if governing is not None:
        parts.append(f"{a.id}: {governing[1].source}")
    if ctx.facility is not None:
        parts.append(f"{a.id} facility {ctx.facility.id}: {ctx.facility.source}")
    return "; ".join(parts) or None


def _agreement_rule(rule_id: str, title: str, passes_when: str, evaluate, **extra) -> Rule:  # type: ignore[no-untyped-def]
    return Rule(
        rule_id,
        title,
        passes_when,
        extra.pop("citations", ()),
        IIRIRA,
        evaluate,
        kind="agreement",
        term_source=_term_source,
        **extra,
    )


TERM_RULES: tuple[Rule, ...] = (
    Rule(
        "receiving_acceptance",
        "An agreement in force covers the pathway and the destination",
        "an agreement in force on the date provides for the pathway to the destination (early "
        "removal of a national of the destination: one that provides for the return of "
        "nationals)",
        ("8 U.S.C. 1231(b)(2)(E)(vii)", "8 U.S.C. 1231(b)(2)(D)", "8 U.S.C. 1231(a)(4)(B)"),
        IIRIRA,
        _receiving_acceptance,
        reads=("nationalities",),
        term_source=lambda ctx: f"{ctx.agreement.id} v{ctx.agreement.version}",
    ),
    _agreement_rule(
        "nationality_accepted",
        "The agreement accepts the person's nationality",
        "the person holds a nationality the agreement accepts for the pathway",
        _nationality_accepted,
        reads=("nationalities",),
    ),
    _agreement_rule(
        "conviction_required",
        "At least one final conviction",
        "the person has a final conviction that counts for immigration purposes as of the "
        "date (not a juvenile adjudication, not vacated for a defect)",
        _conviction_required,
        citations=("8 U.S.C. 1101(a)(48)(A)",),
        reads=("convictions",),
    ),
    _agreement_rule(
        "adult",
        "Age 18 or over on the date",
        "the person is of age on the date",
        _adult,
        parameters=("adult_age_years",),
    ),
    _agreement_rule(
        "no_pending_claims",
        "No pending claim of any kind",
        "no protection application, fear claim, appeal, motion, petition for review, stay "
        "motion or claim to U.S. citizenship is pending, about any country",
        _no_pending_claims,
        reads=("protections", "fear_claims", "appeals", "citizenship_claim"),
    ),
    _agreement_rule(
        "not_unaccompanied_child",
        "Not an unaccompanied alien child",
        "no determination that the person is an unaccompanied alien child is recorded",
        _not_unaccompanied_child,
        citations=("8 U.S.C. 1158(a)(2)(E)", "6 U.S.C. 279(g)(2)"),
        reads=("uac_determinations",),
    ),
    _agreement_rule(
        "facility_capacity",
        "Room at the facility",
        "on the registry's count, the facility holds fewer persons (held or on the way) than "
        "its capacity, this person aside; unknown when deciding from a case file alone",
        _registry_term(0, "capacity"),
    ),
    _agreement_rule(
        "quota",
        "Room under the agreement's quota at the facility",
        "on the registry's count, fewer persons are held at (or on the way to) the facility "
        "under the agreement than its quota, this person aside; unknown when deciding from a "
        "case file alone",
        _registry_term(1, "quota"),
    ),
)
