"""Issue 19, "the audit log proves its own head": the pure-Python Ed25519 verifier shipped in
every bundle (db/bundle/checkpoint_proof.py), the checkpoint key file, and checkpoint documents.

The verifier is checked against RFC 8032 section 7.1's test vectors (themselves checked by
signing with `cryptography`) and against `cryptography`'s signatures of random messages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accord.db.bundle.checkpoint_proof import (
    ed25519_verify,
    key_fingerprint,
    parse_checkpoint,
    read_checkpoint_file,
    signed_text,
)
from accord.db.checkpoints import generate_key_file, load_signing_key, public_key_bytes
from accord.errors import InputError, SettingsError

# RFC 8032, section 7.1: (secret key, public key, message, signature), hex
RFC8032_VECTORS = {
    "test-1": (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    "test-2": (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    "test-3": (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    "test-sha-abc": (
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        hashlib.sha512(b"abc").hexdigest(),
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
        "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    ),
}


@pytest.mark.parametrize("name", sorted(RFC8032_VECTORS))
def test_rfc8032_vectors_verify_and_are_what_cryptography_signs(name: str) -> None:
    secret, public, message, signature = (bytes.fromhex(v) for v in RFC8032_VECTORS[name])
    key = Ed25519PrivateKey.from_private_bytes(secret)
    assert public_key_bytes(key) == public  # the vector is the RFC's, not a typo
    assert key.sign(message) == signature
    assert ed25519_verify(public, message, signature)
    assert not ed25519_verify(public, message + b"!", signature)


def test_cryptography_signatures_verify_and_any_flipped_bit_fails() -> None:
    rng = random.Random(8032)
    for _ in range(12):
        key = Ed25519PrivateKey.generate()
        public = public_key_bytes(key)
        message = rng.randbytes(rng.randrange(0, 300))
        signature = key.sign(message)
        assert ed25519_verify(public, message, signature)
        bit = rng.randrange(64 * 8)
        flipped = bytearray(signature)
        flipped[bit // 8] ^= 1 << (bit % 8)
        assert not ed25519_verify(public, message, bytes(flipped))
        other = public_key_bytes(Ed25519PrivateKey.generate())
        assert not ed25519_verify(other, message, signature)


def test_malformed_keys_and_signatures_are_refused_not_raised() -> None:
    _, public, message, signature = (bytes.fromhex(v) for v in RFC8032_VECTORS["test-2"])
    order = 2**252 + 27742317777372353535851937790883648493
    s = int.from_bytes(signature[32:], "little")
    # S + L: the same point equation, but S must be below L (RFC 8032 5.1.7 step 1)
    malleable = signature[:32] + (s + order).to_bytes(32, "little")
    assert not ed25519_verify(public, message, malleable)
    assert not ed25519_verify(public[:31], message, signature)
    assert not ed25519_verify(public, message, signature[:63])
    not_a_point = (2**255 - 19 + 1).to_bytes(32, "little")  # y >= p
    assert not ed25519_verify(not_a_point, message, signature)
    assert not ed25519_verify(public, message, not_a_point + signature[32:])


def _document(key: Ed25519PrivateKey, **changes: object) -> dict[str, object]:
    public = public_key_bytes(key)
    body: dict[str, object] = {
        "format": "accord-audit-checkpoint",
        "version": 1,
        "seq": 7,
        "head_hash": "ab" * 32,
        "issued_at": "2025-03-01T12:00:00.000000+00:00",
        "key_id": key_fingerprint(public),
        "public_key": base64.b64encode(public).decode(),
    }
    signature = base64.b64encode(key.sign(signed_text(body))).decode()
    body.update(changes)  # after signing: an altered checkpoint
    return {"checkpoint": body, "signature": signature}


def test_a_checkpoint_parses_only_while_its_signature_verifies() -> None:
    key = Ed25519PrivateKey.generate()
    checkpoint = parse_checkpoint(_document(key), source="cp")
    assert (checkpoint.seq, checkpoint.head_hash) == (7, "ab" * 32)
    with pytest.raises(ValueError, match="signature does not verify"):
        parse_checkpoint(_document(key, seq=8), source="cp")
    with pytest.raises(ValueError, match="signature does not verify"):
        parse_checkpoint(_document(key, head_hash="cd" * 32), source="cp")
    other = public_key_bytes(Ed25519PrivateKey.generate())
    swapped = _document(key, public_key=base64.b64encode(other).decode())
    with pytest.raises(ValueError, match="key id"):
        parse_checkpoint(swapped, source="cp")
    with pytest.raises(ValueError, match="not an Accord audit checkpoint"):
        parse_checkpoint({"seq": 1}, source="cp")


def test_a_checkpoint_file_that_is_not_json_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "cp.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read a checkpoint"):
        read_checkpoint_file(path)
    path.write_text(json.dumps(_document(Ed25519PrivateKey.generate())), encoding="utf-8")
    assert read_checkpoint_file(path).seq == 7


def test_keygen_writes_mode_0600_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.pem"
    fingerprint = generate_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    key = load_signing_key(path)
    assert key_fingerprint(public_key_bytes(key)) == fingerprint
    before = path.read_bytes()
    with pytest.raises(InputError, match="never overwritten"):
        generate_key_file(path)
    assert path.read_bytes() == before


def test_a_key_file_others_can_read_or_not_ed25519_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.pem"
    generate_key_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(SettingsError, match="mode 0644"):
        load_signing_key(path)
    ec = tmp_path / "ec.pem"
    ec.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(ec, 0o600)
    with pytest.raises(SettingsError, match="not an Ed25519 key"):
        load_signing_key(ec)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key", encoding="utf-8")
    os.chmod(garbage, 0o600)
    with pytest.raises(SettingsError, match="not an unencrypted PEM"):
        load_signing_key(garbage)
