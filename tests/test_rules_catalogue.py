"""The rule catalogue: every rule is identified, titled, cited and dated."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from accord.engine import DecisionRequest
from accord.engine.request import every_bundled_request
from accord.law.catalogue import ALL_RULES, RULES, rule_ids_for
from accord.law.framework import Rule

AS_OF = dt.date(2025, 3, 16)


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_rule_is_identified_titled_cited_and_dated(rule: Rule) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]*", rule.id)
    assert RULES[rule.id] is rule
    assert rule.title.strip()
    assert rule.passes_when.strip()
    assert isinstance(rule.citations, tuple)
    assert all(isinstance(c, str) and c.strip() for c in rule.citations)
    assert rule.kind in ("law", "agreement")
    if rule.kind == "law":
        assert rule.citations, f"law rule {rule.id} has no citation"
    assert isinstance(rule.effective_from, dt.date)
    assert rule.effective_to is None or rule.effective_to >= rule.effective_from
    assert callable(rule.evaluate)


def test_every_rule_is_applied_somewhere_and_every_applied_rule_exists() -> None:
    applied: set[str] = set()
    for request in every_bundled_request(AS_OF):
        ids = rule_ids_for(request.context())
        assert len(ids) == len(set(ids))
        assert set(ids) <= set(RULES)
        applied.update(ids)
    assert applied == set(RULES)


def test_agreement_terms_cite_their_source() -> None:
    """A rule an agreement adds takes its citation from the agreement file."""
    request = DecisionRequest("sv-2025-offer", "custody_placement", "SV", AS_OF, "CECOT")
    ctx = request.context()
    for rule_id in rule_ids_for(ctx):
        assert RULES[rule_id].citations_for(ctx), rule_id
