"""Bars to executing a removal order that is final: the 14 days after an INA 238(b) order, a
stay motion in a court of appeals, and the government's own commitment to a court.

Whether the order is final is final_order's question (finality.py); whether a stay is in
force by order or by regulation is no_stay's. These rules read what those do not: the
waiver of the 14 days, stay motions and the circuits' rules on them
(law/data/circuit_stay_rules.yaml), and forbearance commitments.
"""

from __future__ import annotations

import ibis
from ibis import _

from accord.law.dated_law import stay_rules_on
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
    removal_orders_in_force,
    status,
)
from accord.law.removal import IIRIRA

# 8 U.S.C. 1228(b)(3): no execution "until 14 calendar days have passed from the date that
# such order was issued". Counted as the appeal period is (day of issue excluded, the 14th
# day included), so the order may be executed from the 15th day after it was issued.
WAITING_DAYS_238B = 14
# Stay motions filed with the agency: the filing does not stay removal; only a stay granted
# does (8 C.F.R. 1003.2(f), 1003.23(b)(1)(v), 241.6(b)). Names as normal_court() spells them.
AGENCY_FORUMS = ("ij", "immigrationjudge", "bia", "boardofimmigrationappeals", "dhs", "ice")


def _forum(column: Expr) -> Expr:
    """A court's name as dated_law.normal_court() spells it: lower case, no spaces or stops."""
    return column.lower().replace(" ", "").replace(".", "")


def _execution_waiting_period(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    live = removal_orders_in_force(f, ctx.as_of)
    orders = live.filter(live.kind == "administrative").mutate(
        executable_from=_.issued_on + ibis.interval(days=WAITING_DAYS_238B + 1)
    )
    waiting = orders.filter(a < orders.executable_from)
    not_waived = waiting.filter(waiting.waived_14_days.notnull() & ~waiting.waived_14_days)
    return Verdict(
        status(
            (f.person_in(not_waived), FAIL),
            (
                ~f.known("removal_orders") | f.person_in(waiting.filter(_.waived_14_days.isnull())),
                UNKNOWN,
            ),
            otherwise=PASS,
        ),
        describe(
            orders,
            "INA 238(b) order",
            "issued_on",
            "waived_14_days",
            "executable_from",
            "source",
        ),
    )


def _rule_words(forum: Expr, ctx: Context) -> Expr:
    """What the court's encoded stay rule says, in words, for the evidence."""
    branches = []
    for rule in stay_rules_on(ctx.as_of):
        v = rule.value
        said = (
            f"{rule.court}: automatic temporary stay ({v.scope}) from {v.start.isoformat()}"
            if v.automatic_stay
            else f"{rule.court}: no automatic stay from {v.start.isoformat()}"
        )
        branches.append((forum.isin(rule.names), ibis.literal(f"{said} ({v.source})")))
    branches.append(
        (forum.isin(AGENCY_FORUMS), ibis.literal("agency: the filing does not stay removal"))
    )
    return ibis.cases(*branches, else_="no rule encoded for this court")


def _no_stay_motion_bar(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    rules = stay_rules_on(ctx.as_of)
    stays_initial = [n for r in rules if r.value.scope == "initial_motion" for n in r.names]
    stays_any = [n for r in rules if r.value.scope == "any_motion" for n in r.names]
    encoded = [n for r in rules for n in r.names] + list(AGENCY_FORUMS)

    motions = f.appeals.filter((_.kind == "stay_motion") & (_.filed_on <= a)).mutate(
        forum=_forum(_.court)
    )
    motions = motions.mutate(circuit_rule=_rule_words(motions.forum, ctx))
    pending = motions.filter((_.status == "pending") | (_.decided_on > a))
    unencoded = pending.filter(pending.forum.isnull() | ~pending.forum.isin(encoded))
    bars: Expr = ibis.literal(False)
    undecided: Expr = f.person_in(unencoded)
    if stays_any:
        bars = bars | f.person_in(pending.filter(pending.forum.isin(stays_any)))
    if stays_initial:
        initial_rule = pending.filter(pending.forum.isin(stays_initial))
        earlier = motions.view()
        # Only a first motion in that court stays removal under such a rule, and the case
        # file does not link a motion to its petition: a later one is undecided.
        before = [
            initial_rule.person_id == earlier.person_id,
            initial_rule.forum == earlier.forum,
            earlier.filed_on < initial_rule.filed_on,
        ]
        bars = bars | f.person_in(initial_rule.anti_join(earlier, before))
        undecided = undecided | f.person_in(initial_rule.semi_join(earlier, before))

    granted = motions.filter((_.status == "granted") & (_.decided_on <= a))
    later = f.appeals.filter(
        (_.kind != "stay_motion") & _.decided_on.notnull() & (_.decided_on <= a)
    ).mutate(forum=_forum(_.court))
    # A stay pending review ends with the decision it was granted pending (for a court of
    # appeals, with its mandate), which the case file does not date: undecided from then.
    since = [
        granted.person_id == later.person_id,
        granted.forum == later.forum,
        later.decided_on >= granted.decided_on,
    ]
    bars = bars | f.person_in(granted.anti_join(later, since))
    undecided = undecided | f.person_in(granted.semi_join(later, since))
    return Verdict(
        status((bars, FAIL), (~f.known("appeals") | undecided, UNKNOWN), otherwise=PASS),
        describe(
            motions,
            "stay motion",
            "court",
            "filed_on",
            "status",
            "decided_on",
            "circuit_rule",
            "source",
        ),
    )


def _stay_rule_sources(ctx: Context) -> str | None:
    rules = stay_rules_on(ctx.as_of)
    if not rules:
        return None
    return "law data circuit_stay_rules.yaml: " + "; ".join(r.value.source for r in rules)


def _no_forbearance(f: Facts, ctx: Context) -> Verdict:
    a = ctx.as_of_lit
    made = f.forbearances.filter(_.made_on <= a)
    in_force = made.filter(
        (made.ends_on.isnull() | (a <= made.ends_on))
        & (made.withdrawn_on.isnull() | (made.withdrawn_on > a))
    )
    barring = in_force.filter(in_force.country.isnull() | (in_force.country == ctx.dest))
    return Verdict(
        status(
            (f.person_in(barring), FAIL),
            (~f.known("forbearances"), UNKNOWN),
            otherwise=PASS,
        ),
        describe(
            made,
            "forbearance",
            "court",
            "docket",
            "made_on",
            "ends_on",
            "withdrawn_on",
            "country",
            "source",
        ),
    )


EXECUTION_RULES: tuple[Rule, ...] = (
    Rule(
        "execution_waiting_period",
        "The 14 days after an INA 238(b) order have run, or were waived",
        "no final administrative removal order under INA 238(b) is within the 14 calendar days "
        "after it was issued, unless the person waived them",
        (
            "8 U.S.C. 1228(b)(3)",
            "8 C.F.R. 238.1 (execution of the Final Administrative Removal Order)",
        ),
        IIRIRA,
        _execution_waiting_period,
        reads=("removal_orders",),
    ),
    Rule(
        "no_stay_motion_bar",
        "No stay motion that holds removal",
        "no motion to stay removal is granted and in force, and none is pending in a court of "
        "appeals whose rule stays removal while it is pending (a petition for review alone "
        "does not stay removal)",
        (
            "8 U.S.C. 1252(b)(3)(B)",
            "Nken v. Holder, 556 U.S. 418 (2009)",
            "8 C.F.R. 1003.2(f), 1003.23(b)(1)(v), 241.6(b) (a motion filed with the agency "
            "does not stay removal)",
        ),
        IIRIRA,
        _no_stay_motion_bar,
        reads=("appeals",),
        term_source=_stay_rule_sources,
        law_tables=("circuit_stay_rules",),
    ),
    Rule(
        "no_forbearance",
        "No commitment by the government to a court not to remove the person",
        "no commitment the government made to a court not to remove the person (to the "
        "destination, when it names a country) is in force on the date",
        (
            "the commitment, as made to the court (court, docket, date: cited in the facts)",
            "the court's inherent power to enforce representations made to it",
        ),
        IIRIRA,
        _no_forbearance,
        reads=("forbearances",),
    ),
)
