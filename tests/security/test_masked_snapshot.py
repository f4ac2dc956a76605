"""Issue 19 item 6: an analyst's masked snapshot of the demo re-identifies nobody.

The reviewer re-identified 30 of 30 demo persons from an analyst's snapshot through free-text
sources and exact birth dates. Here the demo's mission registry is built (`run_mission_demo`),
the analyst takes a masked snapshot and an officer an unmasked one, and the masked rows are
joined to the unmasked persons on each quasi-identifier left (free text, birth date,
nationality, every column of the persons table together): no masked person links to fewer
than k persons. The legal facts the screen reads stay, and the bulk screen of the masked
snapshot decides as the unmasked one does; what remains linkable is stated (one person whose
withholding grant no one else has). The masking itself (facts/masking.py) is checked on a
synthetic docket: the column treatments change no rule's status, and k-anonymity
suppression never makes anyone eligible.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console

from accord.demo.mission import PROTECTED, run_mission_demo
from accord.engine import DecisionRequest
from accord.engine.request import every_bundled_request
from accord.engine.screen import screen_table
from accord.engine.store import FactStore
from accord.facts.masking import (
    LEVELS,
    TREATMENTS,
    Treatment,
    group_persons,
    mask_docket,
    mask_person_id,
    place_persons,
    treat_columns,
)
from accord.facts.tables import FACT_SCHEMAS, FactTables
from accord.synthetic import synthetic_docket
from cli_runner import run_accord

KEY = "a-masking-key-for-tests-only"
K = 5
SCREEN = (
    *("--agreement", "sv-2025-offer", "--pathway", "custody_placement", "--destination", "SV"),
    *("--facility", "CECOT", "--as-of", "2025-03-16", "--facility-count", "0/0"),
)

Rows = dict[str, list[dict[str, Any]]]


def _tables(folder: Path) -> Rows:
    return {name: pq.read_table(folder / f"{name}.parquet").to_pylist() for name in FACT_SCHEMAS}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's registry, an officer's snapshot of it and an analyst's masked one."""
    folder = tmp_path_factory.mktemp("demo")
    result = run_mission_demo(out_dir=folder, console=Console(file=io.StringIO()))
    env = {
        "ACCORD_DATABASE_URL": f"sqlite:///{result.database}",
        "ACCORD_MASKING_KEY": KEY,
        "XDG_CONFIG_HOME": str(folder / "config"),  # no token file of the machine's user
    }

    def cli(user: str, *args: str | Path) -> Any:
        as_user = {"ACCORD_TOKEN": result.tokens[user]}
        return run_accord("--as", user, *args, env=env | as_user, cwd=folder)

    for user, name in (("olivia", "full"), ("ana", "masked")):
        done = cli(user, "registry", "snapshot", "--out", folder / name)
        assert done.returncode == 0, done.stderr
    return {"folder": folder, "cli": cli, "env": env}


def _pseudonyms(persons: list[dict[str, Any]]) -> dict[str, str]:
    return {mask_person_id(p["person_id"], KEY.encode()): p["person_id"] for p in persons}


def test_no_free_text_of_the_registry_is_in_the_masked_snapshot(demo: dict[str, Any]) -> None:
    full, folder = _tables(demo["folder"] / "full"), demo["folder"] / "masked"
    masked = _tables(folder)
    dropped = {
        value
        for table, rows in full.items()
        for row in rows
        for column, value in row.items()
        if TREATMENTS[table][column] in (Treatment.DROP, Treatment.PRESENCE, Treatment.PSEUDONYM)
        and value
    }
    assert len(dropped) > 60  # 30 names, 30 ids, every source, offence
    text = json.dumps(masked, default=str) + (folder / "manifest.json").read_text("utf-8")
    assert [value for value in dropped if str(value) in text] == []
    for rows in masked.values():
        for row in rows:
            assert row.get("source") is None
    assert all(p["name"] is None for p in masked["persons"])


def _candidates(
    masked: Rows, full: Rows, key: Callable[[Rows, str], object]
) -> dict[str, list[str]]:
    """Each masked person -> the unmasked persons whose `key` equals theirs."""
    by_key: defaultdict[object, list[str]] = defaultdict(list)
    for p in full["persons"]:
        by_key[key(full, p["person_id"])].append(p["person_id"])
    return {p["person_id"]: by_key.get(key(masked, p["person_id"]), []) for p in masked["persons"]}


def _index(rows: Rows) -> dict[str, dict[str, list[dict[str, Any]]]]:
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for table, table_rows in rows.items():
        for row in table_rows:
            out[row["person_id"]][table].append(row)
    return out


def _compatible(
    masked: dict[str, Any], person: dict[str, Any], ignore: tuple[str, ...] = ()
) -> bool:
    """The attacker's join on the persons table: a withheld (null) value matches anything,
    a birth date every earlier one, every other column (but those in `ignore`) must be
    equal."""
    for column, value in masked.items():
        if column in ("person_id", "name", *ignore):
            continue
        if column == "birth_date":
            # born no later than: 31 December of the latest birth year of the group
            if value is not None and (person[column] is None or person[column] > value):
                return False
        elif column == "sex":
            if value is not None and value != person[column]:
                return False
        elif column == "nationalities_known":
            continue  # compared with the nationalities themselves
        elif value != person[column]:
            return False
    return True


def test_no_masked_person_links_to_fewer_than_k_persons(demo: dict[str, Any]) -> None:
    full = _tables(demo["folder"] / "full")
    masked = _tables(demo["folder"] / "masked")
    # the demo mission's 30 persons and the US citizen whose nomination the demo refuses
    assert len(masked["persons"]) == len(full["persons"]) == 31
    manifest = json.loads((demo["folder"] / "masked" / "manifest.json").read_text("utf-8"))
    assert manifest["masking"]["k"] == K
    assert sum(manifest["masking"]["persons_by_level"].values()) == 31

    def birth_date(rows: Rows, pid: str) -> object:
        return next(p["birth_date"] for p in rows["persons"] if p["person_id"] == pid)

    def nationality(rows: Rows, pid: str) -> object:
        known = next(p["nationalities_known"] for p in rows["persons"] if p["person_id"] == pid)
        found = (n["country"] for n in rows["nationalities"] if n["person_id"] == pid)
        return tuple(sorted(found)) if known else None

    # the exact birth dates of the registry: a masked date matches none, or k or more
    for pid, found in _candidates(masked, full, birth_date).items():
        if birth_date(masked, pid) is not None:
            assert len(found) == 0 or len(found) >= K, (pid, found)
    for pid, found in _candidates(masked, full, nationality).items():
        if nationality(masked, pid) is not None:
            assert len(found) >= K, (pid, found)

    # every column of the persons table left, with the nationalities, together: k or more,
    # except for a person whose citizenship (a legal fact the screen needs, kept as is:
    # facts/masking.py) no one else has, and then k or more once it is left out
    full_nations = {p["person_id"]: nationality(full, p["person_id"]) for p in full["persons"]}
    names = _pseudonyms(full["persons"])

    def found(m: dict[str, Any], ignore: tuple[str, ...] = ()) -> list[str]:
        nations = nationality(masked, m["person_id"]) if m["nationalities_known"] else None
        return [
            p["person_id"]
            for p in full["persons"]
            if _compatible(m, p, ignore)
            and (nations is None or full_nations[p["person_id"]] == nations)
        ]

    by_citizenship = Counter(p["citizenship"] for p in full["persons"])
    singled_out = []
    for m in masked["persons"]:
        if len(found(m)) < K:
            singled_out.append(names[m["person_id"]])
            assert by_citizenship[m["citizenship"]] < K, m
            assert len(found(m, ignore=("citizenship",))) >= K, m
    # the US citizen (also Salvadoran) whose nomination the demo refuses
    assert singled_out == ["demo-070-us-citizen-dual-sv"]


def _record(rows: dict[str, list[dict[str, Any]]], skip: tuple[str, ...]) -> object:
    """One person's rows of every fact table, person ids left out, as one comparable value."""
    return tuple(
        (table, tuple(sorted(json.dumps({**r, "person_id": None}, default=str) for r in rs)))
        for table, rs in sorted(rows.items())
        if table not in ("persons", *skip)
    )


def test_what_stays_linkable_is_a_legal_fact_only_one_person_has(demo: dict[str, Any]) -> None:
    """The attacker who holds the unmasked registry and masks it as the snapshot does (every
    column treatment) can join whole records of legal facts: only the person whose
    withholding grant no one else has is singled out, and only by that grant."""
    full = _tables(demo["folder"] / "full")
    masked_folder = demo["folder"] / "masked"
    masked = _tables(masked_folder)
    treated = treat_columns(_as_facts(full), KEY.encode())
    attacker = {name: t.to_pylist() for name, t in treated.tables.items()}
    names = _pseudonyms(full["persons"])

    def linked(skip: tuple[str, ...]) -> list[str]:
        theirs, ours = _index(attacker), _index(masked)
        records = Counter(_record(theirs[p["person_id"]], skip) for p in attacker["persons"])
        return sorted(
            names[pid]
            for pid in (p["person_id"] for p in masked["persons"])
            if records[_record(ours[pid], skip)] == 1
        )

    assert linked(()) == [PROTECTED]
    assert linked(("protections",)) == []


def _as_facts(rows: Rows) -> FactTables:
    return FactTables(
        {name: pa.Table.from_pylist(rows[name], schema=FACT_SCHEMAS[name]) for name in rows}
    )


def test_the_masked_snapshot_screens_as_the_unmasked_one(demo: dict[str, Any]) -> None:
    folder, cli = demo["folder"], demo["cli"]
    outcomes = {}
    for name in ("full", "masked"):
        done = cli("ana", "screen", folder / name, *SCREEN, "--out", folder / f"{name}.parquet")
        assert done.returncode == 0, done.stderr
        outcomes[name] = {
            r["person_id"]: r["outcome"]
            for r in pq.read_table(folder / f"{name}.parquet").to_pylist()
        }
    names = _pseudonyms(_tables(folder / "full")["persons"])
    assert {names[p]: o for p, o in outcomes["masked"].items()} == outcomes["full"]
    # ineligible: the Salvadoran with a withholding grant and the refused US citizen
    assert Counter(outcomes["full"].values()) == {"eligible": 29, "ineligible": 2}


# ---- the masking on its own ----------------------------------------------------------------


def test_every_string_column_kept_is_a_code() -> None:
    """A string column is kept only when it holds codes the rules read; a new free-text
    column must be dropped in facts/masking.py (this list says which are kept)."""
    kept = sorted(
        f"{table}.{column}"
        for table, columns in TREATMENTS.items()
        for column, treatment in columns.items()
        if treatment is Treatment.KEEP and FACT_SCHEMAS[table].field(column).type == pa.string()
    )
    assert kept == sorted(CODES_KEPT)


CODES_KEPT = [
    "persons.sex",
    "persons.citizenship",
    "citizenship_claim.status",
    "nationalities.country",
    "removal_orders.kind",
    "removal_orders.country",
    "removal_orders.alternative_countries",
    "appeals.kind",
    "appeals.status",
    "appeals.court",
    "stays.kind",
    "protections.kind",
    "protections.status",
    "protections.country",
    "protections.forum",
    "fear_claims.country",
    "fear_claims.status",
    "fear_claims.screening",
    "fear_claims.protection",
    "notices.country",
    "convictions.category",
    "convictions.jurisdiction",
    "convictions.vacatur_basis",
    "convictions.offence_classes",
    "sentences.custodian",
    "consents.given_by",
    "early_removal_approvals.authority",
    "transfer_requests.country",
    "status_grants.kind",
    "status_grants.country",
    "court_orders.court",
    "court_orders.proceeding",
    "court_orders.effect",
    "court_orders.status",
    "court_orders.country",
    "court_orders.district",
    "forbearances.court",
    "forbearances.country",
    "custody_locations.district",
    "designations.authority",
    "uac_determinations.by",
    "incompetency_findings.court",
    "transfer_approvals.state",
]


def test_k_anonymity_gives_up_sex_then_birth_year_then_nationality() -> None:
    keys = [(1980, "male", ("VE",))] * 5  # a group of 5 at level 0
    keys += [(1981, "male", ("VE",)), (1981, "female", ("VE",))] * 3  # 6 at level 1
    keys += [(1990 + i, "male", ("SV",)) for i in range(5)]  # 5 in a 5-year band
    keys += [(1970, "male", ("MX",)), (1971, "female", ("GT",))]  # 2 alone...
    # ...joined at the last level by the coarsest, smallest group (the 5 SV): 7
    assert place_persons(keys, 5) == [0] * 5 + [1] * 6 + [5] * 7
    assert LEVELS[5] == "none"
    assert place_persons(keys, 2) == [0] * 11 + [2] * 5 + [5] * 2
    assert place_persons(keys[:3], 5) == [5, 5, 5]  # a docket of fewer than k


def test_a_small_group_borrows_only_the_surplus_of_a_large_one() -> None:
    keys = [(1975, "male", ("VE",))] * 4 + [(1985, "male", ("VE",))] * 10
    levels = place_persons(keys, 5)
    # the 4 share only their nationality with the 10, who can spare one and keep 9
    assert Counter(levels) == {4: 5, 0: 9}
    assert levels[:4] == [4] * 4
    groups = group_persons(keys, 5)
    assert sorted(len(g.members) for g in groups) == [5, 9]


@pytest.fixture(scope="module")
def synthetic() -> FactTables:
    return synthetic_docket(3000, seed=7)


def _requests() -> list[DecisionRequest]:
    """Removal to a third country and return of nationals (nationality), custody at CECOT
    (age: the offer's adult term) and a sentenced transfer (age: who may consent)."""
    wanted = [("sv-2025-offer", "third_country_removal"), ("sv-2025-offer", "return_of_nationals")]
    wanted += [("sv-2025-offer", "custody_placement"), ("coe-ets-112", "sentenced_transfer")]
    found = {(r.agreement_id, r.pathway): r for r in every_bundled_request(DAY)}
    return [found[w] for w in wanted]


DAY = dt.date(2025, 3, 16)


def _screen(facts: FactTables, request: DecisionRequest) -> dict[str, dict[str, Any]]:
    store = FactStore.from_tables(facts)
    try:
        return {r["person_id"]: r for r in screen_table(store=store, request=request).to_pylist()}
    finally:
        store.close()


def _changes(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], names: dict[str, str]
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """(rule status changes, outcome changes), each as (before, after) -> how many."""
    rules: Counter[tuple[str, str]] = Counter()
    outcomes: Counter[tuple[str, str]] = Counter()
    for pseudonym, row in after.items():
        was = before[names[pseudonym]]
        for column, status in row.items():
            if column != "person_id" and status != was[column]:
                counter = outcomes if column == "outcome" else rules
                counter[(was[column], status)] += 1
    return rules, outcomes


@pytest.mark.parametrize("request_", _requests(), ids=lambda r: r.pathway)
def test_masking_drops_nothing_a_rule_reads_and_makes_no_one_eligible(
    synthetic: FactTables, request_: DecisionRequest
) -> None:
    key = KEY.encode()
    before = _screen(synthetic, request_)
    names = {mask_person_id(pid, key): pid for pid in before}
    # every column dropped or pseudonymised: every rule's status the same for every person
    treated = treat_columns(synthetic, key)
    persons = treated.persons
    exact_births = persons.set_column(
        persons.schema.get_field_index("birth_date"),
        "birth_date",
        synthetic.persons.column("birth_date"),
    )
    dropped = FactTables(treated.tables | {"persons": exact_births})
    assert _changes(before, _screen(dropped, request_), names) == (Counter(), Counter())
    # birth dates as years (31 December), then k-anonymity with a large k: many persons
    # lose their birth year or nationality: less is decided, but no rule passes and no one
    # is eligible anew
    masked = mask_docket(synthetic, key, k=200)
    assert masked.report.placed["none"] > 100
    rules, outcomes = _changes(before, _screen(masked.facts, request_), names)
    assert [change for change in rules if change[1] == "pass"] == []
    assert [change for change in outcomes if change[1] == "eligible"] == []
    if request_.pathway != "custody_placement":  # whom nationality or age decides
        assert outcomes, "masking changed no outcome: the test shows nothing"


def test_birth_dates_become_years_and_every_group_has_k_persons(synthetic: FactTables) -> None:
    masked = mask_docket(synthetic, KEY.encode(), k=5)
    births = [d for d in masked.facts.persons.column("birth_date").to_pylist() if d is not None]
    assert births
    assert all((d.month, d.day) == (12, 31) for d in births)
    assert sum(masked.report.placed.values()) == len(synthetic) == 3000
    nations: defaultdict[str, list[str]] = defaultdict(list)
    for row in masked.facts.tables["nationalities"].to_pylist():
        nations[row["person_id"]].append(row["country"])
    groups = Counter(
        (
            p["birth_date"],
            p["sex"],
            tuple(sorted(nations[p["person_id"]])) if p["nationalities_known"] else None,
        )
        for p in masked.facts.persons.to_pylist()
    )
    assert len(groups) > 10
    assert min(groups.values()) >= 5
