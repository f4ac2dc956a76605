"""Synthetic dockets: a realistic mix of fact tables for tests and benchmarks.

`synthetic_docket(n)` builds the tables of `n` made-up persons directly as
Arrow columns (numpy draws, no per-person Python loop), so a million persons
take a few seconds. The same seed gives the same tables. The mix is tuned so
that `custody_placement` to SV at CECOT under `sv-2025-offer` on 2025-03-16
gives a spread of outcomes: a few percent eligible, most ineligible, many
undetermined. Every value is invented; no record describes a real person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.casefile.models import CASE_FILE_LISTS
from accord.facts.snapshot import write_snapshot
from accord.facts.tables import FACT_SCHEMAS, FactTables, known_flag

__all__ = ["synthetic_docket", "write_synthetic_snapshot"]

DEFAULT_AS_OF = dt.date(2025, 3, 16)
EPOCH = dt.date(1970, 1, 1)
IntArray = np.ndarray  # numpy arrays are not typed precisely enough to be worth spelling out


class _Cat:
    """A categorical variable: names and their weights."""

    def __init__(self, weights: Mapping[str, float]):
        self.names = tuple(weights)
        p = np.array(list(weights.values()), dtype=float)
        self.p = p / p.sum()
        self.dictionary = pa.array(self.names, pa.string())

    def draw(self, rng: np.random.Generator, size: int) -> IntArray:
        return rng.choice(len(self.names), size=size, p=self.p)

    def code(self, name: str) -> int:
        return self.names.index(name)

    def arrow(self, codes: IntArray, null: IntArray | None = None) -> pa.Array:
        return self.dictionary.take(pa.array(codes, pa.int64(), mask=null))

    def recode(self, other: _Cat, codes: IntArray) -> IntArray:
        """`other`'s codes renumbered as this category's (its names must be among ours)."""
        out: IntArray = np.array([self.names.index(x) for x in other.names], dtype=np.int64)[codes]
        return out


# Shares of persons whose list was never recorded (the `<list>_known` flag is false).
UNKNOWN_SHARE = dict(
    zip(
        CASE_FILE_LISTS,
        (8, 5, 6, 7, 6, 7, 7, 6, 5, 6, 10, 8, 10, 6, 6, 6, 6, 6, 6, 6, 6),
        strict=True,
    )
)  # percent, in the order of CASE_FILE_LISTS
NATIONALITY = _Cat(
    {"SV": 20, "VE": 15, "GT": 13, "HN": 13, "MX": 14, "NI": 4, "CO": 4, "EC": 4, "CU": 3}
    | {"HT": 3, "DO": 2, "BR": 2, "IN": 1.5, "CN": 1.5}
)
CITIZENSHIP = _Cat({"noncitizen": 80, "lpr": 12, "us_citizen": 1, "us_national": 0.2, "unknown": 7})
SEX = _Cat({"male": 86, "female": 13, "other": 0.2, "unknown": 0.8})
FIRST_NAMES = ("José", "Carlos", "Luis", "Juan", "Jorge", "Miguel", "María", "Ana", "Rosa")
LAST_NAMES = ("Hernández", "García", "Martínez", "López", "Rodríguez", "Pérez", "Flores")
CLAIM_FIRST = _Cat({"pending": 50, "rejected": 35, "upheld": 15})
CLAIM_LATER = _Cat({"rejected": 70, "upheld": 30})
ORDER_KIND = _Cat(
    {"immigration_judge": 56, "expedited": 20, "reinstated": 13, "administrative": 6}
    | {"stipulated": 5}
)
ORDER_SOURCE = _Cat(
    {"EOIR order of an immigration judge": 1, "DHS Form I-860": 1, "DHS Form I-871": 1}
    | {"DHS Form I-851A": 1, "EOIR stipulated order": 1}
)
BIA_STATUS = _Cat({"pending": 35, "dismissed": 38, "sustained": 10, "withdrawn": 12})
MOTION_STATUS = _Cat({"pending": 40, "denied": 45, "granted": 15})
APPEAL_STATUS = _Cat({s: 1 for s in (*BIA_STATUS.names, "denied", "granted")})
APPEAL_KIND = _Cat({"bia_appeal": 1, "motion_to_reopen": 1})
STAY_KIND = _Cat({"judicial": 30, "bia": 30, "dhs": 25, "immigration_judge": 15})
PROTECTION_KIND = _Cat({"asylum": 40, "withholding": 30, "cat_withholding": 15, "cat_deferral": 15})
PROTECTION_FIRST = _Cat({"pending": 45, "granted": 15, "denied": 35, "terminated": 5})
PROTECTION_LATER = _Cat({"granted": 30, "denied": 55, "terminated": 15})
FEAR_FIRST = _Cat({"pending": 30, "positive": 15, "negative": 40, "withdrawn": 10, "unknown": 5})
FEAR_LATER = _Cat({"positive": 30, "negative": 55, "withdrawn": 15})
OTHER_NOTICE_COUNTRY = _Cat({"MX": 40, "CR": 25, "PA": 20, "HN": 15})
NOTICE_COUNTRY = _Cat({"SV": 1} | dict.fromkeys(OTHER_NOTICE_COUNTRY.names, 1))
CATEGORY = _Cat({"violent": 30, "nonviolent": 60, "unknown": 10})
OFFENCE = _Cat(  # the first five are violent, the last is of unknown category
    {"aggravated assault": 9, "robbery": 8, "homicide": 3, "kidnapping": 3, "armed burglary": 7}
    | {"illegal reentry": 20, "drug possession": 15, "DUI": 10, "theft": 10, "fraud": 5}
    | {"offence not stated in record": 10}
)
CONVICTION_SOURCE = _Cat({"state court judgment": 60, "federal court judgment": 30, "NCIC": 10})
JURISDICTION = _Cat({"state": 62, "federal": 30, "foreign": 4, "unrecorded": 4})
STATUS_KIND = _Cat({"tps": 45, "daca": 25, "deferred_action": 10, "u_deferred_action": 10})
TPS_COUNTRY = _Cat({"SV": 35, "HN": 25, "VE": 25, "HT": 15})
DISTRICT = _Cat(
    {"S.D. Tex.": 25, "W.D. Tex.": 15, "N.D. Tex.": 8, "W.D. La.": 14, "D. Ariz.": 12}
    | {"S.D. Cal.": 8, "W.D. Wash.": 6, "D.N.J.": 6, "S.D. Fla.": 6}
)
COURT_EFFECT = _Cat({"bar_removal": 60, "bar_transfer_out_of_district": 25, "require_notice": 15})
OFFICER = _Cat(
    {"Officer A. Ruiz": 1, "Officer B. Chen": 1, "Officer C. Okafor": 1, "Officer D. Novak": 1}
)


def _strings(values: Sequence[str], codes: IntArray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(codes, pa.int64()))


def _const(value: str, size: int) -> pa.Array:
    return _strings([value], np.zeros(size, dtype=np.int64))


def _bools(values: IntArray, null: IntArray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), pa.bool_(), mask=null)


def _dates(days: IntArray, null: IntArray | None = None) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), pa.int32(), mask=null).cast(pa.date32())


def _later(values: IntArray, seq: IntArray, delta: IntArray | int = 0) -> IntArray:
    """A person's later rows take the previous row's value plus `delta` (rows are grouped)."""
    out, later = values.copy(), np.flatnonzero(seq > 0)
    out[later] = out[later - 1] + (delta if isinstance(delta, int) else delta[later])
    return out


def person_id_width(persons: int) -> int:
    """Digits of the person numbers in a docket of `persons`: 7, or more for 10M and over."""
    return max(7, len(str(persons)))


def synthetic_person_id(number: int, persons: int) -> str:
    """The id synthetic_docket(persons) gives its person `number` (1 to persons)."""
    if not 1 <= number <= persons:
        raise ValueError(f"person {number} is not in a docket of {persons}")
    return f"syn-{number:0{person_id_width(persons)}d}"


class _Builder:
    def __init__(self, n: int, seed: int, as_of: dt.date):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.day0 = (as_of - EPOCH).days
        width = person_id_width(n)
        numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
        self.pid = pc.binary_join_element_wise("syn-", pc.utf8_lpad(numbers, width, "0"), "")
        self.known = {k: self.rng.random(n) * 100 >= UNKNOWN_SHARE[k] for k in CASE_FILE_LISTS}
        self.tables: dict[str, pa.Table] = {}
        # Latent facts about each person, shared by several tables.
        self.nationality = NATIONALITY.draw(self.rng, n)
        self.convicted = self.rng.random(n) < 0.38

    def rand(self, size: int) -> IntArray:
        return self.rng.random(size)

    def ints(self, lo: int, hi: int, size: int) -> IntArray:
        """Uniform integers in [lo, hi]."""
        return self.rng.integers(lo, hi + 1, size)

    def days_ago(self, lo: int, hi: int, size: int) -> IntArray:
        """Day numbers from `hi` days before the as-of date to `lo` days before (lo < 0: after)."""
        return self.day0 - self.ints(lo, hi, size)

    def owners(self, name: str, counts: IntArray) -> tuple[IntArray, IntArray, int]:
        """Row owners (person index, grouped), each row's rank in its person, number of rows."""
        counts = np.where(self.known[name], counts, 0).astype(np.int64)
        owner = np.repeat(np.arange(self.n), counts)
        starts = np.cumsum(counts) - counts
        return owner, np.arange(len(owner)) - starts[owner], len(owner)

    def country_of(self, owner: IntArray, *, sv_share: float) -> IntArray:
        """Mostly the person's nationality, sometimes SV, sometimes VE."""
        u = self.rand(len(owner))
        codes: IntArray = self.nationality[owner].copy()
        codes[u < sv_share] = NATIONALITY.code("SV")
        codes[(u >= sv_share) & (u < sv_share + 0.05)] = NATIONALITY.code("VE")
        return codes

    def emit(
        self, table: str, owner: IntArray, src: str | None = None, /, **cols: pa.Array
    ) -> None:
        schema = FACT_SCHEMAS[table]
        cols["person_id"] = self.pid.take(pa.array(owner, pa.int64()))
        if src is not None:
            cols["source"] = _const(src, len(owner))
        for f in schema:  # a field the generator does not draw is not recorded
            cols.setdefault(f.name, pa.nulls(len(owner), f.type))
        self.tables[table] = pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)

    def persons(self) -> None:
        n, rng = self.n, self.rng
        first = _strings(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), n))
        last = _strings(LAST_NAMES, rng.integers(0, len(LAST_NAMES), n))
        minor = self.rand(n) < 0.015
        age_days = np.where(
            minor, self.ints(14 * 365, 18 * 365 - 1, n), self.ints(18 * 366, 68 * 365, n)
        )
        columns = {
            "name": pc.binary_join_element_wise(first, last, " "),
            "birth_date": _dates(self.day0 - age_days, self.rand(n) < 0.02),
            "sex": SEX.arrow(SEX.draw(rng, n)),
            "citizenship": CITIZENSHIP.arrow(CITIZENSHIP.draw(rng, n)),
        } | {known_flag(name): _bools(self.known[name]) for name in CASE_FILE_LISTS}
        self.emit("persons", np.arange(n), **columns)

    def citizenship_claim(self) -> None:
        has = self.rand(self.n) < 0.03
        owner, seq, m = self.owners("citizenship_claim", has * (1 + (self.rand(self.n) < 0.3)))
        later = CLAIM_FIRST.recode(CLAIM_LATER, CLAIM_LATER.draw(self.rng, m))
        status = np.where(seq == 0, CLAIM_FIRST.draw(self.rng, m), later)
        date = _later(self.days_ago(60, 3000, m), seq, self.ints(30, 700, m))
        self.emit(
            "citizenship_claim",
            owner,
            "USCIS N-600 record",
            status=CLAIM_FIRST.arrow(status),
            date=_dates(date),
        )

    def nationalities(self) -> None:
        owner, seq, _ = self.owners("nationalities", 1 + (self.rand(self.n) < 0.03))
        second = NATIONALITY.draw(self.rng, len(owner))
        clash = second == self.nationality[owner]
        second[clash] = (second[clash] + 1) % len(NATIONALITY.names)
        country = np.where(seq == 0, self.nationality[owner], second)
        self.emit("nationalities", owner, country=NATIONALITY.arrow(country))

    def removal_orders(self) -> IntArray:
        counts = self.rng.choice(3, size=self.n, p=[0.2, 0.72, 0.08])
        owner, seq, m = self.owners("removal_orders", counts)
        kind = ORDER_KIND.draw(self.rng, m)
        u = self.rand(m)
        issued = np.where(
            u < 0.08,
            self.days_ago(0, 29, m),  # the appeal period is still running
            np.where(u < 0.11, self.days_ago(-60, -1, m), self.days_ago(30, 4000, m)),
        )
        two = counts[owner] == 2
        vacated = (self.rand(m) < 0.04) | (two & (seq == 0) & (self.rand(m) < 0.5))
        ij = kind == ORDER_KIND.code("immigration_judge")
        in_absentia = ij & (self.rand(m) < 0.18)
        waived = ij & ~in_absentia & (self.rand(m) < 0.2)
        country = self.country_of(owner, sv_share=0.05)
        self.emit(
            "removal_orders",
            owner,
            kind=ORDER_KIND.arrow(kind),
            issued_on=_dates(issued),
            in_absentia=_bools(in_absentia),
            appeal_waived=_bools(waived),
            country=NATIONALITY.arrow(country, self.rand(m) < 0.1),
            vacated_on=_dates(issued + self.ints(10, 900, m), ~vacated),
            source=ORDER_SOURCE.arrow(kind),
            alternative_countries=_strings(["|", "|MX|"], (self.rand(m) < 0.1).astype(np.int64)),
            waived_14_days=_bools(self.rand(m) < 0.3, kind != ORDER_KIND.code("administrative")),
        )
        self.appeals(owner, issued, ij & ~in_absentia & ~waived, in_absentia)
        return owner

    def appeals(
        self, order_owner: IntArray, issued: IntArray, appealable: IntArray, absentia: IntArray
    ) -> None:
        known = self.known["appeals"][order_owner]
        m = len(order_owner)
        bia = appealable & known & (self.rand(m) < 0.45)
        motion = absentia & known & (self.rand(m) < 0.25)
        late = self.rand(m) < 0.08
        filed = issued + np.where(
            bia, np.where(late, self.ints(31, 40, m), self.ints(1, 30, m)), self.ints(5, 900, m)
        )
        status = np.where(
            bia,
            APPEAL_STATUS.recode(BIA_STATUS, BIA_STATUS.draw(self.rng, m)),
            APPEAL_STATUS.recode(MOTION_STATUS, MOTION_STATUS.draw(self.rng, m)),
        )
        rows = np.flatnonzero(bia | motion)
        status, filed = status[rows], filed[rows]
        pending = status == APPEAL_STATUS.code("pending")
        old = pending & (filed < self.day0 - 900)  # old appeals and motions have been decided
        status[old] = APPEAL_STATUS.code("dismissed")
        pending &= ~old
        self.emit(
            "appeals",
            order_owner[rows],
            kind=APPEAL_KIND.arrow(np.where(bia[rows], 0, 1)),
            filed_on=_dates(filed),
            status=APPEAL_STATUS.arrow(status),
            decided_on=_dates(filed + self.ints(20, 500, len(rows)), pending),
            source=_const("EOIR case record", len(rows)),
            court=_strings(["BIA", "IJ"], np.where(bia[rows], 0, 1)),
        )

    def stays(self, has_order: IntArray) -> None:
        has = self.rand(self.n) < np.where(has_order, 0.06, 0.005)
        owner, _seq, m = self.owners("stays", has)
        granted = self.days_ago(-20, 900, m)
        self.emit(
            "stays",
            owner,
            "order granting a stay of removal",
            kind=STAY_KIND.arrow(STAY_KIND.draw(self.rng, m)),
            granted_on=_dates(granted),
            expires_on=_dates(granted + self.ints(14, 400, m), self.rand(m) < 0.45),
            lifted_on=_dates(granted + self.ints(1, 300, m), self.rand(m) >= 0.12),
        )

    def protections(self) -> None:
        owner, seq, m = self.owners(
            "protections", self.rng.choice(3, size=self.n, p=[0.86, 0.09, 0.05])
        )
        kind = _later(PROTECTION_KIND.draw(self.rng, m), seq)
        country = _later(self.country_of(owner, sv_share=0.12), seq)
        later = PROTECTION_FIRST.recode(PROTECTION_LATER, PROTECTION_LATER.draw(self.rng, m))
        status = np.where(seq == 0, PROTECTION_FIRST.draw(self.rng, m), later)
        date = _later(self.days_ago(-30, 2500, m), seq, self.ints(30, 800, m))
        self.emit(
            "protections",
            owner,
            "EOIR or USCIS decision",
            kind=PROTECTION_KIND.arrow(kind),
            status=PROTECTION_FIRST.arrow(status),
            country=NATIONALITY.arrow(country),
            date=_dates(date),
        )

    def fear_claims(self) -> None:
        owner, seq, m = self.owners(
            "fear_claims", self.rng.choice(3, size=self.n, p=[0.9, 0.07, 0.03])
        )
        country = _later(self.country_of(owner, sv_share=0.35), seq)
        later = FEAR_FIRST.recode(FEAR_LATER, FEAR_LATER.draw(self.rng, m))
        status = np.where(seq == 0, FEAR_FIRST.draw(self.rng, m), later)
        date = _later(self.days_ago(-20, 1500, m), seq, self.ints(14, 400, m))
        self.emit(
            "fear_claims",
            owner,
            "USCIS fear screening record",
            country=NATIONALITY.arrow(country),
            status=FEAR_FIRST.arrow(status),
            date=_dates(date),
        )

    def notices(self) -> None:
        to_sv = self.rand(self.n) < np.where(self.convicted, 0.5, 0.08)
        elsewhere = self.rand(self.n) < 0.02
        owner, seq, m = self.owners("notices", to_sv.astype(np.int64) + elsewhere)
        other = OTHER_NOTICE_COUNTRY.draw(self.rng, m)
        sv = NOTICE_COUNTRY.code("SV")
        country = np.where(
            (seq == 0) & to_sv[owner], sv, NOTICE_COUNTRY.recode(OTHER_NOTICE_COUNTRY, other)
        )
        self.emit(
            "notices",
            owner,
            "DHS notice of removal to a third country",
            country=NOTICE_COUNTRY.arrow(country),
            served_on=_dates(self.days_ago(-20, 120, m)),
            served_on_counsel=_bools(self.rand(m) < 0.4),
            written=_bools(self.rand(m) < 0.95),
            exigent=_bools(self.rand(m) < 0.1),
            language_understood=_bools(self.rand(m) < 0.9, self.rand(m) < 0.05),
        )

    def convictions(self) -> None:
        counts = self.convicted * self.rng.choice([1, 2, 3], size=self.n, p=[0.6, 0.25, 0.15])
        owner, _seq, m = self.owners("convictions", counts)
        offence = OFFENCE.draw(self.rng, m)
        category = np.select([offence < 5, offence == len(OFFENCE.names) - 1], [0, 2], 1)
        u = self.rand(m)
        jurisdiction = JURISDICTION.draw(self.rng, m)
        self.emit(
            "convictions",
            owner,
            offence=OFFENCE.arrow(offence),
            category=CATEGORY.arrow(category),
            date=_dates(self.days_ago(-30, 6000, m)),
            final=_bools(u < 0.86, u >= 0.94),
            source=CONVICTION_SOURCE.arrow(CONVICTION_SOURCE.draw(self.rng, m)),
            jurisdiction=JURISDICTION.arrow(
                jurisdiction, jurisdiction == JURISDICTION.code("unrecorded")
            ),
            juvenile=_bools(self.rand(m) < 0.02, self.rand(m) < 0.03),
            offence_classes=_strings(
                ["|", "|crime_of_violence|", "|illicit_trafficking|"],
                np.select([category == 0, self.rand(m) < 0.05], [1, 2], 0),
            ),
        )

    def sentences(self) -> IntArray:
        owner, _, _ = self.owners("sentences", self.convicted & (self.rand(self.n) < 0.5))
        m, day0 = len(owner), self.day0
        start = self.days_ago(30, 3500, m)
        projected = start + self.ints(180, 3650, m)
        life = self.rand(m) < 0.02
        done = ~life & (projected < day0) & (self.rand(m) < 0.95)
        early = ~done & (self.rand(m) < 0.05)  # released before the projected day
        released = np.where(
            done,
            projected - self.ints(0, 90, m),
            start + (self.rand(m) * (day0 - start)).astype(np.int64),
        )
        released = np.maximum(released, start)
        self.emit(
            "sentences",
            owner,
            "BOP sentence computation",
            start=_dates(start),
            projected_release=_dates(projected, life),
            released_on=_dates(released, ~(done | early)),
            custodian=_strings(["federal", "state"], (self.rand(m) < 0.6).astype(np.int64)),
        )
        serving = ~(done | early)
        self.early_removal_approvals(owner[serving])
        return owner

    def early_removal_approvals(self, serving: IntArray) -> None:
        approved = serving[self.rand(len(serving)) < 0.2]
        extra = np.flatnonzero(self.rand(self.n) < 0.002)
        owner = np.concatenate([approved, extra])
        owner = owner[self.known["early_removal_approvals"][owner]]
        self.emit(
            "early_removal_approvals",
            owner,
            "ICE approval of removal before the sentence ends",
            approved_on=_dates(self.days_ago(-30, 300, len(owner))),
        )

    def transfers(self, sentenced: IntArray) -> None:
        consenting = sentenced[self.rand(len(sentenced)) < 0.06]
        owner = consenting[self.known["consents"][consenting]]
        m = len(owner)
        given = self.days_ago(0, 500, m)
        verified = self.rand(m) < 0.7
        self.emit(
            "consents",
            owner,
            "verification of consent (18 U.S.C. 4108)",
            given_on=_dates(given),
            verified_on=_dates(given + self.ints(1, 60, m), ~verified),
            verifying_officer=OFFICER.arrow(OFFICER.draw(self.rng, m), ~verified),
            revoked_on=_dates(given + self.ints(1, 120, m), self.rand(m) >= 0.1),
            given_by=_const("prisoner", m),
        )
        approving = owner[self.known["transfer_approvals"][owner] & (self.rand(m) < 0.5)]
        k = len(approving)
        self.emit(
            "transfer_approvals",
            np.repeat(approving, 2),
            "transfer approval",
            state=_strings(["US", "SV"], np.tile([0, 1], k)),
            approved_on=_dates(np.repeat(self.days_ago(0, 300, k), 2)),
        )
        extra = np.flatnonzero(self.rand(self.n) < 0.002)
        asked = np.concatenate([consenting[self.rand(len(consenting)) < 0.8], extra])
        asked = asked[self.known["transfer_requests"][asked]]
        self.emit(
            "transfer_requests",
            asked,
            "application for transfer",
            requested_on=_dates(self.days_ago(0, 400, len(asked))),
            country=NATIONALITY.arrow(self.country_of(asked, sv_share=0.2)),
        )

    def v2_lists(self) -> None:
        """The lists case file v2 added: a few rows each, most persons known to have none."""
        owner, _, m = self.owners("status_grants", self.rand(self.n) < 0.03)
        kind = STATUS_KIND.draw(self.rng, m)
        granted = self.days_ago(-10, 2500, m)
        tps = kind == STATUS_KIND.code("tps")
        self.emit(
            "status_grants",
            owner,
            "USCIS approval notice",
            kind=STATUS_KIND.arrow(kind),
            granted_on=_dates(granted),
            valid_until=_dates(granted + self.ints(300, 900, m)),
            terminated_on=_dates(granted + self.ints(30, 500, m), self.rand(m) >= 0.1),
            country=TPS_COUNTRY.arrow(TPS_COUNTRY.draw(self.rng, m), ~tps),
        )
        owner, _, m = self.owners("court_orders", self.rand(self.n) < 0.01)
        effect = COURT_EFFECT.draw(self.rng, m)
        transfer = effect == COURT_EFFECT.code("bar_transfer_out_of_district")
        notice = effect == COURT_EFFECT.code("require_notice")
        self.emit(
            "court_orders",
            owner,
            "order of the district court",
            court=DISTRICT.arrow(DISTRICT.draw(self.rng, m)),
            docket=_const("1:25-cv-00001", m),
            proceeding=_const("habeas", m),
            effect=COURT_EFFECT.arrow(effect),
            status=_strings(["entered", "dissolved"], (self.rand(m) < 0.2).astype(np.int64)),
            date=_dates(self.days_ago(-10, 400, m)),
            district=DISTRICT.arrow(DISTRICT.draw(self.rng, m), ~transfer),
            notice_days=pa.array(np.full(m, 7, dtype=np.int32), pa.int32(), mask=~notice),
        )
        owner, _, m = self.owners("forbearances", self.rand(self.n) < 0.005)
        made = self.days_ago(-10, 300, m)
        self.emit(
            "forbearances",
            owner,
            "government letter to the court of appeals",
            court=_const("9th Cir.", m),
            docket=_const("25-1000", m),
            made_on=_dates(made),
            withdrawn_on=_dates(made + self.ints(30, 300, m), self.rand(m) >= 0.2),
        )
        owner, _, m = self.owners("custody_locations", self.rand(self.n) < 0.6)
        self.emit(
            "custody_locations",
            owner,
            "ICE detention history",
            district=DISTRICT.arrow(DISTRICT.draw(self.rng, m)),
            from_date=_dates(self.days_ago(1, 400, m)),
        )
        venezuelan = self.nationality == NATIONALITY.code("VE")
        owner, _, m = self.owners("designations", venezuelan & (self.rand(self.n) < 0.03))
        self.emit(
            "designations",
            owner,
            "DHS Form AEA-21B",
            authority=_const("aea_proclamation_10903", m),
            designated_on=_dates(self.days_ago(0, 40, m)),
        )
        owner, _, m = self.owners("uac_determinations", self.rand(self.n) < 0.01)
        self.emit(
            "uac_determinations",
            owner,
            "ORR placement record",
            determined_on=_dates(self.days_ago(400, 3000, m)),
            by=_const("hhs", m),
        )
        owner, _, m = self.owners("incompetency_findings", self.rand(self.n) < 0.002)
        self.emit(
            "incompetency_findings",
            owner,
            "court finding of incompetency",
            found_on=_dates(self.days_ago(30, 900, m)),
        )


def synthetic_docket(n: int, *, seed: int = 0, as_of: dt.date = DEFAULT_AS_OF) -> FactTables:
    """The fact tables of `n` synthetic persons (`syn-0000001`, ...), the same for the same seed.

    Dates are spread around `as_of`: most facts lie before it, a few after it
    (not yet in force on that day), so the rules meet every kind of case.
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    b = _Builder(n, seed, as_of)
    b.persons()
    b.citizenship_claim()
    b.nationalities()
    b.stays(np.isin(np.arange(n), b.removal_orders()))
    b.protections()
    b.fear_claims()
    b.notices()
    b.convictions()
    b.transfers(b.sentences())
    b.v2_lists()
    for name in FACT_SCHEMAS:
        if name not in b.tables:
            b.emit(name, np.zeros(0, dtype=np.int64))
    return FactTables({name: b.tables[name] for name in FACT_SCHEMAS})


def write_synthetic_snapshot(n: int, out: Path, *, seed: int = 0) -> Path:
    """Generate a synthetic docket and write it as a snapshot folder at `out`."""
    facts = synthetic_docket(n, seed=seed)
    return write_snapshot(facts, out, note=f"synthetic docket: {n} persons, seed {seed}")
