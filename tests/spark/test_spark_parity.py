"""The bulk screen on Spark (local mode) against DuckDB: the same rules, the same decisions.

A 100,000-person synthetic docket is screened by both engines for two requests; every
person's outcome and every rule's status must be identical, and so must the file's
metadata and the summary. One Spark session serves the module's screens (one test, so
that pytest-xdist does not start a JVM per worker). A master that does not answer is one
line, exit status 2, and no file, in a bounded time.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from accord.engine import DecisionRequest, FactStore, screen_docket
from accord.engine.spark import screen_docket_spark
from accord.engine.spark_session import spark_session
from accord.errors import InputError
from accord.synthetic import write_synthetic_snapshot
from cli_runner import run_accord, run_accord_process
from conftest import CECOT

PERSONS = 100_000
REQUESTS = {
    "custody_placement": dict(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        facility="CECOT",
        as_of="2025-03-16",
    ),
    "third_country_removal": dict(
        agreement="sv-2025-offer",
        pathway="third_country_removal",
        destination="SV",
        as_of="2025-03-16",
    ),
}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_snapshot(PERSONS, tmp_path_factory.mktemp("spark") / "snapshot")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session("local[2]")
    yield session
    session.stop()


def _decisions(path: Path) -> pa.Table:
    return pq.read_table(path)


def _differences(duck: pa.Table, spark: pa.Table) -> dict[str, int]:
    """Column -> persons whose value differs (null on one side only counts)."""
    out = {}
    for name in duck.column_names:
        a, b = duck[name], spark[name]
        same = pc.fill_null(pc.equal(a, b), False)
        both_null = pc.and_(pc.is_null(a), pc.is_null(b))
        n = len(a) - pc.sum(pc.or_(same, both_null).cast("int64")).as_py()
        if n:
            out[name] = n
    return out


@pytest.mark.slow
def test_spark_screen_equals_duckdb_for_every_person_and_rule(
    snapshot: Path, spark: Any, tmp_path: Path
) -> None:
    store = FactStore.from_snapshot(snapshot, load=False)
    for label, fields in REQUESTS.items():
        request = DecisionRequest.build(**fields)
        duck_out = tmp_path / f"{label}-duckdb.parquet"
        spark_out = tmp_path / label / "decisions.parquet"
        duck = screen_docket(store=store, request=request, out=duck_out)
        # the second request reads the snapshot by URL, as a cluster's executors would
        source: str | Path = snapshot if label == "custody_placement" else snapshot.as_uri()
        seen: list[float] = []
        with contextlib.chdir(tmp_path):  # a relative --out, as a user gives it
            on_spark = screen_docket_spark(
                snapshot=source,
                request=request,
                out=spark_out.relative_to(tmp_path),
                spark=spark,
                progress=seen.append,
            )
        a, b = _decisions(duck_out), _decisions(spark_out)
        assert a.num_rows == b.num_rows == PERSONS, label
        assert a.column_names == b.column_names, label
        assert _differences(a, b) == {}, label
        assert b["person_id"].to_pylist() == sorted(b["person_id"].to_pylist()), label
        assert a.schema.metadata[b"accord"] == b.schema.metadata[b"accord"], label
        assert json.loads(b.schema.metadata[b"accord"])["pathway"] == fields["pathway"]
        assert (on_spark.outcomes, on_spark.failing_rules, on_spark.unknown_rules) == (
            duck.outcomes,
            duck.failing_rules,
            duck.unknown_rules,
        ), label
        assert on_spark.rules == duck.rules, label
        assert on_spark.metadata == duck.metadata, label
        # a screen that decides nothing would be equal too: this one decides
        assert sum(1 for n in duck.outcomes.values() if n) >= 2, label
        assert seen[-1:] == [100.0], label
        # nothing left beside the file: no staging folder, no partial file
        assert sorted(p.name for p in spark_out.parent.iterdir()) == [spark_out.name], label
    store.close()
    # a URL that is not a snapshot: one line, nothing written
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"not a docket snapshot \(no manifest.json\)"):
        screen_docket_spark(
            snapshot=empty.as_uri(), request=request, out=empty / "d.parquet", spark=spark
        )
    assert list(empty.iterdir()) == []


def test_unreachable_master_is_one_line_exit_2_and_no_file(tmp_path: Path) -> None:
    snapshot = write_synthetic_snapshot(50, tmp_path / "snapshot")
    out = tmp_path / "out" / "decisions.parquet"
    result = run_accord(
        "screen", snapshot, *CECOT, "--out", out,
        "--engine", "spark", "--spark-master", "spark://127.0.0.1:1", "--spark-timeout", "10",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Spark master spark://127.0.0.1:1 does not answer" in result.stderr
    assert not out.exists()
    assert not out.parent.exists()


@pytest.mark.slow
def test_silent_master_fails_within_the_timeout(tmp_path: Path) -> None:
    """A master that accepts the connection and never answers: the session is abandoned
    when --spark-timeout runs out (Spark's own client would retry for minutes)."""
    snapshot = write_synthetic_snapshot(50, tmp_path / "snapshot")
    out = tmp_path / "decisions.parquet"
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever replies
        port = silent.getsockname()[1]
        result = run_accord_process(
            "screen", snapshot, *CECOT, "--out", out, "--engine", "spark",
            "--spark-master", f"spark://127.0.0.1:{port}", "--spark-timeout", "20",
        )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"spark://127.0.0.1:{port} does not answer within 20 s" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "postgres"], "--engine 'postgres' is not one of: duckdb, columnar, spark"),
        (["--engine", "spark", "--spark-master", "mesa://x"], "not a Spark master URL"),
        (["--engine", "spark", "--spark-master", "spark://nohost"], "not a spark://HOST:PORT"),
        (["--engine", "spark", "--spark-timeout", "0"], "must be more than 0 seconds"),
    ],
)
def test_bad_engine_options_are_one_line_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    snapshot = write_synthetic_snapshot(50, tmp_path / "snapshot")
    out = tmp_path / "decisions.parquet"
    result = run_accord("screen", snapshot, *CECOT, "--out", out, *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not out.exists()


def test_spark_reads_a_snapshot_only(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("{}\n", encoding="utf-8")
    result = run_accord(
        "screen", cases, *CECOT, "--out", tmp_path / "d.parquet", "--engine", "spark"
    )
    assert result.returncode == 2
    assert "not a docket snapshot" in result.stderr
    duck_url = run_accord("screen", "s3a://bucket/snap", *CECOT, "--out", tmp_path / "d.parquet")
    assert duck_url.returncode == 2
    assert "a URL is read by --engine spark only" in duck_url.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl"]


@pytest.mark.slow
def test_cli_screen_on_spark_writes_the_duckdb_file_quietly(tmp_path: Path) -> None:
    """`accord screen --engine spark` in its own process (its own JVM): the summary and the
    file as with DuckDB, and none of Spark's log on the terminal."""
    snapshot = write_synthetic_snapshot(2_000, tmp_path / "snapshot")
    duck, spark = tmp_path / "duck.parquet", tmp_path / "spark" / "decisions.parquet"
    on_duckdb = run_accord("screen", snapshot, *CECOT, "--out", duck)
    assert on_duckdb.returncode == 0, on_duckdb.stderr
    result = run_accord_process("screen", snapshot, *CECOT, "--out", spark, "--engine", "spark")
    assert result.returncode == 0, result.stderr
    assert f"Decisions written to {spark}" in result.stdout
    assert "2,000 persons" in result.stdout
    for noise in ("WARN", "log4j", "Stage", "Exception"):
        assert noise not in result.stderr, result.stderr
    assert _differences(pq.read_table(duck), pq.read_table(spark)) == {}
    assert sorted(p.name for p in spark.parent.iterdir()) == ["decisions.parquet"]
