"""`accord impact --snapshot DIR` without a registry: the docket of the snapshot, the request
given; without a request (and no registry), one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from accord.synthetic import write_synthetic_snapshot
from cli_runner import run_accord

from .orders import bar_for_nationality

CECOT = ["--agreement", "sv-2025-offer", "--pathway", "custody_placement",
         "--destination", "SV", "--facility", "CECOT"]  # fmt: skip


def test_a_snapshot_and_a_request_without_a_registry(tmp_path: Path) -> None:
    snapshot = write_synthetic_snapshot(3000, tmp_path / "docket", seed=5)
    order = tmp_path / "order.yaml"
    order.write_text(yaml.safe_dump(bar_for_nationality(entered="2025-03-15")), "utf-8")
    result = run_accord(
        "impact", "--order", order, "--snapshot", snapshot, *CECOT, "--json", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["persons"] == 3000
    assert report["operations"] is None  # no registry: no transfer cases
    (request,) = report["requests"]
    assert 0 < request["redecided"] < 3000
    assert request["outcome_changes"] == len(request["changes"]) > 0
    assert not (tmp_path / "accord.db").exists()  # no registry was made or read
    table = run_accord("impact", "--order", order, "--snapshot", snapshot, *CECOT, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "no_class_order_bar: pass -> fail" in table.stdout
    missing = run_accord("impact", "--order", order, "--snapshot", snapshot, cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "accord: error: name a request or a registry: --agreement, --pathway and --destination "
        "(and --facility), or a registry whose transfer cases say which are in use"
    ]
    folder = run_accord("impact", "--order", order, "--snapshot", tmp_path, *CECOT, cwd=tmp_path)
    assert folder.returncode == 2
    assert len(folder.stderr.strip().splitlines()) == 1
