"""`accord publish` on a registry with a small programme (scenario.py), on SQLite and PostgreSQL:
the figures, suppression, no personal data, the data package, and the offline check against
the audit bundle of the head it states."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from accord.law.catalogue import ruleset_hash
from registry.conftest import Registry, _new_registry, _Server

from .scenario import build

PERIOD = "2025-03..2025-05"


@dataclass
class Published:
    registry: Registry
    out: Path
    bundle: Path
    stdout: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def published(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_server: _Server
) -> Iterator[Published]:
    """The programme built once per backend, published by a monitor, and the audit bundle
    exported after it (so the bundle runs past the head the report states)."""
    tmp = tmp_path_factory.mktemp(f"publish-{request.param}")
    registry = _new_registry(request.param, tmp, pg_server)
    build(registry)
    result = registry.cli("publish", "--period", PERIOD, "--out", tmp / "report", as_user="mona")
    assert result.returncode == 0, result.stderr
    exported = registry.cli("audit", "export", "--out", tmp / "bundle", as_user="mona")
    assert exported.returncode == 0, exported.stderr
    yield Published(registry, tmp / "report", tmp / "bundle", result.stdout)
    registry.engine.dispose()


def csv_rows(out: Path, name: str) -> list[list[str]]:
    with (out / f"{name}.csv").open(newline="") as handle:
        return list(csv.reader(handle))


def test_the_report_states_the_head_it_was_built_from(published: Published) -> None:
    publication = json.loads((published.out / "publication.json").read_text())
    provenance = publication["provenance"]
    (seq, hash_), = published.registry.sql(
        "SELECT seq, hash FROM audit_log WHERE seq = "
        "(SELECT max(seq) FROM audit_log WHERE action <> 'publish.report')"
    )  # fmt: skip
    assert (provenance["head_seq"], provenance["head_hash"]) == (seq, hash_)
    assert provenance["ruleset_hash"] == ruleset_hash()
    assert provenance["threshold"] == 11
    # the publication is recorded after its head, with each file's digest
    (change,) = published.registry.sql(
        "SELECT change FROM audit_log WHERE action = 'publish.report'"
    )
    recorded = json.loads(change[0])
    assert recorded["head_seq"] == seq
    assert set(recorded["files"]) == {p.name for p in published.out.iterdir()}
    page = (published.out / "report.html").read_text()
    assert hash_ in page
    assert ruleset_hash() in page
    assert "data:image/png;base64," in page
    assert f"audit entry {seq}" in published.stdout


def test_the_figures_are_the_registrys(published: Published) -> None:
    # 14 departed in March and 3 in April: 3 is small, so March's 14 is hidden with it
    assert csv_rows(published.out, "transfers_by_facility") == [
        ["facility", "2025-03", "2025-04", "2025-05", "period"],
        ["CECOT", "", "", "0", "17"],
        ["total", "", "", "0", "17"],
    ]
    # held at each month's end: 13 received and 1 found on 16-20 March; 3 in, 2 out in April
    assert csv_rows(published.out, "held_by_facility")[1] == ["CECOT", "14", "15", "15"]
    counsel = {row[0]: row[1:] for row in csv_rows(published.out, "counsel_access")}
    assert counsel["call"] == ["", "0", "0", ""]  # 11 calls, hidden with the 1 refusal
    assert counsel["refused"] == ["", "0", "0", ""]
    findings = {row[0]: row[1:] for row in csv_rows(published.out, "monitoring_findings")}
    assert findings["serious"] == ["1", "0", "0", "1"]  # findings are not persons
    fees = {row[0]: row[1:] for row in csv_rows(published.out, "fees_against_domestic_alternative")}
    assert fees["2025-03"][:3] == ["1", "14", "220"]  # 14 persons, 220 custody days billed
    assert fees["2025-03"][4] == "41245.60"  # 220 days at USD 187.48


def test_no_published_person_count_is_below_the_threshold(published: Published) -> None:
    publication = json.loads((published.out / "publication.json").read_text())
    suppressed = [t for t in publication["tables"] if t["name"] not in
                  ("monitoring_visits", "monitoring_findings")]  # fmt: skip
    assert len(suppressed) == 14
    for table in suppressed:
        for line in csv_rows(published.out, table["name"])[1:]:
            assert all(cell == "" or int(cell) == 0 or int(cell) >= 11 for cell in line[1:]), (
                table["name"],
                line,
            )
    for line in csv_rows(published.out, "fees_against_domestic_alternative")[1:]:
        assert line[2] == "" or int(line[2]) == 0 or int(line[2]) >= 11  # persons billed


def test_no_identifier_name_or_birth_date_appears(published: Published) -> None:
    people = published.registry.sql("SELECT person_id, name, birth_date FROM fact_person")
    assert len(people) == 17
    needles = set()
    for person_id, name, birth_date in people:
        needles |= {person_id, name, str(birth_date)[:10]}
    assert all(needles)
    for path in published.out.iterdir():
        data = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, (path.name, needle)
            assert needle.upper().encode() not in data, (path.name, needle)


def test_the_data_package_is_valid_and_loads_into_pandas(published: Published) -> None:
    descriptor = json.loads((published.out / "datapackage.json").read_text())
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["accord"]["head_seq"] > 0
    for resource in descriptor["resources"]:
        frame = pd.read_csv(published.out / resource["path"])
        fields = resource["schema"]["fields"]
        assert list(frame.columns) == [f["name"] for f in fields]
        for field in fields:
            assert field["description"]
            if field["type"] in ("integer", "number"):
                assert field["unit"]
                assert pd.api.types.is_numeric_dtype(frame[field["name"]])
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(published.out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def run_verifier(report: Path, bundle: Path) -> subprocess.CompletedProcess[str]:
    """verify_bundle.py as a monitor runs it: isolated, without site-packages (-S), so the
    standard library only."""
    return subprocess.run(
        [sys.executable, "-I", "-S", str(report / "verify_bundle.py"), str(report), str(bundle)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_bundle_finds_the_published_counts_in_the_bundle(published: Published) -> None:
    result = run_verifier(published.out, published.bundle)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "8 tables" in result.stdout
    assert "transfers_by_nationality" in result.stdout  # named as not checkable


def test_verify_bundle_fails_on_a_tampered_count(published: Published, tmp_path: Path) -> None:
    report = tmp_path / "report"
    shutil.copytree(published.out, report)
    held = report / "held_by_facility.csv"
    held.write_text(held.read_text().replace("CECOT,14,15,15", "CECOT,14,16,15"))
    result = run_verifier(report, published.bundle)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "FAILED: held_by_facility.csv, row 'CECOT', column '2025-04': "
        "published 16, the bundle gives 15"
    )


def test_verify_bundle_fails_on_another_head_or_a_broken_chain(
    published: Published, tmp_path: Path
) -> None:
    report = tmp_path / "report"
    shutil.copytree(published.out, report)
    publication = json.loads((report / "publication.json").read_text())
    publication["provenance"]["head_hash"] = "0" * 64
    (report / "publication.json").write_text(json.dumps(publication))
    result = run_verifier(report, published.bundle)
    assert result.returncode == 1
    assert "the report states " + "0" * 64 in result.stderr
    bundle = tmp_path / "bundle"
    shutil.copytree(published.bundle, bundle)
    lines = (bundle / "audit.jsonl").read_text().splitlines()
    entry = json.loads(lines[5])
    entry["actor"] = "someone-else"
    lines[5] = json.dumps(entry)
    (bundle / "audit.jsonl").write_text("\n".join(lines) + "\n")
    result = run_verifier(published.out, bundle)
    assert result.returncode == 1
    assert result.stderr.strip() == "FAILED: entry 6: its hash does not match its fields"


def test_publishing_again_replaces_the_report(published: Published) -> None:
    again = published.registry.cli(
        "publish", "--period", "2025-03..2025-03", "--out", published.out, as_user="mona"
    )
    assert again.returncode == 0, again.stderr
    publication = json.loads((published.out / "publication.json").read_text())
    assert publication["months"] == ["2025-03"]
