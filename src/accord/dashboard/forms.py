"""Forms that keep what was typed and put each error beside its field (issue 21).

The pattern (GOV.UK Design System): a form whose input is refused comes back as the same
page, HTTP 400, with an error summary at the top (each message a link to its field), each
message beside its field, and every field holding what the user typed. Nothing is written.

A form route:

    def work() -> str:
        check = FieldCheck(values)                 # what was typed, field name -> text
        day = check.date("effective_from", "In force from", required=True)
        check.done()                               # raises FormError if any field failed
        with ctx.write() as session:
            ...                                    # a service InputError naming a field:
        return "Recorded."                         # raise field_error(exc, "subject", values)

    try:
        return act("/law", work)                   # act() lets FormError through
    except FormError as exc:
        return render_form_errors(request, ctx, "law.html", errors=exc.errors,
                                  values=exc.values, **page_context)

Templates read `errors` and `values` (render() always defines both, empty) and use the
macros of templates/_forms.html. A form whose page comes from a GET route re-renders it with
`page_again(request, exc, get_view, ctx=ctx, ...)`. Routes take form fields as plain `str`
(length-capped) and check them here: a FastAPI validation error cannot re-render the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from accord.api.deps import Ctx
from accord.errors import AccordError, InputError
from accord.limits import FIRST_DAY, LAST_DAY


class FormError(InputError):
    """A form's field-level problems: `errors` field -> message (in the form's order) and
    `values` field -> what was typed. An InputError, so a route that does not catch it
    still shows its messages as one line."""

    def __init__(self, errors: Mapping[str, str], values: Mapping[str, Any] | None = None):
        self.errors: dict[str, str] = dict(errors)
        self.values: dict[str, Any] = dict(values or {})
        super().__init__("; ".join(self.errors.values()) or "the form has a problem")


def render_form_errors(
    request: Request,
    ctx: Ctx,
    template: str,
    *,
    errors: Mapping[str, str],
    values: Mapping[str, Any],
    status: int = 400,
    **context: Any,
) -> Response:
    """The page again, with the typed values and each error beside its field (HTTP 400)."""
    from accord.dashboard.pages import render  # pages imports nothing from here

    return render(
        request, ctx, template, status=status, errors=dict(errors), values=dict(values), **context
    )


def page_again(
    request: Request, exc: FormError, view: Callable[..., Response], *args: Any, **kwargs: Any
) -> Response:
    """The GET page `view` again (called with `request`, *args, **kwargs as its route would
    be), showing `exc`'s errors and typed values, HTTP 400: for a form whose page is built
    by a GET route. render() reads the errors from the request (`request.state`)."""
    request.state.form_errors = dict(exc.errors)
    request.state.form_values = dict(exc.values)
    response = view(request, *args, **kwargs)
    response.status_code = 400
    return response


def field_error(exc: AccordError, field: str, values: Mapping[str, Any]) -> FormError:
    """A service's refusal shown beside the field it is about (`field`), e.g. an unknown
    order id raised by enter_law. Use `raise field_error(exc, "order_id", values) from exc`."""
    if isinstance(exc, FormError):
        return exc
    named = getattr(exc, "field", None)  # CaseFileError names its field
    return FormError({str(named or field): str(exc)}, values)


class FieldCheck:
    """Collects every field's problem in one pass (so the user sees all of them at once).

    Each method returns the field's value converted, or None when it failed or is empty;
    `done()` raises FormError with all the problems found, in the order they were checked.
    """

    def __init__(self, values: Mapping[str, Any]):
        self.values: dict[str, Any] = dict(values)
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(
        self, name: str, label: str, *, required: bool = False, max_length: int = 4000
    ) -> str | None:
        raw = str(self.values.get(name) or "")
        value = raw.strip()
        if "\x00" in raw:
            self.fail(name, f"{label} must not contain a NUL character")
        elif not value:
            if required:
                self.fail(name, f"Enter {_lower(label)}")
            return None
        elif len(raw) > max_length:
            self.fail(name, f"{label} must be {max_length:,} characters or fewer")
        else:
            return value
        return None

    def choice(
        self, name: str, label: str, options: Iterable[str], *, required: bool = True
    ) -> str | None:
        value = str(self.values.get(name) or "").strip()
        if not value:
            if required:
                self.fail(name, f"Select {_lower(label)}")
            return None
        if value not in set(options):
            self.fail(name, f"Select {_lower(label)} from the list")
            return None
        return value

    def integer(
        self,
        name: str,
        label: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        value = str(self.values.get(name) or "").strip()
        if not value:
            if required:
                self.fail(name, f"Enter {_lower(label)}")
            return None
        try:
            number = int(value)
        except ValueError:
            self.fail(name, f"{label} must be a whole number")
            return None
        if low is not None and number < low:
            self.fail(name, f"{label} must be {low} or more")
            return None
        if high is not None and number > high:
            self.fail(name, f"{label} must be {high} or less")
            return None
        return number

    def date(self, name: str, label: str, *, required: bool = False) -> dt.date | None:
        value = str(self.values.get(name) or "").strip()
        if not value:
            if required:
                self.fail(name, f"Enter {_lower(label)}")
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.fail(name, f"{label} must be a real date, for example 2026-03-27")
            return None
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail(name, f"{label} must be between {FIRST_DAY} and {LAST_DAY}")
            return None
        return day

    def moment(self, name: str, label: str, *, required: bool = False) -> dt.datetime | None:
        """A datetime-local field (no zone), read as UTC; or an ISO time with a zone."""
        value = str(self.values.get(name) or "").strip()
        if not value:
            if required:
                self.fail(name, f"Enter {_lower(label)}")
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(name, f"{label} must be a date and time, for example 2026-03-27T14:30")
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

    def done(self) -> None:
        if self.errors:
            raise FormError(self.errors, self.values)


def _lower(label: str) -> str:
    """'Order id' -> 'order id' for 'Enter order id' (an all-capital word such as 'YAML'
    stays)."""
    first, _, rest = label.partition(" ")
    if first.isupper() and len(first) > 1:
        return label
    return (first[:1].lower() + first[1:] + (" " + rest if rest else "")).strip()
