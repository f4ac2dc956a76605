"""The dashboard's Law page: the law entered in the registry, and the forms to enter it.

Legal reviewers enter a court order or an event of one (the YAML of law/data/court_orders,
or of one event, in a text area, with the source document uploaded); admins a law
parameter's dated value or an agreement amendment (the amended agreement's YAML). Each form
calls law_entries.service.enter_law, as the CLI and the API do, and comes back to /law with
its message (POST-redirect-GET); a refusal writes nothing and shows the page again with each
error beside its field and what was typed (forms.py; a file must be chosen again: browsers
never re-fill a file input). CSRF: the API's `require`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from accord.api.deps import Ctx, require
from accord.auth import Permission
from accord.dashboard import reads
from accord.dashboard.forms import FieldCheck, FormError, field_error, render_form_errors
from accord.dashboard.pages import PageRoute, act, render
from accord.errors import InputError
from accord.law.law_set import SCALAR_PARAMETERS
from accord.law_entries.service import enter_law, list_law_entries
from accord.law_entries.views import document_name, read_document

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
YAML_MAX = 256 * 1024  # a court order with its events is a few KiB
# plain text, capped: each field is checked in the route, so a refusal can re-render the form
YamlText = Annotated[str, Form(max_length=YAML_MAX)]
Subject = Annotated[str, Form(max_length=4000)]
Document = Annotated[UploadFile | None, File()]
KIND_WORDS = {
    "court_order": "court order",
    "court_order_event": "court order event",
    "parameter_value": "parameter value",
    "agreement_amendment": "agreement amendment",
}


def _mapping(check: FieldCheck, name: str, what: str) -> dict[str, Any] | None:
    """The field's YAML mapping, or None with the problem recorded beside the field."""
    text = check.text(name, what, required=True, max_length=YAML_MAX)
    if text is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        check.fail(name, f"{what} is not valid YAML: {str(exc).splitlines()[0]}")
        return None
    if not isinstance(data, dict):
        check.fail(name, f"{what} must be one YAML mapping (key: value lines)")
        return None
    return data


def _has(document: UploadFile | None) -> bool:
    return document is not None and bool(document.filename)


def _document(check: FieldCheck, document: UploadFile | None) -> UploadFile | None:
    if document is None or not document.filename:
        check.fail("document", "Choose the source document")
        return None
    return document


@router.get("/law")
def law_page(request: Request, ctx: Annotated[Ctx, Depends(require(P.LAW_READ))]) -> Response:
    """Every law entry, oldest first (filtered, sorted, paged, as CSV: listing.py), and the
    forms the user's role may use."""
    from accord.dashboard.listing import wants_csv
    from accord.dashboard.lists import LAW_ENTRIES, law_entries_statement

    if wants_csv(request.query_params):
        return LAW_ENTRIES.csv_response(
            ctx, law_entries_statement(), request.query_params, filename="law-entries.csv"
        )
    context = _page_context(ctx, request.query_params)
    return render(request, ctx, "law.html", failed_form="", **context)


def _page_context(ctx: Ctx, params: Mapping[str, str] | None = None) -> dict[str, Any]:
    from accord.dashboard.lists import LAW_ENTRIES, law_entries_statement

    with ctx.read() as session:
        rows = list_law_entries(session)
        names = reads.user_names(session)
    return {
        "page": LAW_ENTRIES.page(ctx, law_entries_statement(), params or {}),
        "rows": rows,
        "names": names,
        "kinds": KIND_WORDS,
        "parameters": sorted(SCALAR_PARAMETERS.items()),
    }


def _again(request: Request, ctx: Ctx, form: str, exc: FormError) -> Response:
    """The page again with the refused form's errors beside its fields (HTTP 400)."""
    errors = dict(exc.errors)
    if "document" not in errors and exc.values.get("had_document"):
        errors["document"] = "Choose the source document again (a browser never keeps it)"
    return render_form_errors(
        request,
        ctx,
        "law.html",
        errors=errors,
        values=exc.values,
        failed_form=form,
        **_page_context(ctx),
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


def _entered(
    ctx: Ctx,
    values: dict[str, Any],
    kind: str,
    subject: str,
    body: dict[str, Any],
    document: UploadFile,
    field: str,
) -> str:
    """enter_law; its refusal (an unknown order, a bad date in the YAML...) beside `field`."""
    try:
        return _enter(ctx, kind, subject, body, document)
    except InputError as exc:
        raise field_error(exc, field, values) from exc


@router.post("/law/orders")
def enter_order_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.LAW_ORDERS))],
    kind: Annotated[str, Form(max_length=32)] = "court_order",
    text: YamlText = "",
    document: Document = None,
    order_id: Subject = "",
) -> Response:
    """A court order (its YAML), or an event of order `order_id` (the event's YAML)."""
    is_order = kind != "court_order_event"
    values: dict[str, Any] = {"text": text, "order_id": order_id, "had_document": _has(document)}
    form = "order" if is_order else "event"

    def work() -> str:
        check = FieldCheck(values)
        subject = (
            "" if is_order else check.text("order_id", "Order id", required=True, max_length=128)
        )
        body = _mapping(check, "text", "The order" if is_order else "The event")
        if is_order and body is not None and not str(body.get("id", "")).strip():
            check.fail("text", "The order needs its id (an 'id:' line)")
        upload = _document(check, document)
        check.done()
        assert body is not None  # done() raised otherwise
        assert upload is not None
        name = str(body.get("id", "")) if is_order else str(subject)
        field = "text" if is_order else "order_id"
        entry_kind = "court_order" if is_order else "court_order_event"
        return _entered(ctx, values, entry_kind, name, body, upload, field)

    try:
        return act("/law", work)
    except FormError as exc:
        return _again(request, ctx, form, exc)


@router.post("/law/terms")
def enter_terms_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.LAW_TERMS))],
    kind: Annotated[str, Form(max_length=32)] = "parameter_value",
    subject: Subject = "",
    effective_from: Annotated[str, Form(max_length=32)] = "",
    document: Document = None,
    value: Annotated[str, Form(max_length=32)] = "",
    source: Subject = "",
    what: Subject = "",
    text: YamlText = "",
) -> Response:
    """A parameter's dated value (value, source) or an agreement's amended terms (YAML)."""
    is_value = kind != "agreement_amendment"
    values: dict[str, Any] = {
        "subject": subject,
        "effective_from": effective_from,
        "value": value,
        "source": source,
        "what": what,
        "text": text,
        "had_document": _has(document),
    }
    form = "parameter" if is_value else "amendment"

    def work() -> str:
        check = FieldCheck(values)
        body: dict[str, Any] | None
        if is_value:
            name = check.choice("subject", "Parameter", SCALAR_PARAMETERS)
            number = check.integer("value", "Value", required=True, low=-(2**31), high=2**31)
            day = check.date("effective_from", "In force from", required=True)
            cited = check.text("source", "Legal source", required=True)
            body = {"effective_from": str(day), "value": number, "source": cited}
        else:
            name = check.text("subject", "Agreement id", required=True, max_length=128)
            day = check.date("effective_from", "In force from", required=True)
            changed = check.text("what", "What it changes", required=True)
            terms = _mapping(check, "text", "The amended agreement")
            body = {"effective_from": str(day), "what": changed, "agreement": terms}
        upload = _document(check, document)
        check.done()
        assert name is not None  # done() raised otherwise
        assert upload is not None
        entry_kind = "parameter_value" if is_value else "agreement_amendment"
        return _entered(ctx, values, entry_kind, name, body, upload, "subject")

    try:
        return act("/law", work)
    except FormError as exc:
        return _again(request, ctx, form, exc)
