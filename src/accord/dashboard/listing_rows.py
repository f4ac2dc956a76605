"""A list computed in Python (reconcile's violations, impact's persons, the open court-order
alerts) filtered, sorted, paged and downloaded as every list in SQL is (listing.py).

The same `Listing` of columns describes it, and the same `Page` comes back, so the page uses
the same `_listing.html` macros and query parameters; only the rows are a list of dicts (one
key per column) instead of a SELECT:

    page = listing_rows.page(VIOLATIONS, rows, request.query_params, masked=..., pid=...)
    listing_rows.csv_response(VIOLATIONS, ctx, rows, request.query_params, filename="...")

or both in one, audited either way (what a list page does):

    shown = listing_rows.page_or_csv(VIOLATIONS, ctx, rows, request.query_params,
                                     filename="...", audit=("read.x", "subject"))
    if not isinstance(shown, Page):
        return shown   # the CSV download

The semantics are the SQL ones: a Choice or Exact equals the value, a Text contains it (or
starts with it) case-insensitively, a DateRange bounds the day (a time by its UTC day);
the sort puts empty cells last whichever the direction, ties broken by the `unique` column;
masked columns are neither filtered nor sorted for analysts. A column's `where` or `expr`
(SQL expressions) cannot apply here: such a listing is refused when used.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fastapi.responses import StreamingResponse

from accord.api.deps import Ctx
from accord.dashboard import listing_csv
from accord.dashboard.listing import (
    DateRange,
    Exact,
    Listing,
    Masker,
    Page,
    Text,
    page_number,
    wants_csv,
)

Row = Mapping[str, Any]


def page(
    listing: Listing,
    rows: Sequence[Row],
    params: Mapping[str, str],
    *,
    masked: bool = False,
    pid: Masker | None = None,
    keep: Sequence[str] = (),
) -> Page:
    """One page of the filtered, sorted rows, with the total (a page past the end: the last)."""
    found = _filtered_sorted(listing, rows, params, masked=masked)
    total = len(found)
    pages = max(1, math.ceil(total / listing.page_size))
    number = min(page_number(params.get("page", "")), pages)
    start = (number - 1) * listing.page_size
    shown = [dict(r) for r in found[start : start + listing.page_size]]
    filters = listing.filters(params, masked=masked)
    sort = listing.sort(params, masked=masked)
    extra = {k: params[k] for k in keep if params.get(k)}
    return Page(listing, shown, total, number, pages, sort, filters, masked, extra, pid)


def csv_text(
    listing: Listing,
    rows: Sequence[Row],
    params: Mapping[str, str],
    *,
    masked: bool = False,
    pid: Masker | None = None,
) -> Iterator[str]:
    """The whole filtered list as CSV in the page's order (header first, CRLF row ends,
    formula-safe cells, masked ids for analysts), as listing.py's download writes it."""
    columns = [c for c in listing.columns if c.csv and not c.hidden]
    found = _filtered_sorted(listing, rows, params, masked=masked)
    yield listing_csv.header([c.label for c in columns])
    masking = listing_csv.masked_csv_value(pid) if masked and pid is not None else None
    cells = [masking if (c.mask and masking) else listing_csv.csv_value for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for start in range(0, len(found), listing_csv.CSV_BATCH):
        batch = found[start : start + listing_csv.CSV_BATCH]
        writer.writerows(
            [
                [cell(row.get(c.key)) for c, cell in zip(columns, cells, strict=True)]
                for row in batch
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(
    listing: Listing,
    ctx: Ctx,
    rows: Sequence[Row],
    params: Mapping[str, str],
    *,
    filename: str,
    audit: tuple[str, str] | None = None,
    audit_details: Mapping[str, Any] | None = None,
) -> StreamingResponse:
    """The download, checked (bad input: an error page, never half a file) and audited before
    the first byte."""
    from accord.dashboard.pages import masker

    filters = listing.filters(params, masked=ctx.masked)
    listing.sort(params, masked=ctx.masked)
    if audit is not None:
        ctx.audit_read(audit[0], audit[1], format="csv", **{**(audit_details or {}), **filters})
    chunks = list(csv_text(listing, rows, params, masked=ctx.masked, pid=masker(ctx)))
    return StreamingResponse(
        iter(chunks),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def page_or_csv(
    listing: Listing,
    ctx: Ctx,
    rows: Sequence[Row],
    params: Mapping[str, str],
    *,
    filename: str,
    audit: tuple[str, str],
    audit_details: Mapping[str, Any] | None = None,
    keep: Sequence[str] = (),
) -> Page | StreamingResponse:
    """`?format=csv`: the download (audited with format=csv and the filters); otherwise the
    page, as the user must see it (masked for analysts), audited with the rows shown, the
    total and the filters. `audit_details` go into either entry."""
    from accord.dashboard.pages import masker

    if wants_csv(params):
        return csv_response(
            listing, ctx, rows, params, filename=filename, audit=audit, audit_details=audit_details
        )
    shown = page(listing, rows, params, masked=ctx.masked, pid=masker(ctx), keep=keep)
    ctx.audit_read(
        *audit,
        **(audit_details or {}),
        count=len(shown.rows),
        total=shown.total,
        **shown.filters,
    )
    return shown


# --- filtering and sorting ------------------------------------------------------------------


def _filtered_sorted(
    listing: Listing, rows: Sequence[Row], params: Mapping[str, str], *, masked: bool
) -> list[Row]:
    for column in listing.columns:
        if column.where is not None or column.expr is not None:
            raise ValueError(f"column '{column.key}' has an SQL condition: not a list of rows")
    filters = listing.filters(params, masked=masked)
    sort = listing.sort(params, masked=masked)
    kept = [row for row in rows if _matches(listing, row, filters)]
    return _sorted(listing, kept, sort)


def _matches(listing: Listing, row: Row, filters: Mapping[str, str]) -> bool:
    for column in listing.columns:
        spec = column.filter
        value = row.get(column.key)
        if spec is None:
            continue
        if isinstance(spec, DateRange):
            start, end = filters.get(f"{column.key}_from"), filters.get(f"{column.key}_to")
            if start is None and end is None:
                continue
            day = _day(value)
            if day is None:
                return False
            if start is not None and day < dt.date.fromisoformat(start):
                return False
            if end is not None and day > dt.date.fromisoformat(end):
                return False
            continue
        if column.key not in filters:
            continue
        wanted = filters[column.key]
        if value is None:
            return False
        if isinstance(spec, Text):
            text, typed = str(value).lower(), wanted.lower()
            if not (text.startswith(typed) if spec.prefix else typed in text):
                return False
        elif isinstance(spec, Exact) and spec.whole:
            if not isinstance(value, int) or value != int(wanted):
                return False
        elif str(value) != wanted:  # a Choice, an Exact text
            return False
    return True


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _sorted(listing: Listing, rows: list[Row], sort: str) -> list[Row]:
    """Sorted by `sort` (empty cells last either way), ties by the unique column (ascending,
    unless the sort is the unique column descending): what listing.Listing.ordered does.
    Python's sort is stable, also reversed: ties keep the unique column's order."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    unique = listing.unique
    by_unique = sorted(
        rows, key=lambda r: _order_key(r.get(unique)), reverse=descending and key == unique
    )
    present = [r for r in by_unique if r.get(key) is not None]
    empty = [r for r in by_unique if r.get(key) is None]
    present.sort(key=lambda r: _order_key(r.get(key)), reverse=descending)
    return present + empty


def _order_key(value: Any) -> Any:
    """A key that orders one column's values: numbers as numbers, times as UTC instants,
    anything else as its text (never a comparison between unlike types)."""
    if value is None:
        return (1, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, dt.datetime):
        return (0, value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC))
    if isinstance(value, dt.date):
        return (0, value)
    return (0, str(value))


__all__ = ["csv_response", "csv_text", "page", "page_or_csv"]
