"""Reconcile and credit notes count the same cents (issue 19, item 9).

sv-001 is billed for all of April 2025 at 20,000 a year (1,643.84), then released,
late, on 10 April: 21 days were billed that he was not held. Rounded on their own
the 21 days are 1,150.68; the credit note credits the line's amount less its 9 days
held (1,643.84 - 493.16 = 1,150.69). Reconcile used to report the first and the
credit note credit the second; both now count what settling the days changes the
line's rounded total by.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accord.billing.lines import line_change, round_total
from accord.billing.reconcile import issue_credit_notes, reconcile_invoices
from accord.db import read_session, write_session

from .conftest import Registry
from .custody import OFFER, flown, hand_over, release, utc
from .test_invoices import invoice

D = dt.date
DAY = (Decimal("20000.00"), 365)


def test_crediting_part_of_a_line_counts_the_line_total_rounded_once() -> None:
    assert round_total([DAY] * 21) == Decimal("1150.68")  # the days rounded on their own
    assert line_change([DAY] * 30, [DAY] * 9 + [(Decimal(0), 1)] * 21) == Decimal("1150.69")


def test_reconcile_reports_what_the_credit_note_credits(registry: Registry) -> None:
    flown(registry, 1)
    hand_over(registry, "sv-001", D(2025, 3, 16))
    issued = invoice(registry, "2025-04", utc(2025, 5, 2))
    assert issued.number is not None
    assert issued.total == Decimal("1643.84")
    release(registry, "sv-001", D(2025, 4, 10), recorded=utc(2025, 5, 5))

    with read_session(registry.engine) as s:
        report = reconcile_invoices(s, agreement_id=OFFER)
    (over,) = report.differences
    assert (over.code, over.days) == ("billed_not_in_custody", 21)
    assert over.amount == report.over_billed == Decimal("1150.69")

    with write_session(registry.engine) as s:
        (note,) = issue_credit_notes(
            s, actor=registry.users["olivia"], invoice_number=issued.number, now=utc(2025, 5, 6)
        )
    assert note.amount == over.amount
    with read_session(registry.engine) as s:
        assert reconcile_invoices(s, agreement_id=OFFER).clean
