"""The verified-identity cache: a token verified once serves many requests, and callers
that miss the same token at the same moment share one verification (an expired entry
under load otherwise set every request verifying the same token with argon2)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from accord.api.security import AuthCache, Identity, verify_token
from accord.auth import VerifiedSecrets, issue_token, users
from accord.db import write_session
from accord.errors import AuthenticationFailed

from .conftest import Registry

OLIVIA = Identity(7, "olivia", "officer", dt.datetime(2025, 1, 1, tzinfo=dt.UTC), 1, "k1")


class Verifier:
    def __init__(self, *, fails: bool = False) -> None:
        self.calls = 0
        self.fails = fails

    async def __call__(self) -> Identity:
        self.calls += 1
        await asyncio.sleep(0.05)  # argon2 in a worker thread
        if self.fails:
            raise AuthenticationFailed("invalid API token")
        return OLIVIA


def test_callers_that_miss_together_share_one_verification() -> None:
    cache, verify = AuthCache(ttl_s=60.0, size=10), Verifier()

    async def burst() -> list[Identity]:
        return await asyncio.gather(*(cache.get_or_verify("t:x", verify) for _ in range(50)))

    assert asyncio.run(burst()) == [OLIVIA] * 50
    assert verify.calls == 1
    assert asyncio.run(burst()) == [OLIVIA] * 50  # cached now
    assert verify.calls == 1


def test_a_failed_verification_reaches_every_waiter_and_is_not_cached() -> None:
    cache, verify = AuthCache(ttl_s=60.0, size=10), Verifier(fails=True)

    async def burst() -> list[Identity | BaseException]:
        calls = (cache.get_or_verify("t:bad", verify) for _ in range(10))
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(burst())
    assert all(isinstance(r, AuthenticationFailed) for r in results)
    assert verify.calls == 1
    with pytest.raises(AuthenticationFailed):
        asyncio.run(cache.get_or_verify("t:bad", verify))
    assert verify.calls == 2  # tried again: failures are never remembered


def test_an_expired_entry_is_verified_again_once() -> None:
    cache, verify = AuthCache(ttl_s=0.01, size=10), Verifier()
    asyncio.run(cache.get_or_verify("t:x", verify))

    async def later_burst() -> list[Identity]:
        await asyncio.sleep(0.05)  # past the TTL
        return await asyncio.gather(*(cache.get_or_verify("t:x", verify) for _ in range(20)))

    assert asyncio.run(later_burst()) == [OLIVIA] * 20
    assert verify.calls == 2


def test_a_waiter_that_goes_away_does_not_cancel_the_others() -> None:
    cache, verify = AuthCache(ttl_s=60.0, size=10), Verifier()

    async def one_leaves() -> Identity:
        first = asyncio.ensure_future(cache.get_or_verify("t:x", verify))
        second = asyncio.ensure_future(cache.get_or_verify("t:x", verify))
        await asyncio.sleep(0.01)
        first.cancel()  # its client disconnected
        return await second

    assert asyncio.run(one_leaves()) == OLIVIA
    assert verify.calls == 1


def test_a_token_proven_once_is_checked_again_without_argon2_but_still_for_revocation(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    with write_session(registry.engine) as s:
        token = issue_token(s, actor=registry.users["olivia"], name="olivia")
    argon2_calls: list[str] = []
    real = users._hasher

    class Counting:
        def verify(self, secret_hash: str, secret: str) -> bool:
            argon2_calls.append(secret_hash)
            return bool(real.verify(secret_hash, secret))

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(users, "_hasher", Counting())
    verified = VerifiedSecrets()
    assert verify_token(registry.engine, token, verified).name == "olivia"
    assert verify_token(registry.engine, token, verified).name == "olivia"
    assert len(argon2_calls) == 1  # the second check read the row, not the hash
    wrong = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    with pytest.raises(AuthenticationFailed):
        verify_token(registry.engine, wrong, verified)  # same key id, another secret
    assert len(argon2_calls) == 2
    registry.sql("UPDATE api_tokens SET revoked_at = created_at")
    with pytest.raises(AuthenticationFailed):
        verify_token(registry.engine, token, verified)
    assert len(argon2_calls) == 2  # refused on its row: revoked


def test_a_changed_hash_is_verified_again(registry: Registry) -> None:
    with write_session(registry.engine) as s:
        token = issue_token(s, actor=registry.users["olivia"], name="olivia")
    verified = VerifiedSecrets()
    verify_token(registry.engine, token, verified)
    registry.sql("UPDATE api_tokens SET secret_hash = 'x' || secret_hash")
    with pytest.raises(AuthenticationFailed):  # the remembered proof was for another hash
        verify_token(registry.engine, token, verified)
