"""`accord rules list|show`: the rule catalogue, and everything one rule rests on.

`show` gathers, for one rule: what it passes when and its citations; everything
it declares it depends on (Rule.reads, parameters, court_orders, law_tables:
tests/test_rule_declarations.py checks each declaration against what the rule
reads): the fact lists, each law parameter with its dated values and their
sources, each class-wide court order with its citation and dated events, each
dated law table with its dated entries and sources; the pathways (and, for an
agreement term, the agreements) that apply it; and the scenarios of
law/scenarios/ that exercise it. Everything is read from the code and data the
engine itself uses, so what is shown is what decides.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing
from accord.engine import DecisionRequest
from accord.engine.request import every_bundled_request
from accord.errors import DataError, InputError
from accord.law.calendar import CALENDAR_CITATIONS, FIRST_YEAR, LAST_YEAR
from accord.law.catalogue import RULES, rule_ids_for, rules_for
from accord.law.dated_law import (
    CIRCUITS_FILE,
    TPS_FILE,
    StayRuleValue,
    circuits,
    tps_designations,
)
from accord.law.framework import Rule
from accord.pathways import PATHWAYS

rules_app = typer.Typer(no_args_is_help=True, help="The rule catalogue.")
out = Console()
# `show` prints long citations and sources: one logical line each, wrapped by the terminal
text_out = Console(soft_wrap=True, highlight=False)

KIND_LABEL = {"law": "law", "agreement": "agreement term"}


@rules_app.command("list")
def rules_list(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Every rule with its citations, effective dates and everything it reads."""
    rows = [
        (
            r.id,
            r.kind,
            r.passes_when,
            list(r.citations) or "the agreement's own term (its source is cited)",
            _in_effect(r),
            depends_on(r) or "-",
        )
        for r in RULES.values()
    ]
    columns = ("id", "kind", "passes when", "citations", "in effect", "reads")
    print_listing(out, Listing("Rule catalogue", columns, rows, show_lines=True), fmt)


def depends_on(rule: Rule) -> list[str]:
    """Everything the rule declares it reads, one line each, as the catalogue lists it."""
    return [
        *rule.reads,
        *(f"parameter {p}" for p in rule.parameters),
        *(f"court order {o}" for o in rule.court_orders),
        *(f"law table {t}" for t in rule.law_tables),
    ]


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="Rule id (accord rules list)")],
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """One rule: citations, dates, what it reads, who applies it, and its scenarios."""
    if fmt not in ("json", "table"):
        raise InputError(f"--format '{fmt}' is not one of: json, table")
    profile = rule_profile(rule_id)
    if fmt == "json":
        sys.stdout.write(json.dumps(profile, indent=2, ensure_ascii=False) + "\n")
        return
    _print_profile(profile)


def rule_profile(rule_id: str) -> dict[str, Any]:
    """Everything `accord rules show` prints about one rule, as JSON-ready data."""
    rule = RULES.get(rule_id)
    if rule is None:
        raise InputError(f"no rule '{rule_id}' (see accord rules list)")
    pathways, agreements = _applied_by(rule.id)
    return {
        "id": rule.id,
        "title": rule.title,
        "kind": rule.kind,
        "passes_when": rule.passes_when,
        "citations": list(rule.citations),
        "effective": {
            "from": rule.effective_from.isoformat(),
            "to": rule.effective_to.isoformat() if rule.effective_to else None,
        },
        "reads": list(rule.reads),
        "parameters": [_parameter(name) for name in rule.parameters],
        "court_orders": court_orders_read(rule),
        "law_tables": [law_table(name) for name in rule.law_tables],
        "pathways": pathways,
        "agreements": agreements,
        "scenarios": _scenario_summary(rule.id),
    }


# ---- parameters ---------------------------------------------------------------------------


@cache
def _parameter_data() -> dict[str, Any]:
    """law/data/parameters.yaml, the file law/parameters.py resolves values from."""
    text = (resources.files("accord.law") / "data" / "parameters.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise DataError("law/data/parameters.yaml must be a mapping")
    return data


def _parameter(name: str) -> dict[str, Any]:
    """One law parameter with every dated value and its source. A value period with several
    candidates (the third-country notice) lists each, with the basis it rests on."""
    entry = _parameter_data().get(name)
    if entry is None:
        raise DataError(f"a rule reads law parameter '{name}', not in law/data/parameters.yaml")
    values = []
    for v in sorted(entry["values"], key=lambda v: v["from"]):
        options = v.get("candidates", [v])
        for option in options:
            value = {k: _plain(x) for k, x in option.items() if k not in ("from", "source")}
            values.append(
                {
                    "from": _plain(v["from"]),
                    "value": value["value"] if set(value) == {"value"} else value,
                    "source": option.get("source", v.get("source")),
                }
            )
    return {"name": name, "title": entry.get("title"), "values": values}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# ---- court orders -------------------------------------------------------------------------


def court_orders_read(rule: Rule) -> list[dict[str, Any]]:
    """The class-wide court orders (law/data/court_orders/) the rule reads: the ids it names
    in `Rule.court_orders`, as it names its parameters, each as law/court_orders.py gives it,
    with the case's citation (each event carries its own source)."""
    if not rule.court_orders:
        return []
    from accord.law.court_orders import court_order  # reads and validates the order files

    records = []
    for order_id in rule.court_orders:
        order = court_order(order_id)
        citation = f"{order['title']}, {order['docket']} ({order['court']})"
        records.append({"id": order["id"], "citation": citation, **order})
    return records


# ---- dated law tables ---------------------------------------------------------------------


def law_table(name: str) -> dict[str, Any]:
    """One dated law table (framework.DATED_LAW_TABLES): where it comes from, the law behind
    it, and each entry's dated values with their sources."""
    describe = _LAW_TABLES.get(name)
    if describe is None:
        raise DataError(f"a rule reads law table '{name}', which `accord rules show` cannot show")
    return {"name": name, **describe()}


def _tps_designations() -> dict[str, Any]:
    return {
        "title": "TPS designations: the state of each country's designation from a day on",
        "data": f"law/data/{TPS_FILE}",
        "citations": ["8 U.S.C. 1254a(a)(1)(A), (b)(3), (d)(3)"],
        "entries": [
            {
                "key": code,
                "name": country.name,
                "values": [
                    {
                        "from": p.start.isoformat(),
                        "value": p.state if p.reason is None else f"{p.state}: {p.reason}",
                        "source": p.source,
                    }
                    for p in country.periods
                ],
            }
            for code, country in tps_designations().items()
        ],
    }


def _circuit_stay_rules() -> dict[str, Any]:
    def value(v: StayRuleValue) -> str:
        return f"automatic stay ({v.scope})" if v.automatic_stay else "no automatic stay"

    return {
        "title": "Courts of appeals whose rule stays removal while a stay motion is pending",
        "data": f"law/data/{CIRCUITS_FILE}",
        "citations": ["8 U.S.C. 1252(b)(3)(B)", "Nken v. Holder, 556 U.S. 418 (2009)"],
        "entries": [
            {
                "key": c.court,
                "name": ", ".join(c.aliases),
                "values": [
                    {"from": v.start.isoformat(), "value": value(v), "source": v.source}
                    for v in c.values
                ],
            }
            for c in circuits()
        ],
    }


def _non_business_days() -> dict[str, Any]:
    """The calendar is computed from the statute, not listed: its entries are not shown."""
    return {
        "title": (
            "The federal calendar: Saturdays, Sundays and legal public holidays "
            f"{FIRST_YEAR}-{LAST_YEAR}, each with the next business day"
        ),
        "data": "law/calendar.py, computed",
        "citations": list(CALENDAR_CITATIONS),
        "entries": [],
    }


_LAW_TABLES: dict[str, Callable[[], dict[str, Any]]] = {
    "tps_designations": _tps_designations,
    "circuit_stay_rules": _circuit_stay_rules,
    "non_business_days": _non_business_days,
}


# ---- who applies the rule -----------------------------------------------------------------


@cache
def _applications() -> tuple[tuple[str, str, str | None, tuple[str, ...]], ...]:
    """(agreement, pathway, facility, rule ids) for every request of `_requests`."""
    return tuple(
        (r.agreement_id, r.pathway, r.facility_id, tuple(rule_ids_for(r.context())))
        for r in every_bundled_request(dt.date.today())
    )


def _applied_by(rule_id: str) -> tuple[list[str], list[dict[str, str | None]]]:
    """(the pathways on which the rule is applied, for an agreement term the agreements,
    pathways and facilities whose terms add it)."""
    pathways = {p for _, p, _, ids in _applications() if rule_id in ids}
    agreements: list[dict[str, str | None]] = []
    if RULES[rule_id].kind == "agreement":
        seen = set()
        for agreement, pathway, facility, ids in _applications():
            if rule_id in ids and (agreement, pathway, facility) not in seen:
                seen.add((agreement, pathway, facility))
                agreements.append(
                    {"agreement": agreement, "pathway": pathway, "facility": facility}
                )
    return [p for p in PATHWAYS if p in pathways], agreements


# ---- scenarios ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scenario:
    file: str
    title: str
    failed: frozenset[str]
    unknown: frozenset[str]
    applied: frozenset[str]  # the rules the request applies, in effect on its date


@cache
def _scenarios() -> tuple[_Scenario, ...]:
    folder = resources.files("accord.law") / "scenarios"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            doc = yaml.safe_load(entry.read_text("utf-8"))
            expect, request = doc["expect"], DecisionRequest.from_mapping(doc["request"])
        except (yaml.YAMLError, KeyError, TypeError, InputError) as exc:
            raise DataError(f"scenario {entry.name} cannot be read: {exc}") from None
        in_effect, _ = rules_for(request.context())
        found.append(
            _Scenario(
                file=entry.name,
                title=str(doc.get("title", "")).strip(),
                failed=frozenset(expect.get("failed") or ()),
                unknown=frozenset(expect.get("unknown") or ()),
                applied=frozenset(r.id for r in in_effect),
            )
        )
    return tuple(found)


def _scenario_summary(rule_id: str) -> dict[str, Any]:
    """The scenarios that expect the rule to fail or be unknown, by file, and how many apply
    it without expecting either: there it passes, or (a rule that can be not applicable to
    the person, such as third_country_notice for a national) is not applicable."""
    scenarios = _scenarios()

    def listed(status: str) -> list[dict[str, str]]:
        return [
            {"file": s.file, "title": s.title}
            for s in scenarios
            if rule_id in (s.failed if status == "fail" else s.unknown)
        ]

    quiet = [s for s in scenarios if rule_id in s.applied and rule_id not in s.failed | s.unknown]
    return {
        "total": len(scenarios),
        "failed": listed("fail"),
        "unknown": listed("unknown"),
        "passes": len(quiet),
        "not_applied": sum(1 for s in scenarios if rule_id not in s.applied | s.failed | s.unknown),
    }


# ---- the text form ------------------------------------------------------------------------


def _in_effect(rule: Rule) -> str:
    return f"from {rule.effective_from}" + (f" to {rule.effective_to}" if rule.effective_to else "")


def _print_profile(p: dict[str, Any]) -> None:
    say = text_out.print
    say(f"[bold]{escape(p['id'])}[/bold]: {escape(p['title'])}")
    say(f"kind: {KIND_LABEL.get(p['kind'], p['kind'])}")
    say(f"passes when: {escape(p['passes_when'])}")
    effective = p["effective"]
    say(
        f"in effect: from {effective['from']}"
        + (f" to {effective['to']}" if effective["to"] else " (no end)")
    )
    say(
        "citations:"
        + ("" if p["citations"] else " none: the agreement's own term (its source is cited)")
    )
    for citation in p["citations"]:
        say(f"  - {escape(citation)}")
    say(f"reads fact lists: {', '.join(p['reads']) or 'none declared'}")
    say("law parameters:" + ("" if p["parameters"] else " none"))
    for param in p["parameters"]:
        say(f"  {param['name']}: {escape(param['title'] or '')}")
        for v in param["values"]:
            value = v["value"]
            shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
            say(f"    from {v['from']}: {escape(str(shown))} ({escape(str(v['source']))})")
    say("court orders:" + ("" if p["court_orders"] else " none"))
    for order in p["court_orders"]:
        _print_order(order)
    say("law tables:" + ("" if p["law_tables"] else " none"))
    for table in p["law_tables"]:
        _print_law_table(table)
    say(f"applied on pathways: {', '.join(p['pathways']) or 'none'}")
    for a in p["agreements"]:
        where = f"{a['pathway']}" + (f", facility {a['facility']}" if a["facility"] else "")
        say(f"  by agreement {a['agreement']} ({where})")
    s = p["scenarios"]
    say(f"scenarios ({s['total']} in law/scenarios/):")
    for status, label in (("failed", "fails"), ("unknown", "is unknown")):
        say(f"  {label} in {len(s[status])}" + (":" if s[status] else ""))
        for item in s[status]:
            say(f"    - {item['file']}: {escape(item['title'])}")
    say(
        f"  passes in {s['passes']} (applied, and expected neither failed nor unknown; "
        "a rule that can be not applicable to the person may be that there)"
    )
    say(f"  not applied in {s['not_applied']}")


def _print_order(order: dict[str, Any]) -> None:
    """One class-wide order (CourtOrder.as_record): case, class, each dated event."""
    say = text_out.print
    say(f"  - {order['id']}: {escape(order['citation'])}")
    say(f"    class: {escape(order['class_definition'])}")
    for event in order["events"]:
        extra = "; ".join(
            f"{k} {event[k]}" for k in ("effect", "stay", "expires_on", "by") if event.get(k)
        )
        line = f"{event['on']}: {event['kind']}, {event['what']}" + (f" ({extra})" if extra else "")
        say(f"    {escape(line)} [{escape(event['source'])}]")


def _print_law_table(table: dict[str, Any]) -> None:
    """One dated law table: its source, the law behind it, each entry's dated values."""
    say = text_out.print
    say(f"  - {table['name']}: {escape(table['title'])} ({escape(table['data'])})")
    say(f"    law: {escape('; '.join(table['citations']))}")
    for entry in table["entries"]:
        say(f"    {escape(entry['key'])} ({escape(entry['name'])}):")
        for v in entry["values"]:
            say(f"      from {v['from']}: {escape(v['value'])} [{escape(v['source'])}]")
