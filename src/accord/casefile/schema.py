"""The published JSON Schemas of the case file, generated from the pydantic models.

v2 is the current version; v1 stays published as it was (casefile/v1.py), since v1
records are still read and upgraded.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from accord.casefile.models import CaseFile
from accord.casefile.v1 import CaseFileV1

SCHEMA_IDS = {
    "1": "https://accord.example/schemas/case-file.v1.json",
    "2": "https://accord.example/schemas/case-file.v2.json",
}
_MODELS: dict[str, type[BaseModel]] = {"1": CaseFileV1, "2": CaseFile}


def case_file_schema(version: str = "2") -> dict[str, Any]:
    schema = _MODELS[version].model_json_schema()
    if version == "1":
        schema["title"] = "CaseFile"  # as published, before the v1 model was renamed
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_IDS[version],
        **schema,
    }


def case_file_schema_text(version: str = "2") -> str:
    return json.dumps(case_file_schema(version), indent=2, sort_keys=True) + "\n"
