"""A small programme to publish: two missions to CECOT, custody, an incident, care records.

Fictional people. March 2025: 14 Salvadorans depart on 15 March, 13 are received on the
16th, one is missing (an incident, resolved on the 20th); counsel contacts, a monitoring
visit with findings, consular notifications (none owed for nationals) and March's invoice.
April: 3 more depart and are received (small cells), 2 of March's are released, and a
court orders one returned (back in U.S. custody on 10 May: 20 days). May: 12 Salvadorans
granted withholding of removal as to El Salvador are decided ineligible (the rules failed
most). Record times are injected and only move forward.
"""

from __future__ import annotations

import datetime as dt

from accord.billing.invoices import invoice_for_month
from accord.db import write_session
from accord.decisions.service import decide_from_registry
from accord.engine.request import DecisionRequest
from accord.operations.care import (
    assign_liaison,
    log_counsel_access,
    open_return,
    record_visit,
    update_return,
)
from accord.operations.custody import end_custody
from accord.operations.handover import close_handover, confirm_handover, resolve_incident
from accord.operations.missions import add_to_mission, create_mission, depart_mission
from accord.operations.models import Incident
from accord.operations.states import (
    ApproveReason,
    CounselAccessKind,
    CustodyEnd,
    CustodyEndReason,
    FindingSeverity,
    ResolutionReason,
    ReturnStatus,
)
from accord.operations.workflow import nominate, review
from operations.people import load, protected_salvadoran, salvadoran

from .conftest import Registry

PERSONAL = [{"name": "Carlos Ejemplo"}, {"name": "María Prueba"}, {"name": "José Ficticio"}]
CECOT = {"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV"}


def utc(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=dt.UTC)


def fly(registry: Registry, numbers: range, mission: str, month: int, day: int) -> list[str]:
    """Salvadorans sv-NNN loaded, nominated, approved, manifested and departed on `day`."""
    people = [salvadoran(n) | PERSONAL[n % len(PERSONAL)] for n in numbers]
    for person in people:  # a name and a birth date of their own: none may be published
        number = int(person["person_id"][3:])
        person["name"] = f"{person['name']} {number:03d}"
        person["birth_date"] = f"19{60 + number % 30}-{1 + number % 12:02d}-{1 + number % 28:02d}"
    load(registry, people, utc(month, day - 5))
    olivia, lena = registry.users["olivia"], registry.users["lena"]
    with write_session(registry.engine) as s:
        cases = [
            nominate(
                s, actor=olivia, person_id=p["person_id"], facility="CECOT",
                now=utc(month, day - 4), **CECOT,
            ).id
            for p in people
        ]  # fmt: skip
        for case_id in cases:
            review(
                s, actor=lena, case_id=case_id, approve=True,
                reason=ApproveReason.FACTS_VERIFIED, now=utc(month, day - 3),
            )  # fmt: skip
        create_mission(
            s, actor=olivia, mission_number=mission, carrier="GlobalX", facility="CECOT",
            planned_departure=utc(month, day, 18), seats=len(people),
            legs=[("Harlingen TX", "Comalapa SAL")], now=utc(month, day - 2), **CECOT,
        )  # fmt: skip
        add_to_mission(s, actor=olivia, mission_number=mission, case_ids=cases,
                       now=utc(month, day - 2))  # fmt: skip
    with write_session(registry.engine) as s:
        result = depart_mission(
            s, actor=olivia, mission_number=mission, departed_at=utc(month, day, 18),
            now=utc(month, day, 19),
        )  # fmt: skip
    assert result.departed, result.struck
    return [p["person_id"] for p in people]


def build(registry: Registry) -> dict[str, list[str]]:
    """The programme above; returns the person ids of each mission."""
    liam, mona = registry.users["liam"], registry.users["mona"]
    with write_session(registry.engine) as s:
        assign_liaison(s, actor=registry.users["root"], user_name="liam", facility_id="CECOT",
                       now=utc(3, 1))  # fmt: skip
    march = fly(registry, range(1, 15), "GST-0315", 3, 15)
    with write_session(registry.engine) as s:
        confirm_handover(s, actor=liam, mission_number="GST-0315", person_ids=march[:-1],
                         occurred_at=utc(3, 16, 2), now=utc(3, 16, 3))  # fmt: skip
        close_handover(s, actor=liam, mission_number="GST-0315", now=utc(3, 16, 4))
    with write_session(registry.engine) as s:
        incident = s.query(Incident).one()
        resolve_incident(
            s, actor=registry.users["olivia"], incident_id=incident.id,
            reason=ResolutionReason.RECEIVED_LATE, note="found at intake",
            occurred_at=utc(3, 20, 9), now=utc(3, 20, 10),
        )  # fmt: skip
    with write_session(registry.engine) as s:
        for n, person in enumerate(march[:12]):
            log_counsel_access(
                s, actor=liam, person_id=person, counsel="Legal aid clinic",
                kind=CounselAccessKind.CALL if n else CounselAccessKind.REFUSED,
                occurred_at=utc(3, 21, 9, n), now=utc(3, 21, 12, n),
            )  # fmt: skip
        record_visit(
            s, actor=mona, facility_id="CECOT", visited_on=dt.date(2025, 3, 25),
            summary="Unannounced visit",
            findings=[(FindingSeverity.CONCERN, "crowded cells", "reduce occupancy"),
                      (FindingSeverity.SERIOUS, "no counsel room", "provide one")],
            now=utc(3, 26),
        )  # fmt: skip
    april = fly(registry, range(101, 104), "GST-0410", 4, 10)
    with write_session(registry.engine) as s:
        confirm_handover(s, actor=liam, mission_number="GST-0410", person_ids=april,
                         occurred_at=utc(4, 11, 2), now=utc(4, 11, 3))  # fmt: skip
        for person in march[:2]:
            end_custody(
                s, actor=liam, person_id=person, end=CustodyEnd.RELEASE,
                reason=CustodyEndReason.RELEASED_BY_RECEIVING_STATE,
                occurred_at=utc(4, 12, 15), now=utc(4, 12, 16),
            )  # fmt: skip
    with write_session(registry.engine) as s:
        invoice_for_month(s, actor=registry.users["olivia"], agreement_id="sv-2025-offer",
                          month="2025-03", now=utc(4, 15))  # fmt: skip
    olivia = registry.users["olivia"]
    with write_session(registry.engine) as s:
        ordered = open_return(
            s, actor=olivia, person_id=march[2], court="D. Md.", order_reference="25-cv-0001",
            ordered_on=dt.date(2025, 4, 20), now=utc(4, 21),
        )  # fmt: skip
        update_return(
            s, actor=olivia, return_id=ordered.id, status=ReturnStatus.BACK_IN_US_CUSTODY,
            occurred_on=dt.date(2025, 5, 10), now=utc(5, 10, 18),
        )  # fmt: skip
    protected = [
        protected_salvadoran(n) | {"name": f"Ana Ejemplo {n}", "birth_date": f"1970-01-{n - 290}"}
        for n in range(301, 313)  # not sv-2..: "sv-2025-offer" holds it
    ]
    load(registry, protected, utc(5, 12))
    request = DecisionRequest(
        agreement_id=CECOT["agreement"], pathway=CECOT["pathway"],
        destination=CECOT["destination"], as_of=dt.date(2025, 5, 13), facility_id="CECOT",
    )  # fmt: skip
    with write_session(registry.engine) as s:
        for n, person in enumerate(protected):
            decision, _ = decide_from_registry(
                s, request=request, person_id=person["person_id"], actor=olivia,
                now=utc(5, 13, 9, n),
            )  # fmt: skip
            assert decision.outcome == "ineligible", decision.failed
    return {"march": march, "april": april}
