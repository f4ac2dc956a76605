"""The operations CLI: bad input is one line and exit 2, with nothing written."""

from __future__ import annotations

import pytest

from .conftest import Registry
from .people import at, load, venezuelan


@pytest.mark.parametrize(
    ("user", "args", "message"),
    [
        ("lena", ["review", "1", "--approve", "--reason", "bogus"], "--reason 'bogus'"),
        ("olivia", ["review", "1", "--approve", "--reason", "facts_verified"], "may not"),
        (
            "ana",
            [
                "nominate",
                "ve-001",
                "--agreement",
                "sv-2025-offer",
                "--pathway",
                "custody_placement",
                "--destination",
                "SV",
                "--facility",
                "CECOT",
            ],
            "may not",
        ),
        (
            "olivia",
            [
                "nominate",
                "nobody",
                "--agreement",
                "sv-2025-offer",
                "--pathway",
                "custody_placement",
                "--destination",
                "SV",
                "--facility",
                "CECOT",
            ],
            "no person 'nobody'",
        ),
        ("olivia", ["missions", "depart", "M1", "--at", "yesterday"], "expected an ISO time"),
        (
            "olivia",
            [
                "missions",
                "create",
                "M1",
                "--carrier",
                "X",
                "--agreement",
                "sv-2025-offer",
                "--pathway",
                "custody_placement",
                "--destination",
                "SV",
                "--facility",
                "NOPE",
                "--departure",
                "2025-03-15T18:00:00+00:00",
                "--seats",
                "5",
                "--leg",
                "A:B",
            ],
            "NOPE",
        ),
        (
            "liam",
            ["census", "report", "CECOT", "--date", "2025-03-16", "--count", "3"],
            "acts for no facility",
        ),
        ("lena", ["review", "99", "--approve", "--reason", "facts_verified"], "no transfer case"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    registry: Registry, user: str, args: list[str], message: str
) -> None:
    load(registry, [venezuelan(1)], at(10))
    before = registry.counts()
    result = registry.cli(*args, as_user=user)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert registry.counts() == before
    assert registry.sql("SELECT count(*) FROM operations_events")[0][0] == 0


def test_codes_lists_every_reason_with_its_description(registry: Registry) -> None:
    result = registry.cli("codes")
    assert result.returncode == 0
    assert "missing_at_handover" in result.stdout
    assert "boarding_ineligible" in result.stdout
