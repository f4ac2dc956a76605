"""Every error knows its HTTP status and problem code (accord.errors), whatever module has it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import accord
from accord import errors as e
from accord.api.security import CsrfRejected
from accord.billing.errors import FeeScheduleError, InvoiceError, UnknownInvoice
from accord.simulation.errors import ScenarioError, SimulationOptionError

# the API's mapping before the statuses moved onto the classes (issue 18), and what changed:
# RegistryNotReady and SettingsError are the operator's to fix, no longer input errors
EXPECTED: dict[type[e.AccordError], int] = {
    e.AuthenticationFailed: 401,
    e.PermissionDenied: 403,
    CsrfRejected: 403,
    e.SeparationOfDuties: 403,
    e.OutsideFacilityScope: 403,
    e.UnknownPerson: 404,
    e.UnknownDecision: 404,
    e.UnknownOperationsRecord: 404,
    e.UnknownUser: 404,
    UnknownInvoice: 404,
    e.RegistryConflict: 409,
    e.IllegalTransition: 409,
    e.CapacityExceeded: 409,
    e.RuleOfLawBlock: 409,
    e.CaseFileError: 422,
    e.UnknownAgreement: 422,
    e.UnknownPathway: 422,
    e.UnknownCountry: 422,
    e.UnknownFacility: 422,
    ScenarioError: 422,
    SimulationOptionError: 422,
    e.InputError: 400,
    e.ImportFormatError: 400,
    e.OperationsError: 400,
    FeeScheduleError: 400,
    InvoiceError: 400,
    e.RegistryNotReady: 503,
    e.SettingsError: 500,
    e.SetupError: 500,
    e.DataError: 500,
    e.AccordError: 500,
}


def _every_error_class() -> set[type[e.AccordError]]:
    for module in pkgutil.walk_packages(accord.__path__, "accord."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: set[type[e.AccordError]] = set()
    todo: list[type[e.AccordError]] = [e.AccordError]
    while todo:
        kind = todo.pop()
        found.add(kind)
        todo.extend(kind.__subclasses__())
    return found


@pytest.mark.parametrize(
    ("kind", "status"), EXPECTED.items(), ids=lambda v: getattr(v, "__name__", str(v))
)
def test_each_error_has_the_status_the_api_answers_with(
    kind: type[e.AccordError], status: int
) -> None:
    assert kind.status == status


def test_every_error_class_has_a_status_and_a_snake_case_code() -> None:
    classes = _every_error_class()
    assert set(EXPECTED) - {CsrfRejected} <= classes
    for kind in classes:
        assert kind.code == e.snake_case(kind.__name__), kind
        if issubclass(kind, e.InputError):
            assert 400 <= kind.status < 500, kind  # bad input is the client's: always 4xx
        else:
            assert kind.status >= 500, kind  # everything else is the server's


def test_errors_that_are_not_input_errors() -> None:
    for kind in (e.RegistryNotReady, e.SettingsError, e.DataError):
        assert not issubclass(kind, e.InputError)
    assert issubclass(e.RegistryNotReady, e.SetupError)
    assert issubclass(e.SettingsError, e.SetupError)


def test_a_class_may_keep_its_code_when_renamed() -> None:
    class RenamedError(e.InputError):
        code = "old_name"

    class Child(RenamedError):
        pass

    assert RenamedError.code == "old_name"
    assert Child.code == "child"
    assert Child.status == 400
