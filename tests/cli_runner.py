"""`accord ARGS` in this process or in a new one, with the same result: exit code, stdout, stderr.

In process, `accord.cli.main.run` (the console script's entry point, which turns errors into
exit codes) runs with the given environment and working folder, its output captured. A new
interpreter costs seconds on a busy machine (imports, compiling the rules), so tests use
`run_accord` and keep `run_accord_process` for where the process boundary matters: the console
script itself, a server that must refuse to start, a process that is killed.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from unittest.mock import patch

from rich.console import Console
from sqlalchemy import Engine, event

ACCORD = [sys.executable, "-c", "from accord.cli.main import run; run()"]
WIDE = {"COLUMNS": "250"}  # wide tables: ids are not wrapped mid-word


def accord_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without ACCORD_* settings (a test gives its own), wide."""
    outside = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    return outside | WIDE | dict(env or {})


def run_accord(
    *args: str | Path, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`accord ARGS` in this process, environment as `accord_env(env)`, in folder `cwd`."""
    from accord.cli.main import run

    argv = ["accord", *map(str, args)]
    stdout, stderr = io.StringIO(), io.StringIO()
    engines: list[Engine] = []

    def opened(connection: object) -> None:  # every engine a command opens is closed after it
        engine = getattr(connection, "engine", None)
        if isinstance(engine, Engine) and all(engine is not e for e in engines):
            engines.append(engine)

    code: int | str | None = 0
    event.listen(Engine, "engine_connect", opened)
    try:
        with (
            _consoles_read_columns(),
            patch.dict(os.environ, accord_env(env), clear=True),
            patch.object(sys, "argv", argv),
            contextlib.chdir(cwd or Path.cwd()),
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
        ):
            try:
                run()
            except SystemExit as exc:
                code = exc.code
            except Exception:  # as the interpreter would: a traceback and status 1
                traceback.print_exc()
                code = 1
    finally:
        event.remove(Engine, "engine_connect", opened)
        for engine in engines:
            engine.dispose()
    returncode = code if isinstance(code, int) else (0 if code is None else 1)
    if isinstance(code, str):
        stderr.write(code + "\n")
    return subprocess.CompletedProcess(argv, returncode, stdout.getvalue(), stderr.getvalue())


def _consoles_read_columns() -> contextlib.ExitStack:
    """The CLI's consoles (made when their module is first imported, with the COLUMNS of that
    moment) take their width from the COLUMNS of this call, as in a new process."""
    stack = contextlib.ExitStack()
    for name, module in list(sys.modules.items()):
        if name.startswith("accord.cli"):
            for value in list(vars(module).values()):
                if isinstance(value, Console):
                    stack.enter_context(patch.object(value, "_width", None))
    return stack


def run_accord_process(
    *args: str | Path, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`accord ARGS` in a new interpreter: for tests of the process boundary itself."""
    return subprocess.run(
        [*ACCORD, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=accord_env(env),
        cwd=cwd,
    )
