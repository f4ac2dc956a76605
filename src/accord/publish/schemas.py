"""Pydantic models of the publish API (only the HTTP shape; the service returns dataclasses)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ProvenanceOut(BaseModel):
    head_seq: int = Field(description="The audit chain entry the report was built from")
    head_hash: str = Field(description="That entry's hash")
    head_recorded_at: str | None
    ruleset_hash: str
    published_at: str
    period: str
    threshold: int = Field(description="No cell of 1 to threshold - 1 persons is published")
    consular_deadline_days: int
    consular_deadline_source: str = Field(
        description="The law parameter and its citation, or that the publisher set the days"
    )
    backend: str


class TableOut(BaseModel):
    name: str
    title: str
    unit: str
    label: str
    columns: list[str]
    rows: list[str]
    cells: list[list[int | None]] = Field(description="One list per row; null where suppressed")
    small_cells_suppressed: bool = Field(description="False for counts of no person")
    suppressed_cells: int
    verified_from_audit_bundle: bool
    verified_with_records: bool = Field(
        description="verify_bundle.py checks it with the audit bundle and the records folder"
    )
    not_checkable_because: str | None


class LimitOut(BaseModel):
    agreement: str
    facility: str
    country: str
    capacity: int
    quota: int | None


class PublicationOut(BaseModel):
    format: str
    format_version: int
    provenance: ProvenanceOut
    months: list[str]
    tables: list[TableOut]
    fees: dict[str, Any] = Field(description="Fees invoiced against the domestic alternative")
    facility_limits: list[LimitOut]
    audit_seq: int = Field(description="The audit entry recording this publication")
