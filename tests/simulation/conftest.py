"""Scenario files written for a test: a small valid scenario, changed field by field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ScenarioWriter = Callable[..., Path]


def base_scenario() -> dict[str, Any]:
    """Fixed arrivals of 10 a month and a fixed stay of 3 months: fully deterministic."""
    return {
        "title": "Test scenario",
        "agreement": "sv-2025-pilot",
        "facility": "CECOT",
        "start": "2025-04-01",
        "horizon_months": 6,
        "arrivals": {"distribution": "fixed", "per_month": 10, "source": "test"},
        "length_of_stay": {"distribution": "fixed", "months": 3, "source": "test"},
    }


@pytest.fixture
def write_scenario(tmp_path: Path) -> ScenarioWriter:
    """write_scenario(name="s", **fields): the base scenario with `fields` replaced (None drops)."""

    def write(name: str = "scenario", **fields: Any) -> Path:
        data = base_scenario()
        for key, value in fields.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write
