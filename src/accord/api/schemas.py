"""What every request and response model of the API shares.

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py` or beside its service, never here.)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    model_validator,
)

from accord.casefile.models import unstorable_character_in
from accord.limits import FIRST_DAY, FIRST_MOMENT, LAST_DAY, LAST_MOMENT


def _unstorable_character_at(value: Any, path: str) -> str | None:
    """Where in a request body a string holds a character no text field may hold, and which."""
    if isinstance(value, str):
        char = unstorable_character_in(value)
        return f"field '{path}' contains {char}, which no text field may hold" if char else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _unstorable_character_at(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


class In(BaseModel):
    """A request body: unknown fields are errors; no NUL or lone surrogate anywhere
    (PostgreSQL text refuses them; SQLite would store them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="wrap")
    @classmethod
    def _no_unstorable_characters(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        # the fields' own validators first: they name the field (body.case.removal_orders.0.source);
        # this scan catches the strings no typed field checks (free-form items)
        validated = handler(data)
        if (where := _unstorable_character_at(data, "")) is not None:
            raise ValueError(where)
        return validated


class Out(BaseModel):
    """A response body."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


# Days and moments the registry accepts (limits.py: the dashboard's forms use the same)
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Moment = Annotated[AwareDatetime, Field(ge=FIRST_MOMENT, le=LAST_MOMENT)]


class Done(Out):
    """A step that was recorded, in words."""

    message: str
