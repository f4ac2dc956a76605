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
        for name in ("secret_key", "masking_key", "cookie_secure", "db_threads"):
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
