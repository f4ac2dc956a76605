"""Rules of sentenced transfer: 18 U.S.C. 4100-4115 and the transfer treaties.

The treaties are data (agreements/data/*.yaml with `status: treaty` and a
`sentenced_transfer` pathway): the Inter-American Convention, the Council of
Europe Convention (ETS No. 112) and the United States' bilateral treaties. Each
gives, per party, the day it entered into force and whether that day was
verified against the depositary's record, and the treaty's own conditions
(`transfer`: the minimum remaining sentence and when it is measured).

Which treaty a transfer goes under is not recorded. The rules take the treaty
the request names when it is in force between the two states, else every
treaty in force between them (else every treaty between them): a condition
that differs between treaties passes only if it passes under each of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ibis
from ibis import _

from accord.agreements.models import Agreement, PartyStatus, TransferTerms
from accord.law.convictions import judgments_in_force
from accord.law.framework import (
    FAIL,
    PASS,
    UNKNOWN,
    Context,
    Expr,
    Facts,
    Rule,
    Verdict,
    constant,
    describe,
    national_of_destination,
    nationality_unsettled,
    status,
)

TRANSFER_ACT = dt.date(1977, 10, 28)  # Pub. L. 95-144, 91 Stat. 1212
MINORITY_YEARS = 18  # 18 U.S.C. 4100(b): "under eighteen years of age"
SUBSTITUTE_CONSENTERS = ("parent", "guardian", "court")  # 18 U.S.C. 4100(b)


# ---- which treaties -------------------------------------------------------------------


def _pair_status(treaty: Agreement, ctx: Context) -> PartyStatus:
    both = (treaty.party_status("US", ctx.as_of), treaty.party_status(ctx.destination, ctx.as_of))
    if "not_in_force" in both:
        return "not_in_force"
    return "in_force" if both == ("in_force", "in_force") else "unknown"


def transfer_treaties(ctx: Context) -> list[tuple[Agreement, PartyStatus]]:
    """Every bundled transfer treaty to which both the United States and the destination
    are parties, with whether it is in force between them on the date."""
    found = []
    for treaty in ctx.treaties:
        countries = {p.country for p in treaty.parties}
        if "sentenced_transfer" in treaty.pathways and {"US", ctx.destination} <= countries:
            found.append((treaty, _pair_status(treaty, ctx)))
    return found


def applicable_treaties(ctx: Context) -> list[Agreement]:
    """The treaties a transfer on the date could go under (see the module docstring)."""
    treaties = transfer_treaties(ctx)
    in_force = [t for t, s in treaties if s == "in_force"]
    named = [t for t in in_force if t.id == ctx.agreement.id]
    return named or in_force or [t for t, _s in treaties]


def _cite(ctx: Context, term: Callable[[TransferTerms], str]) -> str | None:
    parts = [
        f"{t.title} ({t.id}): {term(t.transfer)}" for t in applicable_treaties(ctx) if t.transfer
    ]
    return "; ".join(parts) or None


def _facts(f: Facts, lines: list[str]) -> Expr:
    """Evidence rows that are the same for every person: one per line of text."""
    tables = [f.persons.select("person_id", fact=ibis.literal(line)) for line in lines]
    evidence = tables[0]
    for table in tables[1:]:
        evidence = evidence.union(table)
    return evidence


# ---- the rules ------------------------------------------------------------------------


def _treaty_line(treaty: Agreement, state: PartyStatus, ctx: Context) -> str:
    sources = "; ".join(
        f"{p.country}: {p.source}" for p in treaty.parties if p.country in ("US", ctx.destination)
    )
    words = {
        "in_force": "in force",
        "not_in_force": "not in force",
        "unknown": "not known in force",
    }
    return f"{treaty.id} {words[state]} between US and {ctx.destination} on {ctx.as_of} ({sources})"


def _transfer_treaty(f: Facts, ctx: Context) -> Verdict:
    treaties = transfer_treaties(ctx)
    states = {s for _t, s in treaties}
    verdict = PASS if "in_force" in states else UNKNOWN if "unknown" in states else FAIL
    lines = [_treaty_line(t, s, ctx) for t, s in treaties] or [
        f"no bundled transfer treaty has both US and {ctx.destination} as parties"
    ]
    return Verdict(constant(verdict), _facts(f, lines))


def _transfer_nationality(f: Facts, ctx: Context) -> Verdict:
    return Verdict(
        status(
            (national_of_destination(f, ctx), PASS),
            (nationality_unsettled(f), UNKNOWN),  # not known, or a former state (SUHH)
            otherwise=FAIL,
        ),
        describe(f.nationalities, "nationality", "country").union(
            describe(f.persons, "citizenship recorded", "citizenship")
        ),
    )


def _transfer_consent(f: Facts, ctx: Context) -> Verdict:
    as_of = ctx.as_of_lit
    c = f.consents.filter(_.given_on <= as_of)
    # Verified consent is irrevocable (18 U.S.C. 4100(b)); revoked before verification, it is void.
    valid = c.filter(
        (c.verified_on <= as_of)
        & c.verifying_officer.notnull()
        & (c.revoked_on.isnull() | (c.revoked_on > c.verified_on))
    )
    own = f.person_in(valid.filter(valid.given_by == "prisoner"))
    substitute = f.person_in(valid.filter(valid.given_by.isin(SUBSTITUTE_CONSENTERS)))
    giver_unrecorded = f.person_in(valid.filter(valid.given_by.isnull()))
    # Age and competence at the time of transfer, i.e. on the date asked (4100(b)).
    p = f.persons
    of_age_on = p.birth_date + ibis.interval(years=MINORITY_YEARS)
    minor = p.birth_date.notnull() & (of_age_on > as_of)
    adult = p.birth_date.notnull() & (of_age_on <= as_of)
    i = f.incompetency_findings
    found = i.filter((i.found_on <= as_of) & (i.restored_on.isnull() | (i.restored_on > as_of)))
    incompetent = f.person_in(found)
    needs_substitute = minor | incompetent
    competent_adult = adult & f.known("incompetency_findings") & ~incompetent
    evidence = (
        describe(c, "consent", "given_on", "verified_on", "verifying_officer", "revoked_on")
        .union(describe(c, "consent given by", "given_by", "source"))
        .union(describe(p.mutate(of_age_on=of_age_on), "birth date", "birth_date", "of_age_on"))
        .union(describe(i, "incompetency finding", "found_on", "restored_on", "court", "source"))
    )
    return Verdict(
        status(
            (~f.known("consents"), UNKNOWN),
            (own & substitute, PASS),
            (needs_substitute & substitute, PASS),
            (competent_adult & own, PASS),
            (giver_unrecorded, UNKNOWN),
            (~(needs_substitute | competent_adult) & (own | substitute), UNKNOWN),
            otherwise=FAIL,
        ),
        evidence,
    )


def _release_on(pairs: Expr, day: Expr) -> Expr:
    """The projected release as it stood on `day`: the amended release once an amendment took
    effect (null: life)."""
    amended = pairs.amended_on.notnull() & (pairs.amended_on <= day)
    return ibis.ifelse(amended, pairs.amended_release, pairs.projected_release)


def _remaining_months(terms: TransferTerms | None, ctx: Context) -> int | None:
    if terms is None or terms.min_remaining_months == "parameter":
        return int(ctx.params.transfer_min_remaining_months.value)
    return terms.min_remaining_months


def _transfer_remaining(f: Facts, ctx: Context) -> Verdict:
    as_of = ctx.as_of_lit
    r = f.transfer_requests.filter((_.requested_on <= as_of) & (_.country == ctx.dest))
    s = f.sentences
    pairs = r.join(
        s,
        [
            r.person_id == s.person_id,
            s.start <= r.requested_on,
            s.released_on.isnull() | (s.released_on > r.requested_on),
        ],
    )
    at_request, now = _release_on(pairs, pairs.requested_on), _release_on(pairs, as_of)
    # Still being served on the date asked, not only at the request.
    running = (
        (pairs.start <= as_of)
        & (pairs.released_on.isnull() | (pairs.released_on > as_of))
        & (now.isnull() | (now > as_of))
    )
    treaties = applicable_treaties(ctx)
    passes, fails, lines = [], [], []
    choices: list[Agreement | None] = [*treaties] or [None]
    for treaty in choices:
        terms = treaty.transfer if treaty else None
        months = _remaining_months(terms, ctx)
        name = treaty.id if treaty else "no transfer treaty"
        if months is None:  # the treaty's own minimum is not encoded
            passes.append(ibis.literal(False))
            fails.append(~f.person_in(pairs.filter(running)))
            lines.append(f"{name}: minimum remaining sentence not encoded")
            continue
        if terms is not None and terms.remaining_measured_at == "receipt":
            # Receipt (not recorded) falls between the request and the date asked.
            floor = as_of + ibis.interval(months=months)
            ok = (at_request.isnull() | (at_request >= floor)) & (now.isnull() | (now >= floor))
            short_then = pairs.requested_on + ibis.interval(months=months)
            short = (
                at_request.notnull()
                & now.notnull()
                & (at_request < short_then)
                & (now < short_then)
            )
            lines.append(f"{name}: at least {months} months at the receipt of the request")
        else:
            ok = at_request.isnull() | (
                at_request >= pairs.requested_on + ibis.interval(months=months)
            )
            short = ~ok
            lines.append(f"{name}: at least {months} months at the request")
        passes.append(f.person_in(pairs.filter(running & ok)))
        fails.append(~f.person_in(pairs.filter(running & ~short)))
    known = f.known("transfer_requests") & f.known("sentences")
    all_pass, all_fail = passes[0], fails[0]
    for p, q in zip(passes[1:], fails[1:], strict=True):
        all_pass, all_fail = all_pass & p, all_fail & q
    evidence = (
        describe(r, "transfer request", "requested_on", "country", "source")
        .union(describe(s, "sentence", "start", "projected_release", "released_on", "source"))
        .union(describe(s, "sentence amended", "amended_on", "amended_release"))
        .union(_facts(f, lines))
    )
    return Verdict(
        status((~known, UNKNOWN), (all_pass, PASS), (all_fail, FAIL), otherwise=UNKNOWN), evidence
    )


def _transfer_final_judgment(f: Facts, ctx: Context) -> Verdict:
    c = f.convictions.filter(_.date <= ctx.as_of_lit)
    # A judgment vacated by the date, for whatever reason, carries no sentence to transfer.
    standing = judgments_in_force(f.convictions, ctx.as_of_lit)
    # A juvenile adjudication is a "sentence" of chapter 306 (4101(e), (h)), but its transfer
    # turns on 4102(8), 4110 and the treaty's terms, which are not encoded: unknown, as is a
    # judgment not recorded as adult or juvenile.
    adult = standing.filter(standing.juvenile == False)  # noqa: E712 (SQL comparison)
    return Verdict(
        status(
            # 18 U.S.C. 4100(c): no transfer while an appeal or collateral attack is pending.
            (f.person_in(standing.filter(standing.final == False)), FAIL),  # noqa: E712
            (
                ~f.known("convictions") | f.person_in(standing.filter(standing.final.isnull())),
                UNKNOWN,
            ),
            (f.person_in(adult), PASS),
            (f.person_in(standing), UNKNOWN),
            otherwise=FAIL,
        ),
        describe(c, "conviction", "offence", "date", "final", "source").union(
            describe(c, "conviction status", "juvenile", "vacated_on", "vacatur_basis")
        ),
    )


def _transfer_approvals(f: Facts, ctx: Context) -> Verdict:
    a = f.transfer_approvals.filter(
        (_.approved_on <= ctx.as_of_lit)
        & (_.withdrawn_on.isnull() | (_.withdrawn_on > ctx.as_of_lit))
    )
    us = f.person_in(a.filter(a.state == "US"))
    receiving = f.person_in(a.filter(a.state == ctx.dest))
    return Verdict(
        status((us & receiving, PASS), (~f.known("transfer_approvals"), UNKNOWN), otherwise=FAIL),
        describe(
            f.transfer_approvals, "transfer approval", "state", "approved_on", "withdrawn_on"
        ).union(describe(f.transfer_approvals, "approved by", "authority", "source")),
    )


def _treaty_source(ctx: Context) -> str | None:
    return "; ".join(f"{t.title} ({t.id})" for t in applicable_treaties(ctx)) or None


TRANSFER_RULES: tuple[Rule, ...] = (
    Rule(
        "transfer_treaty",
        "A transfer treaty in force between the two states",
        "a treaty providing for the transfer of sentenced persons is in force between the "
        "United States and the receiving state on the date, by the depositary's record (unknown "
        "where a party's day of entry into force is not verified and the date is before any day "
        "a source attests)",
        ("18 U.S.C. 4100(a)",),
        TRANSFER_ACT,
        _transfer_treaty,
        term_source=_treaty_source,
    ),
    Rule(
        "transfer_nationality",
        "A national of the receiving state",
        "the person is a national of the receiving state (U.S. citizens included: no other "
        "state's prison is open to them)",
        (
            "18 U.S.C. 4100(b)",
            "Inter-American Convention on Serving Criminal Sentences Abroad, art. III",
        ),
        TRANSFER_ACT,
        _transfer_nationality,
        reads=("nationalities",),
        term_source=_treaty_source,
    ),
    Rule(
        "transfer_consent",
        "Consent by the person entitled to give it, verified; irrevocable once verified",
        "a consent verified by a verifying officer was given by the prisoner himself if he is 18 "
        "or over and not found incompetent on the date, else by a parent, guardian or court "
        "(unknown where the birth date, the incompetency findings or who consented is not "
        "recorded)",
        ("18 U.S.C. 4100(b)", "18 U.S.C. 4107(a)-(b)"),
        TRANSFER_ACT,
        _transfer_consent,
        reads=("consents", "incompetency_findings"),
    ),
    Rule(
        "transfer_remaining",
        "The sentence is still being served, and enough of it remained at the request",
        "a sentence begun by the request is still being served on the date (not released; "
        "projected release, as amended by then, after the date) and at the request at least "
        "the treaty's minimum remained (as amended by the request; a life sentence always)",
        ("18 U.S.C. 4100(a)", "18 U.S.C. 4102(3)"),
        TRANSFER_ACT,
        _transfer_remaining,
        reads=("transfer_requests", "sentences"),
        term_source=lambda ctx: _cite(ctx, lambda t: t.remaining_source),
        parameters=("transfer_min_remaining_months",),
    ),
    Rule(
        "transfer_final_judgment",
        "The judgment is final, no appeal or collateral attack pending",
        "an adult conviction stands on the date (not vacated) and no judgment, conviction or "
        "juvenile adjudication, is under appeal (unknown where only a juvenile adjudication, or "
        "a judgment not recorded as adult or juvenile, stands)",
        (
            "18 U.S.C. 4100(c)",
            "Inter-American Convention on Serving Criminal Sentences Abroad, arts. I(3), III",
        ),
        TRANSFER_ACT,
        _transfer_final_judgment,
        reads=("convictions",),
    ),
    Rule(
        "transfer_approvals",
        "Both states approve the transfer",
        "approvals of the transfer by the United States (the Attorney General) and by the "
        "receiving state are in force (given, not withdrawn) on the date",
        ("18 U.S.C. 4102(1), (3)",),
        TRANSFER_ACT,
        _transfer_approvals,
        reads=("transfer_approvals",),
        term_source=lambda ctx: _cite(ctx, lambda t: t.approval_source),
    ),
)
