"""The change an impact weighs: two law sets, `before` and `after`, and the day of the decisions.

Three ways to name it:

* a registry law entry E: before is the registry's law with the entries before E, after
  the same with E (`of_entry`);
* a candidate entry, not written: a court order (a data file's contents), an event of an
  order already known, a parameter value or an agreement amendment, applied to the law
  given with the provisional id 0 (`of_candidate`);
* "order X in force from T" (`in_force_from`): an `entered` event at T re-stating the order's
  latest effect (or `modified`, where the order still stands on its events but has expired or
  is stayed); where the order is in force on T already, nothing changes, and the change says so.

What a change can touch (`Touches`): a court order change touches the class members of that
one order (law/class_predicates.py) and the rules that read it; a parameter value or an
amendment touches every person, for the requests it concerns (an amendment of a treaty
concerns every request; of an agreement, that agreement's requests).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.agreements.catalogue import get_agreement
from accord.errors import InputError
from accord.law.court_orders import CourtOrder, Effect, OrderState
from accord.law.law_set import ENTRY_KINDS, LawEntry, LawSet

PROVISIONAL_ID = 0
COURT_ORDER_KINDS = ("court_order", "court_order_event")


class UnknownImpactSubject(InputError):
    """An impact asked of a law entry or a court order that does not exist."""

    status = 404


class ImpactDateError(InputError):
    """A day of an impact that is not a date."""

    status = 422


def parse_day(value: str | dt.date, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImpactDateError(f"{what} '{value}' is not a date in the form YYYY-MM-DD") from None


@dataclass(frozen=True)
class Change:
    """A change of law, as an impact weighs it."""

    before: LawSet
    after: LawSet
    day: dt.date  # the day of the decisions
    kind: str  # a law entry kind (ENTRY_KINDS)
    subject: str  # the order id, parameter name or agreement id
    what: str  # one line: what the change is
    entry_id: int | None = None  # the registry entry, or None for a candidate
    note: str | None = None  # e.g. "the order is in force on T already: nothing changes"

    @property
    def order_id(self) -> str | None:
        return self.subject if self.kind in COURT_ORDER_KINDS else None

    def order_before(self) -> CourtOrder | None:
        return self.before.orders.get(self.subject) if self.order_id else None

    def order_after(self) -> CourtOrder | None:
        return self.after.orders.get(self.subject) if self.order_id else None

    def order_changes_on_day(self, profile: str) -> bool:
        """Whether the order stands differently on the day: what the rules read of it (its
        status, stay, effect and whether it binds under `profile`) differs before and after."""
        after = self.order_after()
        if after is None:
            return False
        before = self.order_before()
        return _standing(before.state_on(self.day) if before else None, profile) != _standing(
            after.state_on(self.day), profile
        )

    def agreements_touched(self) -> tuple[str, ...] | None:
        """The agreements whose requests an amendment touches (None: every request)."""
        if self.kind != "agreement_amendment":
            return None
        if get_agreement(self.subject).status == "treaty":
            return None  # the transfer rules of every agreement read the treaties
        return (get_agreement(self.subject).id,)

    def as_record(self) -> dict[str, Any]:
        order = self.order_after()
        return {
            "kind": self.kind,
            "subject": self.subject,
            "what": self.what,
            "entry": self.entry_id,
            "day": self.day.isoformat(),
            "note": self.note,
            "order": None
            if order is None
            else {
                "id": order.id,
                "title": order.title,
                "court": order.court,
                "docket": order.docket,
                "class": order.class_words(),
                "rules": list(order.rules_reading()),
                "before": _words(self.order_before(), self.day),
                "after": order.state_on(self.day).words(),
            },
            "law_before": self.before.digest,
            "law_after": self.after.digest,
        }


def _words(order: CourtOrder | None, day: dt.date) -> str:
    return "not in the law" if order is None else order.state_on(day).words()


def _standing(state: OrderState | None, profile: str) -> tuple[object, ...]:
    if state is None or state.status in ("not_entered", "ended"):
        return ("none",)
    return (state.status, state.stay, state.effect, state.applies(profile))


def effective_day(kind: str, body: Mapping[str, Any]) -> dt.date:
    """The day an entry takes effect: its order's first event, its event, or its first day."""
    try:
        if kind == "court_order":
            value = body["events"][0]["date"]
        elif kind == "court_order_event":
            value = body["date"]
        else:
            value = body["effective_from"]
    except (KeyError, IndexError, TypeError):
        raise InputError(f"a {kind} entry needs its date") from None
    return parse_day(value if isinstance(value, dt.date) else str(value), f"the {kind}'s date")


def plain(value: Any) -> Any:
    """A YAML document as a law entry holds it: JSON data, dates as YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        raise InputError(f"a date needs YYYY-MM-DD, not a time ({value})")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _candidate(kind: str, subject: str, body: Mapping[str, Any], document: str) -> LawEntry:
    if kind not in ENTRY_KINDS:
        raise InputError(f"law entry kind '{kind}' is not one of: {', '.join(ENTRY_KINDS)}")
    data = plain(dict(body))
    sha = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()
    return LawEntry(PROVISIONAL_ID, kind, subject, data, sha, document)


def of_candidate(
    base: LawSet,
    *,
    kind: str,
    subject: str | None,
    body: Mapping[str, Any],
    day: dt.date | None = None,
    document: str = "candidate (not entered)",
) -> Change:
    """A candidate entry (not written) applied to `base` with the provisional id 0."""
    if not isinstance(body, Mapping):
        raise InputError(f"a {kind} entry needs a mapping")
    if kind == "court_order" and subject is None:
        subject = str(body.get("id") or "")
    if not subject:
        raise InputError("a law entry needs its subject: the order id, parameter or agreement")
    if kind == "court_order_event" and subject not in base.orders:
        raise UnknownImpactSubject(f"no court order '{subject}' (court orders: {_ids(base)})")
    entry = _candidate(kind, subject, body, document)
    after = base.with_entries([entry])
    what = f"candidate {kind.replace('_', ' ')} {subject} (not entered)"
    return Change(base, after, day or effective_day(kind, entry.body), kind, subject, what)


def of_entry(
    before: LawSet, entry: LawEntry, *, effective_on: dt.date, day: dt.date | None = None
) -> Change:
    """Registry entry `entry` applied to `before` (the registry's law of the entries before it)."""
    after = before.with_entries([entry])
    what = f"law entry {entry.id}: {entry.kind.replace('_', ' ')} {entry.subject}"
    return Change(
        before, after, day or effective_on, entry.kind, entry.subject, what, entry_id=entry.id
    )


def _ids(law: LawSet) -> str:
    return ", ".join(law.orders)


def effect_data(effect: Effect) -> dict[str, Any]:
    """An effect as an order's data file writes it (law/court_orders.py `_effect`)."""
    data: dict[str, Any] = {"kind": effect.kind}
    if effect.countries is not None:
        data["countries"] = list(effect.countries)
    if effect.authority is not None:
        data["authority"] = effect.authority
    if effect.notice is not None:
        n = effect.notice
        data["notice"] = {
            "waiting_days": n.waiting_days,
            "exigent_waiting_days": n.exigent_waiting_days,
            "assurances_waiting_days": n.assurances_waiting_days,
            "counsel_service": n.counsel_service,
            "reopen_days_after_negative_fear": n.reopen_days_after_negative_fear,
        }
    return data


def in_force_from(
    base: LawSet, *, order_id: str, from_day: dt.date, day: dt.date | None = None
) -> Change:
    """Order `order_id` in force from `from_day` with its latest effect (not written)."""
    if order_id not in base.orders:
        raise UnknownImpactSubject(f"no court order '{order_id}' (court orders: {_ids(base)})")
    order = base.orders[order_id]
    on = day or from_day
    what = f"{order_id} in force from {from_day} (a question, not entered)"
    state = order.state_on(from_day)
    if state.status == "in_force":
        note = f"{order.id} is in force on {from_day} already ({state.words()}): nothing changes"
        return Change(base, base, on, "court_order_event", order.id, what, note=note)
    later = [ev for ev in order.events if ev.on > from_day]
    if later:
        raise InputError(
            f"court order {order.id} has events after {from_day} (the last on "
            f"{order.events[-1].on}): ask from that day on, or weigh the event itself"
        )
    effects = [ev.effect for ev in order.events if ev.effect is not None]
    last = order.events[-1]
    # the order still stands on its events (stayed, or a TRO past its last day): modified
    kind = "entered" if last.kind in ("vacated", "dissolved") else "modified"
    body = {
        "date": from_day.isoformat(),
        "kind": kind,
        "what": f"in force from {from_day} (impact question, not entered)",
        "source": "accord impact --in-force-from: a question asked, not an order of a court",
        "effect": effect_data(effects[-1]),
    }
    after = base.with_entries([_candidate("court_order_event", order.id, body, "question")])
    return Change(base, after, on, "court_order_event", order.id, what)
