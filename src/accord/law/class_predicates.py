"""The class definition of a class-wide court order, as a predicate over case-file facts.

A predicate is written in the order's data file (law/data/court_orders/*.yaml) in a small
declarative language: `all`, `any` and `not` over atoms such as

    all:
      - designated_under: aea_proclamation_10903
      - custody_district_in: [N.D. Tex.]

Each atom reads one fact list. The predicate compiles to ONE pair of Ibis boolean
expressions over `facts.persons`, used by both engines:

* `is_true`: the facts show the person is in the class;
* `is_false`: the facts show the person is not.

Neither means that a fact the class turns on is not recorded: the rule that reads the
order answers `unknown`, never `pass`. `all` is false as soon as one part is false, so a
class element that is not recorded does not matter once another element rules the person
out (Kleene's three-valued logic).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

import ibis
from ibis import _

from accord.casefile.models import Designation, ProtectionKind
from accord.countries import country_code
from accord.errors import UnknownCountry

Expr = Any  # Ibis expressions are not typed for mypy

# INA proceedings, by the kind of removal order they end in (casefile/models.py OrderKind).
PROCEEDING_OF_KIND: dict[str, str] = {
    "immigration_judge": "240",
    "bia": "240",
    "stipulated": "240",
    "reinstated": "241(a)(5)",
    "administrative": "238(b)",
    "expedited": "235(b)(1)",
    "judicial": "238(c)",
}
PROCEEDINGS = tuple(dict.fromkeys(PROCEEDING_OF_KIND.values()))
FORUMS = ("uscis", "immigration_court", "bia")
AUTHORITIES = get_args(Designation.model_fields["authority"].annotation)


class PredicateError(ValueError):
    """A class predicate that is not well formed; the message says what and where."""


@dataclass(frozen=True)
class Truth:
    """What the facts show: the person is in the class (`is_true`), is not (`is_false`), or
    neither (a fact the class turns on is not recorded)."""

    is_true: Expr
    is_false: Expr

    @property
    def is_unknown(self) -> Expr:
        return ~self.is_true & ~self.is_false


@dataclass(frozen=True)
class Where:
    """What an atom is evaluated against: the fact tables and the decision's terms."""

    facts: Any  # accord.law.framework.Facts (imported lazily: framework imports parameters)
    as_of: dt.date
    pathway: str
    destination: str

    @property
    def day(self) -> Expr:
        return ibis.literal(self.as_of, type="date")

    def held(self, list_name: str, rows: Expr) -> Truth:
        """True for persons with a row in `rows`; false where the list is known and they
        have none; not known otherwise."""
        has = self.facts.person_in(rows)
        return Truth(has, self.facts.known(list_name) & ~has)


@dataclass(frozen=True)
class Atom:
    name: str
    arg: Any


@dataclass(frozen=True)
class Combination:
    op: str  # all | any | not
    parts: tuple[Predicate, ...]


Predicate = Atom | Combination


# ---- the atoms ----------------------------------------------------------------------------


def _codes(arg: Any) -> tuple[str, ...]:
    if not isinstance(arg, list) or not arg:
        raise PredicateError("needs a list of ISO 3166 alpha-2 country codes")
    try:
        return tuple(country_code(str(c)) for c in arg)
    except UnknownCountry as exc:
        raise PredicateError(str(exc)) from None


def _names(allowed: tuple[str, ...] | None = None) -> Callable[[Any], tuple[str, ...]]:
    def parse(arg: Any) -> tuple[str, ...]:
        if not isinstance(arg, list) or not arg or not all(isinstance(a, str) for a in arg):
            raise PredicateError("needs a non-empty list of names")
        unknown = [a for a in arg if allowed is not None and a not in allowed]
        if unknown:
            raise PredicateError(f"{unknown} not among: {', '.join(allowed or ())}")
        return tuple(arg)

    return parse


def _flag(arg: Any) -> bool:
    if not isinstance(arg, bool):
        raise PredicateError("needs true or false")
    return arg


def _authority(arg: Any) -> str:
    if arg not in AUTHORITIES:
        raise PredicateError(f"authority {arg!r} is not one of: {', '.join(AUTHORITIES)}")
    return str(arg)


def _years(arg: Any) -> int:
    if not isinstance(arg, int) or isinstance(arg, bool) or not 0 < arg < 120:
        raise PredicateError("needs a number of years")
    return arg


def _text(arg: Any) -> str:
    if not isinstance(arg, str) or not arg.strip():
        raise PredicateError("needs the words of the class element that is not recorded")
    return arg.strip()


def _pending(arg: Any) -> dict[str, Any]:
    if not isinstance(arg, dict) or not set(arg) <= {"kinds", "forums", "filed_by"}:
        raise PredicateError("needs kinds, and optionally forums and filed_by")
    kinds = _names(get_args(ProtectionKind))(arg.get("kinds"))
    forums = _names(FORUMS)(arg["forums"]) if "forums" in arg else ()
    filed_by = arg.get("filed_by")
    if isinstance(filed_by, str):  # a registry entry's JSON (law/law_set.py)
        try:
            filed_by = dt.date.fromisoformat(filed_by)
        except ValueError:
            raise PredicateError("filed_by needs a date, YYYY-MM-DD") from None
    if filed_by is not None and not isinstance(filed_by, dt.date):
        raise PredicateError("filed_by needs a date, YYYY-MM-DD")
    return {"kinds": kinds, "forums": forums, "filed_by": filed_by}


def _live_orders(w: Where) -> Expr:
    from accord.law.framework import removal_orders_in_force

    return removal_orders_in_force(w.facts, w.as_of)


def destination_designated(w: Where) -> Truth:
    """The destination is designated on a removal order in force (the primary country or an
    alternative, 8 C.F.R. 1240.12(d)); not known where an order in force does not record its
    country or its alternatives and none designates the destination."""
    orders = _live_orders(w)
    dest = ibis.literal(w.destination, type="string")
    named = orders.filter(
        (orders.country == dest) | orders.alternative_countries.contains(f"|{w.destination}|")
    )
    unrecorded = orders.filter(orders.country.isnull() | orders.alternative_countries.isnull())
    yes = w.facts.person_in(named)
    no = w.facts.known("removal_orders") & ~yes & ~w.facts.person_in(unrecorded)
    return Truth(yes, no)


def _eval_nationality(w: Where, codes: tuple[str, ...]) -> Truth:
    has = w.facts.person_in(w.facts.nationalities.filter(_.country.isin(codes)))
    # a former state (ISO 3166-3, four letters: SUHH) may be any of its successors, so a
    # person recorded with one is not known to be outside the class unless a code matches
    former = w.facts.person_in(w.facts.nationalities.filter(_.country.length() == 4))
    return Truth(has, w.facts.known("nationalities") & ~former & ~has)


def _eval_designated(w: Where, authority: str) -> Truth:
    d = w.facts.designations
    in_force = d.filter(
        (d.authority == authority)
        & (d.designated_on <= w.day)
        & (d.withdrawn_on.isnull() | (d.withdrawn_on > w.day))
    )
    return w.held("designations", in_force)


def _eval_custody(w: Where, districts: tuple[str, ...]) -> Truth:
    c = w.facts.custody_locations
    there = c.filter(
        c.district.isin(districts)
        & (c.from_date <= w.day)
        & (c.to_date.isnull() | (c.to_date >= w.day))
    )
    return w.held("custody_locations", there)


def _eval_in_custody(w: Where, held: bool) -> Truth:
    c = w.facts.custody_locations
    now = c.filter((c.from_date <= w.day) & (c.to_date.isnull() | (c.to_date >= w.day)))
    t = w.held("custody_locations", now)
    return t if held else Truth(t.is_false, t.is_true)


def _eval_pathway(w: Where, pathways: tuple[str, ...]) -> Truth:
    yes = ibis.literal(w.pathway in pathways)
    return Truth(yes, ~yes)


def _eval_designation(w: Where, designated: bool) -> Truth:
    t = destination_designated(w)
    return t if designated else Truth(t.is_false, t.is_true)


def _eval_proceeding(w: Where, proceedings: tuple[str, ...]) -> Truth:
    kinds = [k for k, p in PROCEEDING_OF_KIND.items() if p in proceedings]
    return w.held("removal_orders", _live_orders(w).filter(_.kind.isin(kinds)))


def _eval_pending(w: Where, spec: dict[str, Any]) -> Truth:
    from accord.law.framework import latest_on

    p = w.facts.protections
    latest = latest_on(p, w.day, date_col="date", keys=("kind", "country")).filter(
        _.kind.isin(spec["kinds"]) & (_.status == "pending")
    )
    forums = spec["forums"]
    match = latest.filter(_.forum.isin(forums)) if forums else latest
    has = w.facts.person_in(match)
    no = w.facts.known("protections") & ~has
    if forums:  # pending where the forum is not recorded: cannot tell
        no = no & ~w.facts.person_in(latest.filter(_.forum.isnull()))
    if spec["filed_by"] is not None:  # the class closes on a date: pending by then
        early = p.filter(
            p.kind.isin(spec["kinds"])
            & (p.status == "pending")
            & (p.date <= ibis.literal(spec["filed_by"], type="date"))
        )
        if forums:
            early = early.filter(_.forum.isin(forums))
        has = has & w.facts.person_in(early)
    return Truth(has, no)


def _eval_uac(w: Where, determined: bool) -> Truth:
    t = w.held(
        "uac_determinations",
        w.facts.uac_determinations.filter(_.determined_on <= w.day),
    )
    return t if determined else Truth(t.is_false, t.is_true)


def _eval_age_under(w: Where, years: int) -> Truth:
    born = w.facts.persons.birth_date
    under = born + ibis.interval(years=years) > w.day
    return Truth(born.notnull() & under, born.notnull() & ~under)


def _eval_unrecorded(w: Where, text: str) -> Truth:
    return Truth(ibis.literal(False), ibis.literal(False))


@dataclass(frozen=True)
class AtomSpec:
    parse: Callable[[Any], Any]
    evaluate: Callable[[Where, Any], Truth]
    words: Callable[[Any], str]
    reads: tuple[str, ...]  # the fact lists (or person fields) it reads


def _pending_words(s: dict[str, Any]) -> str:
    forum = f" with {' or '.join(s['forums'])}" if s["forums"] else ""
    by = f", pending by {s['filed_by']}" if s["filed_by"] else ""
    return f"an application for {' or '.join(s['kinds'])} pending{forum}{by}"


ATOMS: dict[str, AtomSpec] = {
    "nationality_in": AtomSpec(
        _codes, _eval_nationality, lambda a: f"a national of {' or '.join(a)}", ("nationalities",)
    ),
    "designated_under": AtomSpec(
        _authority,
        _eval_designated,
        lambda a: f"designated under {a} (a designation in force on the date)",
        ("designations",),
    ),
    "custody_district_in": AtomSpec(
        _names(),
        _eval_custody,
        lambda a: f"in custody in {' or '.join(a)} on the date",
        ("custody_locations",),
    ),
    "in_custody": AtomSpec(
        _flag,
        _eval_in_custody,
        lambda a: ("" if a else "not ") + "in custody (any district) on the date",
        ("custody_locations",),
    ),
    "pathway_in": AtomSpec(
        _names(),
        _eval_pathway,
        lambda a: f"removed by way of {' or '.join(a)}",
        (),
    ),
    "destination_designated": AtomSpec(
        _flag,
        _eval_designation,
        lambda a: (
            "the destination is "
            + ("" if a else "not ")
            + "designated on the person's removal order (primary or alternative country)"
        ),
        ("removal_orders",),
    ),
    "order_proceeding_in": AtomSpec(
        _names(PROCEEDINGS),
        _eval_proceeding,
        lambda a: "a removal order entered in proceedings under INA " + " or ".join(a),
        ("removal_orders",),
    ),
    "protection_pending": AtomSpec(_pending, _eval_pending, _pending_words, ("protections",)),
    "uac_determined": AtomSpec(
        _flag,
        _eval_uac,
        lambda a: ("" if a else "never ") + "determined an unaccompanied alien child",
        ("uac_determinations",),
    ),
    "age_under": AtomSpec(
        _years, _eval_age_under, lambda a: f"under {a} on the date", ("birth_date",)
    ),
    "unrecorded": AtomSpec(
        _text,
        _eval_unrecorded,
        lambda a: f"{a} (the case file has no field for it: not known)",
        (),
    ),
}
COMBINATIONS = ("all", "any", "not")


# ---- parsing, evaluating, reading ---------------------------------------------------------


def parse_predicate(data: Any) -> Predicate:
    """The predicate written in an order's data file; PredicateError says what is wrong."""
    if not isinstance(data, dict) or len(data) != 1:
        raise PredicateError(f"a predicate is one of {COMBINATIONS} or an atom, got {data!r}")
    ((name, arg),) = data.items()
    if name in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise PredicateError(f"'{name}' needs a non-empty list")
        return Combination(name, tuple(parse_predicate(p) for p in arg))
    if name == "not":
        return Combination("not", (parse_predicate(arg),))
    spec = ATOMS.get(name)
    if spec is None:
        raise PredicateError(
            f"unknown fact '{name}' (facts a class can turn on: {', '.join(ATOMS)})"
        )
    try:
        return Atom(name, spec.parse(arg))
    except PredicateError as exc:
        raise PredicateError(f"'{name}' {exc}") from None


def evaluate(predicate: Predicate, where: Where) -> Truth:
    """The predicate as one pair of boolean expressions over `facts.persons`."""
    if isinstance(predicate, Atom):
        return ATOMS[predicate.name].evaluate(where, predicate.arg)
    parts = [evaluate(p, where) for p in predicate.parts]
    if predicate.op == "not":
        return Truth(parts[0].is_false, parts[0].is_true)
    trues = [p.is_true for p in parts]
    falses = [p.is_false for p in parts]
    if predicate.op == "all":
        return Truth(functools.reduce(operator.and_, trues), functools.reduce(operator.or_, falses))
    return Truth(functools.reduce(operator.or_, trues), functools.reduce(operator.and_, falses))


def words(predicate: Predicate) -> str:
    """The class definition in words, as `accord court-orders show` prints it."""
    if isinstance(predicate, Atom):
        return ATOMS[predicate.name].words(predicate.arg)
    inner = [words(p) for p in predicate.parts]
    if predicate.op == "not":
        return f"not ({inner[0]})"
    joiner = " and " if predicate.op == "all" else " or "
    return "(" + joiner.join(inner) + ")" if len(inner) > 1 else inner[0]


def facts_read(predicate: Predicate) -> tuple[str, ...]:
    """The fact lists (and person fields) the predicate reads."""
    if isinstance(predicate, Atom):
        return ATOMS[predicate.name].reads
    return tuple(dict.fromkeys(r for p in predicate.parts for r in facts_read(p)))
