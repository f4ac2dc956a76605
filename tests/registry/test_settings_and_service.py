"""Settings from ACCORD_* and the correction and retraction service functions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from accord.db import RegistrySettings, read_session, write_session
from accord.errors import InputError, SettingsError, UnknownPerson
from accord.registry import (
    import_case_files,
    person_case_file,
    person_history,
    record_list,
    retract_list,
)

from .conftest import Registry
from .factories import VE, cases

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_settings_default_to_a_sqlite_file_here(tmp_path: Path) -> None:
    settings = RegistrySettings.from_env({}, cwd=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'accord.db'}"
    assert settings.masking_key is None  # a secret has no default
    with pytest.raises(SettingsError, match="ACCORD_MASKING_KEY is not set"):
        settings.require_masking_key()


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"ACCORD_DATABASE_URL": "not a url"}, "ACCORD_DATABASE_URL"),
        ({"ACCORD_DATABASE_URL": "mysql://x/y"}, "not supported"),
        ({"ACCORD_MASKING_KEY": "short"}, "ACCORD_MASKING_KEY"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        RegistrySettings.from_env(env)


def test_settings_hide_the_password() -> None:
    settings = RegistrySettings.from_env(
        {"ACCORD_DATABASE_URL": "postgresql+psycopg://u:hunter2@db/accord"}
    )
    assert "hunter2" not in settings.safe_url()
    assert settings.backend == "postgresql"


def test_corrections_and_retractions_are_new_versions(registry: Registry) -> None:
    officer, reviewer = registry.users["olivia"], registry.users["lena"]
    with write_session(registry.engine) as session:
        import_case_files(session, actor=officer, cases=cases(VE), source_document="A", now=T0)
    stay = {"kind": "judicial", "granted_on": "2025-03-05", "source": "9th Cir. order"}
    with write_session(registry.engine) as session:
        corrected = record_list(
            session,
            actor=reviewer,
            person_id="ve-001",
            list_name="stays",
            items=[stay],
            source_document="9th Cir. order",
            valid_from=dt.date(2025, 3, 5),
            note="stay granted",
            now=T0 + dt.timedelta(days=5),
        )
    with write_session(registry.engine) as session:
        retracted = retract_list(
            session,
            actor=reviewer,
            person_id="ve-001",
            list_name="nationalities",
            source_document="consular letter",
            now=T0 + dt.timedelta(days=9),
        )
    assert corrected.new_versions == 1
    assert retracted.retractions == 1
    with read_session(registry.engine) as session:
        history = person_history(session, person_id="ve-001")
        at_import = person_case_file(session, person_id="ve-001", as_known_on=T0.date())
        at_stay = person_case_file(session, person_id="ve-001", as_known_on=dt.date(2025, 3, 7))
        current = person_case_file(session, person_id="ve-001")
    stays = [v for v in history if v.list_name == "stays"]
    assert [(v.kind, v.rows, v.recorded_by) for v in stays] == [
        ("recorded", 0, "olivia"),
        ("correction", 1, "lena"),
    ]
    assert stays[1].valid_from == dt.date(2025, 3, 5)
    assert stays[1].note == "stay granted"
    assert stays[0].valid_from == T0.date()  # defaults to the record date
    nationalities = [v for v in history if v.list_name == "nationalities"]
    assert [(v.kind, v.known) for v in nationalities] == [("recorded", True), ("retraction", False)]
    assert at_import.stays == []
    assert at_import.nationalities == ["VE"]
    assert at_stay.stays is not None
    assert len(at_stay.stays) == 1
    assert at_stay.nationalities == ["VE"]
    assert current.nationalities is None
    assert current.stays == at_stay.stays


def test_corrections_are_validated_and_need_a_known_person(registry: Registry) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session, actor=registry.users["olivia"], cases=cases(VE), source_document="A"
        )
    before = registry.counts()
    bad_stay = [{"kind": "judicial", "granted_on": "someday", "source": "x"}]
    with write_session(registry.engine) as session, pytest.raises(InputError, match="stays"):
        record_list(
            session,
            actor=registry.users["lena"],
            person_id="ve-001",
            list_name="stays",
            items=bad_stay,
            source_document="x",
        )
    with write_session(registry.engine) as session, pytest.raises(UnknownPerson):
        retract_list(
            session,
            actor=registry.users["lena"],
            person_id="nobody",
            list_name="stays",
            source_document="x",
        )
    with write_session(registry.engine) as session, pytest.raises(InputError, match="not a"):
        retract_list(
            session,
            actor=registry.users["lena"],
            person_id="ve-001",
            list_name="tattoos",
            source_document="x",
        )
    assert registry.counts() == before
