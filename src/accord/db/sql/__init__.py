"""The SQL of the registry's PostgreSQL functions, one file per function.

Each directory is named after the migration that loads it (`0012/`) and holds
the `CREATE OR REPLACE FUNCTION` of each function that migration defines. A
migration must always build the same database, so a directory is never edited
once released (its migration pins its digest, and refuses an edited one): a
function changes by a new file in a new directory, loaded by a new migration.
The current definition of a function is its file in the latest directory that
has one (`current_functions`), and a test compares it with the function in a
database migrated to head (tests/registry/test_sql_in_files.py). Migrations
before 0012 keep the SQL they ran inline, as history.

`accord_TABLE_versioned.sql` is one function per fact table: `{table}` stands
for the table's name.
"""

from __future__ import annotations

import hashlib
from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = [
    "PER_TABLE",
    "current_functions",
    "directory_sha256",
    "function_sql",
    "revision_functions",
]

PER_TABLE = "accord_TABLE_versioned"  # the file name of the per-table function


def _directory(revision: str) -> Traversable:
    return files(__name__).joinpath(revision)


def revision_functions(revision: str, *, sha256: str | None = None) -> dict[str, str]:
    """The SQL of each function file of one migration's directory, by file name.

    `sha256`: the digest of the directory (`directory_sha256`) when it was released,
    which its migration pins: an edited directory is refused.
    """
    found = {}
    for entry in _directory(revision).iterdir():
        if entry.name.endswith(".sql"):
            found[entry.name.removesuffix(".sql")] = entry.read_text(encoding="utf-8")
    functions = dict(sorted(found.items()))
    if sha256 is not None and _digest(functions) != sha256:
        raise RuntimeError(
            f"db/sql/{revision}/ differs from the files migration {revision} was "
            "released with: change a function in a new directory, with a new migration"
        )
    return functions


def directory_sha256(revision: str) -> str:
    """The digest a migration pins its directory with: of every file's name and text."""
    return _digest(revision_functions(revision))


def _digest(functions: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name, sql in sorted(functions.items()):
        digest.update(f"{name}\n{len(sql)}\n{sql}".encode())
    return digest.hexdigest()


def _revisions() -> list[str]:
    return sorted(e.name for e in files(__name__).iterdir() if e.is_dir() and e.name.isdigit())


def current_functions() -> dict[str, str]:
    """The current SQL of each function file: from the latest directory that has it."""
    current: dict[str, str] = {}
    for revision in _revisions():
        current.update(revision_functions(revision))
    return dict(sorted(current.items()))


def function_sql(text: str, *, table: str | None = None) -> str:
    """A file's SQL, ready to run; the per-table function's for `table`."""
    if table is None:
        return text
    return text.replace("{table}", table)
