"""`accord billing ...` as a billing officer, a monitor and an analyst use it (real clock).

Two Salvadorans are held at CECOT from 16 March 2025. April 2025 is long closed,
so the first `billing invoice` issues it and every later run prints it unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from accord.billing.models import CreditNote, Invoice
from accord.db import AuditEntry, read_session

from .conftest import Registry
from .custody import OFFER, flown, hand_over, release

D = dt.date
APRIL = ["--agreement", OFFER, "--month", "2025-04"]


def _counts(registry: Registry) -> tuple[int, int, int]:
    with read_session(registry.engine) as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Invoice, CreditNote, AuditEntry)
        )


def _two_held(registry: Registry) -> None:
    flown(registry, 2)
    for pid in ("sv-001", "sv-002"):
        hand_over(registry, pid, D(2025, 3, 16))


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(registry: Registry) -> Runner:
    """`accord --as USER ...` on the registry in this process (`registry.cli`), in the
    registry's folder, 250 columns wide."""

    def call(*args: str, as_user: str, **env: str) -> subprocess.CompletedProcess[str]:
        return registry.cli(*args, as_user=as_user, **env)

    return call


def test_issue_show_list_export_reconcile_and_credit(registry: Registry, cli: Runner) -> None:
    _two_held(registry)

    first = cli("billing", "invoice", *APRIL, "--out", "april.csv", as_user="olivia")
    assert first.returncode == 0, first.stderr
    assert "invoice 1, sv-2025-offer 2025-04 (issued now" in first.stdout
    assert "total USD 3,287.68 in 2 line(s)" in first.stdout
    assert "20000.00/year ÷ 365" in first.stdout
    exported = list(csv.DictReader((registry.tmp / "april.csv").open(encoding="utf-8")))
    assert [(r["person_id"], r["days_billed"], r["amount"]) for r in exported] == [
        ("sv-001", "30", "1643.84"),
        ("sv-002", "30", "1643.84"),
    ]

    again = cli("billing", "invoice", *APRIL, as_user="mona")
    assert again.returncode == 0, again.stderr
    assert "invoice 1, sv-2025-offer 2025-04 (issued, final" in again.stdout
    digest = next(line for line in first.stdout.splitlines() if line.startswith("content digest"))
    assert digest in again.stdout  # the same invoice, unchanged

    listed = cli("billing", "list", as_user="mona")
    assert listed.returncode == 0
    assert "2025-04" in listed.stdout

    masked = cli("billing", "show", "1", as_user="ana", ACCORD_MASKING_KEY="k" * 32)
    assert masked.returncode == 0, masked.stderr
    assert "sv-001" not in masked.stdout
    assert "anon-" in masked.stdout

    clean = cli("billing", "reconcile", as_user="mona")
    assert clean.returncode == 0, clean.stdout
    assert "billing reconcile: clean (1 invoice(s), 2 line(s))" in clean.stdout

    # recorded today, for a release that happened on 20 April 2025
    release(registry, "sv-002", D(2025, 4, 20), recorded=dt.datetime.now(dt.UTC))
    disputed = cli("billing", "reconcile", "--month", "2025-04", as_user="mona")
    assert disputed.returncode == 1
    assert "billed_not_in_custody" in disputed.stdout
    assert "sv-002" in disputed.stdout
    assert "2025-04-20..2025-04-30" in disputed.stdout

    credited = cli(
        "billing", "reconcile", "--credit-notes", "--note", "late release", as_user="olivia"
    )
    assert credited.returncode == 0, credited.stdout + credited.stderr
    assert "after 1 credit note(s): 0 difference(s) remain" in credited.stdout
    shown = cli("billing", "show", "1", as_user="olivia")
    assert "Credit notes" in shown.stdout
    assert "late release" in shown.stdout
    assert "credited USD 602.74; net 2,684.94" in shown.stdout
    assert "total USD 3,287.68" in shown.stdout  # the invoice itself is unchanged
    verified = cli("audit", "verify", as_user="mona")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_running_month_prints_a_draft_and_stores_nothing(registry: Registry) -> None:
    """Through the console script itself, in a new interpreter."""
    _two_held(registry)
    before = _counts(registry)
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    draft = registry.cli(
        "billing", "invoice", "--agreement", OFFER, "--month", month, as_user="olivia"
    )
    assert draft.returncode == 0, draft.stderr
    assert "DRAFT invoice" in draft.stdout
    assert "not stored" in draft.stdout
    invoices, credit_notes, audit_entries = _counts(registry)
    assert (invoices, credit_notes) == before[:2]
    assert audit_entries == before[2] + 1  # the read only (read.invoice, as the API's preview)


def test_bad_input_is_one_line_exit_2_and_writes_nothing(registry: Registry, cli: Runner) -> None:
    before = _counts(registry)
    for args, message in (
        (["invoice", "--agreement", "nope", "--month", "2025-04"], "no agreement 'nope'"),
        (["invoice", "--agreement", OFFER, "--month", "2025-13"], "expected a month as YYYY-MM"),
        (["invoice", "--agreement", OFFER, "--month", "2099-01"], "2099-01 has not begun"),
        (["invoice", "--agreement", "aca-2019-hn", "--month", "2025-04"], "no fee schedule"),
        (["credit-note", "--invoice", "42"], "no invoice 42"),
        (["show", "42"], "no invoice 42"),
        (["reconcile", "--month", "April"], "expected a month as YYYY-MM"),
    ):
        result = cli("billing", *args, as_user="olivia")
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr
    analyst = cli(
        "billing",
        "invoice",
        *APRIL,
        as_user="ana",
        ACCORD_MASKING_KEY="k" * 32,
    )
    assert analyst.returncode == 2
    assert "may not billing.issue" in analyst.stderr
    assert _counts(registry) == before
