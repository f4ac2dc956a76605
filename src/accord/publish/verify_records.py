"""The part of the transparency report's offline check that reads the records folder, and
what both parts share (verify_bundle.py, beside this file, runs it). Standard library only.

The records folder (written by `accord publish --records`; Accord's publish/records.py says
what each file holds) names persons: it is for the audit bundle's holders, not the public.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

UTC = dt.timezone(dt.timedelta(0))  # dt.UTC is Python 3.11+
CUSTODY_IN = {"operations.handover_received"}
CUSTODY_OUT = {
    "operations.released",
    "operations.transferred",
    "operations.returned",
    "operations.died",
}
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Unreadable(Exception):
    """A folder or file that cannot be read (exit status 2)."""


class Mismatch(Exception):
    """A published figure the bundle does not give (exit status 1)."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utc_month(text: str) -> str:
    """YYYY-MM in UTC of an ISO 8601 time with an offset."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m")


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror or exc}") from None
    if not rows:
        raise Unreadable(f"{path}: empty")
    return rows[0], rows[1:]


# --- tables that rest on records (records.py writes them; docs/publish.md) -----------------
CONSULAR_OUTCOMES = [
    "notified in time",
    "notified late",
    "not notified, overdue at period end",
    "not notified, not yet due at period end",
]
RETURN_OUTCOMES = [
    "back within 30 days of the order",
    "back in 31 to 90 days",
    "back after more than 90 days",
    "not back by period end",
]
DAYS_OPEN = ["within 1 day", "2 to 7 days", "8 to 30 days", "over 30 days", "open at period end"]
NOT_KNOWN, OTHER, LARGEST_GROUPS = "not known", "other", 10


def _jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    except (OSError, ValueError) as exc:
        raise Unreadable(f"{path}: cannot be read ({exc})") from None


def read_records(folder: Path, head_seq: int, head_hash: str) -> dict[str, Any]:
    """The records folder of the report's head: links by (kind, id), the rest as lists."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise Unreadable(f"{folder}/manifest.json: cannot be read ({exc})") from None
    if (manifest.get("head_seq"), manifest.get("head_hash")) != (head_seq, head_hash):
        raise Mismatch(f"{folder}: records of head {manifest.get('head_seq')}, not {head_seq}")
    links: dict[tuple[str, int], int] = {}
    for link in _jsonl(folder / "links.jsonl"):
        links[(link["kind"], int(link["id"]))] = int(link["seq"])
    return {
        "links": links,
        "nationalities": {r["person_id"]: r for r in _jsonl(folder / "nationalities.jsonl")},
        "invoices": _jsonl(folder / "invoices.jsonl"),
    }


class Linked:
    """The audit entry that created a row some later entry names by id, checked once."""

    def __init__(self, by_seq: dict[int, dict[str, Any]], links: dict[tuple[str, int], int]):
        self.by_seq, self.links = by_seq, links
        self.used: dict[int, tuple[str, int]] = {}

    def entry(
        self, kind: str, row_id: int, action: str, subject: str | None
    ) -> dict[str, Any] | None:
        """None when no link is given: a row the report did not count (one it did count is
        then missing from a table, which its check finds)."""
        seq = self.links.get((kind, row_id))
        if seq is None:
            return None
        entry = self.by_seq.get(seq)
        if entry is None:
            raise Mismatch(f"records: {kind} {row_id} is linked to entry {seq}, after the head")
        if entry["action"] != action or (subject is not None and entry["subject"] != subject):
            raise Mismatch(
                f"records: {kind} {row_id} is linked to entry {seq}, "
                f"a {entry['action']} of {entry['subject']}"
            )
        if self.used.setdefault(seq, (kind, row_id)) != (kind, row_id):
            raise Mismatch(f"records: entry {seq} is linked to two rows")
        return entry


def _nationality(record: dict[str, Any], entry: dict[str, Any]) -> str:
    """The first nationality of the record's version, checked against its entry's digests."""
    written, named = record["written"], entry["change"].get("versions") or {}
    if {k: v[0] for k, v in written.items()} != named:
        raise Mismatch(f"records: nationalities of entry {entry['seq']} name other versions")
    if _sha256(_CANONICAL.encode(written)) != entry["change"].get("versions_digest"):
        raise Mismatch(f"records: the versions of entry {entry['seq']} do not give its digest")
    if _sha256(_CANONICAL.encode(record["rows"])) != written["nationalities"][2]:
        raise Mismatch(f"records: nationality rows of entry {entry['seq']} do not give its digest")
    rows = record["rows"] or []
    return str(rows[0]["country"]) if rows and rows[0].get("country") else NOT_KNOWN


def _top(counts: Counter[Any]) -> Counter[Any]:
    totals: Counter[str] = Counter()
    for (row, _), n in counts.items():
        totals[row] += n
    kept = set(sorted(totals, key=lambda r: (-totals[r], r))[:LARGEST_GROUPS])
    merged: Counter[Any] = Counter()
    for (row, month), n in counts.items():
        merged[(row if row in kept else OTHER, month)] += n
    return merged


def _bucket(days: float | None, edges: list[int], names: list[str]) -> str:
    if days is None:
        return names[-1]
    return next((names[i] for i, edge in enumerate(edges) if days <= edge), names[len(edges)])


def record_counts(
    entries: list[dict[str, Any]], records: dict[str, Any], months: list[str], deadline: int
) -> dict[str, Counter[Any]]:
    """The tables that rest on records, keyed (row, month), from the entries and records."""
    first, last = months[0], months[-1]
    end = dt.date(int(last[:4]) + int(last[5:]) // 12, int(last[5:]) % 12 + 1, 1)
    by_seq = {e["seq"]: e for e in entries}
    linked = Linked(by_seq, records["links"])
    found: dict[str, Counter[Any]] = {name: Counter() for name in RECORD_TABLES}
    latest: dict[str, dict[str, Any]] = {}  # person -> the facts.record naming their latest
    nominated: dict[str, dict[str, Any]] = {}  # case:N -> its nomination
    case_of = Cases(nominated, linked)
    moves: Counter[tuple[str, str]] = Counter()
    opened: dict[int, dict[str, Any]] = {}
    closed: dict[int, str] = {}
    back: dict[int, str] = {}
    notified: dict[int, str] = {}
    for entry in entries:
        action, change = entry["action"], entry["change"]
        if action == "facts.record" and "nationalities" in (change.get("versions") or {}):
            person = entry["subject"].split(":", 1)[1]
            known = latest.get(person)
            if (
                known is None
                or change["versions"]["nationalities"]
                > known["change"]["versions"]["nationalities"]
            ):
                latest[person] = entry
        elif action == "operations.nominated":
            nominated[entry["subject"]] = entry
        elif action in (
            "operations.incident_opened",
            "operations.return_opened",
            "operations.consular_task",
        ):
            opened[entry["seq"]] = entry
        elif action == "operations.incident_resolved" and entry["recorded_at"] < _iso(end):
            row = int(entry["subject"].split(":", 1)[1])
            start = linked.entry(
                "incident", row, "operations.incident_opened", f"case:{change['case_id']}"
            )
            if start is not None:
                closed[start["seq"]] = entry["recorded_at"]
        elif action == "operations.return_update" and change["status"] == "back_in_us_custody":
            if change["occurred_on"] < end.isoformat():
                row = int(entry["subject"].split(":", 1)[1])
                start = linked.entry("return_case", row, "operations.return_opened", None)
                if start is not None:
                    back[start["seq"]] = min(back.get(start["seq"], "9"), change["occurred_on"])
        elif action == "operations.consular_notified" and change["notified_on"] < end.isoformat():
            row = int(entry["subject"].split(":", 1)[1])
            task = linked.entry("consular_task", row, "operations.consular_task", None)
            if task is None:
                continue
            said = task["change"]
            if (said["person_id"], said["country"]) != (change["person_id"], change["country"]):
                raise Mismatch(f"records: entry {entry['seq']} notifies another task than {row}")
            notified[task["seq"]] = change["notified_on"]
        elif action == "operations.departed":
            month = _utc_month(change["occurred_at"])
            if first <= month <= last:
                _, pathway, destination = case_of.of(entry)
                found["transfers_by_pathway"][(pathway, month)] += 1
                found["transfers_by_destination"][(destination, month)] += 1
                person = change["person_id"]
                record = records["nationalities"].get(person)
                fact = latest.get(person)
                if fact is None:
                    country = NOT_KNOWN
                elif record is None or record["seq"] != fact["seq"]:
                    raise Mismatch(
                        f"records: no nationalities of {person} from entry {fact['seq']}"
                    )
                else:
                    country = _nationality(record, fact)
                found["transfers_by_nationality"][(country, month)] += 1
        if action in CUSTODY_IN or action in CUSTODY_OUT:
            month = _utc_month(change["occurred_at"])
            if month <= last:
                moves[(case_of.of(entry)[0], month)] += 1 if action in CUSTODY_IN else -1
    found["transfers_by_nationality"] = _top(found["transfers_by_nationality"])
    found["held_by_agreement"] = _held(moves, months)
    last_day = end - dt.timedelta(days=1)
    for seq, entry in opened.items():
        month = entry["recorded_at"][:7]
        if not first <= month <= last:
            continue
        at = dt.datetime.fromisoformat(entry["recorded_at"])
        if entry["action"] == "operations.incident_opened":
            done = closed.get(seq)
            days = (
                None
                if done is None
                else (dt.datetime.fromisoformat(done) - at).total_seconds() / 86400
            )
            found["incidents_days_open"][(_bucket(days, [1, 7, 30], DAYS_OPEN), month)] += 1
        elif entry["action"] == "operations.return_opened":
            on = back.get(seq)
            taken = (
                None
                if on is None
                else (
                    dt.date.fromisoformat(on) - dt.date.fromisoformat(entry["change"]["ordered_on"])
                ).days
            )
            found["return_cases"][(_bucket(taken, [30, 90], RETURN_OUTCOMES), month)] += 1
        else:
            due = at.date() + dt.timedelta(days=deadline)
            on = notified.get(seq)
            if on is not None:
                outcome = CONSULAR_OUTCOMES[0 if dt.date.fromisoformat(on) <= due else 1]
            else:
                outcome = CONSULAR_OUTCOMES[2 if due < last_day else 3]
            found["consular_notifications"][(outcome, month)] += 1
    return found


RECORD_TABLES = (
    "transfers_by_pathway",
    "transfers_by_destination",
    "transfers_by_nationality",
    "incidents_days_open",
    "return_cases",
    "consular_notifications",
    "held_by_agreement",
)


def _iso(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00.000000+00:00"


class Cases:
    """A case's agreement, pathway and destination: the request of the decision its
    nomination names (that decision's entry, found by the records' link)."""

    def __init__(self, nominated: dict[str, dict[str, Any]], linked: Linked) -> None:
        self.nominated, self.linked = nominated, linked
        self.known: dict[str, tuple[str, str, str]] = {}

    def of(self, entry: dict[str, Any]) -> tuple[str, str, str]:
        case = entry["subject"]
        if case in self.known:
            return self.known[case]
        nomination = self.nominated.get(case)
        if nomination is None:
            raise Mismatch(f"entry {entry['seq']}: {case} has no nomination up to the head")
        change = nomination["change"]
        decision = self.linked.entry(
            "decision", change["decision_record_id"], "decision.record",
            f"person:{change['person_id']}",
        )  # fmt: skip
        if decision is None:
            raise Mismatch(f"records: no link for decision {change['decision_record_id']}")
        if decision["change"]["outcome"] != change["details"].get("outcome"):
            raise Mismatch(f"records: entry {nomination['seq']} and its decision disagree")
        request = decision["change"]["request"]
        found = (request["agreement"], request["pathway"], request["destination"])
        self.known[case] = found
        return found


def _held(moves: Counter[tuple[str, str]], months: list[str]) -> Counter[Any]:
    held: Counter[Any] = Counter()
    for place in {p for p, _ in moves}:
        for month in months:
            held[(place, month)] = sum(
                n for (p, m), n in moves.items() if p == place and m <= month
            )
    return held


FEE_COLUMNS = ["invoices", "persons_billed", "custody_days_billed", "fees_invoiced_usd",
               "domestic_alternative_usd", "difference_usd"]  # fmt: skip


def fee_figures(
    entries: list[dict[str, Any]], records: dict[str, Any] | None, months: list[str]
) -> tuple[dict[str, dict[str, Any]], int | None]:
    """Per month (and 'period'): invoices and fees from the invoice entries; with records,
    persons and custody days from each invoice's lines, checked against its digest."""
    issued = {
        e["seq"]: e
        for e in entries
        if e["action"] == "billing.invoice_issued"
        and e["change"]["currency"] == "USD"
        and e["change"]["month"] in months
    }
    rows: dict[str, dict[str, Any]] = {
        m: {"invoices": 0, "fees": Decimal(0), "persons": set(), "days": 0} for m in months
    }
    for entry in issued.values():
        row = rows[entry["change"]["month"]]
        row["invoices"] += 1
        row["fees"] += Decimal(entry["change"]["total"])
    if records is not None:
        seen = set()
        for invoice in records["invoices"]:
            audited = issued.get(invoice["seq"])
            content = invoice["content"]
            digest = _sha256(_CANONICAL.encode(content))
            if audited is None or digest != audited["change"]["content_digest"]:
                raise Mismatch(f"records: invoice of entry {invoice['seq']} is not the one audited")
            seen.add(invoice["seq"])
            row = rows[content["month"]]
            row["persons"] |= {line["person_id"] for line in content["lines"]}
            row["days"] += sum(int(line["days_billed"]) for line in content["lines"])
        if seen != set(issued):
            raise Mismatch(f"records: invoices of entries {sorted(set(issued) - seen)} missing")
    everyone = set().union(*(r["persons"] for r in rows.values())) if rows else set()
    rows["period"] = {
        "invoices": sum(r["invoices"] for r in rows.values()),
        "fees": sum((r["fees"] for r in rows.values()), Decimal(0)),
        "persons": everyone,
        "days": sum(r["days"] for r in rows.values()),
    }
    return rows, (None if records is None else len(everyone))


def check_fees(
    report: Path, fees: dict[str, Any], rows: dict[str, dict[str, Any]], with_records: bool,
    threshold: int,
) -> int:  # fmt: skip
    """Published fee cells against the figures; the number checked."""
    name = f"{fees['name']}.csv"
    header, lines = _read_csv(report / name)
    per_diem = None if fees.get("per_diem_usd") is None else Decimal(fees["per_diem_usd"])
    cent = Decimal("0.01")
    checked = 0
    for line in lines:
        figures = rows.get(line[0])
        if figures is None:
            raise Mismatch(f"{name}: row '{line[0]}' is not a month of the report")
        fee = figures["fees"].quantize(cent)
        expected: dict[str, Any] = {"invoices": figures["invoices"], "fees_invoiced_usd": fee}
        if with_records:
            persons, days = len(figures["persons"]), figures["days"]
            expected |= {"persons_billed": persons, "custody_days_billed": days}
            if per_diem is not None:
                alternative = (per_diem * days).quantize(cent)
                expected |= {
                    "domestic_alternative_usd": alternative,
                    "difference_usd": fee - alternative,
                }
        for column, text in zip(header[1:], line[1:], strict=True):
            where = f"{name}, row '{line[0]}', column '{column}'"
            if text == "" or column not in expected:
                continue
            if Decimal(text) != expected[column]:
                raise Mismatch(f"{where}: published {text}, the bundle gives {expected[column]}")
            if column == "persons_billed" and 0 < expected[column] < threshold:
                raise Mismatch(f"{where}: {text} is below the threshold and published")
            checked += 1
    return checked
