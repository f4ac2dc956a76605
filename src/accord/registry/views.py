"""HTTP routes of the registry: case files and facts (with as_known_on), users, audit.

Thin: parse, call the registry service in one session, return. Reads of
personal data are recorded in the audit chain (`read.*` actions).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import select

from accord.api.deps import PERSON_ID_PATTERN, Ctx, KnownOn, PersonIdIn, check_same, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth import GRANTS, Permission, add_user, issue_token, list_users
from accord.auth.credentials import create_enrolment
from accord.db import verify_chain
from accord.importers.writer import case_file_record
from accord.limits import USER_NAME_MAX, USER_NAME_PATTERN
from accord.registry.models import Person
from accord.registry.reads import person_case_file, person_history
from accord.registry.results import ImportSummary, VersionInfo
from accord.registry.schemas import (
    ChainOut,
    ImportIn,
    MeOut,
    PersonsOut,
    RecordCaseFileIn,
    RecordListIn,
    RetractIn,
    TokenOut,
    UserIn,
    UserOut,
)
from accord.registry.service import import_case_files, record_case_file, record_list, retract_list

P = Permission
router = APIRouter(tags=["registry"], responses=PROBLEM_RESPONSES)
PersonPath = Annotated[
    str, Path(min_length=1, max_length=128, pattern=PERSON_ID_PATTERN, description="Person id")
]
ListPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z_]+$")]
UserPath = Annotated[str, Path(min_length=1, max_length=USER_NAME_MAX, pattern=USER_NAME_PATTERN)]


@router.get("/me")
def me(ctx: Annotated[Ctx, Depends(require())]) -> MeOut:
    """Who is calling, with the role's permissions."""
    grants = sorted(p.value for p in GRANTS.get(ctx.user.role, frozenset()))
    return MeOut(name=ctx.user.name, role=ctx.user.role, permissions=grants, masked=ctx.masked)


@router.get("/persons")
def persons(
    ctx: Annotated[Ctx, Depends(require(P.FACTS_READ, P.FACTS_READ_MASKED))],
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PersonsOut:
    """Person ids in the registry, in order (masked for analysts)."""
    with ctx.read() as session:
        ids = list(
            session.scalars(
                select(Person.person_id).order_by(Person.person_id).offset(offset).limit(limit)
            )
        )
    ctx.audit_read("read.persons", "persons", offset=offset, limit=limit, count=len(ids))
    return PersonsOut(persons=ids, offset=offset, limit=limit)


@router.get("/persons/{person_id}/case-file")
def case_file(
    ctx: Annotated[Ctx, Depends(require(P.FACTS_READ))],
    person_id: PersonPath,
    as_known_on: KnownOn = None,
) -> dict[str, Any]:
    """The case file as Accord knew it (now, or at the end of a day, or at an instant)."""
    with ctx.read() as session:
        case = person_case_file(session, person_id=person_id, as_known_on=as_known_on)
    ctx.audit_read(
        "read.case_file",
        f"person:{person_id}",
        as_known_on=as_known_on.isoformat() if as_known_on else None,
    )
    return case_file_record(case)


@router.get("/persons/{person_id}/history")
def history(
    ctx: Annotated[Ctx, Depends(require(P.FACTS_READ))],
    person_id: PersonPath,
    as_known_on: KnownOn = None,
) -> list[VersionInfo]:
    """Every version of every fact list: who recorded it, when, from what source."""
    with ctx.read() as session:
        versions = person_history(session, person_id=person_id, as_known_on=as_known_on)
    ctx.audit_read(
        "read.history",
        f"person:{person_id}",
        as_known_on=as_known_on.isoformat() if as_known_on else None,
    )
    return versions


@router.put("/persons/{person_id}/case-file")
def put_case_file(
    ctx: Annotated[Ctx, Depends(require(P.FACTS_WRITE))],
    person_id: PersonPath,
    body: RecordCaseFileIn,
) -> ImportSummary:
    """Record a whole case file (lists equal to the current version are not written again)."""
    check_same("person_id", person_id, body.case.person_id)
    with ctx.write() as session:
        return record_case_file(
            session,
            actor=ctx.user,
            case=body.case,
            source_document=body.source_document,
            valid_from=body.valid_from,
            note=body.note,
        )


@router.put("/persons/{person_id}/facts/{list_name}")
def put_list(
    ctx: Annotated[Ctx, Depends(require(P.FACTS_WRITE))],
    person_id: PersonPath,
    list_name: ListPath,
    body: RecordListIn,
) -> ImportSummary:
    """Correct one fact list of a known person (null items: not known again)."""
    with ctx.write() as session:
        return record_list(
            session,
            actor=ctx.user,
            person_id=person_id,
            list_name=list_name,
            items=body.items,
            source_document=body.source_document,
            valid_from=body.valid_from,
            note=body.note,
        )


@router.post("/persons/{person_id}/facts/{list_name}/retract")
def retract(
    ctx: Annotated[Ctx, Depends(require(P.FACTS_WRITE))],
    person_id: PersonPath,
    list_name: ListPath,
    body: RetractIn,
) -> ImportSummary:
    """Make one list not known again (a new version; earlier ones stay)."""
    with ctx.write() as session:
        return retract_list(
            session,
            actor=ctx.user,
            person_id=person_id,
            list_name=list_name,
            source_document=body.source_document,
            note=body.note,
        )


@router.post("/imports")
def import_cases(
    ctx: Annotated[Ctx, Depends(require(P.FACTS_WRITE))], body: ImportIn
) -> ImportSummary:
    """Import case files in one transaction, all or none."""
    with ctx.write() as session:
        return import_case_files(
            session, actor=ctx.user, cases=body.cases, source_document=body.source_document
        )


@router.get("/users")
def users(ctx: Annotated[Ctx, Depends(require(P.USERS_READ))]) -> list[UserOut]:
    """Every user with role and who created them."""
    with ctx.read() as session:
        rows = list_users(session)
    names = {u.id: u.name for u in rows}
    return [
        UserOut(
            name=u.name,
            role=u.role,
            created_at=u.created_at,
            created_by=names.get(u.created_by_id) if u.created_by_id else None,
        )
        for u in rows
    ]


@router.post("/users", status_code=201)
def create_user(ctx: Annotated[Ctx, Depends(require(P.USERS_MANAGE))], body: UserIn) -> UserOut:
    """Add a user with one role (audited), with a one-time enrolment code for that user only:
    they redeem it (POST /enrol, `accord login --enrol`) for their own first token."""
    with ctx.write() as session:
        user = add_user(session, actor=ctx.user, name=body.name, role=body.role)
        code = create_enrolment(session, actor=ctx.user, name=body.name)
    return UserOut(
        name=user.name,
        role=user.role,
        created_at=user.created_at,
        created_by=ctx.user.name,
        enrolment_code=code,
    )


@router.post("/users/{name}/tokens", status_code=201)
def create_token(ctx: Annotated[Ctx, Depends(require())], name: UserPath) -> TokenOut:
    """Issue yourself another API token (`name` is you: a token is only ever its own
    user's): returned once; only its hash is kept."""
    with ctx.write() as session:
        token = issue_token(session, actor=ctx.user, name=name)
    return TokenOut(name=name, token=token)


@router.get("/audit/verify")
def audit_verify(ctx: Annotated[Ctx, Depends(require(P.AUDIT_VERIFY))]) -> ChainOut:
    """Recompute the hash chain; name the first broken link if it is broken."""
    with ctx.read() as session:
        result = verify_chain(session)
    return ChainOut(
        intact=result.intact,
        entries=result.entries,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        broken_seq=result.broken_seq,
        problem=result.problem,
        message=result.message(),
    )


__all__ = ["PersonIdIn", "router"]
