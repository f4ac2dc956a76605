"""What each ICE ERO case category proves, as data (docs/ice-ero-mapping.md gives the reasoning).

An ICE case category is the state of the case recorded by ICE, not an
adjudication record: it says which kind of order (if any) stands, and
whether a fear or status-claim referral was made or relief granted. It never
says when an order was issued, whether it was appealed or stayed, or how a
referral ended. So each entry proves as little as the category itself says,
and everything else stays "not known" in the case file.

The code list (labels exactly as ICE writes them) is ICE's ENFORCE/EID case
category list as it appears in ICE's FOIA productions (UW v. DHS; CILP v. ICE,
as validated by the Deportation Data Project). Codes whose meaning cannot be
established are in REFUSED_CATEGORIES, with why: a row that uses one is refused.

`order` is one of:
    "expedited" | "reinstated" | "administrative" | "judicial"
        an order of that kind was issued on or before the departure date;
    "appealed_to_bia"
        an immigration judge's order with an appeal pending before the BIA (not final,
        execution stayed: 8 C.F.R. 1003.6(a));
    "none"
        the category records that no removal order stands (removal_orders = []);
    "final_kind_unknown"
        a final order exists but the export does not say of which kind or when
        (removal_orders left unknown: the engine answers `unknown`, never `pass`);
    "unknown"
        the category does not say whether a final order stands (left unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

OrderFact = Literal[
    "expedited",
    "reinstated",
    "administrative",
    "judicial",
    "appealed_to_bia",
    "none",
    "final_kind_unknown",
    "unknown",
]
OrderKindFact = Literal["expedited", "reinstated", "administrative", "judicial"]
ORDER_KINDS: tuple[OrderKindFact, ...] = ("expedited", "reinstated", "administrative", "judicial")
# Relief the category says was granted; none of it can be a case-file record (see the doc).
Relief = Literal["withholding", "deferred_action", "extended_voluntary_departure"]
FearFinding = Literal["unknown", "referred"]


@dataclass(frozen=True)
class CategoryFacts:
    """The facts one ICE case category proves about the person on that row."""

    order: OrderFact
    basis: str  # the law the mapping rests on, for the doc and for review
    fear: FearFinding | None = None  # a credible-fear referral was made: its outcome, if known
    status_claim: bool = False  # a claim to U.S. citizenship or status was referred, unresolved
    relief: Relief | None = None  # relief granted, not recordable as a fact (see the doc)
    # An order of removal (or a grant that presupposes one) was made: a finding of alienage.
    # None: derived from `order`.
    alienage: bool | None = None

    @property
    def fear_referral(self) -> bool:
        return self.fear is not None

    @property
    def alienage_found(self) -> bool:
        """A final order presupposes a finding that the person is not a U.S. citizen.

        Not so for [8H]: the person claimed citizenship or status and the export
        does not record how the claim ended, so citizenship stays unknown.
        """
        if self.status_claim:
            return False
        if self.alienage is not None:
            return self.alienage
        return self.order in (*ORDER_KINDS, "final_kind_unknown")


_ER = "8 U.S.C. 1225(b)(1); 8 C.F.R. 235.3(b)"
_FINAL = "8 U.S.C. 1231(a); 8 C.F.R. 241.1"
_UNDER_IJ = "8 U.S.C. 1229a; 8 C.F.R. 1241.1"
_UNDER_BIA = "8 C.F.R. 1003.1(b), 1003.6(a), 1241.1(a)"
_VD_IJ = "8 U.S.C. 1229c(b); 8 C.F.R. 1240.26(d), 1241.1(f)"

CATEGORY_FACTS: dict[str, CategoryFacts] = {
    # Expedited removal order by a DHS officer; final when issued, no IJ hearing or BIA appeal.
    "[8F] Expedited Removal": CategoryFacts("expedited", _ER),
    # Expedited order plus a referral for a credible-fear interview; the export omits the outcome.
    "[8G] Expedited Removal - Credible Fear Referral": CategoryFacts(
        "expedited", f"{_ER}; 8 U.S.C. 1225(b)(1)(B); 8 C.F.R. 208.30", fear="unknown"
    ),
    # Expedited order plus a claim to be a citizen, LPR, refugee or asylee referred for review.
    "[8H] Expedited Removal - Status Claim Referral": CategoryFacts(
        "expedited", f"{_ER}(5)(iv); 8 U.S.C. 1225(b)(1)(C)", status_claim=True
    ),
    # A fugitive whose outstanding order is an expedited removal order.
    "[8I] Inadmissible - ICE Fugitive - Expedited Removal": CategoryFacts("expedited", _ER),
    # A positive credible-fear finding ends expedited removal; an NTA starts INA 240 proceedings.
    "[8K] Expedited Removal Terminated due to Credible Fear Finding / NTA Issued": CategoryFacts(
        "none", "8 U.S.C. 1225(b)(1)(B)(ii); 8 C.F.R. 208.30(f); 8 U.S.C. 1229a", fear="referred"
    ),
    # A prior order reinstated on re-entry; not subject to reopening or review.
    "[16] Reinstated Final Order": CategoryFacts(
        "reinstated", "8 U.S.C. 1231(a)(5); 8 C.F.R. 241.8"
    ),
    # Final within the administrative process (no further administrative review); the issuing
    # authority is not in the export, so the nearest immediately final kind is recorded.
    "[3] Deportable - Administratively Final Order": CategoryFacts(
        "administrative", "8 C.F.R. 1241.1; 8 C.F.R. 241.1"
    ),
    # DHS administrative removal of a non-LPR convicted of an aggravated felony.
    "[11] Administrative Deportation / Removal": CategoryFacts(
        "administrative", "8 U.S.C. 1228(b); 8 C.F.R. 238.1"
    ),
    # A U.S. district court's order of removal at sentencing; final only as 1228(c)(3) says.
    "[12] Judicial Deportation / Removal": CategoryFacts("judicial", "8 U.S.C. 1228(c)"),
    # Inadmissible person with a final order issued in the administrative process.
    "[8C] Excludable / Inadmissible - Administrative Final Order Issued": CategoryFacts(
        "administrative", "8 C.F.R. 1241.1; 8 C.F.R. 241.1"
    ),
    # Visa Waiver Program entrant removed by DHS without an IJ hearing (rights waived on entry).
    "[10] Visa Waiver Deportation / Removal": CategoryFacts(
        "administrative", "8 U.S.C. 1187(b)(2); 8 C.F.R. 217.4(b)"
    ),
    # Security-ground order of an arriving person by DHS, final without IJ hearing (8 C.F.R. 235.8).
    "235(c) Cases": CategoryFacts("administrative", "8 U.S.C. 1225(c); 8 C.F.R. 235.8"),
    # ICE's full label for the same group; every subgroup is removed on a DHS order with no
    # IJ hearing (crewmen, stowaways, S visa holders who waived contest, 235(c) cases).
    "[14] Crewmen, Stowaways, S-Visa Holders, 235(c) Cases": CategoryFacts(
        "administrative",
        "8 U.S.C. 1225(c), 1225(a)(2), 1282(b), 1101(a)(15)(S); 8 C.F.R. 235.8, 236.4, 252.2",
    ),
    # Fugitive: a final order exists (that is what makes a fugitive) but kind and date are absent.
    "[8E] Inadmissible - ICE Fugitive": CategoryFacts("final_kind_unknown", _FINAL),
    "[5B] Removable - ICE Fugitive": CategoryFacts("final_kind_unknown", _FINAL),
    # A final order stands; deferred action granted on it (term and date not in the export).
    "[5D] Final Order of Deportation / Removal - Deferred Action Granted": CategoryFacts(
        "final_kind_unknown",
        f"{_FINAL}; 8 C.F.R. 274a.12(c)(14); Reno v. AADC, 525 U.S. 471, 483-84 (1999)",
        relief="deferred_action",
    ),
    # Withholding granted: it comes with an order of removal (Matter of I-S- & C-S-), whose
    # finality and kind are not recorded; the protected country is not in the export.
    "[5C] Relief Granted - Withholding of Deportation / Removal": CategoryFacts(
        "unknown",
        "8 U.S.C. 1231(b)(3); 8 C.F.R. 1208.16; Matter of I-S- & C-S-, 24 I&N Dec. 432 (BIA 2008)",
        relief="withholding",
        alienage=True,
    ),
    # Extended voluntary departure: discretionary relief; says nothing of any order.
    "[5E] Relief Granted - Extended Voluntary Departure": CategoryFacts(
        "unknown",
        "Attorney General's discretion (not in the INA); Hotel & Restaurant Employees Union, "
        "Local 25 v. Smith, 846 F.2d 1499 (D.C. Cir. 1988) (en banc)",
        relief="extended_voluntary_departure",
    ),
    # ICE could not obtain a travel document: says nothing of the order's kind or finality.
    "[5F] Unable to Obtain Travel Document": CategoryFacts(
        "unknown", "8 U.S.C. 1231(a)(1), (a)(6); 8 C.F.R. 241.4, 241.13"
    ),
    # A no-show referred for investigation, expressly with no final order.
    "[5A] Referred for Investigation - No Show for Hearing - No Final Order": CategoryFacts(
        "none", "8 U.S.C. 1229a(b)(5); 8 C.F.R. 1003.26"
    ),
    # Proceedings before an immigration judge, no order yet.
    "[2A] Deportable - Under Adjudication by IJ": CategoryFacts("none", _UNDER_IJ),
    "[8B] Excludable / Inadmissible - Under Adjudication by IJ": CategoryFacts("none", _UNDER_IJ),
    # An IJ decision on appeal to the BIA: not final, execution stayed while the appeal pends.
    "[2B] Deportable - Under Adjudication by BIA": CategoryFacts("appealed_to_bia", _UNDER_BIA),
    "[8D] Excludable / Inadmissible - Under Adjudication by BIA": CategoryFacts(
        "appealed_to_bia", _UNDER_BIA
    ),
    # Charged, hearing not begun: no order.
    "[8A] Excludable / Inadmissible - Hearing Not Commenced": CategoryFacts(
        "none", "8 U.S.C. 1229a; 8 C.F.R. 1239.1"
    ),
    # Voluntary departure is not a removal order; an alternate order takes effect only if the
    # period runs out, and these categories say it has not.
    "[1A] Voluntary Departure - Un-Expired and Un-Extended Departure Period": CategoryFacts(
        "none", "8 U.S.C. 1229c; 8 C.F.R. 240.25, 1240.26(d)"
    ),
    "[1B] Voluntary Departure - Extended Departure Period": CategoryFacts(
        "none", "8 U.S.C. 1229c; 8 C.F.R. 240.25(c), 1240.26(f)"
    ),
    # The period ran out: an IJ's alternate order took effect, a DHS grant leaves no order.
    "[1C] Expired Voluntary Departure Period - Referred to Investigation": CategoryFacts(
        "unknown", "8 U.S.C. 1229c(d); 8 C.F.R. 240.25, 1240.26(d), 1241.1(f)"
    ),
    # An IJ's grant with an alternate order, in force only if the period (not recorded) ran out.
    "[2V] Voluntary Departure Granted by IJ": CategoryFacts("unknown", _VD_IJ),
    "[8V] Voluntary Departure Granted by IJ": CategoryFacts("unknown", _VD_IJ),
    # Voluntary return under safeguards: a departure without any order.
    "[9] VR Under Safeguards": CategoryFacts("none", "8 U.S.C. 1229c(a); 8 C.F.R. 240.25"),
    # Removal at the person's own request of an alien fallen into distress: not an order.
    "[13] Section 250 Removal": CategoryFacts("none", "8 U.S.C. 1260; 8 C.F.R. 250.1"),
    # A case before the Alien Terrorist Removal Court: whether it ordered removal is not said.
    "[15] Terrorist Court Case (Title 5)": CategoryFacts("unknown", "8 U.S.C. 1531-1537"),
}

# ICE codes whose meaning cannot be established: a row using one is refused, by name.
REFUSED_CATEGORIES: dict[str, str] = {
    "[17] USC Prosecution Case": (
        "no published definition; 'USC' may mean a U.S. citizen prosecuted (not a removal "
        "case at all) or a prosecution under the U.S. Code"
    ),
    "[H] Historical Category For Migration Only": (
        "a placeholder from a data migration: it records no case category"
    ),
}

_CODE = re.compile(r"^\[\s*([0-9A-Za-z]+)\s*\]\s*")  # "[8F] ", "[ 14 ]"


def normalise_category(value: str) -> str:
    """ICE exports differ in spacing and case only; compare labels with blanks collapsed."""
    return " ".join(value.split()).casefold()


def _label(value: str) -> str:
    """The normalised label without its `[code]` prefix."""
    return _CODE.sub("", normalise_category(value), count=1)


def _code(value: str) -> str | None:
    match = _CODE.match(value.strip())
    return match.group(1).upper() if match else None


def canonical_category(value: str) -> str | None:
    """ICE's full category (with its code) for an exact or code-less value; None if unknown
    or ambiguous (a label two codes share, such as [2V] and [8V])."""
    normal = normalise_category(value)
    if normal in _BY_NORMAL:
        return _BY_NORMAL[normal]
    if _code(value) is not None:
        return None  # a code we do not know, or a known code with another label
    matches = _BY_LABEL.get(normal, [])
    return matches[0] if len(matches) == 1 else None


def category_problem(value: str) -> str:
    """Why `value` is not imported: refused by name, ambiguous, or not in the code list."""
    normal = normalise_category(value)
    for name, why in REFUSED_CATEGORIES.items():
        if normalise_category(name) == normal or (_code(value) is None and _label(name) == normal):
            return f"refused: {why}"
    code = _code(value)
    matches = _BY_LABEL.get(normal, [])
    if code is None and len(matches) > 1:
        return "ambiguous without its code: " + " or ".join(matches)
    named = [name for name in CATEGORY_FACTS if _code(name) == code] if code else []
    if named:
        return f"code [{code}] is '{named[0]}' in ICE's code list, not this label"
    return "not in ICE's code list as mapped (docs/ice-ero-mapping.md)"


def category_facts(value: str) -> CategoryFacts | None:
    name = canonical_category(value)
    return None if name is None else CATEGORY_FACTS[name]


_BY_NORMAL = {normalise_category(k): k for k in CATEGORY_FACTS}
_BY_LABEL: dict[str, list[str]] = {}
for _name in CATEGORY_FACTS:
    _BY_LABEL.setdefault(_label(_name), []).append(_name)
