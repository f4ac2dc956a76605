"""How every command writes its output: complete or not at all, never over what is not its own.

One place for the three shapes of output an `--out` names:

- `output_folder`: a folder Accord makes whole (a docket snapshot, an audit bundle).
  It is written in a temporary folder beside the target and renamed into place.
  The target may be missing, an empty folder, or an earlier output of the same
  kind (`is_own` says which); anything else is refused before a byte is written,
  so a mistyped `--out ~` never empties a home folder.
- `write_files`: named files written into a folder that may hold other files
  (a report's page and charts); each is written to a temporary name and renamed.
- `write_file`: one file the caller names (a CSV, a PDF); written beside it and renamed.

A failure removes everything the write made and leaves what was there before.
An OSError becomes an InputError: the CLI prints one line and exits 2.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from accord.errors import InputError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_folder_target(out: Path, *, is_own: Callable[[Path], bool], what: str) -> None:
    """InputError unless `out` is missing, an empty folder, or an earlier `what` (`is_own`)."""
    if out.is_symlink():
        raise InputError(f"{out}: is a symbolic link; give the folder itself as --out")
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder; choose another --out")
    if is_own(out):
        return
    try:
        empty = next(out.iterdir(), None) is None
    except OSError as exc:
        raise InputError(f"{out}: cannot be read ({_reason(exc)}); choose another --out") from exc
    if not empty:
        raise InputError(f"{out}: exists, is not empty and is not {what}; choose another --out")


@contextlib.contextmanager
def output_folder(out: Path, *, is_own: Callable[[Path], bool], what: str) -> Iterator[Path]:
    """Yield a new, empty temporary folder beside `out`; once the block ends, it becomes `out`.

    `out` is checked first (see `check_folder_target`). An earlier output at `out` is
    replaced only after the new one is complete; if the block raises, the temporary
    folder is removed and `out` is as it was.
    """
    check_folder_target(out, is_own=is_own, what=what)
    out = Path(os.path.abspath(out))  # "." and "x/.." have a name to write beside
    if out.parent == out:
        raise InputError(f"{out}: cannot write {what} over a file system's root")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial"))
    except OSError as exc:
        raise InputError(f"cannot write {what} to {out}: {_reason(exc)}") from exc
    try:
        yield tmp
        _swap_into_place(tmp, out)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {what} to {out}: {_reason(exc)}") from exc
        raise


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename `tmp` to `out`; an earlier output there is moved aside first, then removed."""
    if not out.exists():
        tmp.rename(out)
        return
    old = out.with_name(f".{out.name}.{secrets.token_hex(4)}.old")
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)  # put the earlier output back
        raise
    shutil.rmtree(old, ignore_errors=True)


def check_file_target(out: Path) -> None:
    """InputError if `out`, a file a command is to write, is a folder."""
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name")


def write_file(out: Path, write: Callable[[IO[bytes]], object], *, what: str = "the file") -> None:
    """Call `write` with a temporary file beside `out`, then rename it to `out`.

    `out` may be missing or a file (replaced: the caller named it); a folder is refused.
    """
    check_file_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    except OSError as exc:
        raise InputError(f"cannot write {what} to {out}: {_reason(exc)}") from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {what} to {out}: {_reason(exc)}") from exc
        raise


def write_files(out_dir: Path, files: dict[str, bytes], *, what: str = "the report") -> None:
    """Write every file to a temporary name, then rename them all into place.

    Files of `out_dir` that are not in `files` are left alone. InputError if the
    folder cannot be made or a file cannot be written; nothing is left behind then.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder; choose another --out")
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write {what} to {out_dir}: {_reason(exc)}") from exc
    token = secrets.token_hex(4)
    pending: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            tmp = out_dir / f".{name}.{token}.partial"
            pending.append((tmp, out_dir / name))
            with tmp.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, final in pending:
            tmp.replace(final)
    except BaseException as exc:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only if empty: never remove anything that was there
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {what} to {out_dir}: {_reason(exc)}") from exc
        raise
