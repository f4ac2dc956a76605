"""The transparency report from the API (JSON and ZIP, recorded in the audit chain) and the
dashboard's Publish page (a preview that writes nothing; a bad field comes back beside it)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from operations.people import departed_mission, salvadoran

from .conftest import Api

pytestmark = pytest.mark.parametrize("registry", ["sqlite"], indirect=True)


def _publications(api: Api) -> list[dict[str, object]]:
    rows = api.registry.sql("SELECT change FROM audit_log WHERE action = 'publish.report'")
    return [json.loads(change) for (change,) in rows]


def test_the_api_publishes_json_with_small_cells_null(api: Api) -> None:
    departed_mission(api.registry, [salvadoran(1), salvadoran(2)])
    response = api.call("mona", "GET", "/api/v1/publish", params={"period": "2025-03..2025-04"})
    assert response.status_code == 200, response.text
    body = response.json()
    tables = {t["name"]: t for t in body["tables"]}
    facility = tables["transfers_by_facility"]
    assert facility["rows"] == ["CECOT", "total"]
    assert facility["cells"] == [[None, 0, None], [None, 0, None]]  # 2 persons: hidden
    assert body["provenance"]["threshold"] == 11
    (recorded,) = _publications(api)
    assert recorded["head_seq"] == body["provenance"]["head_seq"]
    assert body["audit_seq"] == body["provenance"]["head_seq"] + 1
    assert "sv-001" not in response.text


def test_the_api_zip_holds_every_file_and_no_person(api: Api) -> None:
    departed_mission(api.registry, [salvadoran(1), salvadoran(2)])
    response = api.call(
        "mona", "GET", "/api/v1/publish/report.zip", params={"period": "2025-03..2025-03"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    for name in names:
        data = archive.read(name)
        assert b"sv-001" not in data
        assert b"sv-002" not in data
        assert b"1994-08-12" not in data  # their birth date
    assert {"datapackage.json", "publication.json", "report.html", "verify_bundle.py"} <= names
    assert "transfers_by_nationality.csv" in names
    (recorded,) = _publications(api)
    assert set(recorded["files"]) == names  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"period": "2025-12..2025-03"}, 400),
        ({"period": "2025-03..2025-04", "threshold": 1}, 422),
    ],
)
def test_the_api_refuses_bad_input_as_a_problem(
    api: Api, params: dict[str, object], status: int
) -> None:
    response = api.call("mona", "GET", "/api/v1/publish", params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _publications(api) == []


def test_only_roles_that_read_operations_publish(api: Api) -> None:
    response = api.call("ana", "GET", "/api/v1/publish", params={"period": "2025-03..2025-04"})
    assert response.status_code == 403


def _error_beside(page: str, field_id: str) -> str:
    found = re.search(
        rf'id="{field_id}-error"><span class="visually-hidden">Error: </span>([^<]*)<', page
    )
    return found[1] if found else ""


def test_the_publish_page_previews_and_links_the_download(api: Api) -> None:
    mona = api.browser("mona")
    empty = mona.get("/publish")
    assert empty.status_code == 200, empty.text
    assert 'id="publish-form"' in empty.text
    page = mona.get("/publish", params={"period": "2025-03..2025-04", "threshold": "11"})
    assert page.status_code == 200, page.text
    assert "Persons transferred, by receiving facility" in page.text
    assert "/api/v1/publish/report.zip?period=2025-03..2025-04&amp;threshold=11" in page.text
    assert _publications(api) == []  # a preview records nothing


def test_the_publish_page_puts_each_error_beside_its_field(api: Api) -> None:
    mona = api.browser("mona")
    page = mona.get("/publish", params={"period": "2025-12..2025-03", "threshold": "one"})
    assert page.status_code == 400
    assert "the first month is after the last" in _error_beside(page.text, "field-period")
    assert "a whole number of persons" in _error_beside(page.text, "field-threshold")
    assert 'value="2025-12..2025-03"' in page.text  # what was typed


def test_a_period_before_the_cost_model_has_no_domestic_alternative(api: Api) -> None:
    response = api.call("mona", "GET", "/api/v1/publish", params={"period": "2021-01..2021-02"})
    assert response.status_code == 200, response.text
    fees = response.json()["fees"]
    assert fees["per_diem_usd"] is None
    assert "no ICE detention cost per bed-day is in force" in fees["per_diem_source"]
    assert fees["rows"][-1]["domestic_alternative_usd"] is None


def test_the_navigation_shows_publish_to_those_who_may_publish(api: Api) -> None:
    """Monitors (and the roles that read operations) publish; analysts may not (403 above),
    so their navigation has no Publish link."""
    mona = api.browser("mona").get("/")
    assert mona.status_code == 200, mona.text
    assert re.search(r'<a [^>]*href="/publish"[^>]*>Publish</a>', mona.text)
    ana = api.browser("ana").get("/")
    assert ana.status_code == 200, ana.text
    assert 'href="/publish"' not in ana.text


def test_consular_in_time_is_the_dated_law_parameter_with_its_citation(api: Api) -> None:
    response = api.call("mona", "GET", "/api/v1/publish", params={"period": "2025-03..2025-04"})
    assert response.status_code == 200, response.text
    provenance = response.json()["provenance"]
    assert provenance["consular_deadline_days"] == 3
    source = provenance["consular_deadline_source"]
    assert source.startswith("law parameter consular_notification_days (3 days, in force from")
    assert "Vienna Convention on Consular Relations, art. 36(1)(b)" in source
    assert "Consular Notification and Access (5th ed., September 2018)" in source
    tables = {t["name"]: t for t in response.json()["tables"]}
    assert tables["consular_notifications"]["title"].startswith(
        "Consular notifications owed, made within 3 days"
    )
    chosen = api.call(
        "mona",
        "GET",
        "/api/v1/publish",
        params={"period": "2025-03..2025-04", "consular_deadline_days": 5},
    )
    assert chosen.status_code == 200, chosen.text
    provenance = chosen.json()["provenance"]
    assert provenance["consular_deadline_days"] == 5
    assert provenance["consular_deadline_source"].startswith("set by the publisher, instead of")
