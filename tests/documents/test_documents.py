"""The manifest and the escort record as real documents: the PDF parses, holds every passenger
with name, date of birth and nationality, the signature blocks and page numbers; the HTML
carries the print stylesheet; the routes serve them to those who may read operations, audited."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from accord.db import read_session, write_session
from accord.documents import escort_record, manifest_document, render_html, render_pdf
from accord.errors import UnknownOperationsRecord
from accord.operations.handover import close_handover, confirm_handover
from operations.people import at, departed_mission, salvadoran, venezuelan

from .conftest import Api, Registry

NAMES = {
    "ve-001": "María José Ñúñez <Pérez>",  # markup in a name must print as text
    "ve-002": "Andrés Eloy Blanco",
    "sv-001": "Óscar Arnulfo Romero",
}
BIRTH_DATES = {"ve-001": "1991-02-03", "ve-002": "1988-11-30", "sv-001": "1994-08-12"}
MISSING = "ve-002"


def _people() -> list[dict[str, Any]]:
    records = [venezuelan(1), venezuelan(2), salvadoran(1)]
    for record in records:
        record["name"] = NAMES[record["person_id"]]
        record["birth_date"] = BIRTH_DATES[record["person_id"]]
    return records


def _flown(registry: Registry) -> dict[str, int]:
    """GST-1 departed with three; two received at CECOT, one missing (an open incident)."""
    ids = departed_mission(registry, _people())
    with write_session(registry.engine) as s:
        received = [p for p in ids if p != MISSING]
        confirm_handover(
            s,
            actor=registry.users["liam"],
            mission_number="GST-1",
            person_ids=received,
            occurred_at=at(16, 2),
            now=at(16, 3),
        )
        closed = close_handover(
            s, actor=registry.users["liam"], mission_number="GST-1", now=at(16, 4)
        )
        assert not closed.balanced
    return ids


def _pdf_text(data: bytes) -> tuple[PdfReader, str]:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def test_manifest_pdf_holds_every_passenger_signatures_and_page_numbers(
    registry: Registry,
) -> None:
    _flown(registry)
    with read_session(registry.engine) as s:
        document = manifest_document(s, mission_number="GST-1", now=at(17))
    reader, text = _pdf_text(render_pdf(document))
    flat = " ".join(text.split())
    for person_id, name in NAMES.items():
        assert name in flat, name
        assert BIRTH_DATES[person_id] in flat
        assert person_id in flat
    for label in ("Sending officer", "Receiving liaison", "Signature", "Date and time (UTC)"):
        assert label in flat
    assert "Page 1 of" in flat
    assert "GlobalX" in flat
    assert "sv-2025-offer" in flat
    assert "CECOT" in flat
    assert "Harlingen TX → Comalapa SAL" in flat
    assert "2025-03-15 18:00 UTC" in flat  # the departure as recorded
    assert "2025-03-16 02:00 UTC" in flat  # the first handover
    assert "VE" in flat
    assert "SV" in flat
    assert "missing" in flat  # the incident for the person not received
    assert all(p.outcome == "eligible" and p.decision_record_id for p in document.passengers)
    for passenger in document.passengers:
        assert str(passenger.decision_record_id) in flat
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    assert round(float(box.width)) == 842


def test_manifest_html_carries_the_print_stylesheet(registry: Registry) -> None:
    _flown(registry)
    with read_session(registry.engine) as s:
        html = render_html(manifest_document(s, mission_number="GST-1", now=at(17)))
    assert "@page" in html
    assert "size: A4 landscape" in html
    assert 'content: "Page " counter(page) " of " counter(pages)' in html
    assert "display: table-header-group" in html  # headings repeat on each printed page
    assert "María José Ñúñez &lt;Pérez&gt;" in html
    assert "<Pérez>" not in html
    assert "Sending officer" in html
    assert "Receiving liaison" in html


def test_escort_record_of_one_person(registry: Registry) -> None:
    ids = _flown(registry)
    with read_session(registry.engine) as s:
        document = escort_record(s, mission_number="GST-1", case_id=ids[MISSING], now=at(17))
        with pytest.raises(UnknownOperationsRecord, match="never on the manifest"):
            escort_record(s, mission_number="GST-1", case_id=max(ids.values()) + 1)
    _, text = _pdf_text(render_pdf(document))
    flat = " ".join(text.split())
    assert NAMES[MISSING] in flat
    assert BIRTH_DATES[MISSING] in flat
    assert NAMES["ve-001"] not in flat  # only this person
    for step in ("nominated", "approved", "notice_served", "manifested", "departed", "missing"):
        assert step in [e.kind for e in document.events]
        assert step in flat
    assert [i.kind for i in document.incidents] == ["missing_at_handover"]
    assert "Sending officer" in flat
    assert "Receiving liaison" in flat
    assert "Page 1 of" in flat
    assert document.passenger.outcome == "eligible"


def _mounted(api: Api) -> None:
    """The document routers, if the app does not mount them yet (the lead wires them)."""
    from accord.api.app import API_PREFIX
    from accord.dashboard import views_documents as dashboard_documents
    from accord.operations import views_documents

    paths = {getattr(r, "path", "") for r in api.app.routes}
    if f"{API_PREFIX}/missions/{{number}}/manifest.pdf" not in paths:
        api.app.include_router(views_documents.router, prefix=API_PREFIX)
    if "/missions/{number}/manifest.pdf" not in paths:
        api.app.include_router(dashboard_documents.router)


def _reads(registry: Registry, action: str) -> list[str]:
    return [s for (s,) in registry.sql("SELECT subject FROM audit_log WHERE action = :a", a=action)]


def test_routes_serve_the_documents_to_operations_readers_only(api: Api) -> None:
    ids = _flown(api.registry)
    _mounted(api)
    pdf = api.call("mona", "GET", "/api/v1/missions/GST-1/manifest.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="manifest-GST-1.pdf"' in pdf.headers["content-disposition"]
    assert NAMES["sv-001"] in " ".join(_pdf_text(pdf.content)[1].split())
    page = api.call("mona", "GET", "/missions/GST-1/manifest.html")
    assert page.status_code == 200
    assert "size: A4 landscape" in page.text
    escort = api.call("olivia", "GET", f"/missions/GST-1/cases/{ids['sv-001']}/escort.pdf")
    assert escort.status_code == 200
    assert escort.content.startswith(b"%PDF-")
    api_escort = api.call(
        "mona", "GET", f"/api/v1/missions/GST-1/cases/{ids['sv-001']}/escort.html"
    )
    assert api_escort.status_code == 200
    assert NAMES["sv-001"] in api_escort.text
    # analysts never see names: refused, and nothing is read
    assert api.call("ana", "GET", "/api/v1/missions/GST-1/manifest.pdf").status_code == 403
    assert api.call("ana", "GET", "/missions/GST-1/manifest.pdf").status_code == 403
    unknown = api.call("mona", "GET", "/api/v1/missions/GST-1/cases/999999/escort.pdf")
    assert unknown.status_code == 404
    assert api.call("mona", "GET", "/api/v1/missions/NOPE/manifest.pdf").status_code == 404
    assert _reads(api.registry, "read.manifest") == ["mission:GST-1"]
    assert _reads(api.registry, "read.escort_record") == ["mission:GST-1"]
    assert _reads(api.registry, "read.dashboard_manifest_document") == ["mission:GST-1"]
    assert _reads(api.registry, "read.dashboard_escort_record") == ["mission:GST-1"]
    # the mission page links to each of them
    mission_page = api.call("mona", "GET", "/missions/GST-1")
    assert mission_page.status_code == 200
    assert 'href="/missions/GST-1/manifest.pdf"' in mission_page.text
    assert 'href="/missions/GST-1/manifest.html"' in mission_page.text
    for case_id in ids.values():
        assert f'href="/missions/GST-1/cases/{case_id}/escort.pdf"' in mission_page.text


def test_cli_manifest_writes_the_pdf_document(registry: Registry, tmp_path: Path) -> None:
    _flown(registry)
    pdf, html = tmp_path / "m.pdf", tmp_path / "m.html"
    done = registry.cli(
        "missions", "manifest", "GST-1", "--pdf", pdf, "--html", html, as_user="mona"
    )
    assert done.returncode == 0, done.stderr
    _, text = _pdf_text(pdf.read_bytes())
    flat = " ".join(text.split())
    assert all(name in flat for name in NAMES.values())
    assert "Page 1 of" in flat
    assert "@page" in html.read_text("utf-8")
