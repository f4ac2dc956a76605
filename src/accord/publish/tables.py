"""The published tables: counts per category and month with their margins, and the fees.

A count table's CSV has one row per category and a `total` row, one column per month and,
for counts of events (flows), a `period` column; a hidden cell is empty. Its Frictionless
table schema names each field with a description and a unit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accord.publish.suppression import Cell, suppress

TOTAL = "total"
PERIOD = "period"
OTHER = "other"


@dataclass
class CountTable:
    """Counts of `unit` by category (`rows`) and month; `counts[(row, month)]`, 0 if absent."""

    name: str  # the file's stem
    title: str
    description: str
    label: str  # the first column's name: what a row is
    label_description: str
    unit: str
    months: list[str]
    rows: list[str]
    counts: dict[tuple[str, str], int]
    flow: bool = True  # events in a month (a period column), not a stock at its end
    suppressed: bool = True  # counts that concern persons
    verified: bool = False  # verify_bundle.py recomputes it from the audit bundle
    records: bool = False  # ... from the audit bundle and the records folder (records.py)
    not_checkable: str | None = None  # why verify_bundle.py cannot check it
    group: str | None = None  # tables that publish the same total row
    hidden: set[Cell] = field(default_factory=set)

    @property
    def columns(self) -> list[str]:
        return [*self.months, PERIOD] if self.flow else list(self.months)

    def grid(self) -> list[list[int]]:
        """Every cell with its margins: rows then the total row; months then the period."""
        body = [[self.counts.get((row, m), 0) for m in self.months] for row in self.rows]
        if self.flow:
            body = [[*cells, sum(cells)] for cells in body]
        width = len(self.columns)
        total = [sum(cells[j] for cells in body) for j in range(width)]
        return [*body, total]

    def suppress(self, threshold: int) -> None:
        if self.suppressed:
            self.hidden = suppress(self.grid(), threshold=threshold, row_margin=self.flow)

    def published(self) -> list[list[int | None]]:
        return [
            [None if (r, c) in self.hidden else value for c, value in enumerate(cells)]
            for r, cells in enumerate(self.grid())
        ]

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([self.label, *self.columns])
        for label, cells in zip([*self.rows, TOTAL], self.published(), strict=True):
            writer.writerow([label, *("" if v is None else v for v in cells)])
        return buffer.getvalue()

    def schema(self) -> dict[str, Any]:
        what = f"{self.unit} in the month (UTC)" if self.flow else f"{self.unit} at the month's end"
        fields: list[dict[str, Any]] = [
            {"name": self.label, "type": "string", "description": self.label_description}
        ]
        for month in self.months:
            fields.append(
                {
                    "name": month,
                    "type": "integer",
                    "description": f"{what}, {month}; empty where suppressed",
                    "unit": self.unit,
                    "constraints": {"minimum": 0},
                }
            )
        if self.flow:
            fields.append(
                {
                    "name": PERIOD,
                    "type": "integer",
                    "description": f"{self.unit} over the whole period; empty where suppressed",
                    "unit": self.unit,
                    "constraints": {"minimum": 0},
                }
            )
        return {"fields": fields, "primaryKey": [self.label], "missingValues": [""]}

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "unit": self.unit,
            "label": self.label,
            "columns": self.columns,
            "rows": [*self.rows, TOTAL],
            "cells": self.published(),
            "small_cells_suppressed": self.suppressed,
            "suppressed_cells": len(self.hidden),
            "verified_from_audit_bundle": self.verified,
            "verified_with_records": self.records,
            "not_checkable_because": self.not_checkable,
        }


def top_rows(counts: dict[tuple[str, str], int], keep: int) -> dict[tuple[str, str], int]:
    """The `keep` largest categories over the period as they are, the rest added as `other`."""
    totals: dict[str, int] = {}
    for (row, _), n in counts.items():
        totals[row] = totals.get(row, 0) + n
    kept = set(sorted(totals, key=lambda r: (-totals[r], r))[:keep])
    merged: dict[tuple[str, str], int] = {}
    for (row, month), n in counts.items():
        key = (row if row in kept else OTHER, month)
        merged[key] = merged.get(key, 0) + n
    return merged


def ordered_rows(counts: dict[tuple[str, str], int], known: list[str] | None = None) -> list[str]:
    """`known` categories in their order (all of them, so a zero row is published too), then
    any other seen, by name, with `other` last."""
    seen = {row for row, _ in counts}
    rows = list(known or [])
    rows += sorted(seen - set(rows) - {OTHER})
    if OTHER in seen:
        rows.append(OTHER)
    return rows


FEE_COLUMNS: list[tuple[str, str, str, str]] = [
    # name, type, unit, description
    ("invoices", "integer", "invoices", "invoices issued for the month"),
    ("persons_billed", "integer", "persons", "persons with at least one line on them"),
    ("custody_days_billed", "integer", "person-days", "days in custody billed"),
    ("fees_invoiced_usd", "number", "USD", "fees invoiced (invoice totals)"),
    (
        "domestic_alternative_usd",
        "number",
        "USD",
        "the same custody days at the ICE adult detention cost per bed-day",
    ),
    ("difference_usd", "number", "USD", "fees invoiced minus the domestic alternative"),
]


@dataclass
class FeeTable:
    """Fees invoiced per month (USD invoices) against the domestic per-diem alternative."""

    months: list[str]
    invoices: dict[str, int]
    persons: dict[str, int]  # distinct persons billed in the month
    persons_in_period: int
    days: dict[str, int]
    fees: dict[str, Decimal]
    per_diem: Decimal | None  # None: no figure in force for the period
    per_diem_source: str
    name: str = "fees_against_domestic_alternative"
    title: str = "Fees invoiced against the domestic per-diem alternative"
    hidden_months: set[str] = field(default_factory=set)
    hide_period: bool = False

    def suppress(self, threshold: int) -> None:
        """A month billed for fewer than `threshold` persons is withheld whole; the period's
        sums and one more month are then withheld as in any table with a total."""
        column = [[self.days.get(m, 0)] for m in self.months]
        column.append([sum(cells[0] for cells in column)])
        primary = {
            (i, 0) for i, m in enumerate(self.months) if 0 < self.persons.get(m, 0) < threshold
        }
        if 0 < self.persons_in_period < threshold:
            primary.add((len(self.months), 0))
        hidden = suppress(column, threshold=threshold, row_margin=False, primary=primary)
        self.hidden_months = {self.months[i] for i, _ in hidden if i < len(self.months)}
        self.hide_period = (len(self.months), 0) in hidden

    def _row(self, month: str | None) -> list[Any]:
        if month is None:
            invoices, persons = sum(self.invoices.values()), self.persons_in_period
            days, fees = sum(self.days.values()), sum(self.fees.values(), Decimal(0))
        else:
            invoices, persons = self.invoices.get(month, 0), self.persons.get(month, 0)
            days, fees = self.days.get(month, 0), self.fees.get(month, Decimal(0))
        fees = fees.quantize(Decimal("0.01"))
        if self.per_diem is None:
            return [invoices, persons, days, fees, None, None]
        alternative = (self.per_diem * days).quantize(Decimal("0.01"))
        return [invoices, persons, days, fees, alternative, fees - alternative]

    def published(self) -> list[tuple[str, list[Any]]]:
        rows: list[tuple[str, list[Any]]] = []
        for month in self.months:
            values = self._row(month)
            hide = month in self.hidden_months
            rows.append((month, [values[0], *([None] * 5 if hide else values[1:])]))
        values = self._row(None)
        rows.append((PERIOD, [values[0], *([None] * 5 if self.hide_period else values[1:])]))
        return rows

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["month", *(c[0] for c in FEE_COLUMNS)])
        for label, values in self.published():
            writer.writerow([label, *("" if v is None else str(v) for v in values)])
        return buffer.getvalue()

    def schema(self) -> dict[str, Any]:
        fields: list[dict[str, Any]] = [
            {
                "name": "month",
                "type": "string",
                "description": "the month invoiced (YYYY-MM), or 'period' for the whole period",
            }
        ]
        for name, kind, unit, description in FEE_COLUMNS:
            fields.append(
                {
                    "name": name,
                    "type": kind,
                    "unit": unit,
                    "description": f"{description}; empty where withheld (fewer persons billed "
                    "than the threshold)",
                }
            )
        return {"fields": fields, "primaryKey": ["month"], "missingValues": [""]}

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "columns": [c[0] for c in FEE_COLUMNS],
            "rows": [
                {
                    "month": label,
                    **{
                        c[0]: None if v is None else str(v)
                        for c, v in zip(FEE_COLUMNS, values, strict=True)
                    },
                }
                for label, values in self.published()
            ],
            "per_diem_usd": None if self.per_diem is None else str(self.per_diem),
            "per_diem_source": self.per_diem_source,
        }
