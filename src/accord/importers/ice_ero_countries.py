"""ICE "Country of Citizenship" spellings to ISO 3166-1 alpha-2, or ISO 3166-3 for former states.

ICE writes country names in its own upper-case style, some of them older
than the current ISO short names. Explicit overrides come first, then
pycountry's exact lookup by name. A state that was renamed but continues
(Burma, Zaire, West Germany) maps to its current code; a state that no longer
exists (the USSR, Czechoslovakia, Yugoslavia, ...) maps to its ISO 3166-3 code
(SUHH, CSHH, YUCS, ...), never to a successor: which successor's nationality
the person holds, if any, is not in the export, and rules that need a current
nationality answer `unknown` for it. A value none of these knows is left to
the caller to report: guessing a nationality would route a person to the
wrong country.
"""

from __future__ import annotations

from typing import Final, Literal

import pycountry

from accord.countries import is_country, is_former_state

# A value that says the nationality is not known, or that there is none.
NotNational = Literal["unknown", "stateless"]
UNKNOWN: Final[NotNational] = "unknown"
STATELESS: Final[NotNational] = "stateless"

# ICE spellings that pycountry's names do not match, or match ambiguously.
ICE_COUNTRY_OVERRIDES: dict[str, str] = {
    "KOREA": "KR",  # ICE's "KOREA" is the Republic of Korea; the North is spelt out
    "SOUTH KOREA": "KR",
    "KOREA, SOUTH": "KR",
    "KOREA, NORTH": "KP",
    "NORTH KOREA": "KP",
    "RUSSIA": "RU",
    "VIETNAM": "VN",
    "BURMA": "MM",
    "CZECH REPUBLIC": "CZ",
    "CZECHIA": "CZ",
    "MACEDONIA": "MK",
    "IVORY COAST": "CI",
    "COTE D'IVOIRE": "CI",
    "CAPE VERDE": "CV",
    "LAOS": "LA",
    "IRAN": "IR",
    "SYRIA": "SY",
    "MOLDOVA": "MD",
    "TANZANIA": "TZ",
    "BOLIVIA": "BO",
    "VENEZUELA": "VE",
    "CONGO": "CG",  # Republic of the Congo (Brazzaville); ICE names the DRC separately
    "DEM REP OF THE CONGO": "CD",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "CD",
    "CHINA, PEOPLES REPUBLIC OF": "CN",
    "CHINA": "CN",
    "TAIWAN": "TW",
    "HONG KONG": "HK",
    "MACAU": "MO",
    "TURKEY": "TR",
    "BOSNIA-HERZEGOVINA": "BA",
    "KOSOVO": "XK",
    "SWAZILAND": "SZ",
    "EAST TIMOR": "TL",
    "BRUNEI": "BN",
    "MICRONESIA, FEDERATED STATES OF": "FM",
    "VATICAN CITY": "VA",
    "ST. LUCIA": "LC",
    "ST. KITTS-NEVIS": "KN",
    "ST. VINCENT-GRENADINES": "VC",
    "ANTIGUA-BARBUDA": "AG",
    "TRINIDAD AND TOBAGO": "TT",
    "GAMBIA": "GM",
    "BAHAMAS": "BS",
    "UNITED KINGDOM": "GB",
    "UNITED STATES": "US",
    # renamed, the same state continuing: the current code is the state's own, not a successor's
    "ZAIRE": "CD",
    "WEST GERMANY": "DE",
    "GERMANY, WEST": "DE",
}

# States that no longer exist, by ICE's spellings: their ISO 3166-3 codes (pycountry's
# historic_countries), recorded as such.
ICE_FORMER_STATES: dict[str, str] = {
    "USSR": "SUHH",
    "U.S.S.R.": "SUHH",
    "SOVIET UNION": "SUHH",
    "CZECHOSLOVAKIA": "CSHH",
    "SERBIA AND MONTENEGRO": "CSXX",
    "SERBIA-MONTENEGRO": "CSXX",
    "SERBIA & MONTENEGRO": "CSXX",
    "YUGOSLAVIA": "YUCS",
    "NETHERLANDS ANTILLES": "ANHH",
    "EAST GERMANY": "DDDE",
    "GERMANY, EAST": "DDDE",
    "GERMAN DEMOCRATIC REPUBLIC": "DDDE",
    "SOUTH YEMEN": "YDYE",
    "YEMEN, SOUTH": "YDYE",
}

# Values that name no nationality: "UNKNOWN" leaves the list unknown; "STATELESS" is
# a known absence of any nationality.
ICE_NO_COUNTRY: dict[str, NotNational] = {
    "UNKNOWN": UNKNOWN,
    "": UNKNOWN,
    "STATELESS": STATELESS,
}


def ice_country(value: str) -> str | None:
    """The ISO alpha-2 code (ISO 3166-3 for a former state) for an ICE country name, or None.

    Callers check ICE_NO_COUNTRY first; a None here is an unmapped value.
    """
    name = " ".join(value.split()).upper()
    former = ICE_FORMER_STATES.get(name)
    if former is not None:
        return former if is_former_state(former) else None
    code = ICE_COUNTRY_OVERRIDES.get(name)
    if code is None and len(name) > 3:  # short values would match alpha-2/3 codes, not names
        try:
            code = pycountry.countries.lookup(name).alpha_2
        except LookupError:
            return None
    if code is None or not is_country(code):
        return None
    return code


def no_country(value: str) -> NotNational | None:
    """UNKNOWN or STATELESS when the value names no nationality, else None."""
    return ICE_NO_COUNTRY.get(" ".join(value.split()).upper())
