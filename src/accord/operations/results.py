"""What the operations services return: plain frozen dataclasses, safe to print or serve.

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py`, like this module.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Struck:
    """A passenger the boarding check struck, with the decision behind it."""

    case_id: int
    person_id: str
    outcome: str
    decision_record_id: int
    failed: tuple[dict[str, Any], ...]
    unknown: tuple[dict[str, Any], ...]

    def reasons(self) -> str:
        rules = [f"{r['rule']} failed ({r['citation']})" for r in self.failed]
        rules += [f"{r['rule']} unknown ({r['citation']})" for r in self.unknown]
        return "; ".join(rules)


@dataclass(frozen=True)
class BoardingResult:
    mission_number: str
    checked: int
    cleared: int
    struck: tuple[Struck, ...]
    departed: bool
    occurred_at: dt.datetime | None = None


@dataclass(frozen=True)
class HandoverClose:
    mission_number: str
    departed: int
    received: int
    returned_on_board: int
    incidents: tuple[int, ...] = field(default=())

    @property
    def balanced(self) -> bool:
        return not self.incidents


@dataclass(frozen=True)
class Violation:
    code: str
    subject: str
    message: str


@dataclass(frozen=True)
class ReconcileReport:
    checked: dict[str, int]
    violations: tuple[Violation, ...]

    @property
    def clean(self) -> bool:
        return not self.violations
