"""Synthetic dockets: fact tables of made-up persons for tests, benchmarks and scale runs.

`synthetic_docket(n)` builds the tables of `n` made-up persons directly as Arrow
columns (numpy draws, no per-person Python loop), so a million persons take a few
seconds. The same seed gives the same tables. Every value is invented; no record
describes a real person.

Two profiles:

- `default` (builder.py): a mix tuned for tests and benchmarks, so that `custody_placement`
  to SV at CECOT under `sv-2025-offer` on 2025-03-16 gives a spread of outcomes. Tests
  depend on its exact tables: its draws do not change.
- `national` (national.py): calibrated to published figures on ICE's docket (nationality
  mix, final orders, convictions and their kinds, pending asylum claims, TPS, detention),
  each with its source in national.yaml; docs/synthetic.md lists them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from accord.facts.snapshot import write_snapshot
from accord.facts.tables import FactTables
from accord.synthetic.builder import Builder

__all__ = [
    "DEFAULT_AS_OF",
    "PROFILES",
    "person_id_width",
    "synthetic_docket",
    "synthetic_person_id",
    "write_synthetic_snapshot",
]

DEFAULT_AS_OF = dt.date(2025, 3, 16)
PROFILES = ("default", "national")


def person_id_width(persons: int) -> int:
    """Digits of the person numbers in a docket of `persons`: 7, or more for 10M and over."""
    return max(7, len(str(persons)))


def synthetic_person_id(number: int, persons: int) -> str:
    """The id synthetic_docket(persons) gives its person `number` (1 to persons)."""
    if not 1 <= number <= persons:
        raise ValueError(f"person {number} is not in a docket of {persons}")
    return f"syn-{number:0{person_id_width(persons)}d}"


def _builder(profile: str) -> type[Builder]:
    if profile == "default":
        return Builder
    if profile == "national":
        from accord.synthetic.national import NationalBuilder

        return NationalBuilder
    raise ValueError(f"profile '{profile}' is not one of: {', '.join(PROFILES)}")


def synthetic_docket(
    n: int, *, seed: int = 0, as_of: dt.date = DEFAULT_AS_OF, profile: str = "default"
) -> FactTables:
    """The fact tables of `n` synthetic persons (`syn-0000001`, ...), the same for the same
    seed and profile.

    Dates are spread around `as_of`: most facts lie before it, a few after it
    (not yet in force on that day), so the rules meet every kind of case.
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    builder = _builder(profile)
    return builder(n, seed, as_of, width=person_id_width(n)).build()


def write_synthetic_snapshot(
    n: int,
    out: Path,
    *,
    seed: int = 0,
    profile: str = "default",
    as_of: dt.date = DEFAULT_AS_OF,
) -> Path:
    """Generate a synthetic docket and write it as a snapshot folder at `out`."""
    facts = synthetic_docket(n, seed=seed, profile=profile, as_of=as_of)
    note = f"synthetic docket: {n} persons, seed {seed}"
    if profile != "default":
        note += f", profile {profile}"
    if as_of != DEFAULT_AS_OF:
        note += f", as of {as_of}"
    return write_snapshot(facts, out, note=note)
