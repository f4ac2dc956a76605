"""The published JSON Schema of case file v1, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

from accord.casefile.models import CaseFile

SCHEMA_ID = "https://accord.example/schemas/case-file.v1.json"


def case_file_schema() -> dict[str, Any]:
    schema = CaseFile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def case_file_schema_text() -> str:
    return json.dumps(case_file_schema(), indent=2, sort_keys=True) + "\n"
