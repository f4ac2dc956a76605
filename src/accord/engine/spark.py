"""The bulk screen on Apache Spark: the rules' own Ibis expressions, compiled for Spark SQL.

The DuckDB screen (screen.py) compiles each rule's expression once and runs one
statement whose shared relations are CTEs. Here the same expressions (compiler.py's
docket_facts, statement_relations and _status_columns) are compiled to Spark SQL: the
snapshot's Parquet files are the `<table>_all` views, the law tables (law/calendar.py)
are views too, each shared relation is a view, computed once and checkpointed where the
DuckDB statement materializes it, and the screen's rows are written by Spark's executors,
sorted by person id, then gathered by the driver into the same single Parquet file, with
the same metadata, as the DuckDB screen writes. The summary is read from that file by the
same code (screen.summarise), so both engines report alike.

Spark runs in local mode on one machine, or on a cluster (`master`): the snapshot must
then be on a path or URL every executor reads, and `staging` (where the executors write
their parts) on a file system the driver and every executor share at the same path.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends.sql.compilers.pyspark import PySparkCompiler
from ibis.expr import operations as ops

from accord.casefile.models import V2_LISTS
from accord.engine.compiler import _status_columns as status_columns
from accord.engine.compiler import docket_facts, statement_relations
from accord.engine.memberships import INLINED
from accord.engine.request import DecisionRequest
from accord.engine.screen import ProgressCallback, ScreenSummary, _screen_select, summarise
from accord.engine.spark_session import DEFAULT_MASTER, DEFAULT_TIMEOUT, spark_session
from accord.engine.store import FactStore
from accord.errors import InputError
from accord.facts.snapshot import (
    _ADDED_IN_V2,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    fill_value,
    snapshot_tables,
)
from accord.facts.tables import FACT_SCHEMAS, TABLE_NAMES
from accord.law.calendar import LAW_TABLES, law_table_data
from accord.law.framework import Expr

_SPARK_TYPES = {
    pa.string(): "string",
    pa.date32(): "date",
    pa.bool_(): "boolean",
    pa.int32(): "int",
}


class SparkCompiler(PySparkCompiler):  # type: ignore[misc]  # ibis is untyped here
    """Ibis's PySpark compiler with the bitwise aggregates the membership flags use
    (engine/memberships.py): Spark SQL has them (bit_or, bit_and) since 3.0."""

    SIMPLE_OPS: ClassVar[dict[type[ops.Node], str]] = {
        **PySparkCompiler.SIMPLE_OPS,
        ops.BitOr: "bit_or",
        ops.BitAnd: "bit_and",
    }


_COMPILER = SparkCompiler()


def spark_sql(expr: Expr) -> str:
    """`expr` as one Spark SQL statement."""
    return str(_COMPILER.to_sqlglot(expr.unbind()).sql(dialect=_COMPILER.dialect))


def is_url(snapshot: str | Path) -> bool:
    return "://" in str(snapshot)


def register_snapshot(spark: Any, snapshot: str | Path) -> None:
    """Register the snapshot's tables as `<name>_all` views and the law tables by their
    names. `snapshot` is a folder, or a URL Spark reads
    (file:, hdfs:, s3a:, ...), checked as `snapshot_tables` checks a folder."""
    files = _remote_tables(spark, str(snapshot)) if is_url(snapshot) else _local_tables(snapshot)
    for name in TABLE_NAMES:
        file, missing = files[name]
        schema = FACT_SCHEMAS[name]
        if file is None:
            df = spark.createDataFrame(schema.empty_table())
        else:
            df = spark.read.parquet(file)
            for column in missing:
                value = "false" if fill_value(column) is False else "null"
                spark_type = _SPARK_TYPES[schema.field(column).type]
                df = df.selectExpr("*", f"CAST({value} AS {spark_type}) AS `{column}`")
        df.select(*schema.names).createOrReplaceTempView(f"{name}_all")
    for name in LAW_TABLES:
        spark.createDataFrame(law_table_data(name)).createOrReplaceTempView(name)


def _local_tables(snapshot: str | Path) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    found = snapshot_tables(Path(snapshot))
    return {
        name: (str(t.file.resolve()) if t.file else None, t.missing) for name, t in found.items()
    }


def _remote_tables(spark: Any, url: str) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    from pyspark.errors import AnalysisException

    base = url.rstrip("/")
    try:
        text = spark.read.text(f"{base}/{MANIFEST}", wholetext=True).first()[0]
    except AnalysisException:
        raise InputError(f"{url}: not a docket snapshot (no {MANIFEST})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{base}/{MANIFEST}: not valid JSON ({exc.msg})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{base}/{MANIFEST}: not a version {FORMAT_VERSION} docket snapshot")
    v1 = str(manifest.get("case_file_schema", "1")) == "1"
    out: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for name in TABLE_NAMES:
        file = f"{base}/{name}.parquet"
        try:
            names = spark.read.parquet(file).columns
        except AnalysisException:
            if v1 and name in V2_LISTS:
                out[name] = (None, ())
                continue
            raise InputError(f"{url}: snapshot is missing {name}.parquet") from None
        missing = [f.name for f in FACT_SCHEMAS[name] if f.name not in names]
        allowed = _ADDED_IN_V2.get(name, frozenset()) if v1 else frozenset()
        if [m for m in missing if m not in allowed]:
            raise InputError(f"{file}: missing column(s) {', '.join(missing)}")
        out[name] = (file, tuple(missing))
    return out


def screen_frame(spark: Any, request: DecisionRequest) -> tuple[Any, list[str], dict[str, Any]]:
    """The screen as a Spark DataFrame over the registered views (person_id, one column per
    rule, outcome), with the rules and the metadata the DuckDB screen records."""
    compiled, rules, metadata = _screen_select(request)
    facts, memberships = docket_facts()
    statuses = {rule.id: rule.evaluate(facts, compiled.context).status for rule in compiled.rules}
    statement = status_columns(facts, statuses)  # built first: it adds the shared relations
    for name, relation in statement_relations(facts, memberships).items():
        df = spark.sql(spark_sql(relation))
        if name not in INLINED:  # what the DuckDB statement materializes: computed once
            df = df.localCheckpoint()
        df.createOrReplaceTempView(f"shared_{name}")
    return spark.sql(spark_sql(statement)), rules, metadata


def screen_docket_spark(
    *,
    snapshot: str | Path,
    request: DecisionRequest,
    out: Path,
    spark: Any = None,
    master: str = DEFAULT_MASTER,
    timeout: float = DEFAULT_TIMEOUT,
    staging: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ScreenSummary:
    """Screen every person of `snapshot` on Spark and write the decisions to Parquet at `out`
    (atomically): the same file and the same summary as screen.screen_docket.

    `spark`: a session to use (left running); without it one is started on `master` (an
    InputError if it does not answer within `timeout` seconds) and stopped at the end.
    `staging`: a folder for the executors' parts (default: beside `out`); on a cluster, a
    path every executor and the driver share."""
    started = time.perf_counter()
    own = spark is None
    if own:
        spark = spark_session(master, timeout=timeout)
    kept = _persistent_rdds(spark)
    try:
        steps = _Steps(progress)
        register_snapshot(spark, snapshot)
        steps.done(10.0)
        frame, rules, metadata = screen_frame(spark, request)
        steps.done(40.0)
        _write(frame.orderBy("person_id"), out, rules, metadata, staging, steps)
    finally:
        if own:
            spark.stop()
        else:  # the checkpointed relations of this screen: a session screens again
            _release(spark, kept)
    store = FactStore(duckdb.connect(), law_tables=False)
    try:
        summary = summarise(store=store, decisions=out, rules=rules, metadata=metadata)
    finally:
        store.close()
    return ScreenSummary(
        **{**summary.__dict__, "seconds": time.perf_counter() - started, "out": out}
    )


def _persistent_rdds(spark: Any) -> set[int]:
    return {int(k) for k in spark.sparkContext._jsc.getPersistentRDDs().keySet()}


def _release(spark: Any, kept: set[int]) -> None:
    rdds = spark.sparkContext._jsc.getPersistentRDDs()
    for key in _persistent_rdds(spark) - kept:
        rdds.get(key).unpersist(False)


class _Steps:
    def __init__(self, progress: ProgressCallback | None) -> None:
        self._progress = progress

    def done(self, pct: float) -> None:
        if self._progress is not None:
            self._progress(pct)


def decisions_schema(rules: list[str], metadata: dict[str, Any]) -> pa.Schema:
    """The decisions file's schema: as the DuckDB screen writes it."""
    fields = [pa.field(c, pa.string()) for c in (*rules, "outcome")]
    fields.insert(0, pa.field("person_id", pa.string(), nullable=False))
    return pa.schema(fields, metadata={"accord": json.dumps(metadata, sort_keys=True)})


def _write(
    frame: Any,
    out: Path,
    rules: list[str],
    metadata: dict[str, Any],
    staging: str | Path | None,
    steps: _Steps,
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with _staging_folder(out, staging) as parts:
        frame.write.mode("overwrite").parquet(parts.as_uri())
        steps.done(90.0)
        schema = decisions_schema(rules, metadata)
        tmp = out.with_name(out.name + ".partial")
        try:
            with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
                # range-partitioned by the sort: part files in name order are in person order
                for part in sorted(parts.glob("part-*.parquet")):
                    source = pq.ParquetFile(part)
                    for group in range(source.num_row_groups):
                        table = source.read_row_group(group, columns=schema.names)
                        writer.write_table(table.cast(schema))
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        steps.done(100.0)


@contextmanager
def _staging_folder(out: Path, staging: str | Path | None) -> Iterator[Path]:
    """A new folder for the executors' parts, removed afterwards."""
    if staging is not None and is_url(staging) and not str(staging).startswith("file:"):
        raise InputError(f"--spark-staging {staging}: must be a folder (a shared file system)")
    base = Path(str(staging).removeprefix("file://")) if staging is not None else out.parent
    base = base.absolute()  # the executors' URI
    try:
        base.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.spark-", dir=base))
    except OSError as exc:
        raise InputError(f"cannot stage the screen's parts in {base}: {exc.strerror}") from None
    try:
        yield folder / uuid.uuid4().hex
    finally:
        shutil.rmtree(folder, ignore_errors=True)
