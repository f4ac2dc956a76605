"""`accord publish` on a registry with a small programme (scenario.py), on SQLite and PostgreSQL:
the figures, suppression, no personal data, the data package, and the offline check against
the audit bundle of the head it states."""

from __future__ import annotations

import ast
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
    records: Path
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
    result = registry.cli(
        "publish", "--period", PERIOD, "--out", tmp / "report", "--records", tmp / "records",
        as_user="mona",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    exported = registry.cli("audit", "export", "--out", tmp / "bundle", as_user="mona")
    assert exported.returncode == 0, exported.stderr
    yield Published(registry, tmp / "report", tmp / "bundle", tmp / "records", result.stdout)
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
    # "in time" for a consular notification: the dated law parameter, with its citation
    assert provenance["consular_deadline_days"] == 3
    assert "within 3 days of the handover: law parameter consular_notification_days" in page
    assert "Vienna Convention on Consular Relations, art. 36(1)(b)" in page
    assert "mandatory" in page  # the bilateral conventions, said not to be applied
    assert f"audit entry {seq}" in published.stdout


def test_the_figures_are_the_registrys(published: Published) -> None:
    # 14 departed in March and 3 in April: 3 is small, so March's 14 is hidden with it
    assert csv_rows(published.out, "transfers_by_facility") == [
        ["facility", "2025-03", "2025-04", "2025-05", "period"],
        ["CECOT", "", "", "0", "17"],
        ["total", "", "", "0", "17"],
    ]
    # held at each month's end: 13 received and 1 found on 16-20 March; 3 in, 2 out in April;
    # 1 returned by court order in May
    assert csv_rows(published.out, "held_by_facility")[1] == ["CECOT", "14", "15", "14"]
    returns = {row[0]: row[1:] for row in csv_rows(published.out, "return_cases")}
    assert returns["back within 30 days of the order"] == ["0", "", "0", ""]  # 1: hidden
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
    assert len(people) == 29  # 17 transferred, 12 decided ineligible
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


def run_verifier(
    report: Path, bundle: Path, records: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """verify_bundle.py as a monitor runs it: isolated, without site-packages (-S), so the
    standard library only."""
    folders = [str(report), str(bundle), *([str(records)] if records else [])]
    return subprocess.run(
        [sys.executable, "-I", "-S", str(report / "verify_bundle.py"), *folders],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_bundle_checks_every_table_with_the_records(published: Published) -> None:
    result = run_verifier(published.out, published.bundle, published.records)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "of 17 tables" in result.stdout  # 16 count tables and the fees
    assert "and the records checked against them" in result.stdout
    assert "with the records folder also" not in result.stdout
    assert "not checkable offline" not in result.stdout
    publication = json.loads((published.out / "publication.json").read_text())
    assert publication["format_version"] == 2
    reasons = {t["name"]: t["not_checkable_because"] for t in publication["tables"]}
    assert [name for name, why in reasons.items() if why] == []
    rules = next(t for t in publication["tables"] if t["name"] == "rules_failed_most")
    assert rules["verified_from_audit_bundle"] is True
    assert "not checkable offline" not in (published.out / "report.html").read_text()


def test_verify_bundle_finds_the_published_counts_in_the_bundle(published: Published) -> None:
    """Without the records: the 9 tables of the entries alone and the fees' invoices and
    totals; the others named as needing the records folder."""
    result = run_verifier(published.out, published.bundle)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "of 10 tables" in result.stdout
    assert "with the records folder also: transfers_by_pathway" in result.stdout
    assert "transfers_by_nationality" in result.stdout


# a published cell of every table the verifier checks: (file, row, column)
TAMPERED = [
    ("transfers_by_pathway", "custody_placement", "period"),
    ("transfers_by_destination", "SV", "period"),
    ("transfers_by_facility", "CECOT", "2025-05"),
    ("transfers_by_nationality", "SV", "period"),
    ("decisions_by_outcome", "total", "period"),
    ("rules_failed_most", "no_withholding", "2025-05"),
    ("boarding_strikes", "total", "2025-05"),
    ("incidents_by_kind", "total", "2025-05"),
    ("incidents_days_open", "within 1 day", "2025-03"),
    ("return_cases", "back in 31 to 90 days", "2025-04"),
    ("consular_notifications", "notified late", "2025-03"),
    ("counsel_access", "total", "2025-03"),
    ("monitoring_visits", "CECOT", "2025-03"),
    ("monitoring_findings", "serious", "2025-04"),
    ("held_by_facility", "CECOT", "2025-05"),
    ("held_by_agreement", "sv-2025-offer", "2025-05"),
    ("fees_against_domestic_alternative", "2025-03", "custody_days_billed"),
]


@pytest.mark.parametrize(("name", "row", "column"), TAMPERED)
def test_verify_bundle_fails_on_one_tampered_cell_of_any_table(
    published: Published, tmp_path: Path, name: str, row: str, column: str
) -> None:
    report = tmp_path / "report"
    shutil.copytree(published.out, report)
    lines = csv_rows(report, name)
    header = lines[0]
    (line,) = [line for line in lines if line[0] == row]
    c = header.index(column)
    assert line[c] != "", f"{name} {row} {column} is suppressed: choose a published cell"
    was = int(line[c])
    line[c] = str(was + 1)
    with (report / f"{name}.csv").open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)
    result = run_verifier(report, published.bundle, published.records)
    assert result.returncode == 1, result.stdout
    assert result.stderr.strip() == (
        f"FAILED: {name}.csv, row '{row}', column '{column}': "
        f"published {was + 1}, the bundle gives {was}"
    )


def test_verify_bundle_fails_on_a_record_that_is_not_the_audited_one(
    published: Published, tmp_path: Path
) -> None:
    records = tmp_path / "records"
    shutil.copytree(published.records, records)
    path = records / "nationalities.jsonl"
    path.write_text(path.read_text().replace('"country": "SV"', '"country": "GT"', 1))
    result = run_verifier(published.out, published.bundle, records)
    assert result.returncode == 1
    assert "nationality rows of entry" in result.stderr
    assert "do not give its digest" in result.stderr
    path.write_text((published.records / "nationalities.jsonl").read_text())
    links = records / "links.jsonl"
    text = links.read_text()
    first = json.loads(text.splitlines()[0])
    moved = dict(first, seq=first["seq"] - 1)
    links.write_text(
        text.replace(json.dumps(first, sort_keys=True), json.dumps(moved, sort_keys=True), 1)
    )
    result = run_verifier(published.out, published.bundle, records)
    assert result.returncode == 1
    assert result.stderr.startswith(f"FAILED: records: {first['kind']} {first['id']} is linked")


def test_verify_bundle_fails_on_a_tampered_count(published: Published, tmp_path: Path) -> None:
    report = tmp_path / "report"
    shutil.copytree(published.out, report)
    held = report / "held_by_facility.csv"
    held.write_text(held.read_text().replace("CECOT,14,15,14", "CECOT,14,16,14"))
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


def test_rules_failed_most_counts_the_decisions_failures(published: Published) -> None:
    # the 12 protected Salvadorans decided in May each fail the withholding rule
    assert csv_rows(published.out, "rules_failed_most") == [
        ["rule", "2025-03", "2025-04", "2025-05", "period"],
        ["no_withholding", "0", "0", "12", "12"],
        ["total", "0", "0", "12", "12"],
    ]


def _rechained(bundle: Path, head_seq: int, strip: str) -> str:
    """The bundle's audit.jsonl with `strip` taken out of every decision.record change and
    the chain hashed again (entries as written before the key was audited); the new hash
    of entry `head_seq`."""
    from accord.publish.verify_bundle import GENESIS, _entry_hash
    from accord.publish.verify_records import _CANONICAL, _sha256

    path = bundle / "audit.jsonl"
    prev, head_hash, lines = GENESIS, "", []
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        if entry["action"] == "decision.record":
            change = json.loads(entry["change"])
            del change[strip]
            entry["change"] = _CANONICAL.encode(change)
            entry["change_digest"] = _sha256(entry["change"])
        entry["prev_hash"] = prev
        entry["hash"] = prev = _entry_hash(entry)
        if entry["seq"] == head_seq:
            head_hash = prev
        lines.append(json.dumps(entry))
    path.write_text("\n".join(lines) + "\n")
    return head_hash


def test_verify_bundle_says_rules_failed_are_not_checkable_without_them_audited(
    published: Published, tmp_path: Path
) -> None:
    """Decision entries that do not name the rules failed (written before they were
    audited): the table is said to be not checkable, its figures neither passed nor failed."""
    report, bundle = tmp_path / "report", tmp_path / "bundle"
    shutil.copytree(published.out, report)
    shutil.copytree(published.bundle, bundle)
    publication = json.loads((report / "publication.json").read_text())
    head_seq = publication["provenance"]["head_seq"]
    publication["provenance"]["head_hash"] = _rechained(bundle, head_seq, "failed_rules")
    (report / "publication.json").write_text(json.dumps(publication))
    shutil.rmtree(bundle / "records", ignore_errors=True)
    result = run_verifier(report, bundle)
    assert result.returncode == 0, result.stderr
    assert "of 9 tables" in result.stdout
    assert (
        "not checkable offline: rules_failed_most (decisions recorded before failed rules "
        "were audited: " in result.stdout
    )


def test_a_decision_audited_without_its_failed_rules_makes_the_table_not_checkable(
    published: Published,
) -> None:
    """The publisher's side: one decision of the period whose entry does not name the rules
    it failed (as entries written before they were audited), in a transaction rolled back."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from accord.db import append_audit
    from accord.decisions.models import DecisionRecord
    from accord.publish.period import parse_period
    from accord.publish.queries import decisions_without_failed_rules
    from accord.publish.service import build_publication
    from accord.publish.verify_bundle import RULES_NOT_AUDITED

    period = parse_period(PERIOD)
    with Session(published.registry.engine) as session:
        built = build_publication(session, period=period, threshold=11)
        (rules,) = [t for t in built.tables if t.name == "rules_failed_most"]
        assert (rules.verified, rules.not_checkable) == (True, None)
        kept = session.scalars(select(DecisionRecord).order_by(DecisionRecord.id.desc())).first()
        assert kept is not None
        change = {"outcome": kept.outcome, "inputs_digest": kept.inputs_digest}
        entry = append_audit(
            session, actor=published.registry.users["olivia"], action="decision.record",
            subject=f"person:{kept.person_id}", change=change,
        )  # fmt: skip
        values = {c.key: getattr(kept, c.key) for c in DecisionRecord.__table__.columns}
        session.add(DecisionRecord(**(values | {"id": None, "audit_seq": entry.seq})))
        session.flush()
        assert decisions_without_failed_rules(session, period, int(entry.seq)) == 1
        built = build_publication(session, period=period, threshold=11)
        (rules,) = [t for t in built.tables if t.name == "rules_failed_most"]
        assert (rules.verified, rules.not_checkable) == (False, RULES_NOT_AUDITED)
        session.rollback()


def test_publishing_again_replaces_the_report(published: Published) -> None:
    again = published.registry.cli(
        "publish", "--period", "2025-03..2025-03", "--out", published.out, as_user="mona"
    )
    assert again.returncode == 0, again.stderr
    publication = json.loads((published.out / "publication.json").read_text())
    assert publication["months"] == ["2025-03"]


def test_the_shipped_suppression_runs_on_the_standard_library_alone(published: Published) -> None:
    """suppression.py ships in the folder: a reader reruns the interval audit without Accord."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import suppression as s; "
        "g = [[0, 33, 33], [12, 2, 14], [3, 0, 3], [0, 3, 3], [15, 38, 53]]; "
        "print(sorted(s.suppress(g, threshold=11)))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, str(published.out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    hidden = set(ast.literal_eval(result.stdout))
    assert {(2, 0), (1, 1), (3, 1)} <= hidden  # the 3s and the 2, with enough others
