"""A person serving a sentence: removal only on an early-removal approval that the law allows
(8 U.S.C. 1231(a)(4)), on whatever pathway the person is removed.

1231(a)(4)(A): the Attorney General may not remove an alien sentenced to imprisonment until
released from imprisonment. (B) is the one exception, "before the alien has completed a
sentence of imprisonment":

* (i) an alien in the custody of the Attorney General (federal custody), if the Attorney
  General determines that the alien is confined pursuant to a final conviction for a
  nonviolent offense, other than an offense related to smuggling or harboring of aliens or an
  offense described in 8 U.S.C. 1101(a)(43)(B), (C), (E), (I) or (L), and that removal is
  appropriate and in the best interest of the United States;
* (ii) an alien in the custody of a State (or a political subdivision), if the chief State
  official exercising authority over the incarceration determines that the alien is confined
  pursuant to a final conviction for a nonviolent offense, other than one described in
  1101(a)(43)(C) or (E), that removal is appropriate and in the best interest of the State, and
  submits a written request to the Attorney General that the alien be so removed.

not_serving checks the approval: by the authority that matches the custodian of every sentence
being served (and, in state custody, the written request). early_removal_offence checks the
offence, whenever the person is serving. The "best interest" determinations are the
approving official's and are not reviewed here.
"""

from __future__ import annotations

from ibis import _

from accord.law.convictions import COUNTS, DOUBTFUL, NOT_FINAL, has_class, with_standing
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
    status,
)
from accord.law.removal import IIRIRA

# Offences that bar early removal from either custody: 1101(a)(43)(C), (E).
BARRED_IN_ANY_CUSTODY = ("firearms_trafficking", "explosives_firearms")
# Barred from federal custody only: smuggling or harbouring, 1101(a)(43)(B), (I), (L).
BARRED_IN_FEDERAL_CUSTODY = (
    "alien_smuggling",
    "illicit_trafficking",
    "child_pornography",
    "national_defense",
)


def serving_sentences(f: Facts, ctx: Context) -> Expr:
    a = ctx.as_of_lit
    return f.sentences.filter((_.start <= a) & (_.released_on.isnull() | (_.released_on > a)))


def _not_serving(f: Facts, ctx: Context) -> Verdict:
    serving = serving_sentences(f, ctx)
    approved = f.early_removal_approvals.filter(_.approved_on <= ctx.as_of_lit)
    s, e = serving, approved
    # An approval covers a sentence when its authority is the custodian's: the Attorney General
    # for federal custody, (B)(i); the chief State official, with a written request, (B)(ii).
    covers = ((s.custodian == "federal") & (e.authority == "attorney_general")) | (
        (s.custodian == "state") & (e.authority == "state_official") & e.written_request
    )
    uncovered = s.anti_join(e, [s.person_id == e.person_id, covers])
    uncertain = (
        f.person_in(uncovered.filter(_.custodian.isnull()))
        | f.person_in(approved.filter(_.authority.isnull()))
        | (
            f.person_in(uncovered.filter(_.custodian == "state"))
            & f.person_in(
                approved.filter((_.authority == "state_official") & _.written_request.isnull())
            )
        )
    )
    return Verdict(
        status(
            (~f.known("sentences"), UNKNOWN),
            (~f.person_in(serving), PASS),
            (~f.known("early_removal_approvals"), UNKNOWN),
            (~f.person_in(uncovered), PASS),
            (uncertain, UNKNOWN),
            otherwise=FAIL,
        ),
        describe(
            serving, "serving sentence", "start", "projected_release", "custodian", "source"
        ).union(
            describe(
                approved,
                "early removal approved",
                "approved_on",
                "authority",
                "written_request",
                "source",
            )
        ),
    )


def _early_removal_offence(f: Facts, ctx: Context) -> Verdict:
    serving = serving_sentences(f, ctx)
    federal = f.person_in(serving.filter(_.custodian == "federal"))
    custodian_unknown = f.person_in(serving.filter(_.custodian.isnull()))
    c = with_standing(f, ctx.as_of)
    weighed = c.filter(c.standing.isin([COUNTS, DOUBTFUL, NOT_FINAL]))
    counts = c.filter(c.standing == COUNTS)  # as conviction_required reads it: one subset
    barred = (counts.category == "violent") | has_class(
        counts, "crime_of_violence", *BARRED_IN_ANY_CUSTODY
    )
    federal_only = has_class(counts, *BARRED_IN_FEDERAL_CUSTODY)
    # recorded as nonviolent and classified as none of the barred classes
    clear = (
        (weighed.category == "nonviolent")
        & weighed.offence_classes.notnull()
        & ~has_class(weighed, "crime_of_violence", *BARRED_IN_ANY_CUSTODY)
    )
    return Verdict(
        status(
            (~f.known("sentences"), UNKNOWN),
            (~f.person_in(serving), NOT_APPLICABLE),
            (~f.known("convictions"), UNKNOWN),
            (f.person_in(counts.filter(barred)), FAIL),
            (federal & f.person_in(counts.filter(federal_only)), FAIL),
            (f.person_in(weighed.filter(~clear)), UNKNOWN),
            # doubtful or not final: the confinement may rest on a judgment that is not a
            # final conviction, or on one whose offence could bar it
            (f.person_in(weighed.filter(weighed.standing != COUNTS)), UNKNOWN),
            (custodian_unknown & f.person_in(counts.filter(federal_only)), UNKNOWN),
            (f.person_in(counts), PASS),
            otherwise=FAIL,  # no final conviction: (B) does not reach the confinement
        ),
        describe(
            c,
            "conviction",
            "offence",
            "category",
            "offence_classes",
            "date",
            "why",
            "source",
        ).union(describe(serving, "serving sentence", "start", "custodian", "source")),
    )


SERVING_RULES: tuple[Rule, ...] = (
    Rule(
        "not_serving",
        "Not serving a sentence, unless early removal was approved by the right authority",
        "the person is not serving a sentence of imprisonment, or every sentence being served "
        "is covered by an early-removal approval of its custodian's authority: the Attorney "
        "General for federal custody; the chief State official, with a written request, for "
        "state custody",
        ("8 U.S.C. 1231(a)(4)(A)", "8 U.S.C. 1231(a)(4)(B)(i)", "8 U.S.C. 1231(a)(4)(B)(ii)"),
        IIRIRA,
        _not_serving,
        reads=("sentences", "early_removal_approvals"),
    ),
    Rule(
        "early_removal_offence",
        "Removed while serving: a final conviction for an offence early removal allows",
        "while the person is serving, they are confined on a final conviction that counts, and "
        "no conviction is violent or of a class the custody bars (federal: alien smuggling or "
        "harbouring, 1101(a)(43)(B), (C), (E), (I), (L); state: (43)(C), (E)); not applicable "
        "when not serving",
        (
            "8 U.S.C. 1231(a)(4)(B)(i)",
            "8 U.S.C. 1231(a)(4)(B)(ii)",
            "8 U.S.C. 1101(a)(43)",
            "8 U.S.C. 1101(a)(48)(A)",
        ),
        IIRIRA,
        _early_removal_offence,
        reads=("sentences", "convictions"),
    ),
)
