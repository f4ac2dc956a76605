"""The dashboard's Law page: the law entered in the registry, and the forms to enter it.

Legal reviewers enter a court order or an event of one (the YAML of law/data/court_orders,
or of one event, in a text area, with the source document uploaded); admins a law
parameter's dated value or an agreement amendment (the amended agreement's YAML). Each form
calls law_entries.service.enter_law, as the CLI and the API do, and comes back to /law with
its message (POST-redirect-GET); a refusal writes nothing. CSRF: the API's `require`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from accord.api.deps import NO_NUL, Ctx, require
from accord.auth import Permission
from accord.dashboard import reads
from accord.dashboard.pages import PageRoute, act, render
from accord.errors import InputError
from accord.law.law_set import SCALAR_PARAMETERS
from accord.law_entries.service import enter_law, list_law_entries
from accord.law_entries.views import document_name, read_document

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
YAML_MAX = 256 * 1024  # a court order with its events is a few KiB
YamlText = Annotated[str, Form(min_length=1, max_length=YAML_MAX, pattern=NO_NUL)]
Subject = Annotated[str, Form(max_length=128, pattern=NO_NUL)]
Document = Annotated[UploadFile, File()]
KIND_WORDS = {
    "court_order": "court order",
    "court_order_event": "court order event",
    "parameter_value": "parameter value",
    "agreement_amendment": "agreement amendment",
}


def _mapping(text: str, what: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{what}: not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError(f"{what}: needs one YAML mapping")
    return data


@router.get("/law")
def law_page(request: Request, ctx: Annotated[Ctx, Depends(require(P.LAW_READ))]) -> Response:
    """Every law entry, oldest first, and the forms the user's role may use."""
    with ctx.read() as session:
        rows = list_law_entries(session)
        names = reads.user_names(session)
    return render(
        request,
        ctx,
        "law.html",
        rows=rows,
        names=names,
        kinds=KIND_WORDS,
        parameters=sorted(SCALAR_PARAMETERS.items()),
    )


def _enter(ctx: Ctx, kind: str, subject: str, body: dict[str, Any], document: UploadFile) -> str:
    content = read_document(document)
    with ctx.write() as session:
        record = enter_law(
            session,
            actor=ctx.user,
            kind=kind,
            subject=subject,
            body=body,
            document=content,
            document_name=document_name(document.filename),
            media_type=document.content_type or "application/octet-stream",
        )
        return (
            f"Law entry {record.id} recorded: {KIND_WORDS[kind]} {record.subject}, "
            f"in effect from {record.effective_on}."
        )


@router.post("/law/orders")
def enter_order_form(
    ctx: Annotated[Ctx, Depends(require(P.LAW_ORDERS))],
    kind: Annotated[Literal["court_order", "court_order_event"], Form()],
    text: YamlText,
    document: Document,
    order_id: Subject = "",
) -> Response:
    """A court order (its YAML), or an event of order `order_id` (the event's YAML)."""

    def work() -> str:
        body = _mapping(text, "the order" if kind == "court_order" else "the event")
        subject = str(body.get("id", "")) if kind == "court_order" else order_id
        if not subject.strip():
            raise InputError(
                "a court order needs its id" if kind == "court_order" else "name the order"
            )
        return _enter(ctx, kind, subject, body, document)

    return act("/law", work)


@router.post("/law/terms")
def enter_terms_form(
    ctx: Annotated[Ctx, Depends(require(P.LAW_TERMS))],
    kind: Annotated[Literal["parameter_value", "agreement_amendment"], Form()],
    subject: Annotated[str, Form(min_length=1, max_length=128, pattern=NO_NUL)],
    effective_from: Annotated[str, Form(min_length=1, max_length=10, pattern=NO_NUL)],
    document: Document,
    value: Annotated[int | None, Form(ge=-(2**31), le=2**31)] = None,
    source: Annotated[str, Form(max_length=4000, pattern=NO_NUL)] = "",
    what: Annotated[str, Form(max_length=4000, pattern=NO_NUL)] = "",
    text: Annotated[str, Form(max_length=YAML_MAX, pattern=NO_NUL)] = "",
) -> Response:
    """A parameter's dated value (value, source) or an agreement's amended terms (YAML)."""

    def work() -> str:
        body: dict[str, Any]
        if kind == "parameter_value":
            if value is None:
                raise InputError("a parameter value needs its value")
            body = {"effective_from": effective_from, "value": value, "source": source}
        else:
            terms = _mapping(text, "the amended agreement")
            body = {"effective_from": effective_from, "what": what, "agreement": terms}
        return _enter(ctx, kind, subject, body, document)

    return act("/law", work)
