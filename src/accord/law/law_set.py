"""The law a decision applies: the bundled law data and the registry's law entries, as one value.

The bundled data (law/data/court_orders, law/data/parameters.yaml, agreements/data) is the
default. A registry adds to it with law entries, each dated and carrying its source document:

* court_order: a new class-wide order, in the bundled files' layout (law/court_orders.py);
* court_order_event: an event of an order already known (modified, narrowed, stayed,
  vacated, dissolved; or entered again after it ended), validated against the order's history;
* parameter_value: a new dated value of a scalar law parameter, with its legal source;
* agreement_amendment: the amended terms of an agreement, in force from a date.

A `LawSet` is compared and hashed by its digest (sha256 over the bundled digests and every
entry), so rules compiled for one law set are never reused for another (engine/compiler.py)
and a decision can name exactly the law it applied (`versions`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from pydantic import ValidationError

from accord.agreements.catalogue import bundled_agreements, get_agreement
from accord.agreements.models import Agreement
from accord.errors import InputError
from accord.law.court_orders import (
    CourtOrder,
    CourtOrderDataError,
    OrderState,
    bundled_court_orders,
    court_orders_digest,
    parse_court_order,
    with_event,
)

ENTRY_KINDS = ("court_order", "court_order_event", "parameter_value", "agreement_amendment")
# The parameters a registry may give a new dated value, and the values each may take.
SCALAR_PARAMETERS: dict[str, tuple[int, int]] = {
    "appeal_period_days": (0, 365),
    "adult_age_years": (14, 21),
    "transfer_min_remaining_months": (0, 120),
    "consular_notification_days": (0, 30),  # read by `accord publish` only, no rule
}


class LawEntryError(InputError):
    """A law entry that cannot be applied: the message names the entry and what is wrong."""


@dataclass(frozen=True)
class LawEntry:
    """One registry law entry, as the law set applies it (registry/law_entries.py stores it)."""

    id: int
    kind: str
    subject: str  # the order id, parameter name or agreement id
    body: Mapping[str, Any]  # JSON: dates as YYYY-MM-DD
    source_document_sha256: str
    source_document_name: str

    def reference(self) -> dict[str, str]:
        """What a decision records of the entry: enough to find it and its document."""
        return {
            "entry": str(self.id),
            "kind": self.kind,
            "subject": self.subject,
            "source_document": self.source_document_name,
            "source_document_sha256": self.source_document_sha256,
        }

    def canonical(self) -> str:
        return json.dumps(
            {**self.reference(), "body": self.body}, sort_keys=True, separators=(",", ":")
        )


@dataclass(frozen=True)
class DatedValue:
    """A registry's dated value of a scalar law parameter."""

    effective_from: dt.date
    value: int
    source: str
    entry: int


@dataclass(frozen=True)
class Amendment:
    effective_from: dt.date
    agreement: Agreement
    what: str
    entry: int


@dataclass(frozen=True, eq=False)
class LawSet:
    orders: Mapping[str, CourtOrder]
    parameter_values: Mapping[str, tuple[DatedValue, ...]]
    amendments: Mapping[str, tuple[Amendment, ...]]
    entries: tuple[LawEntry, ...] = ()
    digest: str = ""
    # the entry that added or last changed each order (None: bundled, unchanged)
    order_entries: Mapping[str, int] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LawSet) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    # ---- court orders ---------------------------------------------------------------------

    def order(self, order_id: str) -> CourtOrder:
        if order_id not in self.orders:
            known = ", ".join(self.orders)
            raise InputError(f"no court order '{order_id}' (court orders: {known})")
        return self.orders[order_id]

    def states_on(self, day: dt.date) -> list[OrderState]:
        return [o.state_on(day) for o in self.orders.values()]

    def notice_orders_on(self, day: dt.date, profile: str) -> list[OrderState]:
        """Orders requiring notice that bind a decision of `day` under `profile`."""
        return [
            s
            for s in self.states_on(day)
            if s.applies(profile) and s.effect is not None and s.effect.kind == "require_notice"
        ]

    # ---- parameters and agreements --------------------------------------------------------

    def value_on(self, parameter: str, day: dt.date) -> DatedValue | None:
        """The registry's latest value of `parameter` in force on `day`, if it has one."""
        in_force = [v for v in self.parameter_values.get(parameter, ()) if v.effective_from <= day]
        return in_force[-1] if in_force else None

    def agreement(self, agreement_id: str, day: dt.date) -> Agreement:
        """The agreement's terms in force on `day`: its latest amendment from before, or as
        bundled."""
        base = get_agreement(agreement_id)
        in_force = [a for a in self.amendments.get(base.id, ()) if a.effective_from <= day]
        return in_force[-1].agreement if in_force else base

    def versions(self) -> dict[str, Any]:
        """What a decision records of the law it applied."""
        return {"digest": self.digest, "entries": [e.reference() for e in self.entries]}

    def with_entries(self, entries: Iterable[LawEntry]) -> LawSet:
        """This law set with `entries` applied in order (LawEntryError names a bad one)."""
        return _apply(self, tuple(entries))


@cache
def bundled_law() -> LawSet:
    """The bundled law data alone."""
    return LawSet(
        orders=dict(bundled_court_orders()),
        parameter_values={},
        amendments={},
        digest=_digest(()),
    )


def law_with(entries: Sequence[LawEntry]) -> LawSet:
    """The bundled law with a registry's entries applied, in entry order."""
    return bundled_law().with_entries(entries) if entries else bundled_law()


def _digest(entries: Sequence[LawEntry]) -> str:
    from accord.law.parameters import parameters_digest  # parameters reads this module

    digest = hashlib.sha256(f"{court_orders_digest()}\0{parameters_digest()}".encode())
    for entry in entries:
        digest.update(b"\0" + entry.canonical().encode())
    return digest.hexdigest()


# ---- applying entries --------------------------------------------------------------------


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} needs a date, YYYY-MM-DD, got {value!r}") from None


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"needs '{key}' (text)")
    return " ".join(value.split())


def _apply(base: LawSet, entries: tuple[LawEntry, ...]) -> LawSet:
    orders = dict(base.orders)
    order_entries = dict(base.order_entries)
    values = {k: list(v) for k, v in base.parameter_values.items()}
    amendments = {k: list(v) for k, v in base.amendments.items()}
    for entry in entries:
        # id 0: an entry being checked before it is written (law_entries/service.py)
        name = f"law entry {entry.id}" if entry.id else "the new law entry"
        label = f"{name} ({entry.kind} {entry.subject})"
        try:
            if entry.kind == "court_order":
                order = parse_court_order(dict(entry.body), name)
                if order.id != entry.subject:
                    raise ValueError(f"the order's id is '{order.id}', not '{entry.subject}'")
                if order.id in orders:
                    raise ValueError(f"court order '{order.id}' exists: enter an event of it")
                orders[order.id] = order
                order_entries[order.id] = entry.id
            elif entry.kind == "court_order_event":
                if entry.subject not in orders:
                    raise ValueError(f"no court order '{entry.subject}' to add an event to")
                orders[entry.subject] = with_event(orders[entry.subject], dict(entry.body))
                order_entries[entry.subject] = entry.id
            elif entry.kind == "parameter_value":
                values.setdefault(entry.subject, []).append(_parameter_value(entry))
                values[entry.subject].sort(key=lambda v: (v.effective_from, v.entry))
            elif entry.kind == "agreement_amendment":
                amendment = _amendment(entry)
                amendments.setdefault(amendment.agreement.id, []).append(amendment)
                amendments[amendment.agreement.id].sort(key=lambda a: (a.effective_from, a.entry))
            else:
                raise ValueError(f"unknown kind (kinds: {', '.join(ENTRY_KINDS)})")
        except CourtOrderDataError as exc:  # named by parse_court_order as `name` too
            raise LawEntryError(f"{label}: {str(exc).removeprefix(f'{name}: ')}") from None
        except ValueError as exc:
            raise LawEntryError(f"{label}: {exc}") from None
    all_entries = base.entries + entries
    return LawSet(
        orders=orders,
        parameter_values={k: tuple(v) for k, v in values.items()},
        amendments={k: tuple(v) for k, v in amendments.items()},
        entries=all_entries,
        digest=_digest(all_entries),
        order_entries=order_entries,
    )


def _parameter_value(entry: LawEntry) -> DatedValue:
    if entry.subject not in SCALAR_PARAMETERS:
        names = ", ".join(SCALAR_PARAMETERS)
        raise ValueError(f"'{entry.subject}' is not a parameter a registry may set ({names})")
    body = entry.body
    if set(body) != {"effective_from", "value", "source"}:
        raise ValueError("needs exactly effective_from, value and source")
    low, high = SCALAR_PARAMETERS[entry.subject]
    value = body["value"]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"value needs a whole number from {low} to {high}, got {value!r}")
    return DatedValue(
        _date(body["effective_from"], "effective_from"), value, _text(body, "source"), entry.id
    )


def _amendment(entry: LawEntry) -> Amendment:
    body = entry.body
    if set(body) != {"effective_from", "what", "agreement"}:
        raise ValueError("needs exactly effective_from, what and agreement (the amended terms)")
    try:
        base = get_agreement(entry.subject)
    except InputError as exc:
        raise ValueError(str(exc)) from None
    try:
        amended = Agreement.model_validate(body["agreement"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "agreement"
        raise ValueError(f"amended terms: {where}: {first['msg']}") from None
    if amended.id != base.id:
        raise ValueError(f"the amended terms are of agreement '{amended.id}', not '{base.id}'")
    return Amendment(
        _date(body["effective_from"], "effective_from"), amended, _text(body, "what"), entry.id
    )


# ---- the orders a decision applies --------------------------------------------------------


def _how_applied(state: OrderState, destination: str, profile: str) -> str:
    effect = state.effect
    if not state.applies(profile):
        if state.status == "stayed" and state.stay == "administrative":
            return f"administratively stayed: not applied under the {profile} profile"
        return "stayed pending appeal: not applied"
    assert effect is not None
    applied = "applied" if state.status == "in_force" else f"applied under the {profile} profile"
    if effect.kind == "bar_removal_under_authority":
        return "bars removal under the Alien Enemies Act only: not a bar to this Title 8 removal"
    if effect.kind == "require_notice":
        return f"{applied}: notice terms for class members (third_country_notice)"
    if not effect.bars_title_8_removal_to(destination):
        return f"bars removal to {', '.join(effect.countries or ())} only: not this destination"
    return f"{applied}: bars removal of class members (no_class_order_bar)"


@lru_cache(maxsize=256)
def orders_applied(
    law: LawSet, day: dt.date, destination: str, profile: str, rule_ids: tuple[str, ...]
) -> tuple[dict[str, str], ...]:
    """The orders standing on `day` that the decision's rules read, and how each was applied:
    recorded with the decision, as parameter values are, so it can be replayed and explained."""
    rules = set(rule_ids)
    records = []
    for state in law.states_on(day):
        if state.status not in ("in_force", "stayed") or state.event is None:
            continue
        if not rules & set(state.order.rules_reading()):
            continue
        o = state.order
        record = {
            "id": o.id,
            "court": o.court,
            "docket": o.docket,
            "title": o.title,
            "state": state.words(),
            "event_date": state.event.on.isoformat(),
            "source": state.event.source,
            "applied": _how_applied(state, destination, profile),
        }
        if o.id in law.order_entries:  # entered or changed in the registry
            record["law_entry"] = str(law.order_entries[o.id])
        records.append(record)
    return tuple(records)


def treaties_on(law: LawSet, day: dt.date) -> tuple[Agreement, ...]:
    """The sentenced-transfer treaties, each as in force on `day`."""
    return tuple(
        law.agreement(a.id, day) for a in bundled_agreements().values() if a.status == "treaty"
    )
