"""The HTTP API's settings: one validated class, read from `ACCORD_*` environment variables.

Secrets have no default: `ACCORD_SECRET_KEY` (signs session cookies and CSRF
tokens) and `ACCORD_MASKING_KEY` (masks identifiers for analysts) must be set,
or building the settings fails with a message naming the variable. Nothing is
read at import time: `ApiSettings.from_env()` is called by `accord serve`, and
tests build `ApiSettings(...)` directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from accord.db import ENV_PREFIX, MIN_MASKING_KEY, RegistrySettings
from accord.errors import SettingsError

MIN_SECRET_KEY = 32
# request budget settings also read from ACCORD_<NAME> (e.g. ACCORD_BODY_MAX_BYTES)
TUNABLE = (
    "auth_failures_per_address",
    "auth_failures_per_key",
    "auth_failure_window_s",
    "verify_threads",
    "verify_queue",
    "lookup_queue",
    "body_max_bytes",
    "record_body_max_bytes",
    "import_body_max_bytes",
    "login_body_max_bytes",
)


class ApiSettings(BaseModel):
    """Every setting of `create_app`. Build with `from_env()` or directly in tests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = Field(description="SQLAlchemy URL of the registry")
    secret_key: SecretStr = Field(description="Signs session cookies and CSRF tokens")
    masking_key: SecretStr = Field(description="HMAC key that masks identifiers for analysts")
    session_max_age_s: int = Field(default=8 * 3600, ge=60, le=7 * 24 * 3600)
    # a revoked token or a changed role is seen after at most this many seconds
    auth_cache_ttl_s: float = Field(default=60.0, ge=0.0, le=3600.0)
    auth_cache_size: int = Field(default=4096, ge=0)
    # set behind TLS; plain-HTTP development servers need it off to keep the cookie
    cookie_secure: bool = False
    # Requests of one worker process that work at once (threads, each with a pooled
    # connection); more wait for a thread. Two: one computes while the other waits on the
    # database, and Python's interpreter lock lets no more compute at once. More threads
    # only contend for that lock (4 workers x 8 threads: open-loop p99 300 ms at 300/s;
    # 4 x 2: 26-33 ms). Past the pool, connections were opened and closed per request.
    db_threads: int = Field(default=2, ge=1, le=64)
    # What unproven credentials may cost (api/auth_budget.py): failed verifications allowed
    # per client address and per token key id in a burst, refilled over the window
    auth_failures_per_address: int = Field(default=10, ge=1, le=10_000)
    auth_failures_per_key: int = Field(default=5, ge=1, le=10_000)
    auth_failure_window_s: float = Field(default=60.0, gt=0.0, le=24 * 3600.0)
    auth_budget_size: int = Field(default=65_536, ge=16, le=10_000_000)  # buckets kept, each
    # argon2 verifies of tokens not yet proven run on these threads (not the request
    # threads); past `verify_queue` waiting, a new one is refused with 503 at once
    verify_threads: int = Field(default=1, ge=1, le=16)
    verify_queue: int = Field(default=4, ge=0, le=1024)
    # the key id lookups of unproven tokens: one thread of their own, this many waiting
    lookup_queue: int = Field(default=32, ge=0, le=4096)
    # Request bodies, in bytes, refused with 413 before they are read (api/body_limits.py).
    # The default holds any one-record body: a 10,000-character note as JSON escapes is 60 KB
    body_max_bytes: int = Field(default=128 * 1024, ge=1024, le=1024**3)
    # a whole case file or one fact list (up to 1,000 records); handovers, visits
    record_body_max_bytes: int = Field(default=4 * 1024**2, ge=1024, le=1024**3)
    # POST /imports: up to 10,000 case files in one transaction
    import_body_max_bytes: int = Field(default=64 * 1024**2, ge=1024, le=4 * 1024**3)
    # the login form: three fields of at most 512 characters
    login_body_max_bytes: int = Field(default=8 * 1024, ge=1024, le=1024**2)

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        return RegistrySettings(database_url=value).database_url

    @field_validator("secret_key")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < MIN_SECRET_KEY:
            raise ValueError(f"must be at least {MIN_SECRET_KEY} characters")
        return value

    @field_validator("masking_key")
    @classmethod
    def _masking_long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < MIN_MASKING_KEY:
            raise ValueError(f"must be at least {MIN_MASKING_KEY} characters")
        return value

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, cwd: Path | None = None
    ) -> ApiSettings:
        env = os.environ if environ is None else environ
        registry = RegistrySettings.from_env(env, cwd=cwd)
        values: dict[str, object] = {"database_url": registry.database_url}
        for name in ("secret_key", "masking_key", "cookie_secure", "db_threads", *TUNABLE):
            if text := env.get(f"{ENV_PREFIX}{name.upper()}"):
                values[name] = text
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            name = f"{ENV_PREFIX}{str(err['loc'][0]).upper()}" if err["loc"] else "setting"
            reason = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "missing":
                reason = "is not set (it has no default: it is a secret)"
            raise SettingsError(f"{name}: {reason}") from None

    def masking_bytes(self) -> bytes:
        return self.masking_key.get_secret_value().encode("utf-8")
