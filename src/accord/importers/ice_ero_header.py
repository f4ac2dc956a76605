"""Find and read the header of an ICE ERO export: columns recognised by name, not position.

ICE's productions differ: the banner above the header, the order of the columns, extra
columns (Area of Responsibility, Final Charge, ...). A column is recognised by its name,
compared without case or runs of blanks; one that is not recognised is ignored and named
in the summary. A file without a column the importer needs is refused with the list of
what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord.errors import ImportFormatError

Column = Literal["departed", "birth_date", "gender", "country", "event", "conviction", "category"]

# Each column the importer reads, by the names ICE's productions give it (the first is ICE's
# name in the Seattle export and the one error messages use).
COLUMN_NAMES: dict[Column, tuple[str, ...]] = {
    "departed": ("Departed Date",),
    "birth_date": ("Date of Birth",),
    "gender": ("Gender",),
    "country": ("Country of Citizenship", "Citizenship Country"),
    "event": ("Event Number",),
    "conviction": ("Most Serious Conviction",),
    "category": ("Case Category",),
}
# Without these a row proves nothing the importer can date or map.
REQUIRED: tuple[Column, ...] = ("departed", "country", "category")
_MIN_RECOGNISED = 2  # a banner line names at most one column by accident


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


_BY_NAME: dict[str, Column] = {
    _normal(name): column for column, names in COLUMN_NAMES.items() for name in names
}


@dataclass(frozen=True)
class Header:
    """Where each recognised column is, and which columns are ignored."""

    index: int  # of the header among the file's records
    line: int
    width: int
    positions: dict[Column, int]
    ignored: tuple[str, ...]

    def cell(self, row: list[str], column: Column) -> str:
        position = self.positions.get(column)
        return row[position].strip() if position is not None else ""


def find_header(path: Path, records: list[tuple[int, list[str]]]) -> Header:
    """The first record naming at least two known columns; ImportFormatError if none, or if
    it lacks a needed column or names one twice."""
    for index, (line, row) in enumerate(records):
        recognised = [_BY_NAME.get(_normal(cell)) for cell in row]
        if sum(column is not None for column in recognised) < _MIN_RECOGNISED:
            continue
        positions: dict[Column, int] = {}
        ignored: list[str] = []
        for position, (cell, column) in enumerate(zip(row, recognised, strict=True)):
            if column is None:
                if cell.strip():
                    ignored.append(cell.strip())
                continue
            if column in positions:
                raise ImportFormatError(
                    f"{path}:{line}: header names the column '{COLUMN_NAMES[column][0]}' twice"
                )
            positions[column] = position
        missing = [COLUMN_NAMES[c][0] for c in REQUIRED if c not in positions]
        if missing:
            raise ImportFormatError(
                f"{path}:{line}: header lacks the column(s) {', '.join(missing)} "
                f"(it has {', '.join(cell.strip() for cell in row if cell.strip())})"
            )
        return Header(index, line, len(row), positions, tuple(ignored))
    scanned = records[-1][0] if records else 0
    needed = ", ".join(COLUMN_NAMES[c][0] for c in REQUIRED)
    raise ImportFormatError(
        f"{path}: no header line naming the columns {needed} in its {scanned} lines; "
        "not an ICE ERO removals export"
    )
