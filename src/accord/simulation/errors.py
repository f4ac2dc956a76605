"""Errors of the simulator: InputError subclasses, one clear line each (422: a value refused).

InputError (accord.errors)
├── ScenarioError           a scenario file is unreadable or invalid: names the file and field
└── SimulationOptionError   a run option is out of range (--draws, --seed)
"""

from __future__ import annotations

from accord.errors import InputError


class ScenarioError(InputError):
    """A scenario file is unreadable or invalid; the message names the file and the field."""

    status = 422

    def __init__(self, message: str, *, file: str, field: str | None = None):
        self.file = file
        self.field = field
        self.reason = message
        where = f"field '{field}': " if field else ""
        super().__init__(f"scenario {file}: {where}{message}")


class SimulationOptionError(InputError):
    """A run option is out of range: draws below one, a negative seed, too many draws."""

    status = 422
