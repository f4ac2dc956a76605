"""Which recorded convictions are convictions for immigration purposes, as of a date.

A pure helper: no rule of its own. Every rule that counts convictions (conviction_required,
early_removal_offence) reads `with_standing`, so that one reading of 8 U.S.C. 1101(a)(48)(A)
governs them all. Each conviction gets a `standing`:

* counts: a final judgment of guilt that is a conviction for immigration purposes;
* not_a_conviction: a juvenile delinquency adjudication (Matter of Devison-Charles,
  22 I&N Dec. 1362 (BIA 2000));
* erased: vacated for a procedural or substantive defect in the underlying proceedings
  (Matter of Pickering, 23 I&N Dec. 621 (BIA 2003); Matter of Marquez Conde, 27 I&N Dec.
  251 (BIA 2018)). A vacatur for rehabilitation or immigration hardship does not erase it
  (Matter of Roldan, 22 I&N Dec. 512 (BIA 1999); Pickering): it still counts;
* not_final: the judgment is not final; a conviction does not attain finality for
  immigration purposes until direct appellate review is exhausted or waived (Matter of J.M.
  Acosta, 27 I&N Dec. 420 (BIA 2018));
* doubtful: whether it counts turns on a fact not recorded (juvenile, jurisdiction, final,
  the reason for a vacatur) or on unsettled law (a foreign conviction, below).

Foreign convictions: the definition does not exclude them, and the Board has long given them
effect (Matter of Pickering itself concerned a Canadian conviction), but only for conduct
criminal under U.S. law (Matter of De La Nues, 18 I&N Dec. 140 (BIA 1981); Matter of
McNaughton, 16 I&N Dec. 569 (BIA 1978)); whether a judgment of a system lacking basic
guarantees counts is unsettled, and Small v. United States, 544 U.S. 385 (2005), read
"convicted in any court" in 18 U.S.C. 922(g)(1) as domestic only. The case file records
neither the U.S. analogue nor the foreign procedure, so a foreign conviction is doubtful.
"""

from __future__ import annotations

import datetime as dt

import ibis

from accord.law.framework import Expr, Facts

COUNTS = "counts"
NOT_A_CONVICTION = "not_a_conviction"
ERASED = "erased"
NOT_FINAL = "not_final"
DOUBTFUL = "doubtful"

CITATIONS = (
    "8 U.S.C. 1101(a)(48)(A)",
    "Matter of Devison-Charles, 22 I&N Dec. 1362 (BIA 2000)",
    "Matter of Pickering, 23 I&N Dec. 621 (BIA 2003)",
    "Matter of Roldan, 22 I&N Dec. 512 (BIA 1999)",
    "Matter of J.M. Acosta, 27 I&N Dec. 420 (BIA 2018)",
)


def vacated_by(convictions: Expr, as_of: Expr) -> Expr:
    """True where the conviction was vacated on or before `as_of` (for whatever reason)."""
    return convictions.vacated_on.notnull() & (convictions.vacated_on <= as_of)


def judgments_in_force(convictions: Expr, as_of: Expr) -> Expr:
    """Criminal judgments entered on or before `as_of` and not vacated by then, whatever the
    reason, juvenile adjudications included: the judgments a sentenced transfer can rest on
    (18 U.S.C. 4100-4101 cover juveniles), as opposed to convictions for immigration
    purposes (`with_standing`). For law/transfer.py."""
    entered = convictions.filter(convictions.date <= as_of)
    return entered.filter(~vacated_by(entered, as_of))


def with_standing(f: Facts, day: dt.date) -> Expr:
    """Convictions entered on or before `day`, with `standing` (above) and `why` (the
    authority or the missing fact, for evidence). The first matching test decides. Read by
    several rules: a docket statement computes it once (Facts.share)."""
    as_of = ibis.literal(day, type="date")
    convictions = f.convictions
    c = convictions.filter(convictions.date <= as_of)
    vacated = vacated_by(c, as_of)
    basis = c.vacatur_basis
    tests = (
        (c.juvenile, NOT_A_CONVICTION, "juvenile adjudication (Devison-Charles)"),
        (vacated & (basis == "defect"), ERASED, "vacated for a defect (Pickering)"),
        (~c.final, NOT_FINAL, "not final (J.M. Acosta)"),
        (
            vacated & (basis.isnull() | (basis == "unknown")),
            DOUBTFUL,
            "vacated, reason not recorded (Pickering)",
        ),
        (c.juvenile.isnull(), DOUBTFUL, "juvenile not recorded"),
        (c.jurisdiction.isnull(), DOUBTFUL, "jurisdiction not recorded"),
        (
            c.jurisdiction == "foreign",
            DOUBTFUL,
            "foreign: counts only for conduct criminal under U.S. law (De La Nues); unsettled",
        ),
        (c.final.isnull(), DOUBTFUL, "finality not recorded"),
    )
    standing = ibis.cases(*((cond, ibis.literal(s)) for cond, s, _ in tests), else_=COUNTS)
    why_counts = ibis.ifelse(
        vacated,
        ibis.literal("counts: vacated for rehabilitation or hardship (Roldan; Pickering)"),
        ibis.literal("counts (8 U.S.C. 1101(a)(48)(A))"),
    )
    why = ibis.cases(*((cond, ibis.literal(f"{s}: {w}")) for cond, s, w in tests), else_=why_counts)
    return f.share(f"convictions_with_standing_{day:%Y%m%d}", c.mutate(standing=standing, why=why))


def has_class(convictions: Expr, *classes: str) -> Expr:
    """True where the conviction's offence_classes include any of `classes` (null when the
    classes were not recorded)."""
    tests = [convictions.offence_classes.contains(f"|{name}|") for name in classes]
    result = tests[0]
    for test in tests[1:]:
        result = result | test
    return result
