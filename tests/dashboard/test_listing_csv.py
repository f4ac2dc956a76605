"""The CSV download's two routes (listing_csv.py) write the same file: PostgreSQL's COPY,
with each cell made in SQL, against the Python route from a server-side cursor (the route
every download took before), row by row and byte by byte, on both backends; formulas
behind a quote, masked ids for analysts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Boolean, Numeric, String, Text, case, literal, null

from accord.dashboard import listing_csv, lists
from accord.dashboard.listing import AnySelect, Column, DateRange, Listing
from accord.db import read_session
from accord.db.models import UTCDateTime
from accord.registry.models import CURRENT_PERSONS
from accord.registry.search import people_statement
from page_reading import csv_rows

from .conftest import Api, Registry
from .people_data import PERSONS, load_people

PERSON = CURRENT_PERSONS.c.person_id
ODD_TEXT = 'says "no", then\nleaves\r\n@once'  # a quote, a comma, line breaks inside a cell


def _by_person(values: dict[str, Any], default: Any, kind: Any) -> Any:
    return case(
        *((person == PERSON, literal(value, kind)) for person, value in values.items()),
        else_=literal(default, kind) if default is not None else null(),
    )


def _statement(session: Any) -> AnySelect:
    """The people list with a cell of every kind the COPY route renders in SQL."""
    return people_statement(session).add_columns(
        _by_person(
            {
                "ve-001": dt.datetime(2025, 3, 10, 12, 0, 5, tzinfo=dt.UTC),
                "sv-001": dt.datetime(2025, 3, 10, 23, 59, 59, 120, tzinfo=dt.UTC),
            },
            None,
            UTCDateTime(),
        ).label("moment"),
        _by_person({"ve-001": True, "sv-001": False}, None, Boolean()).label("flag"),
        _by_person({"ve-002": Decimal("-12.50")}, Decimal("0.00"), Numeric(18, 2)).label("amount"),
        _by_person({"hn-001": ODD_TEXT, "gt-001": "", "sv-002": "+1 555"}, None, Text()).label(
            "note"
        ),
        _by_person({"co-001": "-5"}, "ok", String(8)).label("code"),
    )


WIDE = Listing(
    columns=(
        Column("person_id", "Person id", mask=True),
        Column("name", "Name"),
        Column("birth_date", "Date of birth", filter=DateRange()),
        Column("nationality", "Nationality", sortable=False),
        Column("latest_state", "Latest case"),
        Column("moment", "Moment", filter=DateRange()),
        Column("flag", "Flag"),
        Column("amount", "Amount"),
        Column("note", "Note"),
        Column("code", "Code"),
        Column("rank", "Match", csv=False),
    ),
    default_sort="person_id",
    unique="person_id",
)


def _both(
    registry: Registry, listing: Listing, params: dict[str, str], *, masked: bool = False
) -> tuple[str, str, bool]:
    """(what the download writes, what the Python route writes, whether COPY wrote it)."""
    pid = (lambda p: "masked-" + p[::-1]) if masked else (lambda p: p)
    with read_session(registry.engine) as session:
        statement = _statement(session)
        written = "".join(listing.csv_rows(session, statement, params, pid=pid, masked=masked))
    with read_session(registry.engine) as session:
        statement = _statement(session)
        columns = [c for c in listing.columns if c.csv and not c.hidden]
        where = listing.filtered(statement, listing.filters(params, masked=masked))
        ordered = listing.ordered(where, listing.sort(params, masked=masked))
        keys = [c.key for c in columns]
        python = listing_csv.header([c.label for c in columns]) + "".join(
            listing_csv.python_rows(
                session.connection(), ordered, keys, [c.mask for c in columns], pid
            )
        )
        copied = listing_csv.copy_statement(ordered, keys) is not None
    return written, python, copied


SHOWN = {  # the rows each set of parameters keeps
    "": len(PERSONS),
    "sort=-name": len(PERSONS),
    "birth_date_from=1990-01-01": 5,
    "moment_from=2025-03-10&moment_to=2025-03-10&sort=-moment": 2,  # a UTC timestamp bound
}


@pytest.mark.parametrize("query", list(SHOWN))
def test_the_copy_route_writes_what_the_python_route_writes(registry: Registry, query: str) -> None:
    load_people(registry)
    params = dict(p.split("=") for p in query.split("&")) if query else {}
    written, python, copied = _both(registry, WIDE, params)
    assert copied is True  # every column has an equal SQL rendering
    assert written == python  # byte by byte, so row by row
    rows = csv_rows(written)
    assert rows[0] == ["Person id", "Name", "Date of birth", "Nationality", "Latest case",
                       "Moment", "Flag", "Amount", "Note", "Code"]  # fmt: skip
    by_id = {r[0]: r for r in rows[1:]}
    assert len(by_id) == SHOWN[query]
    if "co-001" in by_id:
        assert by_id["co-001"][1] == '\'=HYPERLINK("http://x")'  # a formula behind a quote
        assert by_id["co-001"][9] == "'-5"
    if "ve-001" in by_id:
        assert by_id["ve-001"][5:8] == ["2025-03-10T12:00:05+00:00", "True", "0.00"]
        assert by_id["ve-001"][2] == "1990-01-01"
    if "sv-001" in by_id:
        assert by_id["sv-001"][5:7] == ["2025-03-10T23:59:59.000120+00:00", "False"]
    if "hn-001" in by_id:
        assert by_id["hn-001"][8] == ODD_TEXT  # the line breaks inside the cell are its own
    if "sv-002" in by_id:
        assert by_id["sv-002"][8] == "'+1 555"
    if "gt-001" in by_id:
        assert by_id["gt-001"][8] == ""


def test_masked_ids_take_the_python_route_and_stay_masked(registry: Registry) -> None:
    load_people(registry)
    written, python, _ = _both(registry, WIDE, {}, masked=True)
    assert written == python
    masked = [r[0] for r in csv_rows(written)[1:]]
    assert masked == ["masked-" + p[::-1] for p in sorted(p[0] for p in PERSONS)]


def test_a_column_without_an_equal_sql_rendering_takes_the_python_route(
    registry: Registry,
) -> None:
    load_people(registry)
    with_rank = Listing(
        columns=(*WIDE.columns[:-1], Column("rank", "Match")),  # a float: repr is not SQL's
        default_sort="person_id",
        unique="person_id",
    )
    written, python, copied = _both(registry, with_rank, {})
    assert copied is False
    assert written == python
    assert {r[-1] for r in csv_rows(written)[1:]} == {"1.0"}


@pytest.mark.parametrize("size", [1, 7, 64])
def test_row_ends_become_crlf_outside_quoted_cells_across_chunks(size: int) -> None:
    copy_out = 'a,"x\n""y"""\nb,"\n"\n"c\nd",e\n'  # as COPY writes it: LF row ends
    ends = listing_csv._CrlfRowEnds()
    rewritten = "".join(ends.rewrite(copy_out[i : i + size]) for i in range(0, len(copy_out), size))
    assert rewritten == 'a,"x\n""y"""\r\nb,"\n"\r\n"c\nd",e\r\n'


def test_the_download_through_the_app_is_the_same_for_every_list(api: Api) -> None:
    """Each list's download (COPY where it can, on PostgreSQL) equals its Python route."""
    from operations.people import departed_mission, venezuelan

    load_people(api.registry)
    departed_mission(api.registry, [venezuelan(1), venezuelan(2)])
    officer = api.call("mona", "GET", "/people", params={"format": "csv"}).text
    analyst = api.call("ana", "GET", "/people", params={"format": "csv"}).text
    with read_session(api.registry.engine) as session:
        statement = people_statement(session, bulk=True)
        python = "".join(
            lists.PEOPLE.csv_rows(session, statement, {}, pid=lambda p: p, masked=False)
        )
    assert officer == python
    rows = csv_rows(officer)
    assert rows[0] == ["Person id", "Name", "Date of birth", "Nationality", "Latest case"]
    assert next(r for r in rows if r[0] == "co-001")[1] == '\'=HYPERLINK("http://x")'
    masked = [r[0] for r in csv_rows(analyst)[1:]]
    assert len(masked) == len(rows) - 1
    assert all(re.fullmatch(r"[A-Za-z0-9:_-]+", m) for m in masked)
    assert not set(masked) & {r[0] for r in rows[1:]}
    cases = csv_rows(api.call("mona", "GET", "/cases", params={"format": "csv"}).text)
    assert [r[1] for r in cases[1:]] == ["ve-002", "ve-001"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", cases[1][7])
    with read_session(api.registry.engine) as session:
        statement = lists.cases_statement()
        keys = [c.key for c in lists.CASES.columns if c.csv and not c.hidden]
        expected = [r[:] for r in cases[1:]]
        ordered = lists.CASES.ordered(statement, "-id")
        python_cases = csv_rows(
            "".join(
                listing_csv.python_rows(
                    session.connection(), ordered, keys, [False] * len(keys), lambda p: p
                )
            )
        )
    assert python_cases == expected


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
def test_a_download_stopped_halfway_leaves_the_pool_usable(registry: Registry) -> None:
    """A client that goes away closes the stream mid-COPY: the server is told to stop,
    the read transaction ends, and the connection serves the next request."""
    from sqlalchemy import Integer, column, func, select, text

    n = column("n", Integer)
    series = func.generate_series(1, 300_000).table_valued(n).render_derived(name="series")
    numbers = Listing(
        columns=(Column("n", "Number"), Column("word", "Word")),
        default_sort="n",
        unique="n",
    )
    statement = select(series.c.n.label("n"), literal("=x", String).label("word"))
    assert listing_csv.copy_statement(numbers.ordered(statement, "n"), ["n", "word"]) is not None
    engine = registry.engine
    with read_session(engine) as session:
        stream = numbers.csv_rows(session, statement, {}, pid=lambda p: p, masked=False)
        first = [next(stream), next(stream)]
        stream.close()
    assert first[0] == "Number,Word\r\n"
    assert first[1].startswith("1,'=x\r\n2,'=x\r\n")
    assert len(first[1]) < 300_000  # a chunk, not the whole list
    with read_session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM users")).scalar()


def test_an_abandoned_download_closes_its_read_at_once() -> None:
    """The response's stream closes the generator holding the read transaction when the
    client goes away, not when the garbage collector finds it."""
    import anyio

    from accord.dashboard.listing import _closed_when_done

    closed: list[str] = []

    def chunks(name: str) -> Any:
        try:
            yield from ("header\r\n", "row 1\r\n", "row 2\r\n")
        finally:
            closed.append(name)

    async def read() -> list[str]:
        abandoned = _closed_when_done(chunks("abandoned"))
        first = await anext(abandoned)
        assert closed == []  # still open while the client reads
        await abandoned.aclose()  # what the server does when the client goes away
        return [first] + [chunk async for chunk in _closed_when_done(chunks("read to the end"))]

    got = anyio.run(read)
    assert got == ["header\r\n", "header\r\n", "row 1\r\n", "row 2\r\n"]
    assert closed == ["abandoned", "read to the end"]
