"""Rules of sentenced transfer (18 U.S.C. 4100-4115; Inter-American Convention, art. III)."""

from __future__ import annotations

import datetime as dt

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
    national_of_destination,
    status,
)

TRANSFER_ACT = dt.date(1977, 10, 28)  # Pub. L. 95-144


def treaty_in_force(ctx: Context) -> str | None:
    """The id of a transfer treaty in force between the U.S. and the destination, if any."""
    for treaty in ctx.treaties:
        if (
            treaty.status == "treaty"
            and "sentenced_transfer" in treaty.pathways
            and treaty.party_in_force("US", ctx.as_of)
            and treaty.party_in_force(ctx.destination, ctx.as_of)
        ):
            return treaty.id
    return None


def _transfer_treaty(f: Facts, ctx: Context) -> Verdict:
    treaty = treaty_in_force(ctx)
    text = (
        f"transfer treaty in force between US and {ctx.destination}: {treaty}"
        if treaty
        else f"no transfer treaty in force between US and {ctx.destination} on {ctx.as_of}"
    )
    return Verdict(
        constant(PASS if treaty else FAIL),
        f.persons.select("person_id", fact=ibis.literal(text)),
    )


def _transfer_nationality(f: Facts, ctx: Context) -> Verdict:
    return Verdict(
        status(
            (national_of_destination(f, ctx), PASS),
            (~f.known("nationalities"), UNKNOWN),
            otherwise=FAIL,
        ),
        describe(f.nationalities, "nationality", "country").union(
            describe(f.persons, "citizenship recorded", "citizenship")
        ),
    )


def _transfer_consent(f: Facts, ctx: Context) -> Verdict:
    c = f.consents.filter(_.given_on <= ctx.as_of_lit)
    # Verified consent is irrevocable (18 U.S.C. 4108); a revocation before verification voids it.
    valid = c.filter(
        (c.verified_on <= ctx.as_of_lit)
        & c.verifying_officer.notnull()
        & (c.revoked_on.isnull() | (c.revoked_on > c.verified_on))
    )
    return Verdict(
        status((f.person_in(valid), PASS), (~f.known("consents"), UNKNOWN), otherwise=FAIL),
        describe(
            c, "consent", "given_on", "verified_on", "verifying_officer", "revoked_on", "source"
        ),
    )


def _transfer_remaining(f: Facts, ctx: Context) -> Verdict:
    months = int(ctx.params.transfer_min_remaining_months.value)
    r = f.transfer_requests.filter((_.requested_on <= ctx.as_of_lit) & (_.country == ctx.dest))
    s = f.sentences
    pairs = r.join(
        s,
        [
            r.person_id == s.person_id,
            s.start <= r.requested_on,
            s.released_on.isnull() | (s.released_on > r.requested_on),
        ],
    )
    enough = pairs.filter(
        pairs.projected_release.isnull()
        | (pairs.projected_release >= pairs.requested_on + ibis.interval(months=months))
    )
    known = f.known("transfer_requests") & f.known("sentences")
    evidence = describe(r, "transfer request", "requested_on", "country", "source").union(
        describe(s, "sentence", "start", "projected_release", "released_on", "source")
    )
    return Verdict(status((f.person_in(enough), PASS), (~known, UNKNOWN), otherwise=FAIL), evidence)


def _transfer_final_judgment(f: Facts, ctx: Context) -> Verdict:
    c = f.convictions.filter(_.date <= ctx.as_of_lit)
    return Verdict(
        status(
            (f.person_in(c.filter(_.final == False)), FAIL),  # noqa: E712 (SQL comparison)
            (~f.known("convictions") | f.person_in(c.filter(_.final.isnull())), UNKNOWN),
            (f.person_in(c), PASS),
            otherwise=FAIL,
        ),
        describe(c, "conviction", "offence", "date", "final", "source"),
    )


TRANSFER_RULES: tuple[Rule, ...] = (
    Rule(
        "transfer_treaty",
        "A transfer treaty in force between the two states",
        "a treaty providing for the transfer of sentenced persons is in force between the "
        "United States and the receiving state on the date",
        ("18 U.S.C. 4100(a)",),
        TRANSFER_ACT,
        _transfer_treaty,
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
    ),
    Rule(
        "transfer_consent",
        "Consent verified, and irrevocable once verified",
        "the person's consent was verified by a verifying officer",
        ("18 U.S.C. 4100(b)", "18 U.S.C. 4107", "18 U.S.C. 4108"),
        TRANSFER_ACT,
        _transfer_consent,
        reads=("consents",),
    ),
    Rule(
        "transfer_remaining",
        "At least six months of the sentence remain at the request",
        "at the transfer request at least the minimum months of the sentence remain (or it is a "
        "life sentence)",
        ("Inter-American Convention on Serving Criminal Sentences Abroad, art. III",),
        dt.date(1996, 4, 12),
        _transfer_remaining,
        reads=("transfer_requests", "sentences"),
    ),
    Rule(
        "transfer_final_judgment",
        "The judgment is final, no appeal pending",
        "the person has a conviction and every conviction is final",
        ("Inter-American Convention on Serving Criminal Sentences Abroad, art. III",),
        dt.date(1996, 4, 12),
        _transfer_final_judgment,
        reads=("convictions",),
    ),
)
