"""A docket snapshot written before case file v2 is still read: its v2 lists not known, the
fields v2 added null, in memory and through DuckDB views alike."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from accord.casefile.models import ADDED_IN_V2, V2_LISTS
from accord.engine import DecisionRequest, FactStore, screen_table
from accord.errors import InputError
from accord.facts.snapshot import MANIFEST, read_snapshot, write_snapshot
from accord.facts.tables import FACT_SCHEMAS, known_flag
from accord.synthetic import synthetic_docket

REQUEST = DecisionRequest.build(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of="2025-03-16",
)


def _as_v1(folder: Path) -> None:
    """Make a v2 snapshot look as one written before v2: no v2 tables or columns."""
    for name in V2_LISTS:
        (folder / f"{name}.parquet").unlink()
    dropped = {"persons": [known_flag(n) for n in V2_LISTS], **ADDED_IN_V2}
    for name, columns in dropped.items():
        file = folder / f"{name}.parquet"
        pq.write_table(pq.read_table(file).drop_columns(list(columns)), file)
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    manifest["case_file_schema"] = "1"
    (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")


@pytest.fixture
def v1_snapshot(tmp_path: Path) -> Path:
    folder = write_snapshot(synthetic_docket(300, seed=5), tmp_path / "v1")
    _as_v1(folder)
    return folder


def test_a_v1_snapshot_reads_with_the_v2_lists_not_known(v1_snapshot: Path) -> None:
    facts = read_snapshot(v1_snapshot)
    assert set(facts.tables) == set(FACT_SCHEMAS)
    for name in V2_LISTS:
        assert facts.tables[name].num_rows == 0
        assert not any(facts.persons.column(known_flag(name)).to_pylist())
    for name, columns in ADDED_IN_V2.items():
        for column in columns:
            assert facts.tables[name].column(column).null_count == facts.tables[name].num_rows
    assert facts.tables["convictions"].num_rows > 0


@pytest.mark.parametrize("load", [True, False])
def test_a_v1_snapshot_screens_as_its_tables_do(v1_snapshot: Path, load: bool) -> None:
    expected = screen_table(
        store=FactStore.from_tables(read_snapshot(v1_snapshot)), request=REQUEST
    ).to_pylist()
    store = FactStore.from_snapshot(v1_snapshot, load=load)
    try:
        got = screen_table(store=store, request=REQUEST).to_pylist()
    finally:
        store.close()
    assert got == expected
    assert {r["outcome"] for r in got} <= {"ineligible", "undetermined", "eligible"}


def test_a_v2_snapshot_missing_a_v2_column_is_refused(tmp_path: Path) -> None:
    folder = write_snapshot(synthetic_docket(20, seed=1), tmp_path / "v2")
    file = folder / "convictions.parquet"
    pq.write_table(pq.read_table(file).drop_columns(["juvenile"]), file)
    with pytest.raises(InputError, match="missing column"):
        read_snapshot(folder)


def test_a_snapshot_whose_columns_hold_other_types_is_refused(tmp_path: Path) -> None:
    """A snapshot with integer person keys (or dates written as text) would otherwise be cast
    silently into other values, the key 7 into the id "7": refused, naming file and column."""
    import pyarrow as pa

    folder = write_snapshot(synthetic_docket(50, seed=2), tmp_path / "typed")
    file = folder / "removal_orders.parquet"
    table = pq.read_table(file)
    keys = pa.array(range(table.num_rows), pa.int64())
    at = table.schema.get_field_index("person_id")
    pq.write_table(table.set_column(at, "person_id", keys), file)
    with pytest.raises(InputError, match=r"removal_orders.parquet: column person_id holds int64"):
        read_snapshot(folder)
    with pytest.raises(InputError, match="column person_id holds int64"):
        FactStore.from_snapshot(folder, load=False)
