"""`accord court-orders list|show`: the class-wide court orders the engine applies.

`list` gives every order with its court, docket, title and how it stands on a date;
`show` gives one order's events with their sources, its class definition (as certified,
and in the words of the predicate the engine evaluates), the effect of each event, and
the rules that read it. Both read the bundled data (law/data/court_orders), or with
`--data` a folder of draft files, validated the same way: an invalid file is one line
and exit status 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing
from accord.errors import InputError
from accord.law.court_orders import CourtOrder, bundled_court_orders, load_court_orders

court_orders_app = typer.Typer(
    no_args_is_help=True, help="Class-wide court orders (law/data/court_orders)."
)
out = Console()
text_out = Console(soft_wrap=True, highlight=False)

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="How the orders stand on this day (default: today)")
]
Data = Annotated[
    Path | None,
    typer.Option("--data", help="A folder of court-order files to read instead of the bundled"),
]


def _day(as_of: str | None) -> dt.date:
    if as_of is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError:
        raise InputError(f"--as-of '{as_of}' is not a date in the form YYYY-MM-DD") from None


def _orders(data: Path | None) -> dict[str, CourtOrder]:
    if data is None:
        return bundled_court_orders()
    if not data.is_dir():
        raise InputError(f"--data {data}: not a folder")
    return load_court_orders(data)


@court_orders_app.command("list")
def court_orders_list(
    as_of: AsOf = None, data: Data = None, fmt: FormatOption = OutputFormat.TABLE
) -> None:
    """Every class-wide order: court, docket, title, and how it stands on the date."""
    day = _day(as_of)
    rows = [
        (order.id, order.court, order.docket, order.title, order.state_on(day).words())
        for order in _orders(data).values()
    ]
    columns = ("id", "court", "docket", "title", f"on {day}")
    title = f"Class-wide court orders on {day}"
    print_listing(out, Listing(title, columns, rows, show_lines=True), fmt)


@court_orders_app.command("show")
def court_orders_show(
    order_id: Annotated[str, typer.Argument(help="Court order id (accord court-orders list)")],
    as_of: AsOf = None,
    data: Data = None,
) -> None:
    """One order: its events and their sources, its class, its effects, the rules that read it."""
    orders = _orders(data)
    if order_id not in orders:
        raise InputError(f"no court order '{order_id}' (court orders: {', '.join(orders)})")
    order = orders[order_id]
    day = _day(as_of)

    def say(line: str) -> None:
        text_out.print(line, markup=True)

    say(f"[bold]{escape(order.title)}[/bold]  ({escape(order.id)})")
    say(f"court: {escape(order.court)}    docket: {escape(order.docket)}")
    say(f"on {day}: {escape(order.state_on(day).words())}")
    say("class, as defined:")
    say(f"  {escape(order.class_definition)}")
    say(f"  source: {escape(order.class_source)}")
    say("class, as Accord evaluates it (a fact not recorded makes the rule unknown):")
    say(f"  {escape(order.class_words())}")
    record = order.as_record()
    say(f"  facts read: {', '.join(record['facts_read'])}")
    say("events:")
    for ev in order.events:
        head = f"{ev.on} {ev.kind}: {ev.what}"
        if ev.by:
            head += f" ({ev.by})"
        say(f"  {escape(head)}")
        if ev.effect is not None:
            say(f"    effect: {escape(ev.effect.words())}")
        if ev.stay is not None:
            say(f"    stay: {ev.stay}")
        if ev.expires_on is not None:
            say(f"    last day in force: {ev.expires_on}")
        say(f"    source: {escape(ev.source)}")
    say(f"read by rules: {', '.join(order.rules_reading()) or 'none'}")
