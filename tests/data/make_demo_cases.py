"""Generate src/accord/demo/synthetic_cases.jsonl: about 120 fictional case files.

Run once from the repository root:

    .venv/bin/python tests/data/make_demo_cases.py

Every person is invented: the names are placeholder words, the sources are
fictional document numbers marked "(fictional)". The mix is designed by hand
around the situations the seeds describe (docs/design.md section 2), and each
person carries the outcome and the rules expected under the sv-2025-offer
custody_placement screen to SV facility CECOT as of 2025-03-16, so the tests
can check the data still means what it was designed to mean.

The output is deterministic: the same script always writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The lists case file v2 added (accord.casefile.models.V2_LISTS), spelled out so that this
# script runs without the package.
V2_LISTS = (
    "status_grants",
    "court_orders",
    "forbearances",
    "custody_locations",
    "designations",
    "uac_determinations",
    "incompetency_findings",
    "transfer_approvals",
)
AS_OF = dt.date(2025, 3, 16)
OUT = Path(__file__).resolve().parents[2] / "src" / "accord" / "demo" / "synthetic_cases.jsonl"

Case = dict[str, Any]

FIRST_M = [
    "Aurelio",
    "Bruno",
    "Cecilio",
    "Dimas",
    "Efrain",
    "Fausto",
    "Gaspar",
    "Hilario",
    "Ismael",
    "Jacinto",
    "Leandro",
    "Macario",
    "Nestor",
    "Octavio",
    "Porfirio",
    "Rufino",
    "Saturnino",
    "Teodoro",
    "Ulises",
    "Valerio",
]
FIRST_F = ["Amparo", "Brisa", "Celeste", "Dalia", "Esperanza", "Fidelia", "Graciela", "Ines"]
SURNAMES = [
    "Ejemplo",
    "Muestra",
    "Ficticio",
    "Inventado",
    "Simulado",
    "Prueba",
    "Modelo",
    "Supuesto",
    "Imaginario",
    "Ilusorio",
    "Ensayo",
    "Borrador",
]
US_FIRST = ["Alex", "Jordan", "Casey", "Morgan", "Riley", "Taylor", "Quinn", "Sam"]
US_SURNAMES = ["Sample", "Placeholder", "Testcase", "Madeup", "Fakename", "Example"]


@dataclass
class Person:
    case: Case
    outcome: str
    fails: tuple[str, ...] = ()
    unknowns: tuple[str, ...] = ()


@dataclass
class Builder:
    rng: random.Random = field(default_factory=lambda: random.Random(20250316))
    people: list[Person] = field(default_factory=list)
    docs: int = 0

    def source(self, kind: str) -> str:
        self.docs += 1
        return f"DEMO-{kind}-{self.docs:04d} (fictional)"

    def day(self, start: str, end: str) -> str:
        a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        return (a + dt.timedelta(days=self.rng.randint(0, (b - a).days))).isoformat()

    def name(self, sex: str, us: bool = False) -> str:
        if us:
            return f"{self.rng.choice(US_FIRST)} {self.rng.choice(US_SURNAMES)} (fictional)"
        first = self.rng.choice(FIRST_F if sex == "female" else FIRST_M)
        return f"{first} {' '.join(self.rng.sample(SURNAMES, 2))} (fictional)"

    # ---- fact records -------------------------------------------------------------------

    def ij_order(self, issued: str | None = None, **extra: Any) -> dict[str, Any]:
        order = {
            "kind": "immigration_judge",
            "issued_on": issued or self.day("2021-01-01", "2024-10-31"),
            "source": self.source("IJ-ORDER"),
            "alternative_countries": [],  # the judge designated one country only
        }
        return {**order, **extra}

    def order(self, kind: str, issued: str | None = None) -> dict[str, Any]:
        return {
            "kind": kind,
            "issued_on": issued or self.day("2019-01-01", "2025-02-28"),
            "source": self.source(f"{kind.upper()}-ORDER"),
            "alternative_countries": [],
        }

    def conviction(self, final: bool | None = True, category: str = "violent") -> dict[str, Any]:
        offences = {
            "violent": ["aggravated assault", "robbery", "homicide", "armed robbery"],
            "nonviolent": ["drug possession with intent", "burglary", "fraud", "illegal reentry"],
            "unknown": ["offence not described in the record"],
        }
        offence = self.rng.choice(offences[category])
        classes = {"violent": ["crime_of_violence"], "unknown": None}.get(category, [])
        if offence == "drug possession with intent":  # 8 U.S.C. 1101(a)(43)(B)
            classes = ["illicit_trafficking"]
        return {
            "offence": offence,
            "category": category,
            "date": self.day("2012-01-01", "2020-12-31"),
            "final": final,
            "source": self.source("COURT-JUDGMENT"),
            "jurisdiction": "state",
            "juvenile": False,
            "offence_classes": classes,
        }

    def _after_conviction(self, case: Case) -> dt.date:
        dates = [c["date"] for c in case.get("convictions") or []]
        convicted = dt.date.fromisoformat(max(dates)) if dates else dt.date(2018, 1, 1)
        return convicted + dt.timedelta(days=self.rng.randint(30, 200))

    def served_sentence(self, case: Case) -> dict[str, Any]:
        start = self._after_conviction(case)
        release = start + dt.timedelta(days=self.rng.randint(365, 3 * 365))
        return {
            "start": start.isoformat(),
            "projected_release": release.isoformat(),
            "released_on": release.isoformat(),
            "source": self.source("BOP-RECORD"),
            "custodian": "state",
        }

    def serving_sentence(self, case: Case) -> dict[str, Any]:
        return {
            "start": self._after_conviction(case).isoformat(),
            "projected_release": self.day("2027-01-01", "2040-12-31"),
            "source": self.source("BOP-RECORD"),
            "custodian": "state",
        }

    def notice(
        self, served: str | None = None, country: str = "SV", **extra: Any
    ) -> dict[str, Any]:
        base = {
            "country": country,
            "served_on": served or self.day("2025-03-01", "2025-03-15"),
            "served_on_counsel": self.rng.random() < 0.5,
            "source": self.source("I-229"),
        }
        return {**base, **extra}

    # ---- a person ----------------------------------------------------------------------

    def add(
        self,
        tag: str,
        outcome: str,
        *,
        nationality: str | None,
        convicted: bool = True,
        fails: tuple[str, ...] = (),
        unknowns: tuple[str, ...] = (),
        edit: Callable[[Case], None] | None = None,
        minor: bool = False,
    ) -> None:
        sex = "female" if self.rng.random() < 0.12 else "male"
        born = (
            self.day("2008-06-01", "2010-12-31") if minor else self.day("1970-01-01", "2003-12-31")
        )
        third_country = nationality is not None and nationality != "SV"
        case: Case = {
            "schema_version": "2",
            "person_id": f"demo-{len(self.people) + 1:03d}-{tag}",
            "name": self.name(sex),
            "birth_date": born,
            "sex": sex,
            "citizenship": "noncitizen",
            "citizenship_claim": [],
            "nationalities": [nationality] if nationality else [],
            "removal_orders": [self.ij_order(appeal_waived=True)],
            "appeals": [],
            "stays": [],
            "protections": [],
            "fear_claims": [],
            "notices": [self.notice()] if third_country else [],
            "convictions": [self.conviction()] if convicted else [],
            "sentences": [],
            "consents": [],
            "early_removal_approvals": [],
            "transfer_requests": [],
            **{name: [] for name in V2_LISTS},
        }
        if convicted:
            case["sentences"] = [self.served_sentence(case)]
        if edit is not None:
            edit(case)
        if nationality is not None:  # the judge designates the country of nationality
            for order in case.get("removal_orders") or []:
                order.setdefault("country", nationality)
        self.people.append(Person(case, outcome, fails, unknowns))


def _set(**values: Any) -> Callable[[Case], None]:
    def edit(case: Case) -> None:
        case.update(values)

    return edit


def _drop(*names: str, then: Callable[[Case], None] | None = None) -> Callable[[Case], None]:
    def edit(case: Case) -> None:
        for n in names:
            case.pop(n, None)
        if then is not None:
            then(case)

    return edit


def build() -> list[Person]:
    b = Builder()
    el, inel, und = "eligible", "ineligible", "undetermined"

    # Salvadorans with final orders and final convictions: returned, not sent to a third country.
    for kind in ["waived"] * 2 + ["expired"] * 2 + ["in_absentia", "reinstated", "expedited"]:

        def edit(case: Case, kind: str = kind) -> None:
            if kind == "expired":
                case["removal_orders"] = [b.ij_order()]
            elif kind == "in_absentia":
                case["removal_orders"] = [b.ij_order(in_absentia=True)]
            elif kind in ("reinstated", "expedited"):
                case["removal_orders"] = [b.order(kind)]

        b.add("sv-final-convicted", el, nationality="SV", edit=edit)

    # Salvadoran with a BIA appeal dismissed: final on dismissal.
    def bia_dismissed(case: Case) -> None:
        case["removal_orders"] = [b.ij_order("2024-05-02")]
        case["appeals"] = [
            {
                "kind": "bia_appeal",
                "filed_on": "2024-05-20",
                "status": "dismissed",
                "decided_on": "2024-12-11",
                "source": b.source("BIA-DECISION"),
            }
        ]

    b.add("sv-bia-dismissed", el, nationality="SV", edit=bia_dismissed)

    # Withholding of removal as to El Salvador, like the March 2025 case: the order stands,
    # but the person may not be removed to SV. Most have no conviction at all.
    def withholding(status: str) -> Callable[[Case], None]:
        def edit(case: Case) -> None:
            case["removal_orders"] = [b.ij_order(b.day("2018-01-01", "2020-12-31"))]
            case["protections"] = [
                {
                    "kind": "withholding",
                    "status": "granted",
                    "country": "SV",
                    "date": case["removal_orders"][0]["issued_on"],
                    "source": b.source("IJ-WITHHOLDING"),
                }
            ]
            if status == "terminated":
                case["protections"].append(
                    {
                        **case["protections"][0],
                        "status": "terminated",
                        "date": "2024-08-30",
                        "source": b.source("IJ-TERMINATION"),
                    }
                )

        return edit

    for convicted in (False, False, False, True, True):
        fails = ("no_withholding",) if convicted else ("no_withholding", "conviction_required")
        b.add(
            "sv-withholding",
            inel,
            nationality="SV",
            convicted=convicted,
            fails=fails,
            edit=withholding("granted"),
        )
    b.add("sv-withholding-terminated", el, nationality="SV", edit=withholding("terminated"))

    # CAT protection as to El Salvador.
    for kind in ("cat_deferral", "cat_withholding"):
        b.add(
            "sv-cat",
            inel,
            nationality="SV",
            fails=("no_cat",),
            edit=lambda c, k=kind: c.update(
                protections=[
                    {
                        "kind": k,
                        "status": "granted",
                        "country": "SV",
                        "date": "2022-06-14",
                        "source": b.source("IJ-CAT"),
                    }
                ]
            ),
        )

    # Salvadorans with final orders and no conviction: CECOT takes only convicted criminals.
    for _ in range(6):
        b.add(
            "sv-no-conviction",
            inel,
            nationality="SV",
            convicted=False,
            fails=("conviction_required",),
        )

    # Venezuelans with final orders, convictions, and written notice naming SV.
    for _ in range(7):
        b.add("ve-final-convicted-notice", el, nationality="VE")
    # Notice served on the day itself, not on counsel: enough under the 2025-03-16 regulation,
    # not under the D.V.D. order of 2025-03-28 (15 days, counsel).
    for _ in range(3):
        b.add(
            "ve-notice-same-day",
            el,
            nationality="VE",
            edit=lambda c: c.update(notices=[b.notice("2025-03-16", served_on_counsel=False)]),
        )
    # Other nationalities sent to SV as a third country.
    for nat in ("HN", "GT", "MX", "CO", "NI"):
        b.add(f"{nat.lower()}-third-country", el, nationality=nat)

    # Venezuelans with final orders and no conviction (most of those sent in March 2025).
    for i in range(8):
        with_notice = i % 2 == 0
        fails = (
            ("conviction_required",)
            if with_notice
            else ("conviction_required", "third_country_notice")
        )
        b.add(
            "ve-no-conviction",
            inel,
            nationality="VE",
            convicted=False,
            fails=fails,
            edit=None if with_notice else _set(notices=[]),
        )
    # Sent without any removal order, notice or conviction.
    for _ in range(3):
        b.add(
            "ve-no-order",
            inel,
            nationality="VE",
            convicted=False,
            fails=("final_order", "conviction_required", "third_country_notice"),
            edit=_set(removal_orders=[], notices=[]),
        )

    # Third-country notice problems.
    for _ in range(3):
        b.add(
            "ve-no-notice",
            inel,
            nationality="VE",
            fails=("third_country_notice",),
            edit=_set(notices=[]),
        )
    for served in ("2025-03-20", "2025-03-28", "2025-04-02"):
        b.add(
            "ve-notice-after-date",
            inel,
            nationality="VE",
            fails=("third_country_notice",),
            edit=lambda c, s=served: c.update(notices=[b.notice(s, served_on_counsel=True)]),
        )
    b.add(
        "ve-notice-oral",
        inel,
        nationality="VE",
        fails=("third_country_notice",),
        edit=lambda c: c.update(notices=[b.notice(written=False)]),
    )
    for nat in ("VE", "HN"):
        b.add(
            "notice-names-mx",
            inel,
            nationality=nat,
            fails=("third_country_notice",),
            edit=lambda c: c.update(notices=[b.notice(country="MX")]),
        )

    # Convictions not final, or finality not recorded.
    for nat in ("SV", "VE", "HN"):
        b.add(
            "conviction-not-final",
            inel,
            nationality=nat,
            fails=("conviction_required",),
            edit=lambda c: c.update(convictions=[b.conviction(final=False)], sentences=[]),
        )
    for nat in ("SV", "VE"):
        b.add(
            "conviction-finality-unknown",
            und,
            nationality=nat,
            unknowns=("conviction_required",),
            edit=lambda c: c.update(convictions=[b.conviction(final=None)], sentences=[]),
        )

    # Minors.
    for nat, convicted in (("SV", True), ("SV", False), ("HN", False), ("GT", True)):
        fails = ("adult",) if convicted else ("adult", "conviction_required")
        b.add("minor", inel, nationality=nat, convicted=convicted, fails=fails, minor=True)

    # U.S. citizens and nationals serving U.S. sentences: no removal pathway at all.
    us_people: list[tuple[str, list[str], str]] = [
        ("us-citizen", ["US"], "us_citizen"),
        ("us-citizen", ["US"], "us_citizen"),
        ("us-citizen", ["US"], "us_citizen"),
        ("us-citizen-dual-sv", ["US", "SV"], "us_citizen"),
        ("us-citizen-dual-sv", ["US", "SV"], "us_citizen"),
        ("us-national", ["AS"], "us_national"),
    ]
    for tag, nats, status in us_people:
        # No order designates El Salvador, so notice naming it is owed, and none was served
        # (D.V.D.); serving a sentence for a violent offence bars early removal.
        fails = (
            "citizenship",
            "final_order",
            "not_serving",
            "third_country_notice",
            "early_removal_offence",
        )

        def us_edit(case: Case, nats: list[str] = nats, status: str = status) -> None:
            case.update(
                citizenship=status,
                nationalities=nats,
                removal_orders=[],
                notices=[],
                name=b.name(case["sex"], us=True),
                sentences=[b.serving_sentence(case)],
            )

        b.add(tag, inel, nationality=nats[0], fails=fails, edit=us_edit)

    # Lawful permanent residents serving sentences: no removal order yet.
    for nat in ("SV", "SV", "MX", "GT"):
        fails = ("final_order", "not_serving", "third_country_notice", "early_removal_offence")
        b.add(
            "lpr-serving-no-order",
            inel,
            nationality=nat,
            fails=fails,
            edit=lambda c: c.update(
                citizenship="lpr", removal_orders=[], notices=[], sentences=[b.serving_sentence(c)]
            ),
        )

    # Ordered removed while serving: early removal approved, or not.
    def early_removal(case: Case) -> None:
        case["convictions"] = [b.conviction(category="nonviolent")]
        case["citizenship"] = "lpr"
        case["sentences"] = [b.serving_sentence(case)]
        # state custody: the chief State official's determination and written request
        # (8 U.S.C. 1231(a)(4)(B)(ii))
        case["early_removal_approvals"] = [
            {
                "approved_on": "2025-01-15",
                "source": b.source("STATE-EARLY"),
                "authority": "state_official",
                "written_request": True,
            }
        ]

    b.add(
        "lpr-serving-early-removal",
        el,
        nationality="SV",
        edit=early_removal,
    )
    b.add(
        "lpr-serving-final-order",
        inel,
        nationality="SV",
        fails=("not_serving", "early_removal_offence"),
        edit=lambda c: c.update(citizenship="lpr", sentences=[b.serving_sentence(c)]),
    )

    # Fear claims and protection applications about El Salvador.
    for status in ("pending", "pending", "positive"):
        b.add(
            "ve-fear-claim",
            inel,
            nationality="VE",
            fails=("no_pending_fear",),
            edit=lambda c, s=status: c.update(
                fear_claims=[
                    {
                        "country": "SV",
                        "status": s,
                        "date": "2025-03-14",
                        "source": b.source("USCIS-FEAR"),
                    }
                ]
            ),
        )
    b.add(
        "sv-withholding-pending",
        inel,
        nationality="SV",
        fails=("no_pending_fear",),
        edit=lambda c: c.update(
            protections=[
                {
                    "kind": "withholding",
                    "status": "pending",
                    "country": "SV",
                    "date": "2025-02-10",
                    "source": b.source("I-589"),
                }
            ]
        ),
    )
    b.add(
        "ve-fear-negative",
        el,
        nationality="VE",
        edit=lambda c: c.update(
            fear_claims=[
                {
                    "country": "SV",
                    "status": "negative",
                    "date": "2025-03-12",
                    "source": b.source("USCIS-FEAR"),
                }
            ]
        ),
    )
    b.add(
        "ve-fear-unresolved",
        und,
        nationality="VE",
        unknowns=("no_pending_fear",),
        edit=lambda c: c.update(
            fear_claims=[
                {
                    "country": "SV",
                    "status": "unknown",
                    "date": "2025-03-13",
                    "source": b.source("USCIS-FEAR"),
                }
            ]
        ),
    )
    b.add(
        "ve-fear-about-ve-only",
        el,
        nationality="VE",
        edit=lambda c: c.update(
            fear_claims=[
                {
                    "country": "VE",
                    "status": "positive",
                    "date": "2023-07-01",
                    "source": b.source("USCIS-FEAR"),
                }
            ]
        ),
    )

    # Stays of removal.
    b.add(
        "ve-stay-judicial",
        inel,
        nationality="VE",
        fails=("no_stay",),
        edit=lambda c: c.update(
            stays=[
                {"kind": "judicial", "granted_on": "2025-03-15", "source": b.source("DIST-CT-TRO")}
            ]
        ),
    )
    b.add(
        "sv-stay-dhs",
        inel,
        nationality="SV",
        fails=("no_stay",),
        edit=lambda c: c.update(
            stays=[
                {
                    "kind": "dhs",
                    "granted_on": "2024-11-01",
                    "expires_on": "2025-10-31",
                    "source": b.source("I-246"),
                }
            ]
        ),
    )
    b.add(
        "hn-stay-bia",
        inel,
        nationality="HN",
        fails=("no_stay",),
        edit=lambda c: c.update(
            stays=[{"kind": "bia", "granted_on": "2025-02-20", "source": b.source("BIA-STAY")}]
        ),
    )
    b.add(
        "sv-stay-expired",
        el,
        nationality="SV",
        edit=lambda c: c.update(
            stays=[
                {
                    "kind": "dhs",
                    "granted_on": "2023-01-10",
                    "expires_on": "2024-01-09",
                    "source": b.source("I-246"),
                }
            ]
        ),
    )
    b.add(
        "ve-stay-lifted",
        el,
        nationality="VE",
        edit=lambda c: c.update(
            stays=[
                {
                    "kind": "judicial",
                    "granted_on": "2024-06-01",
                    "lifted_on": "2024-09-15",
                    "source": b.source("CIRCUIT-ORDER"),
                }
            ]
        ),
    )

    # Pending BIA appeals: the order is not final and removal is stayed.
    for nat in ("SV", "SV", "VE", "GT", "HN"):

        def appeal(case: Case) -> None:
            case["removal_orders"] = [b.ij_order(b.day("2024-11-01", "2025-01-31"))]
            filed = dt.date.fromisoformat(case["removal_orders"][0]["issued_on"]) + dt.timedelta(20)
            case["appeals"] = [
                {
                    "kind": "bia_appeal",
                    "filed_on": filed.isoformat(),
                    "status": "pending",
                    "source": b.source("EOIR-26"),
                }
            ]

        b.add(
            "bia-appeal-pending",
            inel,
            nationality=nat,
            fails=("final_order", "no_stay"),
            edit=appeal,
        )
    # Order issued two weeks ago, appeal period still running.
    for nat in ("SV", "VE"):
        b.add(
            "appeal-period-running",
            inel,
            nationality=nat,
            fails=("final_order", "no_stay"),
            edit=lambda c: c.update(removal_orders=[b.ij_order("2025-03-03")]),
        )
    # In-absentia order with a motion to reopen pending.
    b.add(
        "sv-reopen-pending",
        inel,
        nationality="SV",
        fails=("no_stay",),
        edit=lambda c: c.update(
            removal_orders=[b.ij_order("2022-04-04", in_absentia=True)],
            appeals=[
                {
                    "kind": "motion_to_reopen",
                    "filed_on": "2025-02-27",
                    "status": "pending",
                    "source": b.source("MTR"),
                }
            ],
        ),
    )
    b.add(
        "ve-order-vacated",
        inel,
        nationality="VE",
        fails=("final_order",),
        edit=lambda c: c.update(
            removal_orders=[b.ij_order("2022-01-10", appeal_waived=True, vacated_on="2024-07-19")]
        ),
    )

    # Claims to U.S. citizenship ([8H] status claim referrals) and asylum.
    for status in ("pending", "upheld"):
        b.add(
            "citizenship-claim",
            inel,
            nationality="SV",
            fails=("citizenship_claim",),
            edit=lambda c, s=status: c.update(
                citizenship_claim=[
                    {"status": s, "date": "2025-01-22", "source": b.source("8H-REFERRAL")}
                ]
            ),
        )
    b.add(
        "citizenship-claim-rejected",
        el,
        nationality="SV",
        edit=lambda c: c.update(
            citizenship_claim=[
                {"status": "rejected", "date": "2024-03-05", "source": b.source("8H-REFERRAL")}
            ]
        ),
    )
    b.add(
        "asylee",
        inel,
        nationality="NI",
        fails=("no_asylum", "final_order", "third_country_notice"),
        edit=lambda c: c.update(
            removal_orders=[],
            notices=[],
            protections=[
                {
                    "kind": "asylum",
                    "status": "granted",
                    "country": "NI",
                    "date": "2019-09-09",
                    "source": b.source("I-94-ASYLEE"),
                }
            ],
        ),
    )

    # Facts Accord does not have: an absent list is "not known".
    b.add(
        "sv-convictions-unknown",
        und,
        nationality="SV",
        unknowns=("conviction_required",),
        edit=_drop("convictions"),
    )
    b.add(
        "ve-convictions-unknown",
        und,
        nationality="VE",
        unknowns=("conviction_required",),
        edit=_drop("convictions"),
    )
    b.add(
        "ve-notices-unknown",
        und,
        nationality="VE",
        unknowns=("third_country_notice",),
        edit=_drop("notices"),
    )
    b.add(
        "nationality-unknown",
        und,
        nationality=None,
        unknowns=("third_country_notice",),
        edit=_drop("nationalities", "notices"),
    )
    b.add(
        "sv-protections-unknown",
        und,
        nationality="SV",
        unknowns=("no_asylum", "no_withholding", "no_cat", "no_pending_fear"),
        edit=_drop("protections"),
    )
    b.add("sv-stays-unknown", und, nationality="SV", unknowns=("no_stay",), edit=_drop("stays"))
    b.add(
        "sv-birth-date-unknown",
        und,
        nationality="SV",
        unknowns=("adult",),
        edit=_set(birth_date=None),
    )
    b.add(
        "sv-citizenship-unknown",
        und,
        nationality="SV",
        unknowns=("citizenship",),
        edit=_set(citizenship="unknown"),
    )
    b.add(
        "sv-sentences-unknown",
        und,
        nationality="SV",
        unknowns=("not_serving", "early_removal_offence"),
        edit=_drop("sentences"),
    )
    b.add(
        "sv-serving-approvals-unknown",
        inel,  # serving for a violent offence: no early removal, approval or not
        nationality="SV",
        fails=("early_removal_offence",),
        unknowns=("not_serving",),
        edit=_drop(
            "early_removal_approvals", then=lambda c: c.update(sentences=[b.serving_sentence(c)])
        ),
    )
    b.add(
        "ve-orders-unknown",
        und,
        nationality="VE",
        unknowns=("final_order", "execution_waiting_period", "third_country_notice"),
        edit=_drop("removal_orders"),
    )
    b.add(
        "sv-appeals-unknown",
        und,
        nationality="SV",
        unknowns=("final_order", "no_stay", "no_stay_motion_bar"),
        edit=_drop("appeals", then=lambda c: c.update(removal_orders=[b.ij_order()])),
    )
    b.add(
        "sv-claims-unknown",
        und,
        nationality="SV",
        unknowns=("citizenship_claim",),
        edit=_drop("citizenship_claim"),
    )
    b.add(
        "sv-fear-unknown",
        und,
        nationality="SV",
        # a fear claim may have ended in a grant of protection
        unknowns=("no_pending_fear", "no_asylum", "no_withholding", "no_cat"),
        edit=_drop("fear_claims"),
    )
    # Nothing known but an identifier, as some transfer lists carry.
    everything = (
        "citizenship",
        "citizenship_claim",
        "final_order",
        "no_stay",
        "no_asylum",
        "no_withholding",
        "no_cat",
        "no_pending_fear",
        "not_serving",
        "third_country_notice",
        "conviction_required",
        "adult",
        "early_removal_offence",
        "execution_waiting_period",
        "no_class_order_bar",
        "no_forbearance",
        "no_individual_order_bar",
        "no_status_bar",
        "no_stay_motion_bar",
    )
    for _ in range(2):
        b.add("list-name-only", und, nationality=None, unknowns=everything, edit=_only_identity)
    # An unknown does not save a case that fails: known to have no conviction.
    b.add(
        "ve-no-conviction-notices-unknown",
        inel,
        nationality="VE",
        convicted=False,
        fails=("conviction_required",),
        unknowns=("third_country_notice",),
        edit=_drop("notices"),
    )
    return b.people


def _only_identity(case: Case) -> None:
    keep = {"schema_version", "person_id", "name"}
    for key in [k for k in case if k not in keep]:
        del case[key]


def write(path: Path) -> list[Person]:
    people = build()
    lines = [json.dumps(p.case, ensure_ascii=False, separators=(",", ":")) for p in people]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return people


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    written = write(target)
    counts: dict[str, int] = {}
    for p in written:
        counts[p.outcome] = counts.get(p.outcome, 0) + 1
    print(f"wrote {len(written)} case files to {target}: {counts}")
