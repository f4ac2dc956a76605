"""The report's Frictionless data package descriptor (Data Package v1, Table Schema v1).

One tabular data resource per CSV, each with its table schema inline: every field with a
type, a description and, for figures, its unit. Loads as is in pandas, R (frictionless or
read.csv) or a spreadsheet: UTF-8, comma, a header row, an empty cell where suppressed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.publish.service import Publication

LICENSE = {
    "name": "CC0-1.0",
    "title": "Creative Commons Zero v1.0 Universal",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
}
LIMITS_FIELDS: list[dict[str, Any]] = [
    {"name": "agreement", "type": "string", "description": "the agreement's id"},
    {"name": "facility", "type": "string", "description": "the facility's id in the agreement"},
    {"name": "country", "type": "string", "description": "ISO 3166-1 alpha-2 code"},
    {
        "name": "capacity",
        "type": "integer",
        "unit": "persons",
        "description": "the facility's capacity as the agreement states it",
    },
    {
        "name": "quota",
        "type": "integer",
        "unit": "persons",
        "description": "places this agreement may use at the facility; empty if none is set",
    },
]


def _resource(name: str, title: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name.replace("_", "-"),
        "path": f"{name}.csv",
        "title": title,
        "description": description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _consular(provenance: Any) -> str:
    return (
        f" In time: within {provenance.consular_deadline_days} days of the handover; "
        f"{provenance.consular_deadline_source}."
    )


def datapackage(publication: Publication) -> dict[str, Any]:
    provenance = publication.provenance
    suppression = (
        f"No cell counting 1 to {provenance.threshold - 1} persons is published; further cells "
        "are suppressed so that none can be recomputed from the published row, column and "
        "table totals. A suppressed cell is empty."
    )
    resources = [
        _resource(
            t.name,
            t.title,
            f"{t.title}, per month (UTC) of {provenance.period}, in {t.unit}. "
            + (suppression if t.suppressed else "Not suppressed: no person is counted.")
            + (_consular(provenance) if t.name == "consular_notifications" else ""),
            t.schema(),
        )
        for t in publication.tables
    ]
    fees = publication.fees
    resources.append(
        _resource(
            fees.name,
            fees.title,
            f"USD invoices issued for each month, against the same custody days at USD "
            f"{fees.per_diem or '(none)'} a day ({fees.per_diem_source}). A month billed for "
            "fewer persons than the threshold is withheld, with enough others that it cannot "
            "be recomputed.",
            fees.schema(),
        )
    )
    resources.append(
        _resource(
            "facility_limits",
            "Capacity and quota of each facility, as the agreements state them",
            "Agreement data, not a count of persons.",
            {"fields": LIMITS_FIELDS, "missingValues": [""]},
        )
    )
    return {
        "profile": "tabular-data-package",
        "name": f"accord-transparency-report-{provenance.period.replace('..', '-to-')}",
        "title": f"Accord transparency report, {provenance.period}",
        "description": (
            "Aggregate figures of the transfer programme recorded in an Accord registry: "
            "transfers, decisions, boarding strikes, incidents, returns, consular "
            "notifications, counsel access, monitoring, custody and fees. No identifier, "
            "name or date of birth appears. " + suppression
        ),
        "created": provenance.published_at,
        "version": "1.0.0",
        "licenses": [LICENSE],
        "sources": [{"title": "Accord registry, audit chain head", "path": "publication.json"}],
        "accord": provenance.as_dict(),
        "resources": resources,
    }
