"""What each ICE ERO case category proves, as data (docs/ice-ero-mapping.md gives the reasoning).

An ICE case category is the state of the case recorded by ICE, not an
adjudication record: it says which kind of order (if any) stands, and
whether a fear or status-claim referral was made. It never says when an
order was issued, whether it was appealed or stayed, or how a referral
ended. So each entry proves as little as the category itself says, and
everything else stays "not known" in the case file.

`order` is one of:
    "expedited" | "reinstated" | "administrative"
        an order of that kind was issued on or before the departure date;
    "none"
        the category records that no removal order stands (removal_orders = []);
    "final_kind_unknown"
        a final order exists but the export does not say of which kind or when
        (removal_orders left unknown: the engine answers `unknown`, never `pass`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OrderFact = Literal["expedited", "reinstated", "administrative", "none", "final_kind_unknown"]
ORDER_KINDS: tuple[OrderFact, ...] = ("expedited", "reinstated", "administrative")


@dataclass(frozen=True)
class CategoryFacts:
    """The facts one ICE case category proves about the person on that row."""

    order: OrderFact
    basis: str  # the law the mapping rests on, for the doc and for review
    fear_referral: bool = False  # a credible-fear referral was made; its outcome is not recorded
    status_claim: bool = False  # a claim to U.S. citizenship or status was referred, unresolved

    @property
    def proves_final_order(self) -> bool:
        return self.order != "none"

    @property
    def alienage_found(self) -> bool:
        """A final order presupposes a finding that the person is not a U.S. citizen.

        Not so for [8H]: the person claimed citizenship or status and the export
        does not record how the claim ended, so citizenship stays unknown.
        """
        return self.proves_final_order and not self.status_claim


_ER = "8 U.S.C. 1225(b)(1); 8 C.F.R. 235.3(b)"

CATEGORY_FACTS: dict[str, CategoryFacts] = {
    # Expedited removal order by a DHS officer; final when issued, no IJ hearing or BIA appeal.
    "[8F] Expedited Removal": CategoryFacts("expedited", _ER),
    # Expedited order plus a referral for a credible-fear interview; the export omits the outcome.
    "[8G] Expedited Removal - Credible Fear Referral": CategoryFacts(
        "expedited", f"{_ER}; 8 U.S.C. 1225(b)(1)(B); 8 C.F.R. 208.30", fear_referral=True
    ),
    # Expedited order plus a claim to be a citizen, LPR, refugee or asylee referred for review.
    "[8H] Expedited Removal - Status Claim Referral": CategoryFacts(
        "expedited", f"{_ER}(5)(iv); 8 U.S.C. 1225(b)(1)(C)", status_claim=True
    ),
    # A fugitive whose outstanding order is an expedited removal order.
    "[8I] Inadmissible - ICE Fugitive - Expedited Removal": CategoryFacts("expedited", _ER),
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
    "[8E] Inadmissible - ICE Fugitive": CategoryFacts(
        "final_kind_unknown", "8 U.S.C. 1231(a); 8 C.F.R. 241.1"
    ),
    "[5B] Removable - ICE Fugitive": CategoryFacts(
        "final_kind_unknown", "8 U.S.C. 1231(a); 8 C.F.R. 241.1"
    ),
    # Proceedings before an immigration judge, no order yet.
    "[2A] Deportable - Under Adjudication by IJ": CategoryFacts(
        "none", "8 U.S.C. 1229a; 8 C.F.R. 1241.1"
    ),
    "[8B] Excludable / Inadmissible - Under Adjudication by IJ": CategoryFacts(
        "none", "8 U.S.C. 1229a; 8 C.F.R. 1241.1"
    ),
    # Charged, hearing not begun: no order.
    "[8A] Excludable / Inadmissible - Hearing Not Commenced": CategoryFacts(
        "none", "8 U.S.C. 1229a; 8 C.F.R. 1239.1"
    ),
    # Voluntary departure is not a removal order; an alternate order takes effect only if the
    # period runs out, and this category says it has not.
    "[1A] Voluntary Departure - Un-Expired and Un-Extended Departure Period": CategoryFacts(
        "none", "8 U.S.C. 1229c; 8 C.F.R. 240.25, 1240.26(d)"
    ),
    # Voluntary return under safeguards: a departure without any order.
    "[9] VR Under Safeguards": CategoryFacts("none", "8 U.S.C. 1229c(a); 8 C.F.R. 240.25"),
}


def normalise_category(value: str) -> str:
    """ICE exports differ in spacing only; compare labels with runs of blanks collapsed."""
    return " ".join(value.split())


_BY_NORMAL = {normalise_category(k): v for k, v in CATEGORY_FACTS.items()}


def category_facts(value: str) -> CategoryFacts | None:
    return _BY_NORMAL.get(normalise_category(value))
