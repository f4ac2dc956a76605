"""A closed month stays closed: custody records change, the invoice does not; reconcile and
credit notes settle the difference.

April 2025 is invoiced on 2 May. On 5 May the liaison records, late, that sv-002
was released on 20 April, and that sv-003, missing at handover, had in fact been
received on 25 April. Re-running the April invoice returns it unchanged;
reconcile reports 11 days billed for sv-002 that he was not held and 6 days for
sv-003 held but not billed; a credit note refunds the 11 days.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from accord.agreements import Agreement, bundled_agreements, get_agreement
from accord.billing.errors import NothingToCredit, UnknownInvoice
from accord.billing.invoices import show_invoice
from accord.billing.models import BILLING_APPEND_ONLY, CreditNote, Invoice
from accord.billing.reconcile import (
    ReconcileReport,
    credit_over_billed,
    issue_credit_notes,
    reconcile_invoices,
)
from accord.db import Base, head_revision, read_session, verify_chain, write_session
from accord.errors import PermissionDenied

from .conftest import Registry
from .custody import OFFER, flown, hand_over, release, utc
from .test_invoices import invoice, rows

D = dt.date
MAY_2 = utc(2025, 5, 2)
LATE = utc(2025, 5, 5)


def reconcile(registry: Registry, **kw: str) -> ReconcileReport:
    with read_session(registry.engine) as s:
        return reconcile_invoices(s, **kw)


def april_billed_then_records_change(registry: Registry) -> int:
    flown(registry, 3)
    for pid in ("sv-001", "sv-002"):
        hand_over(registry, pid, D(2025, 3, 16))
    issued = invoice(registry, "2025-04", MAY_2)
    assert issued.number is not None
    release(registry, "sv-002", D(2025, 4, 20), recorded=LATE)
    hand_over(registry, "sv-003", D(2025, 4, 25), recorded=LATE)
    return issued.number


def test_an_issued_month_never_changes(registry: Registry) -> None:
    number = april_billed_then_records_change(registry)
    with read_session(registry.engine) as s:
        before = show_invoice(s, number=number)

    again = invoice(registry, "2025-04", utc(2025, 5, 6))
    assert not again.newly_issued
    assert (again.number, again.content_digest, again.total) == (
        number,
        before.content_digest,
        Decimal("3287.68"),  # 2 x 30 days, as billed on 2 May
    )
    assert again.lines == before.lines
    assert again.digest_verified
    assert rows(registry, Invoice) == 1


def test_reconcile_finds_the_differences_and_a_credit_note_refunds_the_over_billing(
    registry: Registry,
) -> None:
    number = april_billed_then_records_change(registry)
    report = reconcile(registry, agreement_id=OFFER)
    assert not report.clean
    found = {(d.person_id, d.code): d for d in report.differences}
    assert set(found) == {
        ("sv-002", "billed_not_in_custody"),
        ("sv-003", "in_custody_not_billed"),
    }
    over = found["sv-002", "billed_not_in_custody"]
    assert (over.line_no, over.days, over.periods) == (2, 11, [["2025-04-20", "2025-04-30"]])
    assert over.amount == Decimal("602.74")  # 20,000 x 11 / 365
    under = found["sv-003", "in_custody_not_billed"]
    assert (under.line_no, under.days, under.amount) == (None, 6, Decimal("-328.77"))
    assert (report.over_billed, report.under_billed) == (Decimal("602.74"), Decimal("328.77"))

    with write_session(registry.engine) as s:
        notes = issue_credit_notes(
            s,
            actor=registry.users["olivia"],
            invoice_number=number,
            note="release on 20 April recorded late",
            now=utc(2025, 5, 7),
        )
    assert [(n.line_no, n.person_id, n.days, n.amount) for n in notes] == [
        (2, "sv-002", 11, Decimal("602.74"))
    ]
    assert notes[0].reason == "billed_not_in_custody"
    assert notes[0].items[0]["periods"] == [["2025-04-20", "2025-04-30"]]

    after = reconcile(registry, agreement_id=OFFER, month="2025-04")
    assert [(d.person_id, d.code) for d in after.differences] == [
        ("sv-003", "in_custody_not_billed")
    ]  # under-billing is reported until billed; the credited days are settled
    with pytest.raises(NothingToCredit), write_session(registry.engine) as s:
        issue_credit_notes(
            s, actor=registry.users["olivia"], invoice_number=number, now=utc(2025, 5, 8)
        )

    with read_session(registry.engine) as s:
        shown = show_invoice(s, number=number)
        assert verify_chain(s).intact
    assert shown.digest_verified
    assert shown.total == Decimal("3287.68")
    assert shown.credited == Decimal("602.74")
    assert rows(registry, CreditNote) == 1


def test_a_corrected_rate_is_reported_and_credited_by_the_difference(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    flown(registry, 1)
    hand_over(registry, "sv-001", D(2025, 3, 16))
    number = invoice(registry, "2025-04", MAY_2).number
    assert number is not None
    assert reconcile(registry).clean

    offer = get_agreement(OFFER)
    fees = [fee.model_dump(by_alias=True) | {"amount": "18250.00"} for fee in offer.fees]
    corrected = Agreement.model_validate(offer.model_dump(by_alias=True) | {"fees": fees})
    monkeypatch.setitem(bundled_agreements(), OFFER, corrected)

    (wrong,) = reconcile(registry).differences
    assert (wrong.code, wrong.days, wrong.billed, wrong.correct) == (
        "wrong_rate",
        30,
        "20000.00/365",
        "18250.00/365",
    )
    assert wrong.amount == Decimal("143.84")  # 1,643.84 billed, 1,500.00 due
    with write_session(registry.engine) as s:
        with pytest.raises(PermissionDenied):
            credit_over_billed(s, actor=registry.users["mona"], now=utc(2025, 5, 9))
        (note,) = credit_over_billed(
            s, actor=registry.users["olivia"], note="rate corrected", now=utc(2025, 5, 9)
        )
    assert (note.reason, note.amount) == ("wrong_rate", Decimal("143.84"))
    assert note.items[0]["corrected"] == ["18250.00", 365]
    assert reconcile(registry).clean


def test_an_unknown_invoice_or_line_is_refused(registry: Registry) -> None:
    flown(registry, 1)
    hand_over(registry, "sv-001", D(2025, 3, 16))
    number = invoice(registry, "2025-04", MAY_2).number
    for invoice_number, line in ((999, None), (number, 7)):
        with pytest.raises(UnknownInvoice), write_session(registry.engine) as s:
            issue_credit_notes(
                s,
                actor=registry.users["olivia"],
                invoice_number=invoice_number or 0,
                line_no=line,
                now=utc(2025, 5, 9),
            )
    assert rows(registry, CreditNote) == 0


def test_invoices_and_credit_notes_are_append_only(registry: Registry) -> None:
    flown(registry, 1)
    hand_over(registry, "sv-001", D(2025, 3, 16))
    invoice(registry, "2025-04", MAY_2)
    for statement in (
        "UPDATE billing_invoices SET total = '1.00'",
        "UPDATE billing_invoice_lines SET amount = '1.00'",
        "DELETE FROM billing_invoice_lines",
        "DELETE FROM billing_invoices",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            registry.sql(statement)
    assert rows(registry, Invoice) == 1


def _billing_only(obj: object, name: str | None, type_: str, *_: object) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in BILLING_APPEND_ONLY


def test_migration_0004_makes_exactly_the_billing_models(registry: Registry) -> None:
    with registry.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _billing_only})
        assert compare_metadata(context, Base.metadata) == []
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision()
