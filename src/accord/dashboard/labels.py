"""Human labels for the codes the pages show: `label(kind, code)` and `describe(kind, code)`.

The codes and their descriptions are the project's own (operations/states.py, which
`accord codes` prints; the pathways; the rule catalogue's titles; decision outcomes; law
entry kinds; reconcile's violation codes). A label is the short name for a table cell or
an option ("In custody"); the description is the longer sentence for a hint or a title.
An unknown kind or code shows as the code itself, never an error: a page must not break
because a code was added somewhere.

Kinds: case_state, mission_state, approve_reason, deny_reason, withdraw_reason,
cancel_reason, strike_reason, incident_kind, resolution_reason, custody_end,
custody_end_reason, return_status, counsel_access, severity, outcome, rule_status,
pathway, rule, law_entry_kind, violation, incident_status.

In Python: `label("case_state", case.state)`. In a template (the `label` filter, registered
in pages.py): `{{ c.state | label("case_state") }}`.
"""

from __future__ import annotations

from functools import cache

from accord.operations import states
from accord.operations.states import Coded

CODED: dict[str, type[Coded]] = {
    "case_state": states.CaseState,
    "mission_state": states.MissionState,
    "approve_reason": states.ApproveReason,
    "deny_reason": states.DenyReason,
    "withdraw_reason": states.WithdrawReason,
    "cancel_reason": states.MissionCancelReason,
    "strike_reason": states.StrikeReason,
    "incident_kind": states.IncidentKind,
    "resolution_reason": states.ResolutionReason,
    "custody_end": states.CustodyEnd,
    "custody_end_reason": states.CustodyEndReason,
    "return_status": states.ReturnStatus,
    "counsel_access": states.CounselAccessKind,
    "severity": states.FindingSeverity,
}

# Where the code read as words would mislead or read badly.
SHORT: dict[tuple[str, str], str] = {
    ("case_state", "in_custody"): "In custody",
    ("case_state", "returned_on_board"): "Returned on board",
    ("mission_state", "handover_closed"): "Handover closed",
    ("deny_reason", "not_covered_by_agreement"): "Not covered by the agreement",
    ("deny_reason", "facility_terms_not_met"): "Facility's terms not met",
    ("incident_kind", "court_order_in_transit"): "Court order while in transit",
    ("incident_kind", "court_order_class_unknown"): "Court order: class unknown",
    ("resolution_reason", "not_in_class"): "Not in the order's class",
    ("return_status", "back_in_us_custody"): "Back in U.S. custody",
    ("custody_end_reason", "released_by_receiving_state"): "Released by the receiving state",
    ("custody_end_reason", "voluntary_return_to_us"): "Voluntary return to the U.S.",
    ("withdraw_reason", "released_in_us"): "Released in the U.S.",
    ("counsel_access", "call"): "Call",
    ("severity", "info"): "Information",
    ("pathway", "custody_placement"): "Custody placement",
    ("pathway", "sentenced_transfer"): "Sentenced transfer",
}

OUTCOMES: dict[str, str] = {
    "eligible": "every applicable rule passes",
    "ineligible": "a rule fails",
    "undetermined": "no rule fails, but a fact a rule needs is not known",
}
RULE_STATUSES: dict[str, str] = {
    "pass": "the rule passes",
    "fail": "the rule fails",
    "unknown": "a fact the rule needs is not known",
    "not_applicable": "the rule does not concern the person",
}
LAW_ENTRY_KINDS: dict[str, str] = {
    "court_order": "a court order entered in the registry",
    "court_order_event": "an event of a court order (modified, stayed, vacated...)",
    "parameter_value": "a law parameter's new dated value",
    "agreement_amendment": "an agreement's amended terms",
}
VIOLATIONS: dict[str, str] = {
    "state_mismatch": "the case's state differs from what its events say",
    "custody_without_handover": "held in custody with no handover recorded",
    "departure_not_eligible": "departed without an eligible boarding decision",
    "census_mismatch": "the facility's census differs from the count the events give",
    "capacity_exceeded": "the facility holds more persons than its capacity",
    "quota_exceeded": "the agreement's quota at the facility is exceeded",
    "unresolved_incident": "an incident is still open",
    "court_order_return_open": "a court-ordered return is still open",
    "court_order_not_acted": "a court order in force has not acted yet (accord law act-due)",
    "unaccounted": "a departed person is neither received, returned nor in an incident",
    "count_mismatch": "the kept counts differ from the cases",
}
INCIDENT_STATUSES: dict[str, str] = {
    "open": "not yet resolved",
    "resolved": "resolved with a coded reason",
}
PLAIN: dict[str, dict[str, str]] = {
    "outcome": OUTCOMES,
    "rule_status": RULE_STATUSES,
    "law_entry_kind": LAW_ENTRY_KINDS,
    "violation": VIOLATIONS,
    "incident_status": INCIDENT_STATUSES,
}
KINDS: tuple[str, ...] = (*CODED, *PLAIN, "pathway", "rule")


def words(code: str) -> str:
    """A code read as words: "in_custody" -> "In custody"."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label(kind: str, code: object) -> str:
    """The short human label of `code` of `kind` (the code itself when unknown).

    As a Jinja filter the value comes first (`{{ c.state | label("case_state") }}` calls
    label(c.state, "case_state")): the arguments are taken in either order when one of them
    names a kind and the other does not, so `label` itself can be the filter.
    """
    kind, text = _ordered(kind, code)
    if not text:
        return ""
    return _labels().get(kind, {}).get(text, text)


def describe(kind: str, code: object) -> str:
    """The description of `code` of `kind` (empty when there is none); either order."""
    kind, text = _ordered(kind, code)
    return _descriptions().get(kind, {}).get(text, "")


def label_filter(code: object, kind: str) -> str:
    """`label` with the value first, as Jinja calls a filter."""
    return label(kind, code)


def _ordered(kind: object, code: object) -> tuple[str, str]:
    def text(value: object) -> str:
        return "" if value is None else str(getattr(value, "value", value))

    first, second = text(kind), text(code)
    if first not in KINDS and second in KINDS:
        return second, first
    return first, second


def options(kind: str) -> list[tuple[str, str]]:
    """(code, label) of every code of `kind`, in the project's order: a select's options."""
    return list(_labels().get(kind, {}).items())


@cache
def _labels() -> dict[str, dict[str, str]]:
    from accord.law.catalogue import RULES
    from accord.pathways import PATHWAYS

    out: dict[str, dict[str, str]] = {}
    for kind, enum in CODED.items():
        out[kind] = {c.value: SHORT.get((kind, c.value), words(c.value)) for c in enum}
    for kind, table in PLAIN.items():
        out[kind] = {code: SHORT.get((kind, code), words(code)) for code in table}
    out["pathway"] = {p: SHORT.get(("pathway", p), words(p)) for p in PATHWAYS}
    out["rule"] = {rule_id: rule.title for rule_id, rule in RULES.items()}
    return out


@cache
def _descriptions() -> dict[str, dict[str, str]]:
    from accord.law.catalogue import RULES
    from accord.pathways import PATHWAYS

    out: dict[str, dict[str, str]] = {
        kind: {c.value: c.description for c in enum} for kind, enum in CODED.items()
    }
    out.update({kind: dict(table) for kind, table in PLAIN.items()})
    out["pathway"] = dict(PATHWAYS)
    out["rule"] = {rule_id: rule_id for rule_id in RULES}
    return out
