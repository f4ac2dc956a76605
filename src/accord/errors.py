"""Every error Accord raises on purpose, in one place.

    AccordError                 base class: callers catch this one
    ├── InputError              bad input from a person or a file: say what and where
    │   ├── CaseFileError       a case file record fails validation
    │   ├── UnknownAgreement    no bundled or registered agreement with that id
    │   ├── UnknownPathway      not one of the five pathways
    │   ├── UnknownCountry      not an ISO 3166 alpha-2 code
    │   ├── UnknownFacility     the agreement names no such facility
    │   ├── UnknownPerson       no case file for that person id
    │   ├── ImportFormatError   an importer met a layout or a value it does not know
    │   ├── SettingsError       an ACCORD_* setting is missing or invalid
    │   ├── RegistryNotReady    the registry database is missing or not at the current schema
    │   ├── UnknownUser         no registry user with that name (or no user given)
    │   ├── PermissionDenied    the acting user's role may not do that
    │   ├── AuthenticationFailed  an API token that is malformed, unknown or revoked
    │   ├── RegistryConflict    a write refused: record time going back, a duplicate user
    │   ├── UnknownDecision     no decision record with that id
    │   ├── OperationsError     transfer operations (accord.operations) refuse a step
    │   │   ├── UnknownOperationsRecord  no case, mission, incident, task or return case
    │   │   ├── IllegalTransition  the step is not allowed from the case's or mission's state
    │   │   ├── SeparationOfDuties  a reviewer may not review their own nomination
    │   │   ├── OutsideFacilityScope  a receiving liaison acting for another facility
    │   │   ├── CapacityExceeded  the facility's capacity or the agreement's quota is full
    │   │   └── RuleOfLawBlock  a rule of law failed: no role may approve or board the person
    │   ├── FeeScheduleError …  billing: see accord/billing/errors.py
    │   └── ScenarioError …     simulation: see accord/simulation/errors.py
    └── DataError               bundled law or agreement data is inconsistent (a bug, not input)

The CLI turns an InputError into one line on stderr and exit status 2.
"""

from __future__ import annotations


class AccordError(Exception):
    """Base class of every error Accord raises on purpose."""


class InputError(AccordError):
    """Input that Accord refuses, with a message that says what is wrong and where."""


class CaseFileError(InputError):
    """A case file record is invalid.

    `location` is "file:line" when the record came from a file.
    """

    def __init__(self, message: str, *, location: str | None = None, field: str | None = None):
        self.location = location
        self.field = field
        self.reason = message
        where = f"{location}: " if location else ""
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}{what}{message}")


class UnknownAgreement(InputError):
    """No agreement with that id."""


class UnknownPathway(InputError):
    """Not one of the pathways of DESIGN.md section 2."""


class UnknownCountry(InputError):
    """Not an ISO 3166 alpha-2 country code."""


class UnknownFacility(InputError):
    """The agreement names no such facility."""


class UnknownPerson(InputError):
    """No case file for that person id."""


class ImportFormatError(InputError):
    """An importer met a layout or a value it does not know."""


class DataError(AccordError):
    """Bundled law or agreement data is inconsistent; a defect to fix, not user input."""


class SettingsError(InputError):
    """An ACCORD_* setting is missing or invalid; the message names the variable."""


class RegistryNotReady(InputError):
    """The registry database does not exist or is not at the current schema (run `accord init`)."""


class UnknownUser(InputError):
    """No registry user with that name, or the command was given no acting user."""


class PermissionDenied(InputError):
    """The acting user's role may not do what was asked."""


class AuthenticationFailed(InputError):
    """An API token is malformed, unknown or revoked."""


class RegistryConflict(InputError):
    """A write the registry refuses: a duplicate user, or a record time before the last one."""


class UnknownDecision(InputError):
    """No decision record with that id."""


class OperationsError(InputError):
    """Transfer operations refuse a step; the message names the case or mission and why."""


class UnknownOperationsRecord(OperationsError):
    """No transfer case, mission, incident, consular task or return case with that id."""


class IllegalTransition(OperationsError):
    """The step is not allowed from the current state of the case or mission."""

    def __init__(self, *, subject: str, state: str, step: str, allowed: tuple[str, ...] = ()):
        self.subject, self.state, self.step = subject, state, step
        hint = f" (allowed from: {', '.join(allowed)})" if allowed else ""
        super().__init__(f"{subject} is {state}: cannot {step}{hint}")


class SeparationOfDuties(OperationsError):
    """A legal reviewer may not review a nomination they made."""


class OutsideFacilityScope(OperationsError):
    """A receiving liaison may act only for cases handed to the facility it was assigned."""


class CapacityExceeded(OperationsError):
    """Placing the person would exceed the facility's capacity or the agreement's quota."""


class RuleOfLawBlock(OperationsError):
    """A rule of law failed for the person: no role may approve the case past it."""
