"""The registry's settings: one validated class, read from `ACCORD_*` environment variables.

Nothing is read at import time: call `RegistrySettings.from_env()` where a
setting is needed, so tests and subprocesses see the environment they set.
Secrets have no default: an unset `ACCORD_MASKING_KEY` stays unset, and the
read that needs it fails with a message naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from accord.errors import SettingsError

ENV_PREFIX = "ACCORD_"
DEFAULT_SQLITE_FILE = "accord.db"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
MIN_MASKING_KEY = 16


class RegistrySettings(BaseModel):
    """Every setting of the registry. Build with `from_env()`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = Field(
        description="SQLAlchemy URL; default: sqlite file accord.db in the current directory"
    )
    masking_key: SecretStr | None = Field(
        default=None, description="HMAC key that masks person identifiers for analysts"
    )
    user: str | None = Field(default=None, description="Acting user when --as is not given")
    checkpoint_key_file: Path | None = Field(
        default=None, description="PEM Ed25519 private key that signs audit checkpoints (0600)"
    )
    masking_k: int = Field(
        default=5,
        ge=2,
        le=1000,
        description="Masked exports: every combination of quasi-identifiers is shared by at "
        "least this many persons (facts/masking.py)",
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (e.g. postgresql+psycopg://host/db)") from None
        if url.get_backend_name() not in SUPPORTED_BACKENDS:
            raise ValueError(
                f"backend '{url.get_backend_name()}' is not supported; "
                f"use one of: {', '.join(SUPPORTED_BACKENDS)}"
            )
        return value

    @field_validator("masking_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_MASKING_KEY:
            raise ValueError(f"must be at least {MIN_MASKING_KEY} characters")
        return value

    @field_validator("user")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, cwd: Path | None = None
    ) -> RegistrySettings:
        env = os.environ if environ is None else environ
        url = env.get(f"{ENV_PREFIX}DATABASE_URL") or default_database_url(cwd or Path.cwd())
        values: dict[str, object] = {"database_url": url}
        if key := env.get(f"{ENV_PREFIX}MASKING_KEY"):
            values["masking_key"] = key
        if user := env.get(f"{ENV_PREFIX}USER"):
            values["user"] = user
        if key_file := env.get(f"{ENV_PREFIX}CHECKPOINT_KEY_FILE"):
            values["checkpoint_key_file"] = key_file
        if masking_k := env.get(f"{ENV_PREFIX}MASKING_K"):
            values["masking_k"] = masking_k
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            name = f"{ENV_PREFIX}{str(err['loc'][0]).upper()}" if err["loc"] else "setting"
            reason = str(err["msg"]).removeprefix("Value error, ")
            raise SettingsError(f"{name}: {reason}") from None

    def require_masking_key(self) -> bytes:
        if self.masking_key is None:
            raise SettingsError(
                f"{ENV_PREFIX}MASKING_KEY is not set: analysts see masked person identifiers, "
                "and masking needs that key"
            )
        return self.masking_key.get_secret_value().encode("utf-8")

    @property
    def backend(self) -> str:
        return make_url(self.database_url).get_backend_name()

    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.database_url).render_as_string(hide_password=True)


def default_database_url(cwd: Path) -> str:
    return f"sqlite:///{(cwd / DEFAULT_SQLITE_FILE).resolve()}"
