"""States, steps and coded reasons of transfer operations.

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py`.)

Every state machine is declared here as data: `CASE_STEPS[step]` is the set of
states a case may take that step from and the state it goes to. Every reason a
person may give for a step is a code with a description; free text is only
ever a note beside a code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from accord.errors import InputError


class Coded(StrEnum):
    """A code with a description (in DESCRIPTIONS)."""

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self]


class CaseState(Coded):
    NOMINATED = "nominated"
    DENIED = "denied"
    APPROVED = "approved"
    READY = "ready"
    MANIFESTED = "manifested"
    STRUCK = "struck"
    DEPARTED = "departed"
    IN_CUSTODY = "in_custody"
    RETURNED_ON_BOARD = "returned_on_board"
    MISSING = "missing"
    RELEASED = "released"
    TRANSFERRED = "transferred"
    RETURNED = "returned"
    DIED = "died"
    WITHDRAWN = "withdrawn"


class MissionState(Coded):
    PLANNED = "planned"
    DEPARTED = "departed"
    HANDOVER_CLOSED = "handover_closed"
    CANCELLED = "cancelled"


class ApproveReason(Coded):
    FACTS_VERIFIED = "facts_verified"
    DECISION_ELIGIBLE_REVIEWED = "decision_eligible_reviewed"


class DenyReason(Coded):
    NO_FINAL_ORDER = "no_final_order"
    STAY_IN_FORCE = "stay_in_force"
    PROTECTION_GRANTED = "protection_granted"
    PENDING_CLAIM = "pending_claim"
    CITIZENSHIP_CLAIM = "citizenship_claim"
    NOT_COVERED_BY_AGREEMENT = "not_covered_by_agreement"
    FACILITY_TERMS_NOT_MET = "facility_terms_not_met"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"


class WithdrawReason(Coded):
    NOMINATED_IN_ERROR = "nominated_in_error"
    COURT_ORDER = "court_order"
    RELEASED_IN_US = "released_in_us"
    AGREEMENT_SUSPENDED = "agreement_suspended"


class MissionCancelReason(Coded):
    WEATHER = "weather"
    AIRCRAFT_UNAVAILABLE = "aircraft_unavailable"
    RECEIVING_STATE_REFUSED = "receiving_state_refused"
    COURT_ORDER = "court_order"


class StrikeReason(Coded):
    BOARDING_INELIGIBLE = "boarding_ineligible"
    BOARDING_UNDETERMINED = "boarding_undetermined"


class IncidentKind(Coded):
    MISSING_AT_HANDOVER = "missing_at_handover"
    COURT_ORDER_IN_TRANSIT = "court_order_in_transit"  # operations/law_change.py
    COURT_ORDER_CLASS_UNKNOWN = "court_order_class_unknown"


class ResolutionReason(Coded):
    RECEIVED_LATE = "received_late"
    RETURNED_ON_BOARD = "returned_on_board"
    DIED_IN_TRANSIT = "died_in_transit"
    NOT_IN_CLASS = "not_in_class"  # a court-order incident only, checked by the engine


class CustodyEnd(Coded):
    """How a stay in custody ends (the step), each with its own reason codes."""

    RELEASE = "release"
    TRANSFER = "transfer"
    RETURN = "return"
    DEATH = "death"


class CustodyEndReason(Coded):
    SENTENCE_COMPLETED = "sentence_completed"
    RELEASED_BY_RECEIVING_STATE = "released_by_receiving_state"
    COURT_ORDERED_RELEASE = "court_ordered_release"
    TRANSFERRED_TO_OTHER_FACILITY = "transferred_to_other_facility"
    REPATRIATED_TO_NATIONALITY = "repatriated_to_nationality"
    COURT_ORDERED_RETURN = "court_ordered_return"
    VOLUNTARY_RETURN_TO_US = "voluntary_return_to_us"
    DEATH_NATURAL = "death_natural"
    DEATH_UNDER_INVESTIGATION = "death_under_investigation"


class ReturnStatus(Coded):
    OPEN = "open"
    DIPLOMATIC_REQUEST_MADE = "diplomatic_request_made"
    IN_TRANSIT = "in_transit"
    BACK_IN_US_CUSTODY = "back_in_us_custody"


class CounselAccessKind(Coded):
    IN_PERSON = "in_person"
    CALL = "call"
    CORRESPONDENCE = "correspondence"
    REFUSED = "refused"


class FindingSeverity(Coded):
    INFO = "info"
    CONCERN = "concern"
    SERIOUS = "serious"
    CRITICAL = "critical"


S = CaseState
DESCRIPTIONS: dict[Coded, str] = {
    S.NOMINATED: "nominated by an officer, awaiting legal review",
    S.DENIED: "denied by a legal reviewer (terminal)",
    S.APPROVED: "approved by a legal reviewer; third-country notice still to be served",
    S.READY: "approved (and noticed where the law requires it): may join a manifest",
    S.MANIFESTED: "on a mission's manifest, awaiting the boarding check",
    S.STRUCK: "struck from the manifest by the boarding check (terminal for this case)",
    S.DEPARTED: "departed on the mission",
    S.IN_CUSTODY: "received by the facility and held there",
    S.RETURNED_ON_BOARD: "not handed over; came back on the aircraft",
    S.MISSING: "departed but not received nor returned: an incident is open",
    S.RELEASED: "released by the facility",
    S.TRANSFERRED: "transferred out of the facility",
    S.RETURNED: "returned to U.S. custody",
    S.DIED: "died in custody or in transit",
    S.WITHDRAWN: "nomination withdrawn before departure",
    MissionState.PLANNED: "created; its manifest may change",
    MissionState.DEPARTED: "departed with a verified manifest",
    MissionState.HANDOVER_CLOSED: "handover closed: departed = received + returned + incidents",
    MissionState.CANCELLED: "cancelled; its manifested cases are ready again",
    ApproveReason.FACTS_VERIFIED: "the reviewer verified the facts the decision rests on",
    ApproveReason.DECISION_ELIGIBLE_REVIEWED: "an eligible decision was reviewed and confirmed",
    DenyReason.NO_FINAL_ORDER: "no final order of removal",
    DenyReason.STAY_IN_FORCE: "a stay of removal is in force",
    DenyReason.PROTECTION_GRANTED: "withholding, CAT protection or asylum bars the destination",
    DenyReason.PENDING_CLAIM: "a fear claim or protection application is pending",
    DenyReason.CITIZENSHIP_CLAIM: "an unresolved claim to U.S. citizenship or status",
    DenyReason.NOT_COVERED_BY_AGREEMENT: "the agreement does not cover the person or pathway",
    DenyReason.FACILITY_TERMS_NOT_MET: "the facility's terms (conviction, age) are not met",
    DenyReason.INSUFFICIENT_EVIDENCE: "the facts are not established by adjudicated records",
    WithdrawReason.NOMINATED_IN_ERROR: "the nomination was made in error",
    WithdrawReason.COURT_ORDER: "a court ordered that the person not be transferred",
    WithdrawReason.RELEASED_IN_US: "the person was released in the United States",
    WithdrawReason.AGREEMENT_SUSPENDED: "the agreement was suspended or ended",
    MissionCancelReason.WEATHER: "weather",
    MissionCancelReason.AIRCRAFT_UNAVAILABLE: "aircraft or crew unavailable",
    MissionCancelReason.RECEIVING_STATE_REFUSED: "the receiving state refused the mission",
    MissionCancelReason.COURT_ORDER: "a court order stopped the mission",
    StrikeReason.BOARDING_INELIGIBLE: "the boarding decision was ineligible (a rule failed)",
    StrikeReason.BOARDING_UNDETERMINED: "the boarding decision was undetermined (a fact missing)",
    IncidentKind.MISSING_AT_HANDOVER: "departed but neither received nor returned on board",
    IncidentKind.COURT_ORDER_IN_TRANSIT: "in the air when a court order protecting them was "
    "entered: return them (a return case is open)",
    IncidentKind.COURT_ORDER_CLASS_UNKNOWN: "in the air when a court order was entered; "
    "whether it protects them cannot be told from the facts: for a legal reviewer",
    ResolutionReason.RECEIVED_LATE: "the facility received the person after all",
    ResolutionReason.RETURNED_ON_BOARD: "the person was found to have returned on board",
    ResolutionReason.DIED_IN_TRANSIT: "the person died in transit",
    ResolutionReason.NOT_IN_CLASS: "a court-order incident: the facts on record now show the "
    "order does not protect the person (the engine checks)",
    CustodyEnd.RELEASE: "released from the facility",
    CustodyEnd.TRANSFER: "transferred out of the facility",
    CustodyEnd.RETURN: "returned to U.S. custody",
    CustodyEnd.DEATH: "died in custody",
    CustodyEndReason.SENTENCE_COMPLETED: "sentence completed",
    CustodyEndReason.RELEASED_BY_RECEIVING_STATE: "released by the receiving state's authorities",
    CustodyEndReason.COURT_ORDERED_RELEASE: "a court ordered the release",
    CustodyEndReason.TRANSFERRED_TO_OTHER_FACILITY: "moved to another facility",
    CustodyEndReason.REPATRIATED_TO_NATIONALITY: "sent on to the country of nationality",
    CustodyEndReason.COURT_ORDERED_RETURN: "a U.S. court ordered the return (facilitate return)",
    CustodyEndReason.VOLUNTARY_RETURN_TO_US: "returned to the United States by agreement",
    CustodyEndReason.DEATH_NATURAL: "death from natural causes (as certified)",
    CustodyEndReason.DEATH_UNDER_INVESTIGATION: "death under investigation",
    ReturnStatus.OPEN: "court order recorded; return to be facilitated",
    ReturnStatus.DIPLOMATIC_REQUEST_MADE: "the United States asked the receiving state to return",
    ReturnStatus.IN_TRANSIT: "the person is on the way back",
    ReturnStatus.BACK_IN_US_CUSTODY: "the person is back in U.S. custody (closes the case)",
    CounselAccessKind.IN_PERSON: "in-person visit",
    CounselAccessKind.CALL: "telephone or video call",
    CounselAccessKind.CORRESPONDENCE: "written correspondence",
    CounselAccessKind.REFUSED: "access sought and refused",
    FindingSeverity.INFO: "information",
    FindingSeverity.CONCERN: "a concern to follow up",
    FindingSeverity.SERIOUS: "a serious breach of the agreement's terms",
    FindingSeverity.CRITICAL: "a risk to life or liberty: act now",
}

# The case state machine: step -> (states it may be taken from, state it leads to).
CASE_STEPS: dict[str, tuple[frozenset[CaseState], CaseState]] = {
    "approve": (frozenset({S.NOMINATED}), S.APPROVED),  # or READY when no notice is needed
    "deny": (frozenset({S.NOMINATED}), S.DENIED),
    "serve notice": (frozenset({S.APPROVED, S.READY}), S.READY),
    "add to a manifest": (frozenset({S.READY}), S.MANIFESTED),
    "strike at boarding": (frozenset({S.MANIFESTED}), S.STRUCK),
    "depart": (frozenset({S.MANIFESTED}), S.DEPARTED),
    "confirm handover": (frozenset({S.DEPARTED}), S.IN_CUSTODY),
    "return on board": (frozenset({S.DEPARTED}), S.RETURNED_ON_BOARD),
    "report missing": (frozenset({S.DEPARTED}), S.MISSING),
    # from departed too: a court-order incident is opened while the person is in the air
    "resolve as received": (frozenset({S.MISSING, S.DEPARTED}), S.IN_CUSTODY),
    "resolve as returned on board": (frozenset({S.MISSING, S.DEPARTED}), S.RETURNED_ON_BOARD),
    "resolve as died in transit": (frozenset({S.MISSING, S.DEPARTED}), S.DIED),
    "release": (frozenset({S.IN_CUSTODY}), S.RELEASED),
    "transfer": (frozenset({S.IN_CUSTODY}), S.TRANSFERRED),
    "return": (frozenset({S.IN_CUSTODY}), S.RETURNED),
    "record death": (frozenset({S.IN_CUSTODY}), S.DIED),
    "withdraw": (frozenset({S.NOMINATED, S.APPROVED, S.READY, S.MANIFESTED}), S.WITHDRAWN),
    "unmanifest (mission cancelled)": (frozenset({S.MANIFESTED}), S.READY),
}
CUSTODY_END_STEP: dict[CustodyEnd, str] = {
    CustodyEnd.RELEASE: "release",
    CustodyEnd.TRANSFER: "transfer",
    CustodyEnd.RETURN: "return",
    CustodyEnd.DEATH: "record death",
}
CUSTODY_END_REASONS: dict[CustodyEnd, frozenset[CustodyEndReason]] = {
    CustodyEnd.RELEASE: frozenset(
        {
            CustodyEndReason.SENTENCE_COMPLETED,
            CustodyEndReason.RELEASED_BY_RECEIVING_STATE,
            CustodyEndReason.COURT_ORDERED_RELEASE,
        }
    ),
    CustodyEnd.TRANSFER: frozenset(
        {
            CustodyEndReason.TRANSFERRED_TO_OTHER_FACILITY,
            CustodyEndReason.REPATRIATED_TO_NATIONALITY,
        }
    ),
    CustodyEnd.RETURN: frozenset(
        {CustodyEndReason.COURT_ORDERED_RETURN, CustodyEndReason.VOLUNTARY_RETURN_TO_US}
    ),
    CustodyEnd.DEATH: frozenset(
        {CustodyEndReason.DEATH_NATURAL, CustodyEndReason.DEATH_UNDER_INVESTIGATION}
    ),
}
RESOLUTION_STEP: dict[ResolutionReason, str] = {
    ResolutionReason.RECEIVED_LATE: "resolve as received",
    ResolutionReason.RETURNED_ON_BOARD: "resolve as returned on board",
    ResolutionReason.DIED_IN_TRANSIT: "resolve as died in transit",
}
# Mission steps: step -> (states it may be taken from, state it leads to).
MISSION_STEPS: dict[str, tuple[frozenset[MissionState], MissionState]] = {
    "change the manifest": (frozenset({MissionState.PLANNED}), MissionState.PLANNED),
    "run the boarding check": (frozenset({MissionState.PLANNED}), MissionState.PLANNED),
    "depart": (frozenset({MissionState.PLANNED}), MissionState.DEPARTED),
    "confirm handover": (frozenset({MissionState.DEPARTED}), MissionState.DEPARTED),
    "close the handover": (frozenset({MissionState.DEPARTED}), MissionState.HANDOVER_CLOSED),
    "cancel": (frozenset({MissionState.PLANNED}), MissionState.CANCELLED),
}
RETURN_ORDER: tuple[ReturnStatus, ...] = tuple(ReturnStatus)

C = TypeVar("C", bound=Coded)


def parse_code(kind: type[C], text: str, *, what: str) -> C:
    """The code `text` of enumeration `kind`, or an InputError listing every code."""
    try:
        return kind(text)
    except ValueError:
        codes = "; ".join(f"{c.value} ({c.description})" for c in kind)
        raise InputError(f"{what} '{text}' is not one of: {codes}") from None
