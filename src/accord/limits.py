"""The input limits, in one place: what the CLI, the HTTP API, the dashboard's forms and the
case-file reader accept (issue 19 item 8).

Services check what they are given with the `check_*` functions (so the CLI, which has no
schema, refuses what the API refuses); the API's request models use the pydantic types below
(a 422 naming the field, and the limits in the OpenAPI document); the dashboard's forms use
the same constants in `Form(...)`. Domain code only: no FastAPI, no CLI here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import StringConstraints

from accord.errors import DateOutOfRange, InputError

# Person ids: the case file's own rule (a URL path segment: no '/', no space)
PERSON_ID_MAX = 128
PERSON_ID_PATTERN = r"^[A-Za-z0-9._:-]+$"
# Mission numbers, facility ids, agreement ids, pathways: one URL path segment, so that what
# is created can be reached again: letters and digits first, then . _ : - (no '/', no space,
# no control character)
IDENTIFIER_MAX = 64
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"
# Registry user names (auth/users.py NAME_PATTERN is the same rule)
USER_NAME_MAX = 64
USER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
# Names: one line, no control character. A person's name (a case-file field); carriers and
# places (mission legs), which are columns of 128 characters
PERSON_NAME_MAX = 256
NAME_MAX = 128
ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
# Short free text: findings, recommendations, source documents, courts, counsel, and every
# text field of a case file
SHORT_TEXT_MAX = 512
# Notes and summaries beside coded reasons
LONG_TEXT_MAX = 10_000
TEXT_PATTERN = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL
# Birth dates: not before 1900, not after today (UTC)
BIRTH_DATE_MIN = dt.date(1900, 1, 1)
# Days and moments the registry accepts (the API's request models and the dashboard's
# forms alike): far enough from the calendar's ends that date arithmetic (notice periods,
# appeal windows) cannot overflow
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
FIRST_MOMENT = dt.datetime(FIRST_DAY.year, 1, 1, tzinfo=dt.UTC)
LAST_MOMENT = dt.datetime(LAST_DAY.year, 12, 31, tzinfo=dt.UTC)
# One case file (one JSON Lines record): a real one is a few KB
CASE_FILE_MAX_BYTES = 1_000_000
# Items in one list of a request (case ids, persons handed over, facts of one list)
LIST_MAX_ITEMS = 1000

_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
_ONE_LINE = re.compile(ONE_LINE_PATTERN)
_TEXT = re.compile(TEXT_PATTERN)

PersonIdText = Annotated[
    str, StringConstraints(min_length=1, max_length=PERSON_ID_MAX, pattern=PERSON_ID_PATTERN)
]
Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=IDENTIFIER_MAX, pattern=IDENTIFIER_PATTERN)
]
UserName = Annotated[
    str, StringConstraints(min_length=1, max_length=USER_NAME_MAX, pattern=USER_NAME_PATTERN)
]
OneLineName = Annotated[
    str, StringConstraints(min_length=1, max_length=NAME_MAX, pattern=ONE_LINE_PATTERN)
]
ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=SHORT_TEXT_MAX, pattern=TEXT_PATTERN)
]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX, pattern=TEXT_PATTERN)]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _shown(value: str) -> str:
    """The value for a one-line message: control characters escaped, at most 40 shown."""
    short = value if len(value) <= 40 else f"{value[:40]}... ({len(value)} characters)"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", short)


def check_identifier(value: str, what: str) -> str:
    """A mission number, facility id or other identifier, or InputError naming `what`."""
    if len(value) > IDENTIFIER_MAX:
        raise InputError(f"{what} '{_shown(value)}': at most {IDENTIFIER_MAX} characters")
    if not _IDENTIFIER.fullmatch(value):
        raise InputError(
            f"{what} '{_shown(value)}': letters and digits first, then letters, digits, "
            "'.', '_', ':' or '-' (no '/', space or control character)"
        )
    return value


def check_name(value: str, what: str) -> str:
    """A one-line name (a carrier, a place) of 1 to NAME_MAX characters."""
    if not value.strip():
        raise InputError(f"{what}: must not be empty")
    if len(value) > NAME_MAX:
        raise InputError(f"{what}: at most {NAME_MAX} characters, not {len(value)}")
    if not _ONE_LINE.fullmatch(value):
        raise InputError(f"{what}: one line, without control characters")
    return value


def check_text(value: str, what: str, *, max_length: int = SHORT_TEXT_MAX) -> str:
    """Free text of at most `max_length` characters, without NUL."""
    if len(value) > max_length:
        raise InputError(f"{what}: at most {max_length} characters, not {len(value)}")
    if not _TEXT.fullmatch(value):
        raise InputError(f"{what}: contains NUL, which no text field may hold")
    return value


def check_birth_date(day: dt.date, *, today: dt.date | None = None) -> dt.date:
    """A birth date not before BIRTH_DATE_MIN and not after today (UTC)."""
    last = today or dt.datetime.now(dt.UTC).date()
    if day < BIRTH_DATE_MIN or day > last:
        raise DateOutOfRange(f"birth date {day}: must be between {BIRTH_DATE_MIN} and {last}")
    return day
