"""Monthly invoices, as a billing officer reads them: who is billed for which days, at what rate.

The El Salvador offer charges USD 20,000 per person-year, prorated by day
(20,000 / 365 a day; / 366 in a leap year), from 15 March 2025. A day is billed
when the person is held at the end of it: the day of handover counts, the day
of release does not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from accord.agreements import Agreement, bundled_agreements, get_agreement
from accord.billing.errors import MonthNotBilled, NoFeeSchedule
from accord.billing.invoices import invoice_for_month, list_invoices, show_invoice
from accord.billing.lines import InvoiceView
from accord.billing.models import Invoice, InvoiceLineRecord
from accord.db import AuditEntry, read_session, verify_chain, write_session
from accord.errors import InputError, PermissionDenied, UnknownAgreement

from .conftest import Registry
from .custody import OFFER, in_custody, utc

D = dt.date
PLACED_MID_MARCH = D(2025, 3, 16)


def invoice(
    registry: Registry,
    month: str,
    now: dt.datetime,
    *,
    user: str = "olivia",
    agreement: str = OFFER,
) -> InvoiceView:
    with write_session(registry.engine) as s:
        return invoice_for_month(
            s, actor=registry.users[user], agreement_id=agreement, month=month, now=now
        )


def days_and_amounts(view: InvoiceView) -> dict[str, tuple[int, Decimal]]:
    return {line.person_id: (line.days_billed, line.amount) for line in view.lines}


def rows(registry: Registry, model: type) -> int:
    with read_session(registry.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_days_in_custody_at_the_edges_of_each_month(registry: Registry) -> None:
    in_custody(
        registry,
        handovers={
            "sv-001": PLACED_MID_MARCH,  # held from then on
            "sv-002": PLACED_MID_MARCH,  # released mid-April
            "sv-003": PLACED_MID_MARCH,  # released on the 1st of May
            "sv-004": D(2025, 4, 20),  # placed mid-April
        },
        releases={"sv-002": D(2025, 4, 10), "sv-003": D(2025, 5, 1)},
    )

    march = invoice(registry, "2025-03", utc(2025, 5, 2))
    assert march.status == "issued"
    assert march.newly_issued
    assert days_and_amounts(march) == {
        pid: (16, Decimal("876.71")) for pid in ("sv-001", "sv-002", "sv-003")
    }  # 16-31 March: 20,000 x 16 / 365 = 876.712...
    assert march.lines[0].periods == [["2025-03-16", "2025-03-31"]]

    april = invoice(registry, "2025-04", utc(2025, 5, 2))
    assert days_and_amounts(april) == {
        "sv-001": (30, Decimal("1643.84")),  # the whole month
        "sv-002": (9, Decimal("493.15")),  # 1-9 April: not the day of release
        "sv-003": (30, Decimal("1643.84")),
        "sv-004": (11, Decimal("602.74")),  # 20-30 April: the day of handover counts
    }
    assert april.total == Decimal("4383.57")
    assert april.number != march.number

    may = invoice(registry, "2025-05", utc(2025, 6, 1))
    assert "sv-003" not in days_and_amounts(may)  # released on the 1st: no day in May
    assert days_and_amounts(may)["sv-001"] == (31, Decimal("1698.63"))

    february = invoice(registry, "2026-02", utc(2026, 3, 1))
    assert days_and_amounts(february)["sv-001"] == (28, Decimal("1534.25"))
    leap = invoice(registry, "2028-02", utc(2028, 3, 1))
    assert days_and_amounts(leap)["sv-001"] == (29, Decimal("1584.70"))  # 20,000 x 29 / 366
    assert leap.lines[0].runs[0]["divisor"] == 366

    with read_session(registry.engine) as s:
        assert [i.month for i, _ in list_invoices(s, agreement_id=OFFER)] == [
            "2025-03", "2025-04", "2025-05", "2026-02", "2028-02",
        ]  # fmt: skip
        assert verify_chain(s).intact


def test_a_rate_change_mid_month_splits_the_line(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_custody(
        registry,
        handovers={
            "sv-001": PLACED_MID_MARCH,
            "sv-002": PLACED_MID_MARCH,
            "sv-003": D(2025, 4, 20),
        },
        releases={"sv-002": D(2025, 4, 10)},
    )
    offer = get_agreement(OFFER)
    source = "test amendment: a daily fee that rises on 16 April, and a fee per transfer"
    fees = [
        {"amount": amount, "currency": "USD", "unit": unit, "source": source}
        | {"effective": {"from": start, "to": end}}
        for amount, unit, start, end in (
            ("50.00", "per_inmate_day", "2025-03-15", "2025-04-15"),
            ("65.00", "per_inmate_day", "2025-04-16", None),
            ("1000.00", "per_transfer", "2025-03-15", None),
        )
    ]
    amended = Agreement.model_validate(offer.model_dump(by_alias=True) | {"fees": fees})
    monkeypatch.setitem(bundled_agreements(), OFFER, amended)

    april = invoice(registry, "2025-04", utc(2025, 5, 2))
    custody = {line.person_id: line for line in april.lines if line.kind == "custody"}
    whole = custody["sv-001"]
    assert whole.days_billed == 30
    assert [(r["first"], r["last"], r["days"], r["amount"]) for r in whole.runs] == [
        ("2025-04-01", "2025-04-15", 15, "50.00"),
        ("2025-04-16", "2025-04-30", 15, "65.00"),
    ]
    assert whole.amount == Decimal("1725.00")  # 15 x 50 + 15 x 65
    assert custody["sv-002"].amount == Decimal("450.00")  # 9 days, all at 50
    assert custody["sv-003"].amount == Decimal("715.00")  # 11 days at 65
    transfers = [line for line in april.lines if line.kind == "transfer"]
    assert [(t.person_id, t.periods, t.amount) for t in transfers] == [
        ("sv-003", [["2025-04-20", "2025-04-20"]], Decimal("1000.00"))
    ]  # the March handovers are billed on March's invoice, not April's
    assert april.total == Decimal("3890.00")
    assert april.agreement_digest == amended.digest != offer.digest


def test_a_running_month_is_a_draft_that_follows_the_records(registry: Registry) -> None:
    in_custody(registry, handovers={"sv-001": PLACED_MID_MARCH, "sv-002": PLACED_MID_MARCH})
    audit_before = rows(registry, AuditEntry)

    draft = invoice(registry, "2025-04", utc(2025, 4, 11, 9))
    assert draft.status == "draft"
    assert draft.number is None
    assert draft.through == D(2025, 4, 10)  # the last day that has ended
    assert days_and_amounts(draft)["sv-001"] == (10, Decimal("547.95"))
    assert rows(registry, Invoice) == 0
    assert rows(registry, AuditEntry) == audit_before  # a draft writes nothing

    from .custody import release

    release(registry, "sv-002", D(2025, 4, 5), recorded=utc(2025, 4, 12))
    again = invoice(registry, "2025-04", utc(2025, 4, 12, 9))
    assert days_and_amounts(again)["sv-002"] == (4, Decimal("219.18"))  # recomputed: 1-4 April
    assert again.content_digest != draft.content_digest

    with pytest.raises(MonthNotBilled, match="2025-05 has not begun"):
        invoice(registry, "2025-05", utc(2025, 4, 12, 9))
    assert rows(registry, Invoice) == 0


def test_who_may_issue_and_who_may_read(registry: Registry) -> None:
    in_custody(registry, handovers={"sv-001": PLACED_MID_MARCH})
    with pytest.raises(PermissionDenied, match=r"billing\.issue.*officer"):
        invoice(registry, "2025-04", utc(2025, 5, 2), user="mona")
    assert rows(registry, Invoice) == 0
    issued = invoice(registry, "2025-04", utc(2025, 5, 2), user="olivia")
    read = invoice(registry, "2025-04", utc(2025, 5, 3), user="mona")  # a monitor reads it
    assert (read.number, read.content_digest) == (issued.number, issued.content_digest)
    assert read.issued_by == "olivia"
    assert not read.newly_issued


@pytest.mark.parametrize(
    ("agreement", "month", "error", "message"),
    [
        ("sv-2099-nothing", "2025-04", UnknownAgreement, "no agreement 'sv-2099-nothing'"),
        (OFFER, "2025-13", InputError, "--month '2025-13': expected a month as YYYY-MM"),
        (OFFER, "April", InputError, "expected a month as YYYY-MM"),
        (OFFER, "2025-4", InputError, "expected a month as YYYY-MM"),
        (OFFER, "2025-06", MonthNotBilled, "2025-06 has not begun"),
        ("aca-2019-gt", "2025-04", NoFeeSchedule, "'aca-2019-gt' has no fee schedule"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    registry: Registry, agreement: str, month: str, error: type[Exception], message: str
) -> None:
    before = rows(registry, AuditEntry)
    with pytest.raises(error, match=message):
        invoice(registry, month, utc(2025, 5, 20), agreement=agreement)
    assert rows(registry, Invoice) == rows(registry, InvoiceLineRecord) == 0
    assert rows(registry, AuditEntry) == before


def test_show_checks_the_stored_lines_against_the_digest(registry: Registry) -> None:
    in_custody(registry, handovers={"sv-001": PLACED_MID_MARCH})
    issued = invoice(registry, "2025-03", utc(2025, 4, 1))
    assert issued.number is not None
    with read_session(registry.engine) as s:
        shown = show_invoice(s, number=issued.number)
    assert shown.digest_verified
    assert shown.lines == issued.lines
    assert shown.content_digest == issued.content_digest
