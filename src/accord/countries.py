"""ISO 3166-1 alpha-2 country codes, validated against pycountry's copy of the standard."""

from __future__ import annotations

from functools import cache

import pycountry

from accord.errors import UnknownCountry

# Codes for users, not states: XK (Kosovo) is user-assigned but used by DHS and DOS.
_EXTRA_CODES = frozenset({"XK"})


@cache
def _codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA_CODES


def is_country(code: str) -> bool:
    return code in _codes()


def country_code(code: str, *, what: str = "country code") -> str:
    """Return `code` upper-cased if it is an ISO 3166 alpha-2 code, else raise UnknownCountry."""
    normal = code.strip().upper()
    if normal not in _codes():
        raise UnknownCountry(
            f"{what} '{code}' is not an ISO 3166 alpha-2 code (for example SV, VE)"
        )
    return normal
