"""Country codes: ISO 3166-1 alpha-2 for current states, ISO 3166-3 for former ones.

Current codes are validated against pycountry's copy of ISO 3166-1. A former state
(ISO 3166-3: the USSR, Czechoslovakia, Yugoslavia, ...) has a four-letter code such as SUHH;
it is accepted only where a record says what a person's nationality *was recorded as*
(`nationality_code`), never as a destination or the country of an order, claim or
protection. A rule that needs a current nationality answers `unknown` for a former-state
code: which successor state (if any) the person is a national of is not in the record.
"""

from __future__ import annotations

from functools import cache

import pycountry

from accord.errors import UnknownCountry

# Codes for users, not states: XK (Kosovo) is user-assigned but used by DHS and DOS.
_EXTRA_CODES = frozenset({"XK"})


@cache
def _codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA_CODES


@cache
def _former_states() -> dict[str, str]:
    """ISO 3166-3 four-letter code -> the former state's name."""
    return {c.alpha_4: c.name for c in pycountry.historic_countries}


def is_country(code: str) -> bool:
    return code in _codes()


def is_former_state(code: str) -> bool:
    """An ISO 3166-3 code of a state that no longer exists (SUHH, CSHH, YUCS, ...)."""
    return code in _former_states()


def former_state_codes() -> frozenset[str]:
    return frozenset(_former_states())


def former_state_name(code: str) -> str:
    """ISO 3166-3's name of a former state; KeyError if `code` is not one."""
    return _former_states()[code]


def country_code(code: str, *, what: str = "country code") -> str:
    """Return `code` upper-cased if it is an ISO 3166 alpha-2 code, else raise UnknownCountry."""
    normal = code.strip().upper()
    if normal not in _codes():
        raise UnknownCountry(
            f"{what} '{code}' is not an ISO 3166 alpha-2 code (for example SV, VE)"
        )
    return normal


def nationality_code(code: str, *, what: str = "nationality") -> str:
    """A current ISO 3166-1 alpha-2 code, or a former state's ISO 3166-3 code (SUHH)."""
    normal = code.strip().upper()
    if normal in _codes() or normal in _former_states():
        return normal
    raise UnknownCountry(
        f"{what} '{code}' is neither an ISO 3166-1 alpha-2 code (for example SV, VE) nor "
        "an ISO 3166-3 code of a former state (for example SUHH, CSHH)"
    )
