"""Every error Accord raises on purpose, in one place.

Each class says what it means to a client (httpx and FastAPI style): `status`
is its HTTP status and `code` its stable problem code (snake case; the API's
problem `type` is `urn:accord:problem:` + code with dashes), so the API maps
any AccordError by its attributes, never by a list of classes. A subclass
inherits its base's status; its code is its own class name in snake case
unless it sets one (a class renamed must keep its old code: clients branch on it).

    AccordError                 base class: callers catch this one (500)
    ├── InputError              bad input from a person or a file: say what and where (400)
    │   ├── CaseFileError       a case file record fails validation (422)
    │   ├── UnknownAgreement    no bundled or registered agreement with that id (422)
    │   ├── UnknownPathway      not one of the five pathways (422)
    │   ├── UnknownCountry      not an ISO 3166 alpha-2 code (422)
    │   ├── UnknownFacility     the agreement names no such facility (422)
    │   ├── UnknownPerson       no case file for that person id (404)
    │   ├── ImportFormatError   an importer met a layout or a value it does not know
    │   ├── UnknownUser         no registry user with that name (or no user given) (404)
    │   ├── PermissionDenied    the acting user's role may not do that (403)
    │   ├── AuthenticationFailed  an API token that is malformed, unknown or revoked (401)
    │   ├── RegistryConflict    a write refused: record time going back, a duplicate user (409)
    │   ├── UnknownDecision     no decision record with that id (404)
    │   ├── OperationsError     transfer operations (accord.operations) refuse a step
    │   │   ├── UnknownOperationsRecord  no case, mission, incident, task or return case (404)
    │   │   ├── IllegalTransition  the step is not allowed from the case's or mission's state (409)
    │   │   ├── SeparationOfDuties  a reviewer may not review their own nomination (403)
    │   │   ├── OutsideFacilityScope  a receiving liaison acting for another facility (403)
    │   │   ├── CapacityExceeded  the facility's capacity or the agreement's quota is full (409)
    │   │   └── RuleOfLawBlock  a rule of law failed: no role may approve or board the person (409)
    │   ├── FeeScheduleError …  billing: see accord/billing/errors.py
    │   └── ScenarioError …     simulation: see accord/simulation/errors.py
    ├── SetupError              Accord is not set up to run here: the operator must act (500)
    │   ├── SettingsError       an ACCORD_* setting is missing or invalid (500)
    │   └── RegistryNotReady    the registry database is missing or not at the current schema (503)
    └── DataError               bundled law or agreement data is inconsistent (a bug, not input)

The CLI turns an InputError into one line on stderr and exit status 2, a
SetupError into one line and exit status 4, any other AccordError into one line
and exit status 3.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar


def snake_case(name: str) -> str:
    """`UnknownPerson` -> `unknown_person`: the problem code of an error class."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class AccordError(Exception):
    """Base class of every error Accord raises on purpose."""

    status: ClassVar[int] = 500  # a defect unless a subclass says otherwise
    code: ClassVar[str] = "accord_error"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = snake_case(cls.__name__)


class InputError(AccordError):
    """Input that Accord refuses, with a message that says what is wrong and where."""

    status = 400


class CaseFileError(InputError):
    """A case file record is invalid.

    `location` is "file:line" when the record came from a file.
    """

    status = 422

    def __init__(self, message: str, *, location: str | None = None, field: str | None = None):
        self.location = location
        self.field = field
        self.reason = message
        where = f"{location}: " if location else ""
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}{what}{message}")


class UnknownAgreement(InputError):
    """No agreement with that id."""

    status = 422


class UnknownPathway(InputError):
    """Not one of the pathways of docs/design.md section 2."""

    status = 422


class UnknownCountry(InputError):
    """Not an ISO 3166 alpha-2 country code."""

    status = 422


class UnknownFacility(InputError):
    """The agreement names no such facility."""

    status = 422


class UnknownPerson(InputError):
    """No case file for that person id."""

    status = 404


class ImportFormatError(InputError):
    """An importer met a layout or a value it does not know."""


class UnknownUser(InputError):
    """No registry user with that name, or the command was given no acting user."""

    status = 404


class PermissionDenied(InputError):
    """The acting user's role may not do what was asked."""

    status = 403


class AuthenticationFailed(InputError):
    """An API token is malformed, unknown or revoked."""

    status = 401


class RegistryConflict(InputError):
    """A write the registry refuses: a duplicate user, or a record time before the last one."""

    status = 409


class UnknownDecision(InputError):
    """No decision record with that id."""

    status = 404


class OperationsError(InputError):
    """Transfer operations refuse a step; the message names the case or mission and why."""


class DateOutOfRange(InputError):
    """A date outside what it may be: a notice served before the order or nomination it
    belongs to or after it was recorded, a birth date in the future or before 1900."""

    status = 422


class UnknownOperationsRecord(OperationsError):
    """No transfer case, mission, incident, consular task or return case with that id."""

    status = 404


class IllegalTransition(OperationsError):
    """The step is not allowed from the current state of the case or mission."""

    status = 409

    def __init__(self, *, subject: str, state: str, step: str, allowed: tuple[str, ...] = ()):
        self.subject, self.state, self.step = subject, state, step
        hint = f" (allowed from: {', '.join(allowed)})" if allowed else ""
        super().__init__(f"{subject} is {state}: cannot {step}{hint}")


class SeparationOfDuties(OperationsError):
    """A legal reviewer may not review a nomination they made."""

    status = 403


class OutsideFacilityScope(OperationsError):
    """A receiving liaison may act only for cases handed to the facility it was assigned."""

    status = 403


class CapacityExceeded(OperationsError):
    """Placing the person would exceed the facility's capacity or the agreement's quota."""

    status = 409


class RuleOfLawBlock(OperationsError):
    """A rule of law failed for the person: no role may approve the case past it."""

    status = 409


class SetupError(AccordError):
    """Accord is not set up to run here (a setting, the registry database): the operator
    must act, not the person who asked; the message says what to do."""


class EngineCannotEvaluate(SetupError):
    """An engine cannot evaluate a rule of the request (the message names the rule and what
    it cannot take): choose another engine; never a guessed status."""


class SettingsError(SetupError):
    """An ACCORD_* setting is missing or invalid; the message names the variable."""


class RegistryNotReady(SetupError):
    """The registry database does not exist or is not at the current schema (run `accord init`)."""

    status = 503


class DataError(AccordError):
    """Bundled law or agreement data is inconsistent; a defect to fix, not user input."""
