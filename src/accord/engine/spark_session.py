"""A Spark session for the bulk screen: started within a bounded time, quietly.

A master that does not answer is one clear InputError within `timeout` seconds (by
default 60): a `spark://` master is first probed over TCP (a refused port fails at once),
then this machine's JVM is launched (bounded apart: it is not the master) and the session
is started in a worker thread, abandoned if it is not ready `timeout` seconds later
(Spark's own client would otherwise retry for minutes). Spark's JVM writes its log to a
file, not to the terminal: WARN and above, in `spark_log_path()`.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from accord.errors import InputError

DEFAULT_MASTER = "local[2]"
DEFAULT_TIMEOUT = 60.0
# the local JVM's own start, before the master is asked (seconds, minutes on a busy machine)
JVM_LAUNCH_TIMEOUT = 300.0
# local mode runs the executors in the driver's JVM: its heap holds the cached relations
# and a few shuffle partitions suit its few cores (Spark's default, 200, is for a cluster)
_LOCAL = {"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "8"}

_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.parquet.name = org.apache.parquet
logger.parquet.level = error
"""


def spark_log_path() -> Path:
    """Where the Spark JVM started by this process writes its log."""
    return Path(tempfile.gettempdir()) / f"accord-spark-{os.getpid()}.log"


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


def _endpoints(master: str) -> list[tuple[str, int]]:
    """The host:port pairs a master URL names that can be probed (spark:// and k8s://)."""
    if master.startswith("spark://"):
        hosts = master[len("spark://") :].split(",")
        out = []
        for host in hosts:
            name, _, port = host.rpartition(":")
            if not name or not port.isdigit():
                raise InputError(f"--spark-master {master}: not a spark://HOST:PORT URL")
            out.append((name.strip("[]"), int(port)))
        return out
    if master.startswith("k8s://"):
        url = urlsplit(master[len("k8s://") :])
        if url.hostname:
            return [(url.hostname, url.port or (443 if url.scheme == "https" else 80))]
    return []


def _probe(master: str, deadline: float) -> None:
    """InputError unless one of the master's endpoints accepts a TCP connection in time."""
    endpoints = _endpoints(master)
    reasons = []
    for host, port in endpoints:
        try:
            with socket.create_connection(
                (host, port), timeout=max(deadline - time.monotonic(), 0.1)
            ):
                return
        except OSError as exc:
            reasons.append(f"{host}:{port}: {exc.strerror or exc.__class__.__name__}")
    if endpoints:
        raise InputError(f"Spark master {master} does not answer ({'; '.join(reasons)})")


def _validate(master: str) -> None:
    known = ("local", "spark://", "k8s://", "yarn")
    if not master.startswith(known):
        raise InputError(
            f"--spark-master {master}: not a Spark master URL (local[N], spark://HOST:PORT, "
            "k8s://URL or yarn)"
        )


def _quiet_log_config() -> str:
    path = Path(tempfile.gettempdir()) / "accord-spark-log4j2.properties"
    if not path.is_file() or path.read_text("utf-8") != _LOG4J2:
        tmp = path.with_name(f"{path.name}.{os.getpid()}")
        tmp.write_text(_LOG4J2, encoding="utf-8")
        tmp.replace(path)
    return path.as_uri()


def spark_session(
    master: str = DEFAULT_MASTER,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    conf: Mapping[str, str] | None = None,
) -> Any:
    """A SparkSession on `master`, or an InputError within `timeout` seconds.

    In a process that already runs a Spark context, that context is used if its master is
    the one asked for; another master is an InputError (one JVM holds one context)."""
    _validate(master)
    if timeout <= 0:
        raise InputError(f"--spark-timeout {timeout:g}: must be more than 0 seconds")
    _probe(master, time.monotonic() + timeout)
    from pyspark import SparkConf, SparkContext
    from pyspark.sql import SparkSession

    active = SparkContext._active_spark_context
    if active is not None and active.master != master:
        raise InputError(
            f"this process already runs Spark on {active.master}; cannot also use {master}"
        )
    settings = {
        "spark.app.name": "accord-screen",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={_quiet_log_config()}",
        **(_LOCAL if is_local(master) else {}),
        **(conf or {}),
    }
    builder = SparkSession.builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    result: list[Any] = []
    error: list[BaseException] = []
    launched = threading.Event()

    def start() -> None:
        try:  # first this machine's JVM (a busy machine takes its time), then the master
            jvm_conf = SparkConf().setMaster(master).setAll(list(settings.items()))
            SparkContext._ensure_initialized(conf=jvm_conf)
            launched.set()
            result.append(builder.getOrCreate())
        except BaseException as exc:  # reported in the caller's thread
            error.append(exc)
        finally:
            launched.set()

    worker = threading.Thread(target=start, name="spark-session", daemon=True)
    with _jvm_stderr_to(spark_log_path()):
        worker.start()
        jvm_up = launched.wait(JVM_LAUNCH_TIMEOUT)
    if not jvm_up:
        _abandon_jvm()
        raise InputError(
            f"Spark's JVM did not start within {JVM_LAUNCH_TIMEOUT:g} s "
            f"(Spark's log: {spark_log_path()})"
        )
    worker.join(timeout)
    if worker.is_alive():
        _abandon_jvm()
        raise InputError(
            f"Spark master {master} does not answer within {timeout:g} s "
            f"(Spark's log: {spark_log_path()})"
        )
    if error:
        _abandon_jvm()
        first = str(error[0]).strip().splitlines()
        reason = first[0] if first else type(error[0]).__name__
        raise InputError(f"Spark on {master} did not start: {reason}") from None
    session = result[0]
    session.sparkContext.setLogLevel("ERROR")
    return session


class _jvm_stderr_to:  # noqa: N801 (a context manager used like a function)
    """Point file descriptor 2 at `log` while the JVM is launched (it inherits it), then
    give the terminal back: the JVM's start-up lines and log go to the file."""

    def __init__(self, log: Path) -> None:
        self._log = log
        self._saved = -1

    def __enter__(self) -> None:
        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
            fd = os.open(self._log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError:
            self._saved = -1
            return
        os.dup2(fd, 2)
        os.close(fd)

    def __exit__(self, *exc: object) -> None:
        if self._saved >= 0:
            os.dup2(self._saved, 2)
            os.close(self._saved)


def _abandon_jvm() -> None:
    """Stop the JVM of a session that did not start in time, so the process can go on
    (and a later session can start afresh)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    proc = getattr(gateway, "proc", None)
    if proc is not None:
        proc.kill()
    SparkContext._gateway = None
    SparkContext._jvm = None
    SparkContext._active_spark_context = None
