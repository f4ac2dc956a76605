"""The law set applies registry entries as the bundled files: each bundled court order and
agreement, entered from its own YAML (through the JSON a registry stores), is the same."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

import pytest
import yaml

from accord.law.law_set import LawEntry, LawEntryError, bundled_law, law_with
from accord.law_entries.service import _plain

ORDERS = sorted(
    p.name
    for p in (resources.files("accord.law") / "data" / "court_orders").iterdir()
    if p.name.endswith(".yaml")
)
AGREEMENTS = sorted(
    p.name
    for p in (resources.files("accord.agreements") / "data").iterdir()
    if p.name.endswith(".yaml")
)


def _entry(kind: str, subject: str, body: dict[str, Any]) -> LawEntry:
    return LawEntry(0, kind, subject, _plain(body, kind), "0" * 64, "test.pdf")


@pytest.mark.parametrize("name", ORDERS)
def test_a_bundled_order_entered_again_is_the_same(name: str) -> None:
    folder = resources.files("accord.law") / "data" / "court_orders"
    data = yaml.safe_load((folder / name).read_text("utf-8"))
    bundled = bundled_law().order(data["id"])
    data["id"] += "-again"
    entered = law_with([_entry("court_order", data["id"], data)]).order(data["id"])
    assert entered.predicate == bundled.predicate
    assert [e.as_record() for e in entered.events] == [e.as_record() for e in bundled.events]


@pytest.mark.parametrize("name", AGREEMENTS)
def test_a_bundled_agreement_amended_to_itself_is_the_same(name: str) -> None:
    folder = resources.files("accord.agreements") / "data"
    data = yaml.safe_load((folder / name).read_text("utf-8"))
    body = {"effective_from": "2026-01-01", "what": "unchanged (test)", "agreement": data}
    law = law_with([_entry("agreement_amendment", data["id"], body)])
    before = law.agreement(data["id"], dt.date(2025, 12, 31))
    after = law.agreement(data["id"], dt.date(2026, 1, 1))
    assert after is not before
    assert after.digest == before.digest


def test_errors_name_the_new_entry_not_an_id() -> None:
    with pytest.raises(LawEntryError) as caught:
        law_with([_entry("court_order", "x", {"id": "x"})])
    assert str(caught.value).startswith("the new law entry (court_order x): court order x: ")
