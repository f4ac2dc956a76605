"""What every request and response model of the API shares.

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py` or beside its service, never here.)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


def _nul_at(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if (found := _nul_at(item, f"{path}.{key}" if path else str(key))) is not None:
            return found
    return None


class In(BaseModel):
    """A request body: unknown fields are errors; no NUL anywhere (PostgreSQL refuses it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if (where := _nul_at(data, "")) is not None:
            raise ValueError(f"field '{where}' contains a NUL character")
        return data


class Out(BaseModel):
    """A response body."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
# Days and moments the registry accepts: far enough from the calendar's ends that date
# arithmetic (notice periods, appeal windows) cannot overflow
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Moment = Annotated[
    AwareDatetime,
    Field(ge=dt.datetime(1900, 1, 1, tzinfo=dt.UTC), le=dt.datetime(2199, 12, 31, tzinfo=dt.UTC)),
]


class Done(Out):
    """A step that was recorded, in words."""

    message: str
