"""The national synthetic docket (issue 20, section 2): calibrated to published figures,
reproducible from a seed, screened by the bulk engine; the default profile unchanged.

The shares are measured on the generated tables, among the persons whose list is known,
and compared with the published figures written out here (the sources are in
src/accord/synthetic/national.yaml and docs/synthetic.md), not with the generator's own
probabilities.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from accord.casefile.models import CASE_FILE_LISTS, CODE_LIST_FIELDS, CaseFile
from accord.engine import DecisionRequest, FactStore, screen_table
from accord.facts.snapshot import read_snapshot
from accord.facts.tables import FactTables, decode_codes, known_flag
from accord.law.framework import FacilityCounts
from accord.synthetic import synthetic_docket
from cli_runner import run_accord as accord

N = 200_000
AS_OF = dt.date(2025, 3, 16)

# Published figures (national.yaml gives each source).
NON_DETAINED = 7_600_000  # ICE non-detained docket, end of FY2024
NON_DETAINED_JULY_2024 = 7_400_000  # ICE letter to Rep. Gonzales, July 21, 2024
DETAINED = 65_135  # ICE detained population, 2025-11-16
DETAINED_NEVER_CONVICTED = 0.736
FY2023_DOCKET = 6_200_000  # ICE FY2023 Annual Report, non-detained docket by country
FY2023_BY_COUNTRY = {
    "HN": 878_653,
    "GT": 877_020,
    "MX": 774_974,
    "SV": 554_586,
    "VE": 465_476,
    "CU": 442_624,
    "NI": 323_518,
    "CO": 271_483,
    "HT": 208_565,
    "EC": 201_869,
}
FINAL_ORDERS = 1_445_549  # ICE, November 24, 2024
FINAL_ORDERS_BY_COUNTRY = {"SV": 203_822, "VE": 22_749, "HN": 261_651}
CONVICTED_NON_DETAINED = 425_431  # ICE letter, July 21, 2024
CONVICTIONS_BY_KIND = {  # of the 425,431 (same letter)
    "assault": 62_231,
    "dangerous drugs": 56_533,
    "sexual assault": 15_811,
    "homicide": 13_099,
}
ASYLUM_PENDING = 1_500_000  # defensive asylum applications pending in EOIR, end of FY2024
TPS_HOLDERS = {  # Federal Register notices and USCIS figures, by designation
    "SV": [232_000],
    "HN": [76_000],
    "NI": [3_020],
    "VE": [268_156, 348_202],
    "HT": [520_794],
}
TPS_ON_DOCKET = 0.4  # the profile's stated assumption (no published figure)


def share_of(country: str) -> float:
    return FY2023_BY_COUNTRY[country] / FY2023_DOCKET


def close(measured: float, target: float, rel: float, floor: float = 0.0) -> bool:
    return abs(measured - target) <= max(rel * target, floor)


@pytest.fixture(scope="module")
def national() -> FactTables:
    return synthetic_docket(N, seed=2, profile="national")


def known(facts: FactTables, name: str) -> pa.Array:
    persons = facts.persons
    return persons.filter(persons[known_flag(name)])["person_id"]


def share(facts: FactTables, name: str, having: pa.Array, among: pa.Array | None = None) -> float:
    """Share of the persons whose list `name` is known (and in `among`) who are in `having`."""
    base = known(facts, name)
    if among is not None:
        base = base.filter(pc.is_in(base, value_set=among))
    return float(pc.sum(pc.is_in(base, value_set=pc.unique(having))).as_py()) / len(base)


def persons_of(facts: FactTables, country: str) -> pa.Array:
    nat = facts.tables["nationalities"]
    return pc.unique(nat.filter(pc.equal(nat["country"], country))["person_id"])


def final_order_holders(facts: FactTables) -> pa.Array:
    """Persons with an order in force on AS_OF whose appeal period is over (or waived) and
    with no appeal pending: the test's own reading of a final order."""
    orders = facts.tables["removal_orders"]
    in_force = pc.or_kleene(
        pc.is_null(orders["vacated_on"]), pc.greater(orders["vacated_on"], AS_OF)
    )
    period_over = pc.or_(
        pc.less_equal(orders["issued_on"], AS_OF - dt.timedelta(days=30)),
        pc.fill_null(orders["appeal_waived"], False),
    )
    final = orders.filter(pc.and_(in_force, period_over))["person_id"]
    appeals = facts.tables["appeals"]
    pending = appeals.filter(pc.equal(appeals["status"], "pending"))["person_id"]
    return pc.unique(final.filter(pc.invert(pc.is_in(final, value_set=pending))))


def content_hash(facts: FactTables) -> str:
    digest = hashlib.sha256()
    for name, table in facts.tables.items():
        digest.update(name.encode())
        digest.update(str(table.schema).encode())
        digest.update(json.dumps(table.to_pydict(), default=str, ensure_ascii=False).encode())
    return digest.hexdigest()


def test_the_default_profile_is_unchanged() -> None:
    """The tables the default profile gave before the national profile was added (tests and
    benchmark figures depend on them)."""
    expected = "e39a8ee090ca0afb20f981997007c9d2314a433ac20785fc8cdb685ff6089ba9"
    assert content_hash(synthetic_docket(3_000, seed=5)) == expected
    assert content_hash(synthetic_docket(3_000, seed=5, profile="default")) == expected


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    a, b = (synthetic_docket(50_000, seed=11, profile="national") for _ in range(2))
    assert content_hash(a) == content_hash(b)
    c = synthetic_docket(50_000, seed=12, profile="national")
    assert c.persons["person_id"].equals(a.persons["person_id"])
    differ = [name for name in a.tables if not a.tables[name].equals(c.tables[name])]
    assert len(differ) == len(a.tables)
    assert content_hash(a) != content_hash(synthetic_docket(50_000, seed=11))


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of: default, national"):
        synthetic_docket(10, profile="nationwide")


@pytest.mark.parametrize("country", sorted(FY2023_BY_COUNTRY))
def test_nationality_mix(national: FactTables, country: str) -> None:
    measured = share(national, "nationalities", persons_of(national, country))
    # within 6%: sampling, and the 1% of persons with a second nationality
    assert close(measured, share_of(country), rel=0.06), (country, measured)


def test_final_order_share(national: FactTables) -> None:
    measured = share(national, "removal_orders", final_order_holders(national))
    assert close(measured, FINAL_ORDERS / NON_DETAINED, rel=0.03), measured


@pytest.mark.parametrize("country", sorted(FINAL_ORDERS_BY_COUNTRY))
def test_final_order_share_by_nationality(national: FactTables, country: str) -> None:
    """ICE's final orders by country over the country's persons on the docket: about 30%
    of Salvadorans, 4% of Venezuelans."""
    target = FINAL_ORDERS_BY_COUNTRY[country] / (share_of(country) * NON_DETAINED)
    measured = share(
        national,
        "removal_orders",
        final_order_holders(national),
        among=persons_of(national, country),
    )
    assert close(measured, target, rel=0.1, floor=0.01), (country, measured, target)


def test_detained_share_and_convictions(national: FactTables) -> None:
    custody = national.tables["custody_locations"]
    held = custody.filter(
        pc.and_(pc.less_equal(custody["from_date"], AS_OF), pc.is_null(custody["to_date"]))
    )["person_id"]
    detained = DETAINED / (NON_DETAINED + DETAINED)
    assert close(share(national, "custody_locations", held), detained, rel=0.15)
    convicted = national.tables["convictions"]["person_id"]
    target = CONVICTED_NON_DETAINED / NON_DETAINED_JULY_2024 * (1 - detained) + detained * (
        1 - DETAINED_NEVER_CONVICTED
    )
    assert close(share(national, "convictions", convicted), target, rel=0.05)
    among_held = share(national, "convictions", convicted, among=held)
    assert close(among_held, 1 - DETAINED_NEVER_CONVICTED, rel=0.2), among_held


@pytest.mark.parametrize("kind", sorted(CONVICTIONS_BY_KIND))
def test_conviction_kinds(national: FactTables, kind: str) -> None:
    offences = national.tables["convictions"]["offence"]
    measured = pc.sum(pc.equal(offences, kind)).as_py() / len(offences)
    target = CONVICTIONS_BY_KIND[kind] / CONVICTED_NON_DETAINED
    assert close(measured, target, rel=0.12, floor=0.006), (kind, measured, target)


def test_pending_asylum_claims(national: FactTables) -> None:
    p = national.tables["protections"]
    pending = p.filter(pc.and_(pc.equal(p["kind"], "asylum"), pc.equal(p["status"], "pending")))
    measured = share(national, "protections", pending["person_id"])
    assert close(measured, ASYLUM_PENDING / NON_DETAINED, rel=0.03), measured
    # pending claims belong to persons in proceedings, not to those with a final order
    finals = final_order_holders(national)
    assert not pc.any(pc.is_in(pending["person_id"], value_set=finals)).as_py()


def test_tps_share(national: FactTables) -> None:
    g = national.tables["status_grants"]
    in_force = g.filter(
        pc.and_(
            pc.and_(pc.equal(g["kind"], "tps"), pc.less_equal(g["granted_on"], AS_OF)),
            pc.and_(pc.greater_equal(g["valid_until"], AS_OF), pc.is_null(g["terminated_on"])),
        )
    )
    holders = sum(sum(v) for v in TPS_HOLDERS.values())
    measured = share(national, "status_grants", in_force["person_id"])
    assert close(measured, TPS_ON_DOCKET * holders / NON_DETAINED, rel=0.05), measured
    sv = share(national, "status_grants", in_force["person_id"], among=persons_of(national, "SV"))
    target = TPS_ON_DOCKET * TPS_HOLDERS["SV"][0] / (share_of("SV") * NON_DETAINED)
    assert close(sv, target, rel=0.1), sv
    # each grant names its country's designation notice
    assert pc.all(pc.is_valid(in_force["authority"])).as_py()
    assert set(pc.unique(in_force["country"]).to_pylist()) == set(TPS_HOLDERS)


def test_a_bulk_screen_gives_all_three_outcomes() -> None:
    facts = synthetic_docket(50_000, seed=3, profile="national")
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        as_of=AS_OF.isoformat(),
        facility="CECOT",
        facility_counts=FacilityCounts(1000, 0, source="a census of the test"),
    )
    table = screen_table(store=FactStore.from_tables(facts), request=request)
    counts = {d["values"]: d["counts"] for d in pc.value_counts(table["outcome"]).to_pylist()}
    assert set(counts) == {"eligible", "ineligible", "undetermined"}
    assert counts["ineligible"] > 0.9 * 50_000


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2027, 1, 1)])
def test_rows_are_valid_case_files(as_of: dt.date) -> None:
    """Regrouped into case files, the rows pass the case file v2 model, whatever the date
    they are spread around (TPS grants end with their designation's period)."""
    docket = synthetic_docket(3_000, seed=4, as_of=as_of, profile="national")
    cases: dict[str, dict[str, Any]] = {}
    for person in docket.persons.to_pylist():
        cases[person["person_id"]] = {
            k: v for k, v in person.items() if not k.endswith("_known")
        } | {n: [] if person[known_flag(n)] else None for n in CASE_FILE_LISTS}
        cases[person["person_id"]]["schema_version"] = "2"
    for name in CASE_FILE_LISTS:
        # every list is met, but AEA designations (0.5% of Venezuelans: none among 3,000)
        assert docket.tables[name].num_rows > 0 or name == "designations", name
        for row in docket.tables[name].to_pylist():
            pid = row.pop("person_id")
            for code_field in CODE_LIST_FIELDS.get(name, ()):
                row[code_field] = decode_codes(row[code_field])
            cases[pid][name].append(row["country"] if name == "nationalities" else row)
    for case in cases.values():
        CaseFile.model_validate(case)


def test_cli_generates_a_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "national"
    result = accord(
        "docket", "generate", "--profile", "national", "--persons", "2000", "--seed", "9",
        "--out", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2,000 persons (profile national, seed 9" in result.stdout
    back = read_snapshot(out)
    fresh = synthetic_docket(2_000, seed=9, profile="national")
    for name, table in fresh.tables.items():
        assert back.tables[name].equals(table.sort_by("person_id")), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["note"] == "synthetic docket: 2000 persons, seed 9, profile national"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "nationwide"], "--profile 'nationwide' is not one of: default, national"),
        (["--persons", "0"], "--persons 0 is not from 1 to 100,000,000"),
        (["--seed", "-1"], "--seed -1 is negative"),
        (["--as-of", "2025-02-30"], "--as-of '2025-02-30' is not a date"),
    ],
)
def test_cli_bad_input_writes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "snap"
    result = accord("docket", "generate", "--out", out, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
