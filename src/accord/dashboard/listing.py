"""One interface for every list page: filter, sort, page with the total, and a CSV download.

How a list page uses it (the SQL does the filtering, sorting and paging):

    CASES = Listing(
        columns=(
            Column("id", "Case", numeric=True),
            Column("person_id", "Person", mask=True, href="/people/{person_id}"),
            Column("state", "State", filter=Choice(options), label_kind="case_state"),
            Column("nominated_at", "Nominated", filter=DateRange()),
        ),
        default_sort="-id",   # a column key; "-" for descending
        unique="id",          # a unique column: the tie-break that makes paging stable
        page_size=50,
    )

    statement = labelled(TransferCase.id, TransferCase.person_id, ...,  # one per key
                         nominated_by=User.name).join(...)
    if wants_csv(request.query_params):
        return CASES.csv_response(ctx, statement, request.query_params, filename="cases.csv",
                                  audit=("read.dashboard_cases_csv", "transfer cases"))
    page = CASES.page(ctx, statement, request.query_params)    # its own read transaction
    # or, beside other reads: CASES.apply(session, statement, params, masked=ctx.masked,
    #                                     pid=pages.masker(ctx))
    ctx.audit_read("read.dashboard_cases", "transfer cases", count=len(page.rows))
    render(..., page=page)

and in the template:

    {% from "_listing.html" import listing %}
    {{ listing(page, caption="Transfer cases", empty="No case.") }}
    (or listing_filters(page), listing_table(page, caption), listing_pager(page) apart)

Filters: Choice (a select of (value, label) options), Text (contains, or `prefix=True`),
Exact (equal; `whole=True` for a number) and DateRange (from/to). A Column's `where`
replaces the filter's condition (a set-based IN instead of a per-row subquery); `hidden`
columns are selected to sort on but neither shown nor downloaded; `keep=(...)` carries a
page's own parameters (a search box) in every link. A row of the table may be rendered by
the caller: `{% call(row) listing_table(page, "Caption") %}<td>...</td>{% endcall %}`.

The statement selects labelled columns (`.label(key)`), one per Column key (a column may
instead name its own `expr` to sort and filter on), without GROUP BY or DISTINCT. A page is
read in two steps: the keys of its rows (selecting only what the sort needs; a filtered
list counted in the same pass by a window count, the whole list by a count of its table),
then every column for those rows, so that per-row subqueries in the SELECT run for the rows
shown, whatever the offset.

Query parameters: `sort=key` or `sort=-key`, `page=N` (from 1), one per filter (`<key>`,
or `<key>_from` and `<key>_to` for a DateRange), `format=csv` for the download. A value the
listing cannot use (a filter choice it does not offer, a page that is not a number, a text
with control characters) is an InputError: one clear line on the error page. A page past
the end shows the last page.

`Page.rows` are dicts (key -> value); `Column.text(value, pid)` is what a cell shows (codes
by their labels, dates as dates, person ids through `pid`, the masker) and `Column.link`
the cell's href. Masked columns (person ids) are shown masked to analysts, in the page and
in the CSV, and are neither filtered nor sorted for them (an order or a prefix would tell
the ids). The CSV is the whole filtered list in the page's order, streamed from one read
transaction, each text cell that starts with = + - @ (or a tab or carriage return) prefixed
with a quote so that a spreadsheet does not run it as a formula; on PostgreSQL by COPY when
the cells allow (listing_csv.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import anyio
from fastapi.responses import StreamingResponse
from sqlalchemy import ColumnElement, DateTime, Select, func, select, text
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import Label
from starlette.concurrency import run_in_threadpool

from accord.api.deps import Ctx
from accord.dashboard import listing_csv
from accord.dashboard.labels import label
from accord.errors import InputError

TEXT_MAX = 128  # characters of a text filter
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
Masker = listing_csv.Masker
AnySelect = Select[*tuple[Any, ...]]  # a SELECT of any columns


@dataclass(frozen=True)
class Choice:
    """Equal to one of `options` ((value, label) pairs); an empty value means any."""

    options: Sequence[tuple[str, str]]
    any_label: str = "Any"


@dataclass(frozen=True)
class Text:
    """Contains the typed text, case-insensitively (`prefix=True`: starts with it)."""

    prefix: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Exact:
    """Equal to the typed value (`whole=True`: a whole number, e.g. a record's id)."""

    whole: bool = False
    hint: str = ""


@dataclass(frozen=True)
class DateRange:
    """On or after `<key>_from` and on or before `<key>_to` (either may be empty)."""


Filter = Choice | Text | Exact | DateRange


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sortable: bool = True
    filter: Filter | None = None
    expr: ColumnElement[Any] | None = None  # sort and filter on this, not the selected column
    numeric: bool = False
    mask: bool = False  # a person id: masked for analysts
    label_kind: str | None = None  # a code: shown by labels.label(label_kind, code)
    href: str | None = None  # e.g. "/people/{person_id}", values URL-quoted
    csv: bool = True
    hidden: bool = False  # selected to sort on (an order of urgency), neither shown nor in CSV
    # the filter's condition for a typed or chosen value, when not `expr` compared with it
    # (e.g. a set-based "IN (...)" instead of a per-row subquery)
    where: Callable[[str], ColumnElement[bool]] | None = None

    def text(self, value: Any, pid: Masker | None = None) -> str:
        """What a cell shows."""
        if value is None:
            return ""
        if self.mask and pid is not None:
            return pid(str(value))
        if self.label_kind is not None:
            return label(self.label_kind, str(value))
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    @property
    def filter_kind(self) -> str:
        """For the template: "choice", "text", "date_range" or ""."""
        spec = self.filter
        if isinstance(spec, Choice):
            return "choice"
        if isinstance(spec, Text | Exact):
            return "text"
        return "date_range" if isinstance(spec, DateRange) else ""

    def link(self, row: Mapping[str, Any], masked: bool = False) -> str | None:
        if self.href is None or (masked and self.mask):
            return None
        return self.href.format(**{k: quote(str(v), safe="") for k, v in row.items()})


@dataclass(frozen=True)
class Page:
    listing: Listing
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    sort: str  # the column key, "-" first when descending
    filters: dict[str, str]  # parameter -> value, only those set
    masked: bool
    extra: dict[str, str] = field(default_factory=dict)  # parameters kept in every link
    pid: Masker | None = None  # masks person ids (analysts)

    def cell(self, column: Column, row: Mapping[str, Any]) -> str:
        """What the cell of `column` in `row` shows (masked for analysts)."""
        return column.text(row.get(column.key), self.pid if self.masked else None)

    def link(self, column: Column, row: Mapping[str, Any]) -> str | None:
        return column.link(row, self.masked)

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.listing.page_size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.listing.page_size)

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns the table shows."""
        return tuple(c for c in self.listing.columns if not c.hidden)

    def sortable(self, column: Column) -> bool:
        return column.sortable and not (self.masked and column.mask)

    def filterable(self) -> list[Column]:
        return [c for c in self.listing.columns if c.filter and not (self.masked and c.mask)]

    def aria_sort(self, column: Column) -> str:
        if self.sort.lstrip("-") != column.key:
            return "none"
        return "descending" if self.sort.startswith("-") else "ascending"

    def query(self, **changes: str | int | None) -> str:
        """This page's query string ("?..."), with `changes` (None removes a parameter)."""
        params: dict[str, str] = {**self.extra, **self.filters}
        if self.sort != self.listing.default_sort:
            params["sort"] = self.sort
        if self.page != 1:
            params["page"] = str(self.page)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        if params.get("page") == "1":
            del params["page"]
        return "?" + urlencode(params) if params else "?"

    def sort_query(self, column: Column) -> str:
        """The header link: sort by this column, the other way round if it is the sort now."""
        key = f"-{column.key}" if self.sort == column.key else column.key
        return self.query(sort=key, page=None)

    def clear_query(self) -> str:
        """This list without its filters (sort and kept parameters stay)."""
        return self.query(page=None, **dict.fromkeys(self.filters))

    def csv_query(self) -> str:
        return self.query(page=None, format="csv")


@dataclass(frozen=True)
class Listing:
    columns: tuple[Column, ...]
    default_sort: str
    unique: str
    page_size: int = 50

    def __post_init__(self) -> None:
        keys = {c.key for c in self.columns}
        if self.default_sort.lstrip("-") not in keys or self.unique not in keys:
            raise ValueError("default_sort and unique must name columns")

    def column(self, key: str) -> Column:
        for found in self.columns:
            if found.key == key:
                return found
        raise KeyError(key)

    # --- parsing the query parameters -------------------------------------------------

    def filters(self, params: Mapping[str, str], *, masked: bool) -> dict[str, str]:
        """The filter parameters set (checked); masked columns are not filtered for analysts."""
        found: dict[str, str] = {}
        for column in self.columns:
            if column.filter is None or (masked and column.mask):
                continue
            names = (
                (f"{column.key}_from", f"{column.key}_to")
                if isinstance(column.filter, DateRange)
                else (column.key,)
            )
            for name in names:
                value = params.get(name, "").strip()
                if value:
                    found[name] = _checked(column, name, value)
        return found

    def sort(self, params: Mapping[str, str], *, masked: bool) -> str:
        wanted = params.get("sort", "") or self.default_sort
        if wanted == self.default_sort:
            return wanted  # the list's own order (by the real ids, also for analysts)
        key = wanted.lstrip("-")
        keys = {c.key: c for c in self.columns}
        if key not in keys or not keys[key].sortable or (masked and keys[key].mask):
            raise InputError(f"cannot sort this list by '{wanted[:40]}'")
        return wanted

    # --- SQL ----------------------------------------------------------------------------

    def _expr(self, statement: AnySelect, key: str) -> ColumnElement[Any]:
        column = self.column(key)
        if column.expr is not None:
            return column.expr
        selected = statement.selected_columns[key]
        return selected.element if isinstance(selected, Label) else selected

    def filtered(self, statement: AnySelect, filters: Mapping[str, str]) -> AnySelect:
        for column in self.columns:
            spec = column.filter
            if spec is None:
                continue
            if column.where is not None and column.key in filters:
                statement = statement.where(column.where(filters[column.key]))
                continue
            expr = self._expr(statement, column.key)
            if isinstance(spec, Choice) and column.key in filters:
                statement = statement.where(expr == filters[column.key])
            elif isinstance(spec, Exact) and column.key in filters:
                typed = filters[column.key]
                statement = statement.where(expr == (int(typed) if spec.whole else typed))
            elif isinstance(spec, Text) and column.key in filters:
                typed = filters[column.key].lower()
                lowered = func.lower(expr)
                statement = statement.where(
                    lowered.startswith(typed, autoescape=True)
                    if spec.prefix
                    else lowered.contains(typed, autoescape=True)
                )
            elif isinstance(spec, DateRange):
                if start := filters.get(f"{column.key}_from"):
                    statement = statement.where(expr >= _bound(expr, start, end=False))
                if end := filters.get(f"{column.key}_to"):
                    statement = statement.where(expr < _bound(expr, end, end=True))
        return statement

    def ordered(self, statement: AnySelect, sort: str) -> AnySelect:
        expr = self._expr(statement, sort.lstrip("-"))
        order = expr.desc() if sort.startswith("-") else expr.asc()
        tie = self._expr(statement, self.unique)
        tie_order = tie.desc() if sort == f"-{self.unique}" else tie.asc()  # ties: first up
        # nulls last on both backends (SQLite puts them first by default)
        return statement.order_by(None).order_by(order.nulls_last(), tie_order)

    def apply(
        self,
        session: Session,
        statement: AnySelect,
        params: Mapping[str, str],
        *,
        masked: bool = False,
        pid: Masker | None = None,
        keep: Sequence[str] = (),
    ) -> Page:
        """One page of the filtered, sorted list, with the total. `masked`/`pid`: the
        analyst's view (pages.masker(ctx)); `keep`: other query parameters of the page (a
        search box) to carry in the sort, pager and CSV links."""
        filters = self.filters(params, masked=masked)
        sort = self.sort(params, masked=masked)
        number = page_number(params.get("page", ""))
        _without_jit(session)
        where = self.filtered(statement, filters)
        # the page's keys first, selecting only what the sort needs; then every column for
        # those rows alone: a per-row subquery of the list (a nationality, a latest state)
        # runs for the rows shown, not for each of the rows an offset skips. A filtered list
        # is counted in the same pass (a window count: a search's matches found once); the
        # whole list apart (a count of the table alone, no join it does not need)
        unique = self._expr(statement, self.unique)
        windowed = where.whereclause is not None
        keyed = self.ordered(where, sort).with_only_columns(
            unique, *([func.count().over()] if windowed else []), maintain_column_froms=True
        )

        def keys_of(number: int) -> list[Any]:
            offset = (number - 1) * self.page_size
            return list(session.execute(keyed.offset(offset).limit(self.page_size)))

        if windowed:
            found = keys_of(number)
        else:
            total = int(session.scalar(_counted(where)) or 0)
            found = keys_of(min(number, max(1, math.ceil(total / self.page_size))))
        if windowed and found:
            total = int(found[0][1])
        elif windowed:  # an empty list, or a page past its end: the last page
            total = int(session.scalar(_counted(where)) or 0)
            if total and number > 1:
                found = keys_of(math.ceil(total / self.page_size))
        pages = max(1, math.ceil(total / self.page_size))
        number = min(number, pages)
        keys = [row[0] for row in found]
        fetched = session.execute(self.ordered(where.where(unique.in_(keys)), sort)) if keys else ()
        rows = [dict(r._mapping) for r in fetched]
        extra = {k: params[k] for k in keep if params.get(k)}
        return Page(self, rows, total, number, pages, sort, filters, masked, extra, pid)

    def page(self, ctx: Ctx, statement: AnySelect, params: Mapping[str, str], **kw: Any) -> Page:
        """`apply` in a read transaction of its own, masked as the user must see it."""
        from accord.dashboard.pages import masker

        with ctx.read() as session:
            return self.apply(session, statement, params, masked=ctx.masked, pid=masker(ctx), **kw)

    # --- CSV ----------------------------------------------------------------------------

    def csv_rows(
        self,
        session: Session,
        statement: AnySelect,
        params: Mapping[str, str],
        *,
        pid: Masker,
        masked: bool,
    ) -> Iterator[str]:
        """The whole filtered list as CSV text: the header row at once, then the rows a batch
        at a time, by PostgreSQL's COPY where it writes them as Python would, else from a
        server-side cursor (listing_csv.py)."""
        columns = [c for c in self.columns if c.csv and not c.hidden]
        yield listing_csv.header([c.label for c in columns])
        _without_jit(session)
        where = self.filtered(statement, self.filters(params, masked=masked))
        ordered = self.ordered(where, self.sort(params, masked=masked))
        keys = [c.key for c in columns]
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            session.execute(text("SET LOCAL work_mem = '64MB'"))  # sort the list in memory
            unmasked = not masked or not any(c.mask for c in columns)
            copied = listing_csv.copy_statement(ordered, keys) if unmasked else None
            if copied is not None:
                session.execute(text("SET LOCAL DateStyle = 'ISO, YMD'"))
                yield from listing_csv.copy_rows(connection, copied)
                return
        masks = [c.mask for c in columns]
        yield from listing_csv.python_rows(connection, ordered, keys, masks, pid)

    def csv_response(
        self,
        ctx: Ctx,
        statement: AnySelect,
        params: Mapping[str, str],
        *,
        filename: str,
        audit: tuple[str, str] | None = None,
        audit_details: Mapping[str, Any] | None = None,
    ) -> StreamingResponse:
        """The download: checked and audited before the first byte, then streamed from one
        read transaction (held open until the last row, or closed at once when the client
        goes away)."""
        from accord.dashboard.pages import masker

        pid = masker(ctx)
        filters = self.filters(params, masked=ctx.masked)  # bad input: an error page, not a
        self.sort(params, masked=ctx.masked)  # half-written file
        if audit is not None:
            details = {**(audit_details or {}), **filters}
            ctx.audit_read(audit[0], audit[1], format="csv", **details)

        def rows() -> Generator[str]:
            with ctx.read() as session:
                yield from self.csv_rows(session, statement, params, pid=pid, masked=ctx.masked)

        return StreamingResponse(
            _closed_when_done(rows()),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )


async def _closed_when_done(chunks: Generator[str]) -> AsyncIterator[str]:
    """`chunks` (a blocking generator holding a read transaction) pulled in worker threads,
    and closed as soon as the download ends, also when the client goes away mid-file: its
    read (a COPY still sending, a cursor) ends then, not when the garbage collector finds
    the abandoned generator, and its connection goes back to the pool."""
    try:
        while (chunk := await run_in_threadpool(next, chunks, None)) is not None:
            yield chunk
    finally:
        with anyio.CancelScope(shield=True):  # a cancelled download closes it too
            await run_in_threadpool(chunks.close)


def _without_jit(session: Session) -> None:
    """No JIT compilation for a list's reads on PostgreSQL (this transaction only): a page's
    per-row subqueries make the planner's cost estimate large enough to compile, which
    takes longer (half a second) than the query."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _counted(statement: AnySelect) -> Any:
    """SELECT count(*) with the statement's FROM and WHERE (its columns, some of them
    subqueries per row, are not computed to be counted)."""
    if getattr(statement, "_group_by_clauses", ()) or getattr(statement, "_distinct", False):
        return select(func.count()).select_from(statement.order_by(None).subquery())
    return statement.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)


def labelled(
    *attributes: QueryableAttribute[Any],
    **expressions: ColumnElement[Any] | QueryableAttribute[Any],
) -> AnySelect:
    """SELECT of a list's columns, each labelled by its key, so that a list states each
    column once: a mapped attribute by its own name (`TransferCase.id` as "id"), any other
    expression by its keyword (`nominated_by=User.name`, `status=case(...)`)."""
    return select(
        *(attribute.label(attribute.key) for attribute in attributes),
        *(expression.label(key) for key, expression in expressions.items()),
    )


def wants_csv(params: Mapping[str, str]) -> bool:
    return params.get("format", "") == "csv"


def _checked(column: Column, name: str, value: str) -> str:
    spec = column.filter
    if len(value) > TEXT_MAX or _CONTROL.search(value):
        raise InputError(f"{column.label}: at most {TEXT_MAX} characters, no control characters")
    if isinstance(spec, Choice) and value not in {v for v, _ in spec.options}:
        raise InputError(f"{column.label} '{value[:40]}' is not one this list offers")
    if isinstance(spec, Exact) and spec.whole and not (value.isdigit() and len(value) < 19):
        raise InputError(f"{column.label} '{value[:40]}': a whole number")
    if isinstance(spec, DateRange):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(f"{column.label} '{value[:40]}': use YYYY-MM-DD") from None
    return value


def _bound(expr: ColumnElement[Any], value: str, *, end: bool) -> dt.date | dt.datetime:
    """A date bound (end: the day after, compared with <); for a timestamp column, the
    start of that day in UTC."""
    day = dt.date.fromisoformat(value)
    if end and day < dt.date.max:
        day += dt.timedelta(days=1)
    kind = expr.type
    if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return day


def page_number(raw: str) -> int:
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000_000:
        raise InputError(f"page '{raw[:20]}': a whole number from 1")
    return int(raw)
