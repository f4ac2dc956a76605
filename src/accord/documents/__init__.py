"""Printable documents of a mission: the manifest and each person's escort record.

models.py says what a document shows; service.py builds one from the registry
(`manifest_document`, `escort_record`, each with an explicit session); render.py
lays it out from templates/ as HTML with a print stylesheet, and as PDF through
WeasyPrint (its Debian libraries: `make weasyprint-libs`).
"""

from accord.documents.models import EscortRecord, ManifestDocument
from accord.documents.render import render_html, render_pdf, write_html, write_pdf
from accord.documents.service import escort_record, identities, manifest_document

__all__ = [
    "EscortRecord",
    "ManifestDocument",
    "escort_record",
    "identities",
    "manifest_document",
    "render_html",
    "render_pdf",
    "write_html",
    "write_pdf",
]
