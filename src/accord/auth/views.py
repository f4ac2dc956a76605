"""HTTP routes of credentials: enrolment, token revocation, role changes (auth.credentials).

POST /enrol is the one route that takes no credential: the enrolment code is
the credential (256 random bits, single use, checked with one SHA-256, so a
guess costs the server nothing). Revoking a token or changing a role clears
this process's AuthCache, so the change takes effect here at once (other
workers: within `auth_cache_ttl_s`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from accord.api.auth_budget import TooManyFailures
from accord.api.deps import Ctx, app_state, client_address, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth.credentials import change_role, redeem_enrolment, revoke_token
from accord.auth.users import Permission
from accord.db import write_session
from accord.limits import USER_NAME_MAX, USER_NAME_PATTERN

router = APIRouter(tags=["credentials"], responses=PROBLEM_RESPONSES)
KeyIdPath = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
UserPath = Annotated[str, Path(min_length=1, max_length=USER_NAME_MAX, pattern=USER_NAME_PATTERN)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnrolIn(_In):
    code: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class EnrolOut(BaseModel):
    name: str
    role: str
    key_id: str
    token: str = Field(description="Your first API token: shown once, only to you")


class RevokedOut(BaseModel):
    key_id: str
    revoked_at: str


class RoleIn(_In):
    role: str = Field(min_length=1, max_length=32, pattern=r"^[a-z_]+$")


class RoleOut(BaseModel):
    name: str
    role: str


@router.post("/enrol", status_code=201)
def enrol(request: Request, body: EnrolIn) -> EnrolOut:
    """Redeem an enrolment code (from the admin who added you) for your first API token.
    Failed codes spend the client address's failure budget, as made-up tokens do (429)."""
    budget = app_state(request).auth_budget.addresses
    address_key = "a:" + client_address(request)
    if wait := budget.take(address_key):
        raise TooManyFailures("address", wait)
    with write_session(app_state(request).engine, lock=False) as session:
        redeemed = redeem_enrolment(session, code=body.code)
        user = redeemed.user
        out = EnrolOut(name=user.name, role=user.role, key_id=redeemed.key_id, token=redeemed.token)
    budget.give_back(address_key)
    return out


@router.post("/tokens/{key_id}/revoke")
def revoke(
    request: Request, ctx: Annotated[Ctx, Depends(require())], key_id: KeyIdPath
) -> RevokedOut:
    """Revoke an API token: your own, or any as an admin; its dashboard sessions end."""
    with ctx.write() as session:
        row = revoke_token(session, actor=ctx.user, key_id=key_id)
        revoked_at = row.revoked_at
    app_state(request).auth_cache.clear()
    return RevokedOut(key_id=key_id, revoked_at=revoked_at.isoformat() if revoked_at else "")


@router.put("/users/{name}/role")
def set_role(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(Permission.USERS_MANAGE))],
    name: UserPath,
    body: RoleIn,
) -> RoleOut:
    """Change a user's role (admin); their dashboard sessions end."""
    with ctx.write() as session:
        user = change_role(session, actor=ctx.user, name=name, role=body.role)
        out = RoleOut(name=user.name, role=user.role)
    app_state(request).auth_cache.clear()
    return out
