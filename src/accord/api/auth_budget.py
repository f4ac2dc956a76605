"""What an unproven credential may cost the server: a budget of failures, a pool of its own.

A made-up bearer token used to cost an argon2 verify (a fifth of a second of a core and
64 MiB) in the thread pool that serves every request: sixteen in flight pushed a
legitimate caller's p99 from 33 ms to seconds. Now:

* an unknown or revoked key id fails on its row, without argon2 (users.find_token);
* each client address and each key id has a budget of failures (a token bucket of
  `burst` that refills over `window_s`): a verification takes one unit from both before
  it starts and gives them back if it succeeds, so failures, and verifications still in
  flight, spend it. A caller out of budget gets 429 with `Retry-After` at once, before
  any database read. Buckets are kept for at most `size` keys each (least recently used
  go first): memory is bounded whatever the number of addresses or key ids tried;
* an unproven token (one this process has not verified before) is looked up by its key
  id on a thread of its own (a bounded queue), and the argon2 verify of its secret runs
  in a pool of its own (`VerifierPool`: a few threads and a short queue). When either is
  full the caller gets 503 with `Retry-After` at once instead of waiting. Requests whose
  identity is cached never reach this module; a proven token whose cached identity
  expired is read again (for revocation) on the request threads, without budget. The
  lanes' threads are not the request threads, so authenticated callers keep their
  threads whatever unauthenticated ones send. The argon2 threads run at a lower CPU
  priority (nice +10, Linux), so that the verifies the budgets let through take what the
  cores have left rather than a share of the requests' time.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from accord.api.security import Identity, digest
from accord.auth import User, VerifiedSecrets
from accord.auth.users import check_secret, find_token, secret_needs_check, token_key_id
from accord.db import read_session
from accord.errors import AuthenticationFailed

T = TypeVar("T")
BUSY_RETRY_AFTER_S = 1  # an argon2 verify takes a fraction of a second: the queue moves fast
ARGON2_NICE = 10  # added to the pool threads' nice value (0 normal, 19 the lowest priority)


class BudgetRefusal(HTTPException):
    """Refused before any work: answered as problem details with `code` and Retry-After."""

    code: ClassVar[str] = "refused"

    def __init__(self, status: int, detail: str, retry_after_s: float) -> None:
        seconds = max(1, math.ceil(retry_after_s))
        super().__init__(status, detail, headers={"Retry-After": str(seconds)})
        self.retry_after_s = seconds


class TooManyFailures(BudgetRefusal):
    code = "too_many_failed_authentications"

    def __init__(self, what: str, retry_after_s: float) -> None:
        super().__init__(
            429,
            f"too many failed authentications from this {what}; try again later",
            retry_after_s,
        )


class VerifierBusy(BudgetRefusal):
    code = "verification_busy"

    def __init__(self) -> None:
        super().__init__(
            503, "too many API tokens are being verified; try again shortly", BUSY_RETRY_AFTER_S
        )


class FailureBudget:
    """Token buckets by key (a client address or a key id): `burst` units each, refilled at
    `burst / window_s` per second; at most `size` buckets (least recently used dropped).
    Thread-safe; `clock` is injectable for tests."""

    def __init__(
        self,
        *,
        burst: int,
        window_s: float,
        size: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst, self.size, self._clock = burst, size, clock
        self._rate = burst / window_s  # units per second
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # units, at
        self._lock = threading.Lock()

    def _units(self, key: str, now: float) -> float:
        units, at = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), units + (now - at) * self._rate)

    def take(self, key: str) -> float:
        """Take one unit: 0.0 if taken, else the seconds until one is back (nothing taken)."""
        with self._lock:
            now = self._clock()
            units = self._units(key, now)
            if units < 1.0:
                return (1.0 - units) / self._rate
            self._buckets[key] = (units - 1.0, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.size:
                self._buckets.popitem(last=False)
            return 0.0

    def give_back(self, key: str) -> None:
        with self._lock:
            if key in self._buckets:
                now = self._clock()
                self._buckets[key] = (min(float(self.burst), self._units(key, now) + 1.0), now)

    def __len__(self) -> int:
        return len(self._buckets)


class VerifierPool:
    """A few threads of their own, with at most `queue` jobs waiting; past that `run`
    raises VerifierBusy at once. A slot is freed when its job ends (not when its caller
    goes away), so the bound holds for disconnected callers too. `low_priority`: its
    threads run at nice +10 (argon2)."""

    def __init__(self, *, threads: int, queue: int, name: str, low_priority: bool) -> None:
        self.capacity = threads + queue
        self._executor = ThreadPoolExecutor(
            max_workers=threads,
            thread_name_prefix=f"accord-{name}",
            initializer=_lower_priority if low_priority else None,
        )
        self._in_flight = 0
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def run(self, fn: Callable[[], T]) -> T:
        with self._lock:
            if self._in_flight >= self.capacity:
                raise VerifierBusy()
            self._in_flight += 1
        try:
            future = self._executor.submit(fn)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def _release(self, _future: Future[T] | None) -> None:
        with self._lock:
            self._in_flight -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _lower_priority() -> None:
    """Run this pool's thread at a lower CPU priority than the request threads (Linux
    schedules each thread on its own; elsewhere this does nothing): argon2 verifies of
    unproven tokens then take the cores the requests of proven callers leave."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), ARGON2_NICE)


@dataclass(frozen=True)
class _Found:
    identity: Identity
    secret_hash: str | None  # None: proven before in this process, no argon2 needed


def _find(engine: Engine, token: str, verified: VerifiedSecrets | None) -> _Found:
    """The token's row and user (one indexed read, no argon2); AuthenticationFailed if
    malformed, unknown or revoked."""
    with read_session(engine) as session:
        row = find_token(session, token)
        user = session.get(User, row.user_id)
        if user is None:
            raise AuthenticationFailed("invalid API token")
        identity = Identity(
            user.id, user.name, user.role, user.created_at, user.created_by_id, row.key_id
        )
        pending = secret_needs_check(token, row.secret_hash, verified)
        return _Found(identity, row.secret_hash if pending else None)


class ProvenTokens:
    """SHA-256 digests of the tokens verified in this process (never the tokens), bounded:
    the holder of one has proven it, so its checks (a revocation read when its cached
    identity expires) spend no failure budget and take no lane of unproven tokens."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._digests: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._digests

    def add(self, key: str) -> None:
        with self._lock:
            self._digests[key] = None
            self._digests.move_to_end(key)
            while len(self._digests) > self.size:
                self._digests.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._digests.pop(key, None)


class AuthBudget:
    """The failure budgets and the lanes of unproven tokens of one worker process: a
    lookup lane (the key id's row; one thread, a bounded queue) and the argon2 pool."""

    def __init__(
        self,
        *,
        failures_per_address: int,
        failures_per_key: int,
        window_s: float,
        size: int,
        verify_threads: int,
        verify_queue: int,
        lookup_queue: int,
    ) -> None:
        self.addresses = FailureBudget(burst=failures_per_address, window_s=window_s, size=size)
        self.key_ids = FailureBudget(burst=failures_per_key, window_s=window_s, size=size)
        self.proven = ProvenTokens(size)
        self.lookups = VerifierPool(
            threads=1, queue=lookup_queue, name="lookup", low_priority=False
        )
        self.pool = VerifierPool(
            threads=verify_threads, queue=verify_queue, name="argon2", low_priority=True
        )

    async def verify_bearer(
        self, engine: Engine, token: str, *, address: str, verified: VerifiedSecrets | None
    ) -> Identity:
        """The identity a bearer token proves, within the budgets; AuthenticationFailed,
        TooManyFailures (429) or VerifierBusy (503)."""
        proven_key = digest(token)
        if proven_key in self.proven:  # re-checked for revocation, on the request threads
            try:
                return await self._verify(engine, token, verified, lookup=run_in_threadpool)
            except AuthenticationFailed:
                self.proven.discard(proven_key)
                raise
        address_key = "a:" + address
        if wait := self.addresses.take(address_key):
            raise TooManyFailures("address", wait)
        key_id = token_key_id(token)  # malformed: a failure, spent from the address
        if wait := self.key_ids.take(key_id):
            self.addresses.give_back(address_key)  # refused, not failed: nothing was tried
            raise TooManyFailures("API token key id", wait)
        identity = await self._verify(engine, token, verified, lookup=self._in_lookup_lane)
        self.addresses.give_back(address_key)
        self.key_ids.give_back(key_id)
        self.proven.add(proven_key)
        return identity

    async def _in_lookup_lane(self, find: Callable[..., _Found], *args: Any) -> _Found:
        return await self.lookups.run(lambda: find(*args))

    async def _verify(
        self,
        engine: Engine,
        token: str,
        verified: VerifiedSecrets | None,
        *,
        lookup: Callable[..., Awaitable[_Found]],
    ) -> Identity:
        found = await lookup(_find, engine, token, verified)
        if found.secret_hash is not None:
            secret_hash = found.secret_hash
            await self.pool.run(lambda: check_secret(token, secret_hash, verified=verified))
        return found.identity

    def close(self) -> None:
        self.lookups.close()
        self.pool.close()
