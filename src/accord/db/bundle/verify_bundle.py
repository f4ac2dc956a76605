#!/usr/bin/env python3
"""Verify an Accord audit bundle offline, with the Python standard library only.

    python3 verify_bundle.py BUNDLE_DIR [--checkpoint FILE ...]

Exit status 0: the chain is intact and ends at the manifest's head hash.
Exit status 1: the first broken link is named (sequence number and what differs).
Exit status 2: the bundle cannot be read.

The algorithm is documented in VERIFY.md beside this file. Accord's own
`accord audit verify` uses the functions below, so there is one definition.
Compare the head hash with one published independently (e.g. held by the
monitor): a chain can only prove that nothing was changed before its head.
`--checkpoint FILE` (repeatable) does that with signed checkpoints a monitor
kept (checkpoint_proof.py, beside this file): the chain must extend each one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

if __package__:  # inside Accord
    from accord.db.bundle.checkpoint_proof import (
        Checkpoint,
        CheckpointWatch,
        read_checkpoint_file,
        watched,
    )
else:  # run as a script in an exported bundle: the file beside this one (even with -I)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from checkpoint_proof import (  # type: ignore[import-not-found,no-redef]
        Checkpoint,
        CheckpointWatch,
        read_checkpoint_file,
        watched,
    )

GENESIS = "0" * 64
FORMAT = "accord-audit-bundle"
FORMAT_VERSION = 1
FIELDS = (
    "seq",
    "recorded_at",
    "actor",
    "action",
    "subject",
    "change",
    "change_digest",
    "prev_hash",
    "hash",
)


# json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False), made once
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any, *, check_floats: bool = True) -> str:
    """Sorted keys, no spaces, UTF-8 text (not \\u escapes). Floats are refused:
    their text differs between JSON libraries, so a change never holds one.
    (`check_floats=False` is for callers that built the value from ints and text.)"""
    if check_floats:
        _no_floats(value)
    return _CANONICAL.encode(value)


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("a float cannot be hashed canonically; record it as a string")
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_floats(item)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(
    seq: int,
    recorded_at: str,
    actor: str,
    action: str,
    subject: str,
    change_digest: str,
    prev_hash: str,
    credential: str | None = None,
) -> str:
    """sha256 of the canonical JSON array of the entry's fields, in this order; the
    credential that acted (`token:<key id>`, ...) comes last, when the entry has one
    (entries written before it was recorded have none, and their hashes stay as they were)."""
    fields = [seq, recorded_at, actor, action, subject, change_digest, prev_hash]
    if credential is not None:
        fields.append(credential)
    return sha256_hex(canonical_json(fields, check_floats=False))


def first_broken_link(entries: Iterable[Mapping[str, Any]]) -> tuple[int, str, str] | None:
    """Walk the chain; return (seq, what differs, last good hash) of the first bad entry.

    Returns None when every entry is intact. `entries` must be in seq order.
    """
    expected_seq, prev = 1, GENESIS
    for entry in entries:
        problem = check_entry(entry, expected_seq, prev)
        if problem is not None:
            seq = entry.get("seq")
            named = seq if isinstance(seq, int) and not isinstance(seq, bool) else expected_seq
            return named, problem, prev
        expected_seq, prev = int(entry["seq"]) + 1, str(entry["hash"])
    return None


def check_entry(entry: Mapping[str, Any], expected_seq: int, prev_hash: str) -> str | None:
    """What is wrong with one entry, given the sequence number and hash before it; or None."""
    missing = [f for f in FIELDS if f not in entry]
    if missing:
        return f"missing field(s) {', '.join(missing)}"
    seq = entry["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool):
        return f"seq is not an integer: {seq!r}"
    if seq != expected_seq:
        return f"expected sequence number {expected_seq}, found {seq} (an entry is missing)"
    if entry["prev_hash"] != prev_hash:
        return (
            f"prev_hash {entry['prev_hash']} is not the hash of the entry before "
            f"({prev_hash}): an entry was removed, inserted or changed"
        )
    change = entry["change"]
    try:
        canonical = canonical_json(json.loads(change))
    except (TypeError, ValueError):
        return "change is not valid JSON"
    if canonical != change:
        return "change is not in canonical JSON form: it was edited"
    digest = sha256_hex(change)
    if digest != entry["change_digest"]:
        return (
            f"change digest differs: stored {entry['change_digest']}, recomputed {digest} "
            "(the change was altered)"
        )
    recomputed = entry_hash(
        seq,
        entry["recorded_at"],
        entry["actor"],
        entry["action"],
        entry["subject"],
        entry["change_digest"],
        entry["prev_hash"],
        entry.get("credential"),
    )
    if recomputed != entry["hash"]:
        return (
            f"hash differs: stored {entry['hash']}, recomputed {recomputed} "
            "(recorded_at, actor, credential, action or subject was altered)"
        )
    return None


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(entry, dict):
                raise ValueError(f"{path.name}:{number}: not a JSON object")
            yield entry


def verify_bundle(folder: Path, checkpoints: Iterable[Checkpoint] = ()) -> tuple[bool, str]:
    """(intact, message) for the bundle in `folder`; raises ValueError if unreadable.

    The chain must also extend every checkpoint in `checkpoints` (and the signed
    checkpoints it records itself must verify): see checkpoint_proof.py.
    """
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{folder}/manifest.json: cannot read ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{folder}: not a version {FORMAT_VERSION} Accord audit bundle")
    log = folder / "audit.jsonl"
    if not log.is_file():
        raise ValueError(f"{folder}: audit.jsonl is missing")
    count, head = 0, GENESIS

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count, head
        for entry in _read_lines(log):
            yield entry
            count += 1
            head = str(entry.get("hash"))

    watch = CheckpointWatch(list(checkpoints))
    broken = first_broken_link(watched(counted(), watch))
    problems = watch.finish(intact=broken is None)
    if broken is not None:
        seq, problem, _ = broken
        return False, f"broken at entry {seq}: {problem}"
    if problems:
        return False, "; ".join(problems)
    if count != manifest.get("entries") or head != manifest.get("head_hash"):
        return False, (
            f"the chain ends at entry {count} with hash {head}, but the manifest says "
            f"{manifest.get('entries')} entries ending with {manifest.get('head_hash')}: "
            "entries were removed or added at the end"
        )
    file_digest = hashlib.sha256(log.read_bytes()).hexdigest()
    if file_digest != manifest.get("audit_jsonl_sha256"):
        return False, "audit.jsonl differs from the file the manifest describes"
    held_keys = ", ".join(sorted({c.key_id[:16] for c in watch.held}))
    held = (
        f", extends {len(watch.held)} checkpoint(s) given (keys {held_keys})" if watch.held else ""
    )
    keys = ", ".join(sorted(k[:16] for k in watch.recorded_keys)) or "none"
    return True, (
        f"intact: {count} entries, head hash {head}{held}; "
        f"{watch.recorded} recorded checkpoint(s) verified (keys {keys})"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="verify_bundle.py", description="Verify an Accord audit bundle offline."
    )
    parser.add_argument("bundle", type=Path, help="the bundle's folder")
    parser.add_argument(
        "--checkpoint",
        type=Path,
        action="append",
        default=[],
        help="a signed checkpoint the chain must extend (repeatable)",
    )
    try:
        args = parser.parse_args(argv[1:])
    except SystemExit as exc:  # argparse exits 2 on bad usage, as documented
        return int(exc.code or 0)
    try:
        checkpoints = [read_checkpoint_file(path) for path in args.checkpoint]
        intact, message = verify_bundle(args.bundle, checkpoints)
    except ValueError as exc:
        print(f"verify_bundle: error: {exc}", file=sys.stderr)
        return 2
    print(message)
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
