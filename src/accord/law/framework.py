"""The vocabulary of rules: statuses, the rule spec, what a rule sees, and helpers.

A rule's `evaluate` receives the fact tables (unbound Ibis tables) and the
decision context, and returns a Verdict: a status column over `facts.persons`
and, optionally, a table of the facts that decided it (for explanations).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import ibis
from ibis import _

from accord.agreements.models import Agreement, Facility
from accord.law.law_set import LawSet, bundled_law
from accord.law.parameters import LawParameters

PASS, FAIL, UNKNOWN, NOT_APPLICABLE = "pass", "fail", "unknown", "not_applicable"
STATUSES = (PASS, FAIL, UNKNOWN, NOT_APPLICABLE)
# a decision's outcome: ineligible if any rule fails, else undetermined if any is unknown
OUTCOMES = ("eligible", "ineligible", "undetermined")

Expr = Any  # Ibis expressions are not typed for mypy


@dataclass(frozen=True)
class FacilityCounts:
    """The registry's count of places taken at the decision's facility, read when deciding
    from the registry (operations/custody.py): persons held there or on the way (manifested,
    departed, missing), under any agreement (`held`) and under the decision's agreement
    (`under_agreement`), the person decided for left out."""

    held: int
    under_agreement: int
    # where the count comes from, as the decision's evidence states it
    source: str = "the registry's count"


@dataclass(frozen=True)
class Context:
    """Everything a rule may depend on besides the person's facts."""

    as_of: dt.date
    pathway: str
    destination: str
    agreement: Agreement
    params: LawParameters
    facility: Facility | None = None
    treaties: tuple[Agreement, ...] = ()
    # None when deciding from a case file alone: the registry's state is then not known
    facility_counts: FacilityCounts | None = None
    # the law applied: the bundled law data and the registry's law entries (law/law_set.py)
    law: LawSet = field(default_factory=bundled_law)

    @property
    def facility_room(self) -> tuple[bool, bool] | None:
        """(room for one more under the facility's capacity, under its quota) on the registry's
        count; None when deciding from a file alone. Rules read this, never the counts, and
        compiled rules are cached on it (engine/compiler.py), not on the counts."""
        if self.facility is None or self.facility_counts is None:
            return None
        counts, quota = self.facility_counts, self.facility.quota
        return (
            counts.held < self.facility.capacity,
            quota is None or counts.under_agreement < quota,
        )

    @property
    def as_of_lit(self) -> Expr:
        return ibis.literal(self.as_of, type="date")

    @property
    def dest(self) -> Expr:
        return ibis.literal(self.destination, type="string")


class Memberships(Protocol):
    """How a docket answers `person_in`: a boolean column of `facts.persons` per subset."""

    def flag(self, subset: Expr) -> Expr: ...


@dataclass(frozen=True)
class Facts:
    """The fact tables of a docket, as Ibis tables (see facts/tables.py).

    `person_in` is the one primitive by which a rule asks "does the person have
    a row here?": a semi-join for one person; for a docket, the compiler's
    `memberships` answer every subset a statement asks about in one grouped pass.

    `share` names an intermediate relation a rule reads many times. For one person it is
    the expression itself; for a docket the compiler computes it once per statement (a
    materialized CTE) instead of once per reference: the same expression either way.
    """

    tables: dict[str, Expr]
    # docket compilation only: name -> the relation `share` computes once per statement
    shared: dict[str, Expr] | None = None
    # docket compilation only (engine/compiler.py): person_in as flag columns of persons
    memberships: Memberships | None = None

    def share(self, name: str, relation: Expr) -> Expr:
        """`relation`, computed once per statement where the engine would repeat it."""
        if self.shared is None:
            return relation
        if name in self.shared and not self.shared[name].equals(relation):
            raise ValueError(f"two different relations shared as {name!r}")
        self.shared[name] = relation
        return ibis.table(relation.schema(), name=f"shared_{name}")

    def __getattr__(self, name: str) -> Expr:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None

    def known(self, list_name: str) -> Expr:
        """The person's `<list>_known` flag: False means the list was never recorded."""
        return self.tables["persons"][f"{list_name}_known"]

    def person_in(self, subset: Expr) -> Expr:
        """True for persons who have at least one row in `subset`."""
        if self.memberships is not None:
            return self.memberships.flag(subset)
        return self.tables["persons"].person_id.isin(subset.person_id)


@dataclass(frozen=True)
class Verdict:
    status: Expr
    evidence: Expr | None = None


# The dated law tables a rule may read besides facts, parameters and court orders: the files
# beside parameters.yaml (law/dated_law.py) and the federal calendar (law/calendar.py).
DATED_LAW_TABLES = ("tps_designations", "circuit_stay_rules", "non_business_days")


@dataclass(frozen=True)
class Rule:
    """A rule of law or an agreement term, with everything it depends on declared: the fact
    lists it `reads`, the law `parameters` (law/data/parameters.yaml), the class-wide
    `court_orders` (law/data/court_orders/, by id) and the dated `law_tables`. What
    `accord rules show` prints, and what a decision says is not recorded, come from these;
    tests/test_rule_declarations.py checks them against what the rule reads when the engine
    evaluates it, both ways."""

    id: str
    title: str
    passes_when: str
    citations: tuple[str, ...]
    effective_from: dt.date
    evaluate: Callable[[Facts, Context], Verdict]
    reads: tuple[str, ...] = ()
    effective_to: dt.date | None = None
    kind: str = "law"
    term_source: Callable[[Context], str | None] = field(default=lambda ctx: None)
    # the law parameters (law/data/parameters.yaml) the rule reads, for `accord rules show`
    parameters: tuple[str, ...] = ()
    # the class-wide court orders (law/data/court_orders/) the rule reads, by id
    court_orders: tuple[str, ...] = ()
    # the dated law tables (DATED_LAW_TABLES) the rule reads
    law_tables: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.law_tables) - set(DATED_LAW_TABLES)
        if unknown:
            raise ValueError(f"rule {self.id} reads unknown law tables {sorted(unknown)}")

    def in_effect(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def citations_for(self, ctx: Context) -> tuple[str, ...]:
        extra = self.term_source(ctx)
        return (*self.citations, extra) if extra else self.citations


def status(*branches: tuple[Expr, str], otherwise: str) -> Expr:
    """First matching branch wins, like a lawyer's ordered list of tests."""
    return ibis.cases(*((cond, ibis.literal(value)) for cond, value in branches), else_=otherwise)


def union_all(relations: Sequence[Expr]) -> Expr:
    """Every row of `relations` (UNION ALL), as a balanced tree of unions in their order. A
    chain of n unions nests n deep, and SQL generators give up past a few dozen (sqlglot's
    recursion at about thirty class-wide orders' evidence; SQLite's parser sooner): a
    balanced tree nests log2(n) deep, with the same rows in the same order of operands."""
    return _balanced(relations, lambda a, b: a.union(b))


def any_of(conditions: Sequence[Expr]) -> Expr:
    """True where any condition is (SQL's OR, three-valued), balanced as union_all is: one
    condition per court order would otherwise nest as deep as there are orders."""
    return _balanced(conditions, lambda a, b: a | b)


def all_of(conditions: Sequence[Expr]) -> Expr:
    """True where every condition is (SQL's AND, three-valued), balanced like any_of."""
    return _balanced(conditions, lambda a, b: a & b)


def _balanced(items: Sequence[Expr], join: Callable[[Expr, Expr], Expr]) -> Expr:
    if not items:
        raise ValueError("nothing to join")
    if len(items) == 1:
        return items[0]
    middle = len(items) // 2
    return join(_balanced(items[:middle], join), _balanced(items[middle:], join))


def constant(value: str) -> Expr:
    return ibis.literal(value, type="string")


def latest_on(table: Expr, as_of: Expr, *, date_col: str, keys: tuple[str, ...] = ()) -> Expr:
    """Rows that are the latest record on or before `as_of` per person and `keys`.

    Ties on the latest day all stay, so a rule fails if any of them fails.
    """
    dated = table.filter(table[date_col] <= as_of)
    window = ibis.window(group_by=["person_id", *keys], order_by=ibis.desc(date_col))
    return dated.mutate(_rank=ibis.rank().over(window)).filter(_._rank == 0).drop("_rank")


def removal_orders_in_force(f: Facts, day: dt.date) -> Expr:
    """Removal orders issued on or before `day` and not vacated by then. Half the rules read
    them: a docket statement computes them once (Facts.share)."""
    o, d = f.removal_orders, ibis.literal(day, type="date")
    live = o.filter((o.issued_on <= d) & (o.vacated_on.isnull() | (o.vacated_on > d)))
    return f.share(f"removal_orders_in_force_{day:%Y%m%d}", live)


def _as_text(column: Expr) -> Expr:
    """A value as evidence text, spelled the same by every engine: dates as YYYY-MM-DD (date
    arithmetic can yield a timestamp on some engines), booleans as true/false."""
    dtype = column.type()
    if dtype.is_date() or dtype.is_timestamp():
        return column.strftime("%Y-%m-%d")
    if dtype.is_boolean():
        return ibis.ifelse(column, "true", "false")
    return column.cast("string")


def describe(table: Expr, label: str, *columns: str) -> Expr:
    """Evidence rows: `label: col=value; ...` for each row, per person."""
    text: Expr = ibis.literal(f"{label}: ")
    for i, col in enumerate(columns):
        value = _as_text(table[col]).fill_null("not recorded")
        text = text + ibis.literal(("; " if i else "") + f"{col}=") + value
    return table.select("person_id", fact=text)


def national_of_destination(facts: Facts, ctx: Context) -> Expr:
    return facts.person_in(facts.nationalities.filter(_.country == ctx.dest))


def nationality_unsettled(facts: Facts) -> Expr:
    """Whether the person is a national of a current state is not known: the list is not
    known, or it records a former state (ISO 3166-3, the only four-letter codes a nationality
    may hold), and which successor state, if any, the person is a national of is not in the
    record (accord.countries)."""
    former = facts.nationalities.filter(_.country.length() == 4)
    return ~facts.known("nationalities") | facts.person_in(former)
