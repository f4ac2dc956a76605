#!/usr/bin/env python3
"""Check an Accord transparency report against the offline audit bundle of its head.

    python3 verify_bundle.py REPORT_DIR AUDIT_BUNDLE_DIR [RECORDS_DIR]

Standard library only (Python 3.10+), one file. The report's `publication.json` names
the audit chain's head it was built from (sequence and hash). This script:

1. walks the bundle's `audit.jsonl` from entry 1 to that head, recomputing every entry's
   hash (the algorithm of the bundle's VERIFY.md), and requires the head's hash to be the
   one the report states;
2. recomputes, from those entries alone, every table the report marks as verifiable
   from the bundle (transfers by facility, decisions by outcome, rules failed most,
   boarding strikes, incidents by kind, counsel access, monitoring visits and findings,
   persons held at each facility, and the invoices and fees invoiced of the fee table);
3. with the records folder of the same head (RECORDS_DIR, or the bundle's `records/`,
   written by `accord publish --records`; records.py in Accord says what each holds),
   checks each record against the audit entry it belongs to (by digest, or by agreeing
   with the entry that names it) and recomputes the tables that rest on them: transfers by
   pathway, destination and nationality, incidents by days open, return cases, consular
   notifications, persons held by agreement, and persons and days billed;
4. requires every published cell of those tables to be the count they give, and every cell
   of 1 to threshold - 1 persons to be suppressed.

The rules failed most are checked from the rule ids each decision's entry names
(`failed_rules`). Entries written before Accord recorded them do not name them: if any
decision of the period is one, the table is said to be not checkable, never guessed.

Exit status 0: every check passed. 1: a check failed (the first line says which table,
row, column and both figures). 2: a folder or file cannot be read.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__:  # inside Accord
    from accord.publish.verify_records import (
        _CANONICAL,
        CUSTODY_IN,
        CUSTODY_OUT,
        Mismatch,
        Unreadable,
        _read_csv,
        _sha256,
        _top,
        _utc_month,
        check_fees,
        fee_figures,
        read_records,
        record_counts,
    )
else:  # run as a script in a report folder: the file beside this one (even with -I)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from verify_records import (  # type: ignore[import-not-found,no-redef]
        _CANONICAL,
        CUSTODY_IN,
        CUSTODY_OUT,
        Mismatch,
        Unreadable,
        _read_csv,
        _sha256,
        _top,
        _utc_month,
        check_fees,
        fee_figures,
        read_records,
        record_counts,
    )

GENESIS = "0" * 64
NONE = "(none)"
TOTAL, PERIOD = "total", "period"
RULES_TABLE = "rules_failed_most"
RULES_NOT_AUDITED = (
    "decisions recorded before failed rules were audited: their audit entries name the "
    "outcome and the digest of the inputs, not the rules failed"
)


def _entry_hash(entry: dict[str, Any]) -> str:
    fields = [
        entry["seq"],
        entry["recorded_at"],
        entry["actor"],
        entry["action"],
        entry["subject"],
        entry["change_digest"],
        entry["prev_hash"],
    ]
    if entry.get("credential") is not None:
        fields.append(entry["credential"])
    return _sha256(_CANONICAL.encode(fields))


def entries_to_head(bundle: Path, head_seq: int, head_hash: str) -> Iterator[dict[str, Any]]:
    """The bundle's entries 1..head_seq, each checked link by link; Mismatch at the first
    broken one, or if the chain ends before the head or has another hash there."""
    prev, expected = GENESIS, 1
    try:
        handle = (bundle / "audit.jsonl").open(encoding="utf-8")
    except OSError as exc:
        raise Unreadable(f"{bundle}/audit.jsonl: {exc.strerror or exc}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if expected > head_seq:
                break
            try:
                entry = json.loads(line)
            except ValueError:
                raise Unreadable(f"audit.jsonl line {number}: not JSON") from None
            if entry.get("seq") != expected or entry.get("prev_hash") != prev:
                raise Mismatch(f"audit.jsonl line {number}: the chain breaks at entry {expected}")
            if _sha256(entry["change"]) != entry["change_digest"]:
                raise Mismatch(f"entry {expected}: its change does not match its digest")
            if _entry_hash(entry) != entry["hash"]:
                raise Mismatch(f"entry {expected}: its hash does not match its fields")
            prev, expected = entry["hash"], expected + 1
            entry["change"] = json.loads(entry["change"])
            yield entry
    if expected <= head_seq:
        raise Mismatch(f"the bundle ends at entry {expected - 1}, before the head {head_seq}")
    if prev != head_hash:
        raise Mismatch(
            f"entry {head_seq} of the bundle has hash {prev}, the report states {head_hash}"
        )


def bundle_counts(entries: list[dict[str, Any]], months: list[str]) -> dict[str, Counter[Any]]:
    """Every verifiable table's counts, keyed (row, month), from the entries alone."""
    first, last = months[0], months[-1]
    found: dict[str, Counter[Any]] = {
        name: Counter()
        for name in (
            "transfers_by_facility",
            "decisions_by_outcome",
            "boarding_strikes",
            "incidents_by_kind",
            "counsel_access",
            "monitoring_visits",
            "monitoring_findings",
        )
    }
    moves: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        action, change = entry["action"], entry["change"]
        if action == "decision.record":
            month, key = entry["recorded_at"][:7], ("decisions_by_outcome", change["outcome"])
        elif action == "operations.incident_opened":
            month, key = entry["recorded_at"][:7], ("incidents_by_kind", change["kind"])
        elif action == "operations.counsel_access":
            month, key = _utc_month(change["occurred_at"]), ("counsel_access", change["kind"])
        elif action == "operations.monitoring_visit":
            month = change["visited_on"][:7]
            if first <= month <= last:
                facility = entry["subject"].split(":", 1)[1]
                found["monitoring_visits"][(facility, month)] += 1
                for severity, *_ in change["findings"]:
                    found["monitoring_findings"][(severity, month)] += 1
            continue
        elif action in ("operations.departed", "operations.struck"):
            month = _utc_month(change["occurred_at"])
            if action == "operations.departed":
                key = ("transfers_by_facility", change["facility_id"] or NONE)
            else:
                key = ("boarding_strikes", change["reason_code"] or NONE)
        elif action in CUSTODY_IN or action in CUSTODY_OUT:
            month = _utc_month(change["occurred_at"])
            if month <= last:
                step = 1 if action in CUSTODY_IN else -1
                moves[(change["facility_id"] or NONE, month)] += step
            continue
        else:
            continue
        if first <= month <= last:
            found[key[0]][(key[1], month)] += 1
    held: Counter[Any] = Counter()
    for place in {p for p, _ in moves}:
        for month in months:
            held[(place, month)] = sum(
                n for (p, m), n in moves.items() if p == place and m <= month
            )
    found["held_by_facility"] = held
    return found


def failed_rule_counts(entries: list[dict[str, Any]], months: list[str]) -> Counter[Any] | None:
    """Rules failed most, keyed (rule, month): each rule a decision of the period failed,
    the largest named and the rest `other`; None if a decision's entry does not name them."""
    first, last = months[0], months[-1]
    found: Counter[Any] = Counter()
    for entry in entries:
        month = entry["recorded_at"][:7]
        if entry["action"] != "decision.record" or not first <= month <= last:
            continue
        rules = entry["change"].get("failed_rules")
        if not isinstance(rules, list):
            return None
        for rule in rules:
            found[(rule, month)] += 1
    return _top(found)


def expected_grid(
    counts: Counter[Any], rows: list[str], months: list[str], flow: bool
) -> list[list[int]]:
    body = [[counts.get((row, m), 0) for m in months] for row in rows]
    if flow:
        body = [[*cells, sum(cells)] for cells in body]
    width = len(months) + (1 if flow else 0)
    return [*body, [sum(cells[j] for cells in body) for j in range(width)]]


def check_table(
    report: Path, table: dict[str, Any], counts: Counter[Any], months: list[str], threshold: int
) -> int:
    """The number of published cells checked; Mismatch at the first that differs."""
    name = table["name"]
    header, lines = _read_csv(report / f"{name}.csv")
    flow = PERIOD in header
    rows = [line[0] for line in lines]
    if not rows or rows[-1] != TOTAL:
        raise Mismatch(f"{name}.csv: the last row is not the total")
    unpublished = {r for (r, _), n in counts.items() if n and r not in rows}
    if unpublished:
        raise Mismatch(f"{name}.csv: the bundle has rows not published: {sorted(unpublished)}")
    grid = expected_grid(counts, rows[:-1], months, flow)
    checked = 0
    for r, line in enumerate(lines):
        for c, text in enumerate(line[1:]):
            expected = grid[r][c]
            where = f"{name}.csv, row '{rows[r]}', column '{header[c + 1]}'"
            if text == "":
                continue
            if not text.isdigit() or int(text) != expected:
                raise Mismatch(f"{where}: published {text}, the bundle gives {expected}")
            if table.get("small_cells_suppressed", True) and 0 < expected < threshold:
                raise Mismatch(f"{where}: {expected} is below the threshold and published")
            checked += 1
    return checked


def verify(report: Path, bundle: Path, records_dir: Path | None = None) -> str:
    """One line saying what matched; Mismatch or Unreadable otherwise."""
    try:
        publication = json.loads((report / "publication.json").read_text("utf-8"))
        provenance = publication["provenance"]
        head_seq, head_hash = int(provenance["head_seq"]), str(provenance["head_hash"])
        months, threshold = list(publication["months"]), int(provenance["threshold"])
        deadline = int(provenance.get("consular_deadline_days", 3))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(f"{report}/publication.json: cannot be read ({exc})") from None
    entries = list(entries_to_head(bundle, head_seq, head_hash))
    counts = bundle_counts(entries, months)
    if records_dir is None and (bundle / "records").is_dir():
        records_dir = bundle / "records"
    records = None if records_dir is None else read_records(records_dir, head_seq, head_hash)
    if records is not None:
        counts.update(record_counts(entries, records, months, deadline))
    rules = failed_rule_counts(entries, months)
    if rules is not None:
        counts[RULES_TABLE] = rules
    checked = tables = 0
    waiting, never = [], []
    for table in publication["tables"]:
        name = table["name"]
        if name == RULES_TABLE and rules is None:  # whatever the report says of it
            never.append(f"{name} ({RULES_NOT_AUDITED})")
        elif table.get("verified_from_audit_bundle") or (
            records is not None and table.get("verified_with_records")
        ):
            checked += check_table(report, table, counts[name], months, threshold)
            tables += 1
        elif table.get("verified_with_records"):
            waiting.append(name)
        else:
            never.append(f"{name} ({table.get('not_checkable_because') or 'not checkable'})")
    fees = publication.get("fees")
    if isinstance(fees, dict) and "name" in fees:
        rows, _ = fee_figures(entries, records, months)
        checked += check_fees(report, fees, rows, records is not None, threshold)
        tables += 1
        if records is None:
            waiting.append(f"{fees['name']} (persons, days and the domestic alternative)")
    said = (
        f"OK: {checked} published cells of {tables} tables are the counts of audit entries "
        f"1..{head_seq} (head {head_hash})"
        + (" and the records checked against them" if records is not None else "")
    )
    if waiting:
        said += f"; with the records folder also: {', '.join(waiting)}"
    if never:
        said += f"; not checkable offline: {'; '.join(never)}"
    return said


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(
            "usage: python3 verify_bundle.py REPORT_DIR AUDIT_BUNDLE_DIR [RECORDS_DIR]",
            file=sys.stderr,
        )
        return 2
    try:
        records = Path(argv[2]) if len(argv) == 3 else None
        print(verify(Path(argv[0]), Path(argv[1]), records))
    except Unreadable as exc:
        print(f"UNREADABLE: {exc}", file=sys.stderr)
        return 2
    except Mismatch as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
