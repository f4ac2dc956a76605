"""Class-wide court orders as dated law data (law/data/court_orders/*.yaml).

A temporary restraining order, preliminary injunction, Supreme Court order or
court-approved settlement that protects a class is law the engine must apply, like a
statute with dates. Each file holds one order (one case): its court, docket and title,
the class definition (quoted, with its source, and as a predicate over case-file facts,
law/class_predicates.py), and its events, each dated and sourced:

* entered, modified, narrowed: the order is in force with the effect the event gives
  (a TRO may carry `expires_on`, its last day);
* stayed: the order stands but may not be enforced; `stay` says how: `administrative`
  (a pause while a court considers a stay, with no view on the merits) or
  `pending_appeal` (a stay granted on a finding that the government is likely to prevail);
* vacated, dissolved: the order is gone.

Effects: bar_removal (optionally to named countries only), bar_removal_under_authority
(e.g. removal under the Alien Enemies Act only: not a bar to a Title 8 removal),
require_notice (notice terms) and require_return (the government must return class
members; a class member may not be removed while it stands).

How a stayed order counts is the deployment's profile (`--notice-profile`): an order in
force always applies; an order under an administrative stay applies under
`most_protective` and `court_order`, not under `agency_policy`; an order stayed pending
appeal, vacated, dissolved or expired applies under none.

The files are read once and validated; anything wrong is one line naming the file and
the order (CourtOrderDataError, an InputError: the CLI exits 2 and writes nothing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from accord.countries import country_code
from accord.errors import InputError, UnknownCountry
from accord.law.class_predicates import (
    Predicate,
    PredicateError,
    facts_read,
    parse_predicate,
    words,
)

EVENT_KINDS = ("entered", "modified", "narrowed", "stayed", "vacated", "dissolved")
IN_FORCE_KINDS = ("entered", "modified", "narrowed")
ENDING_KINDS = ("vacated", "dissolved")
EFFECT_KINDS = ("bar_removal", "bar_removal_under_authority", "require_notice", "require_return")
STAY_KINDS = ("administrative", "pending_appeal")
AUTHORITIES = {"alien_enemies_act": "the Alien Enemies Act (50 U.S.C. 21)"}
# Effects that bar a removal under Title 8 (the pathways Accord decides).
BARS_TITLE_8 = ("bar_removal", "require_return")
# Which rule reads an order with each effect (for `accord court-orders show`).
READ_BY_EFFECT = {
    "bar_removal": "no_class_order_bar",
    "bar_removal_under_authority": "no_class_order_bar",
    "require_return": "no_class_order_bar",
    "require_notice": "third_country_notice",
}
ORDER_KEYS = {"id", "title", "court", "docket", "class", "events"}
CLASS_KEYS = {"definition", "source", "predicate"}
EVENT_KEYS = {"date", "kind", "what", "source", "effect", "stay", "expires_on", "by"}
NOTICE_KEYS = (
    "waiting_days",
    "exigent_waiting_days",
    "assurances_waiting_days",
    "counsel_service",
    "reopen_days_after_negative_fear",
)


class CourtOrderDataError(InputError):
    """A court-order data file that is not valid: the message names the file and the order."""


@dataclass(frozen=True)
class NoticeRequirement:
    """Notice an order requires before removal of a class member to a country not
    designated on the removal order: days after service, and after a negative fear
    determination the days to move to reopen."""

    waiting_days: int
    exigent_waiting_days: int
    assurances_waiting_days: int
    counsel_service: bool
    reopen_days_after_negative_fear: int


@dataclass(frozen=True)
class Effect:
    kind: str
    authority: str | None = None
    countries: tuple[str, ...] | None = None
    notice: NoticeRequirement | None = None

    def bars_title_8_removal_to(self, destination: str) -> bool:
        return self.kind in BARS_TITLE_8 and (
            self.countries is None or destination in self.countries
        )

    def words(self) -> str:
        if self.kind == "bar_removal":
            where = f" to {', '.join(self.countries)}" if self.countries else ""
            return f"bars removal of class members{where}, under any authority"
        if self.kind == "bar_removal_under_authority":
            law = AUTHORITIES[self.authority or ""]
            return f"bars removal of class members under {law} only; not a bar to Title 8 removal"
        if self.kind == "require_return":
            return "requires the return of class members; a class member may not be removed"
        n = self.notice
        assert n is not None
        return (
            f"requires written notice of a country not designated on the order"
            f"{', served on counsel too' if n.counsel_service else ''}, {n.waiting_days} days "
            f"before removal, and {n.reopen_days_after_negative_fear} days to move to reopen "
            "after a negative fear determination"
        )


@dataclass(frozen=True)
class Event:
    on: dt.date
    kind: str
    what: str
    source: str
    effect: Effect | None = None
    stay: str | None = None
    expires_on: dt.date | None = None
    by: str | None = None

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"on": self.on.isoformat(), "kind": self.kind, "what": self.what}
        if self.effect is not None:
            record["effect"] = self.effect.words()
        if self.stay is not None:
            record["stay"] = self.stay
        if self.by is not None:
            record["by"] = self.by
        if self.expires_on is not None:
            record["expires_on"] = self.expires_on.isoformat()
        record["source"] = self.source
        return record


@dataclass(frozen=True)
class OrderState:
    """An order as it stands on a day."""

    order: CourtOrder
    day: dt.date
    status: str  # not_entered | in_force | stayed | ended
    event: Event | None  # the event that put it in this state
    effect: Effect | None  # the effect in force, or that a stay holds in suspense
    stay: str | None = None
    expired_on: dt.date | None = None

    def applies(self, profile: str) -> bool:
        """Does the order bind the decision, under the deployment's profile?"""
        if self.status == "in_force":
            return True
        return (
            self.status == "stayed"
            and self.stay == "administrative"
            and profile in ("most_protective", "court_order")
        )

    def words(self) -> str:
        if self.status == "not_entered":
            return "not yet entered"
        if self.expired_on is not None:
            return f"expired after {self.expired_on}"
        assert self.event is not None
        what = {"in_force": "in force", "stayed": f"stayed ({self.stay})", "ended": self.event.kind}
        return f"{what[self.status]} since {self.event.on} ({self.event.what})"

    def citation(self) -> str:
        o = self.order
        assert self.event is not None
        return f"{o.title}, {o.docket} ({o.court}), {self.event.what} of {self.event.on}"


@dataclass(frozen=True)
class CourtOrder:
    id: str
    title: str
    court: str
    docket: str
    class_definition: str
    class_source: str
    predicate: Predicate
    events: tuple[Event, ...]
    file: str

    def state_on(self, day: dt.date) -> OrderState:
        state = OrderState(self, day, "not_entered", None, None)
        expires: dt.date | None = None
        for ev in self.events:
            if ev.on > day:
                break
            if ev.kind in IN_FORCE_KINDS:
                state = OrderState(self, day, "in_force", ev, ev.effect)
                expires = ev.expires_on
            elif ev.kind == "stayed":
                state = OrderState(self, day, "stayed", ev, state.effect, ev.stay)
            else:
                state = OrderState(self, day, "ended", ev, None)
                expires = None
        if state.status in ("in_force", "stayed") and expires is not None and day > expires:
            return OrderState(self, day, "ended", state.event, None, expired_on=expires)
        return state

    def class_words(self) -> str:
        return words(self.predicate)

    def rules_reading(self) -> tuple[str, ...]:
        kinds = {ev.effect.kind for ev in self.events if ev.effect is not None}
        return tuple(sorted({READ_BY_EFFECT[k] for k in kinds}))

    def as_record(self) -> dict[str, Any]:
        """Plain data (strings, lists): for `accord rules show` and JSON output."""
        return {
            "id": self.id,
            "title": self.title,
            "court": self.court,
            "docket": self.docket,
            "class_definition": self.class_definition,
            "class_source": self.class_source,
            "class_in_words": self.class_words(),
            "facts_read": list(facts_read(self.predicate)),
            "events": [ev.as_record() for ev in self.events],
            "rules": list(self.rules_reading()),
        }


# ---- reading and validating the data files ------------------------------------------------


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):  # a registry entry's JSON (law/law_set.py)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{what} needs a date, YYYY-MM-DD, got {value!r}")


def _text(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} needs '{key}'")
    return " ".join(value.split())


def _days(value: Any, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
        raise ValueError(f"notice '{key}' needs a number of days from 0 to 365")
    return value


def _effect(data: Any, where: str) -> Effect:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: effect needs 'kind'")
    kind = data.get("kind")
    if kind not in EFFECT_KINDS:
        raise ValueError(f"{where}: unknown effect {kind!r} (effects: {', '.join(EFFECT_KINDS)})")
    allowed = {
        "bar_removal": {"kind", "countries"},
        "bar_removal_under_authority": {"kind", "authority"},
        "require_notice": {"kind", "notice"},
        "require_return": {"kind"},
    }[kind]
    if not set(data) <= allowed:
        raise ValueError(f"{where}: effect {kind} takes only {sorted(allowed)}")
    if kind == "bar_removal_under_authority":
        if data.get("authority") not in AUTHORITIES:
            raise ValueError(f"{where}: authority needs one of {', '.join(AUTHORITIES)}")
        return Effect(kind, authority=data["authority"])
    if kind == "require_notice":
        notice = data.get("notice")
        if not isinstance(notice, dict) or set(notice) != set(NOTICE_KEYS):
            raise ValueError(f"{where}: require_notice needs notice: {', '.join(NOTICE_KEYS)}")
        if not isinstance(notice["counsel_service"], bool):
            raise ValueError(f"{where}: notice counsel_service needs true or false")
        requirement = NoticeRequirement(
            waiting_days=_days(notice["waiting_days"], "waiting_days"),
            exigent_waiting_days=_days(notice["exigent_waiting_days"], "exigent_waiting_days"),
            assurances_waiting_days=_days(
                notice["assurances_waiting_days"], "assurances_waiting_days"
            ),
            counsel_service=notice["counsel_service"],
            reopen_days_after_negative_fear=_days(
                notice["reopen_days_after_negative_fear"], "reopen_days_after_negative_fear"
            ),
        )
        return Effect(kind, notice=requirement)
    countries = data.get("countries")
    if countries is not None:
        if not isinstance(countries, list) or not countries:
            raise ValueError(f"{where}: countries needs a list of country codes")
        try:
            return Effect(kind, countries=tuple(country_code(str(c)) for c in countries))
        except UnknownCountry as exc:
            raise ValueError(f"{where}: {exc}") from None
    return Effect(kind)


def _event(data: Any, n: int) -> Event:
    where = f"event {n}"
    if not isinstance(data, dict):
        raise ValueError(f"{where} is not a mapping")
    extra = set(data) - EVENT_KEYS
    if extra:
        raise ValueError(f"{where}: unknown keys {sorted(extra)}")
    kind = data.get("kind")
    if kind not in EVENT_KINDS:
        raise ValueError(f"{where}: unknown event {kind!r} (events: {', '.join(EVENT_KINDS)})")
    on = _date(data.get("date"), f"{where} 'date'")
    effect = _effect(data.get("effect"), where) if kind in IN_FORCE_KINDS else None
    if kind not in IN_FORCE_KINDS and "effect" in data:
        raise ValueError(f"{where}: a {kind} event carries no effect")
    stay = data.get("stay")
    if (kind == "stayed") != (stay is not None):
        raise ValueError(f"{where}: a stayed event, and only one, needs 'stay'")
    if stay is not None and stay not in STAY_KINDS:
        raise ValueError(f"{where}: stay {stay!r} is not one of: {', '.join(STAY_KINDS)}")
    expires = data.get("expires_on")
    expires_on = None if expires is None else _date(expires, f"{where} 'expires_on'")
    if expires_on is not None and kind not in IN_FORCE_KINDS:
        raise ValueError(f"{where}: only an order entered, modified or narrowed expires")
    if expires_on is not None and expires_on < on:
        raise ValueError(f"{where}: it expires ({expires_on}) before it is made ({on})")
    by = data.get("by")
    return Event(
        on=on,
        kind=kind,
        what=_text(data, "what", where),
        source=_text(data, "source", where),
        effect=effect,
        stay=stay,
        expires_on=expires_on,
        by=None if by is None else str(by),
    )


def _check_dates(events: list[Event]) -> None:
    if not events or events[0].kind != "entered":
        raise ValueError("the first event must be the order's entry ('entered')")
    start = events[0].on
    for ev in events:
        if ev.kind in ENDING_KINDS and ev.on < start:
            raise ValueError(
                f"it ends ({ev.kind} on {ev.on}) before it starts (entered on {start})"
            )
        if ev.on < start:
            raise ValueError(f"event of {ev.on} ({ev.kind}) is before its entry on {start}")
    for before, after in itertools.pairwise(events):
        if after.on < before.on:
            raise ValueError(f"events out of date order: {after.on} after {before.on}")
    standing = False
    for ev in events:
        if (ev.kind == "entered") == standing:
            state = "stands" if standing else "is not in force"
            raise ValueError(f"event of {ev.on} ({ev.kind}) while the order {state}")
        standing = ev.kind not in ENDING_KINDS


def parse_court_order(data: Any, file: str) -> CourtOrder:
    """One order from its data file's contents; CourtOrderDataError names file and order."""
    order_id = data.get("id") if isinstance(data, dict) else None
    label = f"{file}: court order {order_id or '(no id)'}"
    try:
        if not isinstance(data, dict):
            raise ValueError("a court order file holds one mapping")
        extra = set(data) - ORDER_KEYS
        if extra:
            raise ValueError(f"unknown keys {sorted(extra)}")
        klass = data.get("class")
        if not isinstance(klass, dict) or set(klass) != CLASS_KEYS:
            raise ValueError(f"'class' needs {', '.join(sorted(CLASS_KEYS))}")
        try:
            predicate = parse_predicate(klass["predicate"])
        except PredicateError as exc:
            raise ValueError(f"class predicate: {exc}") from None
        raw_events = data.get("events")
        if not isinstance(raw_events, list):
            raise ValueError("'events' needs a list")
        events = [_event(e, n) for n, e in enumerate(raw_events, 1)]
        _check_dates(events)
        return CourtOrder(
            id=_text(data, "id", "an order"),
            title=_text(data, "title", "an order"),
            court=_text(data, "court", "an order"),
            docket=_text(data, "docket", "an order"),
            class_definition=_text(klass, "definition", "'class'"),
            class_source=_text(klass, "source", "'class'"),
            predicate=predicate,
            events=tuple(events),
            file=file,
        )
    except ValueError as exc:
        raise CourtOrderDataError(f"{label}: {exc}") from None


def with_event(order: CourtOrder, data: Any) -> CourtOrder:
    """`order` with one more event (a registry entry), checked against its history."""
    try:
        events = [*order.events, _event(data, len(order.events) + 1)]
        _check_dates(events)
    except ValueError as exc:
        raise CourtOrderDataError(f"court order {order.id}: {exc}") from None
    return dataclasses.replace(order, events=tuple(events))


def _files(folder: Traversable | Path) -> list[Traversable | Path]:
    return sorted((p for p in folder.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)


def load_court_orders(folder: Traversable | Path) -> dict[str, CourtOrder]:
    """Every order of a folder of data files, validated; ids are unique."""
    orders: dict[str, CourtOrder] = {}
    for path in _files(folder):
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
        except yaml.YAMLError as exc:
            problem = str(exc).splitlines()[0]
            raise CourtOrderDataError(f"{path.name}: not valid YAML: {problem}") from None
        order = parse_court_order(data, path.name)
        if order.id in orders:
            raise CourtOrderDataError(f"{path.name}: court order id '{order.id}' is used twice")
        orders[order.id] = order
    return orders


def _bundled_folder() -> Traversable:
    return resources.files("accord.law") / "data" / "court_orders"


@cache
def bundled_court_orders() -> dict[str, CourtOrder]:
    """The bundled orders, read and validated once."""
    return load_court_orders(_bundled_folder())


@cache
def court_orders_digest() -> str:
    """sha256 over the bundled data files, in name order."""
    digest = hashlib.sha256()
    for path in _files(_bundled_folder()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def get_court_order(order_id: str) -> CourtOrder:
    orders = bundled_court_orders()
    if order_id not in orders:
        raise InputError(f"no court order '{order_id}' (court orders: {', '.join(orders)})")
    return orders[order_id]


def court_order(order_id: str) -> dict[str, Any]:
    """One order as plain data (the hook `accord rules show` reads)."""
    return get_court_order(order_id).as_record()


def ids_with_effects(kinds: Iterable[str]) -> tuple[str, ...]:
    """The bundled orders with an event carrying one of these effects."""
    wanted = set(kinds)
    return tuple(
        o.id
        for o in bundled_court_orders().values()
        if any(ev.effect is not None and ev.effect.kind in wanted for ev in o.events)
    )
