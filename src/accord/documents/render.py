"""Documents to HTML (Jinja2, the print stylesheet inlined: one file that prints alone) and to
PDF (WeasyPrint, which reads the same stylesheet's @page rules: A4, running header, "Page N
of M"), and written to files all or nothing."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from accord.atomic_output import write_file
from accord.documents.models import EscortRecord, ManifestDocument

Document = ManifestDocument | EscortRecord
TEMPLATES = {ManifestDocument: "manifest.html", EscortRecord: "escort.html"}


def _when(value: dt.datetime | None, missing: str = "") -> str:
    """A time in UTC to the minute (seconds when they are not zero), or `missing`."""
    if value is None:
        return missing
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S UTC" if value.second else "%Y-%m-%d %H:%M UTC")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("accord.documents", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    return env


@cache
def stylesheet() -> str:
    return (resources.files("accord.documents") / "templates" / "document.css").read_text("utf-8")


def render_html(document: Document) -> str:
    """The document as one self-contained HTML page with its print stylesheet."""
    template = _environment().get_template(TEMPLATES[type(document)])
    return template.render(doc=document, css=stylesheet())


def render_pdf(document: Document) -> bytes:
    """The document as PDF, laid out by WeasyPrint from the same HTML."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment
    from weasyprint.urls import URLFetcher

    # a document is drawn from its own HTML alone: no file or network address is ever read
    fetcher = URLFetcher(allowed_protocols=("data",))
    data: bytes = HTML(string=render_html(document), url_fetcher=fetcher).write_pdf()
    return data


def write_html(document: Document, path: Path) -> None:
    data = render_html(document).encode("utf-8")
    write_file(path, lambda handle: handle.write(data), what=_what(document))


def write_pdf(document: Document, path: Path) -> None:
    data = render_pdf(document)
    write_file(path, lambda handle: handle.write(data), what=_what(document))


def _what(document: Document) -> str:
    return "the manifest" if isinstance(document, ManifestDocument) else "the escort record"
