"""Signed checkpoints of the audit chain, checked with the Python standard library only.

A checkpoint is the registry's signed statement "the chain's entry `seq` has
hash `head_hash`", made at `issued_at` with the Ed25519 key `key_id`. A monitor
keeps the checkpoints it is given; later, a chain that extends every one of them
(the same hash at each checkpoint's seq, intact from there, and no shorter) shows
that nothing up to the checkpoints was removed, rewritten or re-chained. A hash
chain alone cannot show that: cut entries from its end, or rewrite it from some
entry on with valid hashes, and it still verifies.

This file ships beside verify_bundle.py in every export bundle, so it needs
nothing but the standard library: Ed25519 *verification* is written here from
RFC 8032, section 5.1.7 (small and clear, not fast: a few milliseconds per
signature). Accord signs with the `cryptography` package (db/checkpoints.py);
tests check this verifier against its signatures and the RFC's test vectors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHECKPOINT_FORMAT = "accord-audit-checkpoint"
CHECKPOINT_VERSION = 1
CHECKPOINT_ACTION = "audit.checkpoint"  # the audit entry that records an issued checkpoint
_FIELDS = ("format", "version", "seq", "head_hash", "issued_at", "key_id", "public_key")

# --- Ed25519 verification (RFC 8032, section 5.1) -------------------------------------------

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_L = 2**252 + 27742317777372353535851937790883648493  # the order of the base point
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, xy = T/Z


def _add(a: Point, b: Point) -> Point:
    """Point addition (section 5.1.4); the formula is complete, so it also doubles."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = t1 * 2 * _D * t2 % _P
    dd = z1 * 2 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply(scalar: int, point: Point) -> Point:
    """[scalar]point by double-and-add (verification handles no secret: timing is no matter)."""
    result: Point = (0, 1, 1, 0)  # the neutral element
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _recover_x(y: int, sign: int) -> int | None:
    """x from y and the sign bit (section 5.1.3, steps 2-4); None if there is none."""
    if y >= _P:
        return None
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    if (v * x * x - u) % _P != 0:
        if (v * x * x + u) % _P != 0:
            return None
        x = x * _SQRT_M1 % _P
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = _P - x
    return x


def _decode_point(encoded: bytes) -> Point | None:
    """A point from its 32-byte encoding (section 5.1.3); None if it is not one."""
    if len(encoded) != 32:
        return None
    number = int.from_bytes(encoded, "little")
    y, sign = number & ((1 << 255) - 1), number >> 255
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_BASE_Y = 4 * pow(5, _P - 2, _P) % _P  # the base point B: y = 4/5, x even (section 5.1)
_BASE_X = _recover_x(_BASE_Y, 0) or 0
_BASE: Point = (_BASE_X, _BASE_Y, 1, _BASE_X * _BASE_Y % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True if `signature` is `public_key`'s Ed25519 signature of `message` (section 5.1.7)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode_point(public_key)
    r = _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    digest = hashlib.sha512(signature[:32] + public_key + message).digest()
    k = int.from_bytes(digest, "little") % _L
    # the cofactored check [8][S]B = [8]R + [8][k]A, as the RFC states it
    left = _multiply(8 * s, _BASE)
    right = _multiply(8, _add(r, _multiply(k, a)))
    return _equal(left, right)


# --- Checkpoints ----------------------------------------------------------------------------


def signed_text(body: Mapping[str, Any]) -> bytes:
    """The bytes that are signed: the checkpoint body as canonical JSON (as VERIFY.md says)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def key_fingerprint(public_key: bytes) -> str:
    """SHA-256 (hex) of the raw 32-byte public key: the key id a checkpoint names."""
    return hashlib.sha256(public_key).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    issued_at: str
    key_id: str  # the public key's fingerprint (checked when parsed)
    public_key: bytes
    source: str  # where it came from, for messages: a file name or "entry 12"

    def describe(self) -> str:
        return f"checkpoint {self.source} (entry {self.seq}, issued {self.issued_at})"


def parse_checkpoint(document: Any, *, source: str) -> Checkpoint:
    """A checkpoint whose signature verifies with the public key it carries; ValueError if
    it is malformed or its signature does not verify."""
    if not isinstance(document, dict) or not isinstance(document.get("checkpoint"), dict):
        raise ValueError(f"{source}: not an Accord audit checkpoint")
    body = document["checkpoint"]
    missing = [f for f in _FIELDS if f not in body]
    if missing or body.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{source}: not an Accord audit checkpoint (missing {missing})")
    if body["version"] != CHECKPOINT_VERSION:
        raise ValueError(f"{source}: checkpoint version {body['version']!r} is not known")
    seq = body["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError(f"{source}: seq is not a sequence number: {seq!r}")
    try:
        public_key = base64.b64decode(str(body["public_key"]), validate=True)
        signature = base64.b64decode(str(document.get("signature", "")), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{source}: public key or signature is not base64") from None
    if body["key_id"] != key_fingerprint(public_key):
        raise ValueError(f"{source}: key id {body['key_id']} is not the public key's")
    if not ed25519_verify(public_key, signed_text(body), signature):
        raise ValueError(f"{source}: the signature does not verify: the checkpoint was altered")
    return Checkpoint(
        seq=seq,
        head_hash=str(body["head_hash"]),
        issued_at=str(body["issued_at"]),
        key_id=str(body["key_id"]),
        public_key=public_key,
        source=source,
    )


def read_checkpoint_file(path: Path) -> Checkpoint:
    """The checkpoint in `path` (as `accord audit checkpoint --out` writes it); ValueError."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read a checkpoint ({exc})") from None
    return parse_checkpoint(document, source=str(path))


@dataclass
class CheckpointWatch:
    """Follows a chain entry by entry and checks it against checkpoints.

    `held`: checkpoints a monitor kept; the chain must have the same hash at each
    one's seq and reach it. The chain's own `audit.checkpoint` entries are checked
    too: each holds the signed checkpoint of the entry just before it.
    """

    held: list[Checkpoint]
    problems: list[str] = field(default_factory=list)
    recorded: int = 0  # audit.checkpoint entries whose checkpoint verified
    recorded_keys: set[str] = field(default_factory=set)
    _by_seq: dict[int, list[Checkpoint]] = field(default_factory=dict)
    _last_seq: int = 0

    def __post_init__(self) -> None:
        for checkpoint in self.held:
            self._by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
            if checkpoint.seq == 0 and checkpoint.head_hash != "0" * 64:
                self.problems.append(f"{checkpoint.describe()}: entry 0 has no hash but 64 zeros")

    def see(self, entry: Mapping[str, Any]) -> None:
        """One entry, in seq order, after the chain walk found it intact."""
        seq = int(entry["seq"])
        self._last_seq = seq
        for checkpoint in self._by_seq.get(seq, ()):
            if entry["hash"] != checkpoint.head_hash:
                self.problems.append(
                    f"{checkpoint.describe()}: the chain's entry {seq} has hash {entry['hash']}, "
                    f"the checkpoint {checkpoint.head_hash}: the chain was rewritten up to there"
                )
        if entry.get("action") == CHECKPOINT_ACTION:
            self._see_recorded(entry)

    def _see_recorded(self, entry: Mapping[str, Any]) -> None:
        seq = int(entry["seq"])
        try:
            document = json.loads(str(entry["change"])).get("checkpoint")
            checkpoint = parse_checkpoint(document, source=f"recorded in entry {seq}")
        except (ValueError, AttributeError) as exc:
            self.problems.append(f"entry {seq} ({CHECKPOINT_ACTION}): {exc}")
            return
        if checkpoint.seq != seq - 1 or checkpoint.head_hash != entry["prev_hash"]:
            self.problems.append(
                f"entry {seq} ({CHECKPOINT_ACTION}) holds a checkpoint of entry "
                f"{checkpoint.seq}, not of the entry before it"
            )
            return
        self.recorded += 1
        self.recorded_keys.add(checkpoint.key_id)

    def finish(self, *, intact: bool) -> list[str]:
        """The problems found; with `intact` (the walk reached the end), also every checkpoint
        the chain does not reach: entries were cut from its end."""
        if intact:
            for checkpoint in self.held:
                if checkpoint.seq > self._last_seq:
                    self.problems.append(
                        f"{checkpoint.describe()}: the chain ends at entry {self._last_seq}, "
                        f"before the checkpoint's: entries were removed from its end"
                    )
        return self.problems


def watched(entries: Iterable[Mapping[str, Any]], watch: CheckpointWatch) -> Iterator[Any]:
    """`entries` passed through, each shown to `watch` once the walk has checked it: an
    entry is seen when the next is asked for (or at the end), so a broken one is not."""
    previous: Mapping[str, Any] | None = None
    for entry in entries:
        if previous is not None:
            watch.see(previous)
        previous = entry
        yield entry
    if previous is not None:
        watch.see(previous)
