"""The legal pathways of docs/design.md section 2."""

from __future__ import annotations

from accord.errors import UnknownPathway

PATHWAYS: dict[str, str] = {
    "return_of_nationals": (
        "Removal of the receiving country's own nationals (8 U.S.C. 1231(b)(2)(D))"
    ),
    "third_country_removal": (
        "Removal to a third country that agrees to accept the person "
        "(8 U.S.C. 1231(b)(2)(E)(vii); Jama v. ICE, 543 U.S. 335 (2005))"
    ),
    "custody_placement": (
        "Sending and holding the person in a facility under the agreement: the removal "
        "pathway that brings them there plus the facility's own terms"
    ),
    "sentenced_transfer": (
        "Serving a U.S. sentence abroad (18 U.S.C. 4100-4115; Inter-American Convention "
        "on Serving Criminal Sentences Abroad)"
    ),
    "early_removal": "Removal before a sentence ends (8 U.S.C. 1231(a)(4)(B))",
}


def pathway(name: str) -> str:
    if name not in PATHWAYS:
        raise UnknownPathway(f"pathway '{name}' is not one of: {', '.join(PATHWAYS)}")
    return name
