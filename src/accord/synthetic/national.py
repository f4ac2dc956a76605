"""The national profile: a docket whose shares follow published figures on ICE's docket.

Each person first gets latent facts drawn from the figures of national.yaml (figures.py
derives the probabilities): nationality (ICE's non-detained docket by country of
citizenship), detention (ICE's detained population), a final order (ICE's count of final
orders on the docket by country), a conviction (ICE's letter to Congress of Sept. 2024, by
detention), a pending asylum claim (EOIR's pending defensive applications), TPS (each
designation's holders, from the Federal Register). The tables are then drawn from those
facts; lists no figure speaks to keep the default profile's mix (builder.py), scaled to
these persons. docs/synthetic.md lists every figure and assumption.
"""

from __future__ import annotations

import numpy as np

from accord.synthetic.builder import Builder
from accord.synthetic.columns import (
    Cat,
    IntArray,
    bools,
    const,
    dates,
    day_number,
    strings,
)
from accord.synthetic.figures import OFFENCE_CLASSES, national_figures
from accord.synthetic.mix import (
    APPEAL_KIND,
    APPEAL_STATUS,
    CONVICTION_SOURCE,
    DISTRICT,
    JURISDICTION,
    ORDER_KIND,
    ORDER_SOURCE,
    PROTECTION_FIRST,
)

FIGURES = national_figures()
NATIONALITY = Cat(FIGURES.nationality)
OFFENCE = Cat(FIGURES.offences)
CATEGORY = Cat({"violent": 1, "nonviolent": 1, "unknown": 1})
PROTECTION_KIND = Cat({"asylum": 1, "withholding": 1, "cat_withholding": 1, "cat_deferral": 1})
STATUS_KIND = Cat({"tps": 1} | FIGURES.other_status)


def _by_code(cat: Cat, values: dict[str, float]) -> np.ndarray:
    """`values` (by name) as an array indexed by `cat`'s codes (0 where absent)."""
    return np.array([values.get(name, 0.0) for name in cat.names])


class NationalBuilder(Builder):
    nat = NATIONALITY
    citizenship = Cat(FIGURES.citizenship)
    second_nationality = FIGURES.screen_mix["second_nationality"]
    sv_notice = (FIGURES.screen_mix["sv_notice"][0], FIGURES.screen_mix["sv_notice"][1])
    other_notice = FIGURES.screen_mix["other_notice"]
    aea_share = FIGURES.screen_mix["aea_share"]

    def latent(self) -> None:
        f, n = FIGURES, self.n
        self.nationality = self.nat.draw(self.rng, n)
        self.detained = self.rand(n) < f.detained
        self.convicted = self.rand(n) < np.where(
            self.detained, f.convicted_detained, f.convicted_free
        )
        u = self.rand(n)
        final_rate = _by_code(self.nat, f.final_rate)[self.nationality]
        self.final = u < final_rate
        self.not_final = ~self.final & (u < final_rate + (1 - final_rate) * f.not_final)
        no_order = ~self.final & ~self.not_final
        self.asylum_pending = no_order & (self.rand(n) < f.asylum_pending)

    def country_of(self, owner: IntArray, *, sv_share: float) -> IntArray:
        """The person's nationality; a claim or request about another country is rare here
        (2% about SV, an assumption), whatever share the default profile gives."""
        codes: IntArray = self.nationality[owner].copy()
        codes[self.rand(len(owner)) < 0.02] = self.nat.code("SV")
        return codes

    def removal_orders(self) -> IntArray:
        """Final orders: issued 60 days to 11 years ago, in force, any appeal decided; a few
        follow an earlier order that was vacated. Orders not yet final: an immigration
        judge's, in the 30-day appeal period or with a BIA appeal pending."""
        n, rng = self.n, self.rng
        earlier = self.final & (self.rand(n) < 0.05)
        counts = (self.final | self.not_final).astype(np.int64) + earlier
        owner, seq, m = self.owners("removal_orders", counts)
        final = self.final[owner]
        vacated = final & (seq < counts[owner] - 1)
        kind = np.where(final, ORDER_KIND.draw(rng, m), ORDER_KIND.code("immigration_judge"))
        ij = kind == ORDER_KIND.code("immigration_judge")
        appeal_pending = ~final & self.known["appeals"][owner] & (self.rand(m) < 0.5)
        issued = np.where(
            final,
            self.days_ago(60, 4000, m),
            np.where(appeal_pending, self.days_ago(31, 400, m), self.days_ago(0, 29, m)),
        )
        # an earlier order (the row before its person's last) was issued and vacated before
        earlier_rows = np.flatnonzero(vacated)
        issued[earlier_rows] = issued[earlier_rows + 1] - self.ints(400, 2000, len(earlier_rows))
        in_absentia = ij & final & (self.rand(m) < 0.18)
        waived = ij & final & ~in_absentia & (self.rand(m) < 0.2)
        self.emit(
            "removal_orders",
            owner,
            kind=ORDER_KIND.arrow(kind),
            issued_on=dates(issued),
            in_absentia=bools(in_absentia),
            appeal_waived=bools(waived),
            country=self.nat.arrow(self.nationality[owner], self.rand(m) < 0.05),
            vacated_on=dates(issued + self.ints(10, 300, m), ~vacated),
            source=ORDER_SOURCE.arrow(kind),
            alternative_countries=const("|", m),
            waived_14_days=bools(self.rand(m) < 0.3, kind != ORDER_KIND.code("administrative")),
        )
        self.national_appeals(owner, issued, final & ij & ~in_absentia & ~waived, appeal_pending)
        return owner

    def national_appeals(
        self, owner: IntArray, issued: IntArray, decided: IntArray, pending: IntArray
    ) -> None:
        """A BIA appeal pending for the orders not yet final; for 30% of the appealable
        final orders a BIA appeal dismissed (an assumption)."""
        m = len(owner)
        decided = decided & self.known["appeals"][owner] & (self.rand(m) < 0.3)
        rows = np.flatnonzero(decided | pending)
        filed = issued[rows] + self.ints(1, 30, len(rows))
        still = pending[rows]
        status = np.where(still, APPEAL_STATUS.code("pending"), APPEAL_STATUS.code("dismissed"))
        self.emit(
            "appeals",
            owner[rows],
            kind=APPEAL_KIND.arrow(np.zeros(len(rows), dtype=np.int64)),
            filed_on=dates(filed),
            status=APPEAL_STATUS.arrow(status),
            decided_on=dates(np.minimum(filed + self.ints(20, 500, len(rows)), self.day0), still),
            source=const("EOIR case record", len(rows)),
            court=const("BIA", len(rows)),
        )

    def protections(self) -> None:
        """Pending asylum claims (EOIR's pending caseload); for persons with a final order,
        withholding or CAT protection granted and asylum denied at the assumed rates."""
        f, n = FIGURES, self.n
        u = self.rand(n)
        withholding = self.final & (u < f.withholding)
        cat = self.final & (u >= f.withholding) & (u < f.withholding + f.cat)
        denied = self.final & (self.rand(n) < f.asylum_denied)
        barred = withholding | cat
        counts = (self.asylum_pending | denied).astype(np.int64) + barred
        owner, seq, m = self.owners("protections", counts)
        first = (seq == 0) & (self.asylum_pending | denied)[owner]
        codes = PROTECTION_KIND.code
        cat_kind = np.where(self.rand(m) < 0.5, codes("cat_withholding"), codes("cat_deferral"))
        kind = np.where(
            first, codes("asylum"), np.where(withholding[owner], codes("withholding"), cat_kind)
        )
        status_of = PROTECTION_FIRST.code
        status = np.where(
            first & self.asylum_pending[owner],
            status_of("pending"),
            np.where(first, status_of("denied"), status_of("granted")),
        )
        self.emit(
            "protections",
            owner,
            "EOIR or USCIS decision",
            kind=PROTECTION_KIND.arrow(kind),
            status=PROTECTION_FIRST.arrow(status),
            country=self.nat.arrow(self.nationality[owner]),
            date=dates(self.days_ago(30, 2500, m) + np.where(first, 0, 20)),
        )

    def convictions(self) -> None:
        f = FIGURES
        per_person = np.array(list(f.convictions_per_person.values()))
        sizes = np.array(list(f.convictions_per_person), dtype=np.int64)
        counts = self.convicted * sizes[self.rng.choice(len(sizes), size=self.n, p=per_person)]
        owner, _seq, m = self.owners("convictions", counts)
        offence = OFFENCE.draw(self.rng, m)
        names = OFFENCE.names
        category = np.array([CATEGORY.code(OFFENCE_CLASSES[o][0]) for o in names])[offence]
        classes = sorted({c for _, c in OFFENCE_CLASSES.values()} | {"|illicit_trafficking|"})
        class_code = np.array([classes.index(OFFENCE_CLASSES[o][1]) for o in names])[offence]
        # a drug conviction is illicit trafficking for 30% (an assumption)
        drugs = offence == OFFENCE.code("dangerous drugs")
        class_code[drugs & (self.rand(m) < 0.3)] = classes.index("|illicit_trafficking|")
        u = self.rand(m)
        jurisdiction = JURISDICTION.draw(self.rng, m)
        self.emit(
            "convictions",
            owner,
            offence=OFFENCE.arrow(offence),
            category=CATEGORY.arrow(category),
            date=dates(self.days_ago(30, 6000, m)),
            final=bools(u < 0.86, u >= 0.94),
            source=CONVICTION_SOURCE.arrow(CONVICTION_SOURCE.draw(self.rng, m)),
            jurisdiction=JURISDICTION.arrow(
                jurisdiction, jurisdiction == JURISDICTION.code("unrecorded")
            ),
            juvenile=bools(self.rand(m) < 0.02, self.rand(m) < 0.03),
            offence_classes=strings(classes, class_code),
        )

    def status_grants(self) -> None:
        """TPS by designation (holders on the docket over the country's persons), and the
        other statuses at the assumed shares."""
        f, n = FIGURES, self.n
        tps = self.rand(n) < _by_code(self.nat, f.tps_rate)[self.nationality]
        others = {k: self.rand(n) < p for k, p in f.other_status.items()}
        counts = tps.astype(np.int64) + sum(o.astype(np.int64) for o in others.values())
        owner, seq, m = self.owners("status_grants", counts)
        # a TPS holder's first row is the TPS grant; the other statuses follow in order
        rank = seq - tps[owner]
        had = np.cumsum(np.column_stack(list(others.values()))[owner], axis=1)
        kind = np.where(rank < 0, 0, 1 + np.argmax(had == (rank + 1)[:, None], axis=1))
        is_tps = kind == 0
        since, until, authority, designation = self.tps_designations(owner, is_tps)
        span = np.maximum(self.day0 - 10 - since, 0)
        granted = np.where(
            is_tps,
            np.minimum(since + (self.rand(m) * span).astype(np.int64), until),
            self.days_ago(-10, 2500, m),
        )
        self.emit(
            "status_grants",
            owner,
            "USCIS approval notice",
            kind=STATUS_KIND.arrow(kind),
            granted_on=dates(granted),
            valid_until=dates(np.where(is_tps, until, granted + self.ints(300, 900, m))),
            country=self.nat.arrow(self.nationality[owner], ~is_tps),
            authority=strings(authority, designation),
        )

    def tps_designations(
        self, owner: IntArray, is_tps: IntArray
    ) -> tuple[IntArray, IntArray, list[str | None], IntArray]:
        """Each TPS row's designation (by holders, among its country's): start, end of the
        period in force, the notice; rows that are not TPS point at a null authority."""
        designations = FIGURES.designations
        authority: list[str | None] = [d.authority for d in designations] + [None]
        pick = np.full(len(owner), len(designations), dtype=np.int64)
        u = self.rand(len(owner))
        for country in {d.country for d in designations}:
            of = [i for i, d in enumerate(designations) if d.country == country]
            weights = np.array([designations[i].holders for i in of], dtype=float)
            edges = np.cumsum(weights / weights.sum())
            rows = is_tps & (self.nationality[owner] == self.nat.code(country))
            which = np.searchsorted(edges, u[rows], side="right").clip(0, len(of) - 1)
            pick[rows] = np.array(of)[which]
        since = np.array([day_number(d.since) for d in designations] + [0])[pick]
        until = np.array([day_number(d.valid_until) for d in designations] + [0])[pick]
        return since, until, authority, pick

    def custody_locations(self) -> None:
        """The detained: held since 1 to 400 days, no end. Others: an earlier episode for
        the assumed share."""
        past = ~self.detained & (self.rand(self.n) < FIGURES.past_custody)
        owner, _, m = self.owners("custody_locations", self.detained | past)
        held = self.detained[owner]
        start = np.where(held, self.days_ago(1, 400, m), self.days_ago(400, 3000, m))
        self.emit(
            "custody_locations",
            owner,
            "ICE detention history",
            district=DISTRICT.arrow(DISTRICT.draw(self.rng, m)),
            from_date=dates(start),
            to_date=dates(start + self.ints(1, 120, m), held),
        )
