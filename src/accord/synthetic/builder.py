"""The default synthetic docket: a mix tuned for tests and benchmarks, not for realism.

The mix is tuned so that `custody_placement` to SV at CECOT under `sv-2025-offer` on
2025-03-16 gives a spread of outcomes: a few percent eligible, most ineligible, many
undetermined. Its draws must not change: tests and benchmark figures depend on the exact
tables a seed gives (the national profile, national.py, changes the mix by subclassing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.casefile.models import CASE_FILE_LISTS
from accord.facts.tables import FACT_SCHEMAS, FactTables, known_flag
from accord.synthetic import mix
from accord.synthetic.columns import (
    EPOCH,
    Cat,
    IntArray,
    bools,
    const,
    dates,
    follow,
    strings,
)


class Builder:
    """Draws the tables of one docket. Subclasses change the mix (class attributes) and
    override the methods whose shape differs; the default's draws stay as they are."""

    nat: Cat = mix.NATIONALITY
    sex: Cat = mix.SEX
    citizenship: Cat = mix.CITIZENSHIP
    unknown_share: Mapping[str, float] = mix.UNKNOWN_SHARE
    second_nationality = 0.03  # persons with a second nationality
    sv_notice = (0.5, 0.08)  # served notice of removal to SV: convicted, others
    other_notice = 0.02  # served notice of removal to another third country
    aea_share = 0.03  # Venezuelans designated under the AEA proclamation

    def __init__(self, n: int, seed: int, as_of: dt.date, *, width: int):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.day0 = (as_of - EPOCH).days
        numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
        self.pid = pc.binary_join_element_wise("syn-", pc.utf8_lpad(numbers, width, "0"), "")
        self.known = {k: self.rng.random(n) * 100 >= self.unknown_share[k] for k in CASE_FILE_LISTS}
        self.tables: dict[str, pa.Table] = {}
        self.latent()

    def latent(self) -> None:
        """Latent facts about each person, shared by several tables."""
        self.nationality = self.nat.draw(self.rng, self.n)
        self.convicted = self.rand(self.n) < 0.38

    def build(self) -> FactTables:
        n = self.n
        self.persons()
        self.citizenship_claim()
        self.nationalities()
        self.stays(np.isin(np.arange(n), self.removal_orders()))
        self.protections()
        self.fear_claims()
        self.notices()
        self.convictions()
        self.transfers(self.sentences())
        self.v2_lists()
        for name in FACT_SCHEMAS:
            if name not in self.tables:
                self.emit(name, np.zeros(0, dtype=np.int64))
        return FactTables({name: self.tables[name] for name in FACT_SCHEMAS})

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
        codes[u < sv_share] = self.nat.code("SV")
        codes[(u >= sv_share) & (u < sv_share + 0.05)] = self.nat.code("VE")
        return codes

    def emit(
        self, table: str, owner: IntArray, src: str | None = None, /, **cols: pa.Array
    ) -> None:
        schema = FACT_SCHEMAS[table]
        cols["person_id"] = self.pid.take(pa.array(owner, pa.int64()))
        if src is not None:
            cols["source"] = const(src, len(owner))
        for f in schema:  # a field the generator does not draw is not recorded
            cols.setdefault(f.name, pa.nulls(len(owner), f.type))
        self.tables[table] = pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)

    def persons(self) -> None:
        n, rng = self.n, self.rng
        first = strings(mix.FIRST_NAMES, rng.integers(0, len(mix.FIRST_NAMES), n))
        last = strings(mix.LAST_NAMES, rng.integers(0, len(mix.LAST_NAMES), n))
        minor = self.rand(n) < 0.015
        age_days = np.where(
            minor, self.ints(14 * 365, 18 * 365 - 1, n), self.ints(18 * 366, 68 * 365, n)
        )
        columns = {
            "name": pc.binary_join_element_wise(first, last, " "),
            "birth_date": dates(self.day0 - age_days, self.rand(n) < 0.02),
            "sex": self.sex.arrow(self.sex.draw(rng, n)),
            "citizenship": self.citizenship.arrow(self.citizenship.draw(rng, n)),
        } | {known_flag(name): bools(self.known[name]) for name in CASE_FILE_LISTS}
        self.emit("persons", np.arange(n), **columns)

    def citizenship_claim(self) -> None:
        has = self.rand(self.n) < 0.03
        owner, seq, m = self.owners("citizenship_claim", has * (1 + (self.rand(self.n) < 0.3)))
        later = mix.CLAIM_FIRST.recode(mix.CLAIM_LATER, mix.CLAIM_LATER.draw(self.rng, m))
        status = np.where(seq == 0, mix.CLAIM_FIRST.draw(self.rng, m), later)
        date = follow(self.days_ago(60, 3000, m), seq, self.ints(30, 700, m))
        self.emit(
            "citizenship_claim",
            owner,
            "USCIS N-600 record",
            status=mix.CLAIM_FIRST.arrow(status),
            date=dates(date),
        )

    def nationalities(self) -> None:
        owner, seq, _ = self.owners(
            "nationalities", 1 + (self.rand(self.n) < self.second_nationality)
        )
        second = self.nat.draw(self.rng, len(owner))
        clash = second == self.nationality[owner]
        second[clash] = (second[clash] + 1) % len(self.nat.names)
        country = np.where(seq == 0, self.nationality[owner], second)
        self.emit("nationalities", owner, country=self.nat.arrow(country))

    def removal_orders(self) -> IntArray:
        counts = self.rng.choice(3, size=self.n, p=[0.2, 0.72, 0.08])
        owner, seq, m = self.owners("removal_orders", counts)
        kind = mix.ORDER_KIND.draw(self.rng, m)
        u = self.rand(m)
        issued = np.where(
            u < 0.08,
            self.days_ago(0, 29, m),  # the appeal period is still running
            np.where(u < 0.11, self.days_ago(-60, -1, m), self.days_ago(30, 4000, m)),
        )
        two = counts[owner] == 2
        vacated = (self.rand(m) < 0.04) | (two & (seq == 0) & (self.rand(m) < 0.5))
        ij = kind == mix.ORDER_KIND.code("immigration_judge")
        in_absentia = ij & (self.rand(m) < 0.18)
        waived = ij & ~in_absentia & (self.rand(m) < 0.2)
        country = self.country_of(owner, sv_share=0.05)
        self.emit(
            "removal_orders",
            owner,
            kind=mix.ORDER_KIND.arrow(kind),
            issued_on=dates(issued),
            in_absentia=bools(in_absentia),
            appeal_waived=bools(waived),
            country=self.nat.arrow(country, self.rand(m) < 0.1),
            vacated_on=dates(issued + self.ints(10, 900, m), ~vacated),
            source=mix.ORDER_SOURCE.arrow(kind),
            alternative_countries=strings(["|", "|MX|"], (self.rand(m) < 0.1).astype(np.int64)),
            waived_14_days=bools(self.rand(m) < 0.3, kind != mix.ORDER_KIND.code("administrative")),
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
            mix.APPEAL_STATUS.recode(mix.BIA_STATUS, mix.BIA_STATUS.draw(self.rng, m)),
            mix.APPEAL_STATUS.recode(mix.MOTION_STATUS, mix.MOTION_STATUS.draw(self.rng, m)),
        )
        rows = np.flatnonzero(bia | motion)
        status, filed = status[rows], filed[rows]
        pending = status == mix.APPEAL_STATUS.code("pending")
        old = pending & (filed < self.day0 - 900)  # old appeals and motions have been decided
        status[old] = mix.APPEAL_STATUS.code("dismissed")
        pending &= ~old
        self.emit(
            "appeals",
            order_owner[rows],
            kind=mix.APPEAL_KIND.arrow(np.where(bia[rows], 0, 1)),
            filed_on=dates(filed),
            status=mix.APPEAL_STATUS.arrow(status),
            decided_on=dates(filed + self.ints(20, 500, len(rows)), pending),
            source=const("EOIR case record", len(rows)),
            court=strings(["BIA", "IJ"], np.where(bia[rows], 0, 1)),
        )

    def stays(self, has_order: IntArray) -> None:
        has = self.rand(self.n) < np.where(has_order, 0.06, 0.005)
        owner, _seq, m = self.owners("stays", has)
        granted = self.days_ago(-20, 900, m)
        self.emit(
            "stays",
            owner,
            "order granting a stay of removal",
            kind=mix.STAY_KIND.arrow(mix.STAY_KIND.draw(self.rng, m)),
            granted_on=dates(granted),
            expires_on=dates(granted + self.ints(14, 400, m), self.rand(m) < 0.45),
            lifted_on=dates(granted + self.ints(1, 300, m), self.rand(m) >= 0.12),
        )

    def protections(self) -> None:
        owner, seq, m = self.owners(
            "protections", self.rng.choice(3, size=self.n, p=[0.86, 0.09, 0.05])
        )
        kind = follow(mix.PROTECTION_KIND.draw(self.rng, m), seq)
        country = follow(self.country_of(owner, sv_share=0.12), seq)
        drawn = mix.PROTECTION_LATER.draw(self.rng, m)
        later = mix.PROTECTION_FIRST.recode(mix.PROTECTION_LATER, drawn)
        status = np.where(seq == 0, mix.PROTECTION_FIRST.draw(self.rng, m), later)
        date = follow(self.days_ago(-30, 2500, m), seq, self.ints(30, 800, m))
        self.emit(
            "protections",
            owner,
            "EOIR or USCIS decision",
            kind=mix.PROTECTION_KIND.arrow(kind),
            status=mix.PROTECTION_FIRST.arrow(status),
            country=self.nat.arrow(country),
            date=dates(date),
        )

    def fear_claims(self) -> None:
        owner, seq, m = self.owners(
            "fear_claims", self.rng.choice(3, size=self.n, p=[0.9, 0.07, 0.03])
        )
        country = follow(self.country_of(owner, sv_share=0.35), seq)
        later = mix.FEAR_FIRST.recode(mix.FEAR_LATER, mix.FEAR_LATER.draw(self.rng, m))
        status = np.where(seq == 0, mix.FEAR_FIRST.draw(self.rng, m), later)
        date = follow(self.days_ago(-20, 1500, m), seq, self.ints(14, 400, m))
        self.emit(
            "fear_claims",
            owner,
            "USCIS fear screening record",
            country=self.nat.arrow(country),
            status=mix.FEAR_FIRST.arrow(status),
            date=dates(date),
        )

    def notices(self) -> None:
        convicted_share, other_share = self.sv_notice
        to_sv = self.rand(self.n) < np.where(self.convicted, convicted_share, other_share)
        elsewhere = self.rand(self.n) < self.other_notice
        owner, seq, m = self.owners("notices", to_sv.astype(np.int64) + elsewhere)
        other = mix.OTHER_NOTICE_COUNTRY.draw(self.rng, m)
        sv = mix.NOTICE_COUNTRY.code("SV")
        country = np.where(
            (seq == 0) & to_sv[owner],
            sv,
            mix.NOTICE_COUNTRY.recode(mix.OTHER_NOTICE_COUNTRY, other),
        )
        self.emit(
            "notices",
            owner,
            "DHS notice of removal to a third country",
            country=mix.NOTICE_COUNTRY.arrow(country),
            served_on=dates(self.days_ago(-20, 120, m)),
            served_on_counsel=bools(self.rand(m) < 0.4),
            written=bools(self.rand(m) < 0.95),
            exigent=bools(self.rand(m) < 0.1),
            language_understood=bools(self.rand(m) < 0.9, self.rand(m) < 0.05),
        )

    def convictions(self) -> None:
        counts = self.convicted * self.rng.choice([1, 2, 3], size=self.n, p=[0.6, 0.25, 0.15])
        owner, _seq, m = self.owners("convictions", counts)
        offence = mix.OFFENCE.draw(self.rng, m)
        category = np.select([offence < 5, offence == len(mix.OFFENCE.names) - 1], [0, 2], 1)
        u = self.rand(m)
        jurisdiction = mix.JURISDICTION.draw(self.rng, m)
        self.emit(
            "convictions",
            owner,
            offence=mix.OFFENCE.arrow(offence),
            category=mix.CATEGORY.arrow(category),
            date=dates(self.days_ago(-30, 6000, m)),
            final=bools(u < 0.86, u >= 0.94),
            source=mix.CONVICTION_SOURCE.arrow(mix.CONVICTION_SOURCE.draw(self.rng, m)),
            jurisdiction=mix.JURISDICTION.arrow(
                jurisdiction, jurisdiction == mix.JURISDICTION.code("unrecorded")
            ),
            juvenile=bools(self.rand(m) < 0.02, self.rand(m) < 0.03),
            offence_classes=strings(
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
            start=dates(start),
            projected_release=dates(projected, life),
            released_on=dates(released, ~(done | early)),
            custodian=strings(["federal", "state"], (self.rand(m) < 0.6).astype(np.int64)),
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
            approved_on=dates(self.days_ago(-30, 300, len(owner))),
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
            given_on=dates(given),
            verified_on=dates(given + self.ints(1, 60, m), ~verified),
            verifying_officer=mix.OFFICER.arrow(mix.OFFICER.draw(self.rng, m), ~verified),
            revoked_on=dates(given + self.ints(1, 120, m), self.rand(m) >= 0.1),
            given_by=const("prisoner", m),
        )
        approving = owner[self.known["transfer_approvals"][owner] & (self.rand(m) < 0.5)]
        k = len(approving)
        self.emit(
            "transfer_approvals",
            np.repeat(approving, 2),
            "transfer approval",
            state=strings(["US", "SV"], np.tile([0, 1], k)),
            approved_on=dates(np.repeat(self.days_ago(0, 300, k), 2)),
        )
        extra = np.flatnonzero(self.rand(self.n) < 0.002)
        asked = np.concatenate([consenting[self.rand(len(consenting)) < 0.8], extra])
        asked = asked[self.known["transfer_requests"][asked]]
        self.emit(
            "transfer_requests",
            asked,
            "application for transfer",
            requested_on=dates(self.days_ago(0, 400, len(asked))),
            country=self.nat.arrow(self.country_of(asked, sv_share=0.2)),
        )

    def v2_lists(self) -> None:
        """The lists case file v2 added: a few rows each, most persons known to have none."""
        self.status_grants()
        self.court_orders()
        self.forbearances()
        self.custody_locations()
        self.designations()
        self.uac_and_incompetency()

    def status_grants(self) -> None:
        owner, _, m = self.owners("status_grants", self.rand(self.n) < 0.03)
        kind = mix.STATUS_KIND.draw(self.rng, m)
        granted = self.days_ago(-10, 2500, m)
        tps = kind == mix.STATUS_KIND.code("tps")
        self.emit(
            "status_grants",
            owner,
            "USCIS approval notice",
            kind=mix.STATUS_KIND.arrow(kind),
            granted_on=dates(granted),
            valid_until=dates(granted + self.ints(300, 900, m)),
            terminated_on=dates(granted + self.ints(30, 500, m), self.rand(m) >= 0.1),
            country=mix.TPS_COUNTRY.arrow(mix.TPS_COUNTRY.draw(self.rng, m), ~tps),
        )

    def court_orders(self) -> None:
        owner, _, m = self.owners("court_orders", self.rand(self.n) < 0.01)
        effect = mix.COURT_EFFECT.draw(self.rng, m)
        transfer = effect == mix.COURT_EFFECT.code("bar_transfer_out_of_district")
        notice = effect == mix.COURT_EFFECT.code("require_notice")
        self.emit(
            "court_orders",
            owner,
            "order of the district court",
            court=mix.DISTRICT.arrow(mix.DISTRICT.draw(self.rng, m)),
            docket=const("1:25-cv-00001", m),
            proceeding=const("habeas", m),
            effect=mix.COURT_EFFECT.arrow(effect),
            status=strings(["entered", "dissolved"], (self.rand(m) < 0.2).astype(np.int64)),
            date=dates(self.days_ago(-10, 400, m)),
            district=mix.DISTRICT.arrow(mix.DISTRICT.draw(self.rng, m), ~transfer),
            notice_days=pa.array(np.full(m, 7, dtype=np.int32), pa.int32(), mask=~notice),
        )

    def forbearances(self) -> None:
        owner, _, m = self.owners("forbearances", self.rand(self.n) < 0.005)
        made = self.days_ago(-10, 300, m)
        self.emit(
            "forbearances",
            owner,
            "government letter to the court of appeals",
            court=const("9th Cir.", m),
            docket=const("25-1000", m),
            made_on=dates(made),
            withdrawn_on=dates(made + self.ints(30, 300, m), self.rand(m) >= 0.2),
        )

    def custody_locations(self) -> None:
        owner, _, m = self.owners("custody_locations", self.rand(self.n) < 0.6)
        self.emit(
            "custody_locations",
            owner,
            "ICE detention history",
            district=mix.DISTRICT.arrow(mix.DISTRICT.draw(self.rng, m)),
            from_date=dates(self.days_ago(1, 400, m)),
        )

    def designations(self) -> None:
        venezuelan = self.nationality == self.nat.code("VE")
        owner, _, m = self.owners("designations", venezuelan & (self.rand(self.n) < self.aea_share))
        self.emit(
            "designations",
            owner,
            "DHS Form AEA-21B",
            authority=const("aea_proclamation_10903", m),
            designated_on=dates(self.days_ago(0, 40, m)),
        )

    def uac_and_incompetency(self) -> None:
        owner, _, m = self.owners("uac_determinations", self.rand(self.n) < 0.01)
        self.emit(
            "uac_determinations",
            owner,
            "ORR placement record",
            determined_on=dates(self.days_ago(400, 3000, m)),
            by=const("hhs", m),
        )
        owner, _, m = self.owners("incompetency_findings", self.rand(self.n) < 0.002)
        self.emit(
            "incompetency_findings",
            owner,
            "court finding of incompetency",
            found_on=dates(self.days_ago(30, 900, m)),
        )
