"""The CLI shows the decision a nomination recorded, refuses an ineligible one in one line
(exit 2, the record kept), and refuses a departure with an empty manifest."""

from __future__ import annotations

import re

from .conftest import Registry
from .people import CECOT, at, load, protected_salvadoran, venezuelan

NOMINATE = [f"--{k}={v}" for k, v in CECOT.items()]


def test_nominate_prints_the_decision_or_refuses_with_the_rules(registry: Registry) -> None:
    load(registry, [venezuelan(1), protected_salvadoran(2)], at(10))
    refused = registry.cli("nominate", "sv-002", *NOMINATE, as_user="olivia")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "sv-002 not nominated" in refused.stderr
    assert "no_withholding (8 U.S.C. 1231(b)(3))" in refused.stderr
    assert registry.sql("SELECT count(*) FROM transfer_cases")[0][0] == 0
    kept = registry.sql("SELECT outcome FROM decision_records WHERE person_id = 'sv-002'")
    assert [r[0] for r in kept] == ["ineligible"]  # the refusal's decision is on record
    actions = registry.sql("SELECT action FROM audit_log WHERE subject = 'person:sv-002'")
    assert "operations.nomination_refused" in [r[0] for r in actions]
    done = registry.cli("nominate", "ve-001", *NOMINATE, as_user="olivia")
    assert done.returncode == 0, done.stderr
    assert re.search(r"transfer case \d+: ve-001 nominated; decision record \d+", done.stdout)
    assert "warning: " in done.stdout
    assert "third_country_notice" in done.stdout


def test_a_mission_with_an_empty_manifest_cannot_depart(registry: Registry) -> None:
    load(registry, [venezuelan(1)], at(10))
    made = registry.cli(
        "missions", "create", "M1", "--carrier=X", *NOMINATE,
        "--departure=2025-03-15T18:00:00+00:00", "--seats=3", "--leg=A:B",
        as_user="olivia",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    refused = registry.cli(
        "missions", "depart", "M1", "--at=2025-03-15T18:00:00+00:00", as_user="olivia"
    )
    assert refused.returncode == 2
    assert "its manifest is empty" in refused.stderr
    assert "add passengers first" in refused.stderr
    state = registry.sql("SELECT state FROM missions WHERE mission_number = 'M1'")
    assert [r[0] for r in state] == ["planned"]
