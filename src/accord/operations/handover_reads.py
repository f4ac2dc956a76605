"""What a handover reads before it writes, and which audit subjects would change it.

`read_for_handover` reads through the ORM (under the writer lock, or again when
something changed). `read_for_handover_pg` is the same read on PostgreSQL before
the lock, as plain rows in one round trip: it runs for every handover, and the
ORM costs several times the database's own time there. Both must give the same
reads (tests/operations/test_handover_reads.py compares what each path writes).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from accord.auth import User
from accord.db import AuditEntry, read_pipelined
from accord.errors import InputError, UnknownOperationsRecord
from accord.operations.events import (
    check_facility_scope,
    refuse_outside_scope,
    require_mission_step,
)
from accord.operations.models import LiaisonFacility, Mission, TransferCase
from accord.registry import FACT_MODELS, FactVersion, persons_nationalities

Nationalities = dict[str, list[str] | None]


# The mission and its cases of the persons named, in one query (built once: handovers are
# the busiest write, and building a statement costs more than running it)
_MISSION_WITH_CASES = (
    select(Mission, TransferCase)
    .outerjoin(
        TransferCase,
        and_(
            TransferCase.mission_id == Mission.id,
            TransferCase.person_id.in_(bindparam("person_ids", expanding=True)),
        ),
    )
    .where(Mission.mission_number == bindparam("number"))
)


def _mission_and_cases(
    session: Session, number: str, person_ids: Sequence[str]
) -> tuple[Mission, dict[str, TransferCase]]:
    rows = session.execute(
        _MISSION_WITH_CASES, {"number": number, "person_ids": list(person_ids)}
    ).all()
    if not rows:
        raise UnknownOperationsRecord(f"no mission '{number}'")
    return rows[0][0], {case.person_id: case for _, case in rows if case is not None}


def _in_order(
    found: dict[str, TransferCase], person_ids: Sequence[str], number: str
) -> list[TransferCase]:
    """The mission's cases of these persons, in the order given."""
    missing = [p for p in person_ids if p not in found]
    if missing:
        raise UnknownOperationsRecord(f"person {missing[0]} is not on mission {number}")
    if len(set(person_ids)) != len(person_ids):
        raise InputError(f"a person is named twice in one handover on mission {number}")
    return [found[p] for p in person_ids]


@dataclass
class HandoverReads:
    """What a handover reads before it writes."""

    mission: Mission
    cases: list[TransferCase]
    nationalities: Nationalities | None  # None for a return on board: no consular task


def read_for_handover(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    person_ids: Sequence[str],
    returned_on_board: bool,
) -> HandoverReads:
    mission, found = _mission_and_cases(session, mission_number, person_ids)
    check_facility_scope(session, actor, mission.facility_id)
    require_mission_step(mission, "confirm handover")
    cases = _in_order(found, person_ids, mission_number)
    nationalities = (
        None
        if returned_on_board
        else persons_nationalities(session, person_ids=[c.person_id for c in cases])
    )
    return HandoverReads(mission, cases, nationalities)


def read_subjects(actor: User, reads: HandoverReads) -> dict[str, str]:
    """The audit subjects (and action prefixes) whose writes would change these reads."""
    subjects = {f"mission:{reads.mission.mission_number}": "", f"user:{actor.name}": ""}
    for case in reads.cases:
        subjects[f"case:{case.id}"] = ""
        subjects[f"person:{case.person_id}"] = "facts."
    return subjects


def _columns(model: Any) -> list[str]:
    return [column.name for column in model.__table__.columns]


@functools.cache  # built once for one person and once for several
def _pg_read(*, one_person: bool) -> str:
    """The statement of read_for_handover_pg; names from the models' metadata.

    One row per case of the persons named on the mission (one row with no case if
    there is none), each with the mission, the committed chain head, the liaison's
    facilities and the person's newest version of the nationalities list: one
    statement, so one snapshot, and later statements see at least as much, so
    nothing escapes `seen`.

    The statement for one person compares with one value: PostgreSQL plans a
    prepared statement once for good only when that generic plan costs no more
    than one made for the values, and it estimates an array of unknown length as
    ten persons, so with `= ANY` it would plan the busiest statement at every call.
    """
    case, mission = _columns(TransferCase), _columns(Mission)
    nationality: Any = FACT_MODELS["nationalities"].__table__
    return (
        f"SELECT {', '.join('m.' + name for name in mission)}, "
        f"(SELECT max(seq) FROM {AuditEntry.__tablename__}), "
        f"ARRAY(SELECT facility_id FROM {LiaisonFacility.__tablename__} "
        "WHERE user_id = %(user_id)s), "
        f"{', '.join('c.' + name for name in case)}, newest.known, "
        f"ARRAY(SELECT n.country FROM {nationality.name} n WHERE n.version_id = newest.id "
        "ORDER BY n.ordinal) "
        f"FROM {Mission.__tablename__} m "
        f"LEFT JOIN {TransferCase.__tablename__} c "
        "ON c.mission_id = m.id AND "
        + ("c.person_id = %(person)s " if one_person else "c.person_id = ANY(%(persons)s) ")
        + f"LEFT JOIN LATERAL (SELECT v.id, v.known FROM {FactVersion.__tablename__} v "
        "WHERE v.list_name = 'nationalities' AND v.person_id = c.person_id "
        "ORDER BY v.id DESC LIMIT 1) newest ON true "
        "WHERE m.mission_number = %(number)s"
    )


def read_for_handover_pg(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    person_ids: Sequence[str],
    returned_on_board: bool,
) -> tuple[int, HandoverReads]:
    """The committed chain head's seq and the reads, in one statement (PostgreSQL, before
    the writer lock). The mission and cases are detached objects: read, never written."""
    one_person = len(person_ids) == 1
    params: dict[str, Any] = {"number": mission_number, "user_id": actor.id}
    if one_person:
        params["person"] = person_ids[0]
    else:
        params["persons"] = list(person_ids)
    rows = read_pipelined(session, [(_pg_read(one_person=one_person), params)])[0]
    if not rows:
        raise UnknownOperationsRecord(f"no mission '{mission_number}'")
    mission_names, case_names = _columns(Mission), _columns(TransferCase)
    split = len(mission_names)
    first = rows[0]
    mission = Mission(**dict(zip(mission_names, first[:split], strict=True)))
    head, assigned = first[split], first[split + 1]
    refuse_outside_scope(actor, list(assigned), mission.facility_id)
    require_mission_step(mission, "confirm handover")
    found: dict[str, TransferCase] = {}
    nationalities: Nationalities = {}
    for row in rows:
        values = row[split + 2 : split + 2 + len(case_names)]
        if values[0] is None:
            continue  # the mission has none of these persons
        case = TransferCase(**dict(zip(case_names, values, strict=True)))
        found[case.person_id] = case
        known, countries = row[-2], row[-1]
        nationalities[case.person_id] = list(countries) if known else None
    in_order = _in_order(found, person_ids, mission_number)
    return int(head or 0), HandoverReads(
        mission, in_order, None if returned_on_board else nationalities
    )
