"""The custody commands through the `accord` command line: handover, incidents, census,
and the end of custody (release, transfer, death). Bad input is one line, exit 2, and
nothing written, not even the valid part of a command.

The key steps run in fresh processes (`registry.cli`: a confirm refused whole, confirm,
close, resolve, census, release, reconcile); the others and the long list of refusals run
through the same `accord.cli.main.run` in this process (`run_cli`), at a fraction of the
cost of a new interpreter per command.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from .conftest import Registry
from .people import departed_mission, run_cli, salvadoran, snapshot, venezuelan

MISSION = "GST-1"


def _refused(
    registry: Registry, result: subprocess.CompletedProcess[str], message: str, before: object
) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(registry) == before


def test_custody_commands(registry: Registry) -> None:
    departed_mission(registry, [venezuelan(1), venezuelan(2), salvadoran(1)], mission=MISSION)

    before = snapshot(registry)
    # ve-001 is on the mission, nobody is not: the whole command is refused, ve-001 included
    partial = registry.cli("handover", "confirm", MISSION, "ve-001", "nobody", as_user="liam")
    _refused(registry, partial, "person nobody is not on mission GST-1", before)

    confirm = registry.cli(
        "handover",
        "confirm",
        MISSION,
        "ve-001",
        "sv-001",
        "--at",
        "2025-03-16T02:00:00+00:00",
        as_user="liam",
    )
    assert confirm.returncode == 0, confirm.stderr
    assert "2 received into custody" in confirm.stdout
    close = registry.cli("handover", "close", MISSION, as_user="liam")
    assert close.returncode == 1, close.stderr
    assert "departed 3 = received 2 + returned on board 0 + incidents 1" in close.stdout
    assert "open incidents: 1" in close.stdout
    missing = registry.sql("SELECT state FROM transfer_cases WHERE person_id = 've-002'")
    assert missing == [("missing",)]

    before = snapshot(registry)
    bad_reason = run_cli(
        registry, "incidents", "resolve", "1", "--reason", "found", "--note", "x", as_user="liam"
    )
    _refused(registry, bad_reason, "--reason 'found' is not one of: received_late", before)
    resolve = registry.cli(
        "incidents",
        "resolve",
        "1",
        "--reason",
        "received_late",
        "--note",
        "held at intake, counted on 16 March",
        "--at",
        "2025-03-16T06:00:00+00:00",
        as_user="liam",
    )
    assert resolve.returncode == 0, resolve.stderr
    assert "incident 1 resolved (received_late)" in resolve.stdout

    census = registry.cli(
        "census", "report", "cecot", "--date", "2025-03-16", "--count", "3", as_user="liam"
    )
    assert census.returncode == 0, census.stderr
    assert "reported 3, registry 3" in census.stdout
    assert "MISMATCH" not in census.stdout

    before = snapshot(registry)
    wrong_end = run_cli(
        registry, "custody", "release", "ve-001", "--reason", "court_ordered_return", as_user="liam"
    )
    _refused(registry, wrong_end, "does not fit a release", before)
    release = registry.cli(
        "custody",
        "release",
        "ve-001",
        "--reason",
        "released_by_receiving_state",
        "--at",
        "2025-03-18T10:00:00+00:00",
        "--note",
        "released to the Venezuelan consulate",
        as_user="liam",
    )
    assert release.returncode == 0, release.stderr
    assert "ve-001: release recorded (released_by_receiving_state)" in release.stdout
    death = run_cli(
        registry,
        "custody",
        "death",
        "sv-001",
        "--reason",
        "death_under_investigation",
        "--at",
        "2025-03-19T04:00:00+00:00",
        as_user="olivia",
    )
    assert death.returncode == 0, death.stderr
    transfer = run_cli(
        registry,
        "custody",
        "transfer",
        "ve-002",
        "--reason",
        "repatriated_to_nationality",
        as_user="liam",
    )
    assert transfer.returncode == 0, transfer.stderr

    states = dict(registry.sql("SELECT person_id, state FROM transfer_cases"))
    assert states == {"ve-001": "released", "sv-001": "died", "ve-002": "transferred"}
    ends = registry.sql(
        "SELECT person_id, kind, reason_code FROM operations_events "
        "WHERE kind IN ('released', 'died', 'transferred') ORDER BY id"
    )
    assert [tuple(e) for e in ends] == [
        ("ve-001", "released", "released_by_receiving_state"),
        ("sv-001", "died", "death_under_investigation"),
        ("ve-002", "transferred", "repatriated_to_nationality"),
    ]
    clean = registry.cli("reconcile", as_user="mona")
    assert clean.returncode == 0, clean.stdout
    assert "reconcile: clean" in clean.stdout

    # a facility count that disagrees is kept, flagged, and fails reconcile
    today = dt.datetime.now(dt.UTC).date().isoformat()
    wrong = run_cli(
        registry, "census", "report", "CECOT", "--date", today, "--count", "1", as_user="liam"
    )
    assert wrong.returncode == 0, wrong.stderr
    assert "reported 1, registry 0  MISMATCH" in wrong.stdout
    failing = run_cli(registry, "reconcile", as_user="mona")
    assert failing.returncode == 1
    assert "census_mismatch" in failing.stdout
    assert f"{today}: reported 1, handovers minus exits 0" in failing.stdout


RELEASE = ["custody", "release", "ve-001", "--reason", "sentence_completed"]
REFUSALS = [
    ("liam", ["handover", "confirm", MISSION, "ve-001", "--at", "16 March"], "expected an ISO"),
    ("liam", ["handover", "confirm", MISSION, "ve-002", "ve-002"], "named twice|is in_custody"),
    ("liam", ["handover", "confirm", "GST-9", "ve-001"], "no mission 'GST-9'"),
    ("lara", ["handover", "confirm", MISSION, "ve-001"], "lara"),
    ("ana", ["handover", "confirm", MISSION, "ve-001"], "may not"),
    ("mona", ["handover", "close", MISSION], "may not"),
    (
        "liam",
        ["incidents", "resolve", "9", "--reason", "received_late", "--note", "x"],
        "no incident 9",
    ),
    ("liam", ["census", "report", "CECOT", "--date", "2025-03-16", "--count", "-1"], "negative"),
    ("liam", ["census", "report", "CECOT", "--date", "2099-01-01", "--count", "0"], "has begun"),
    ("liam", ["census", "report", "CECOT", "--date", "16/03/2025", "--count", "0"], "YYYY-MM-DD"),
    ("liam", ["census", "report", "NOPE", "--date", "2025-03-16", "--count", "0"], "NOPE"),
    ("lara", ["census", "report", "CECOT", "--date", "2025-03-16", "--count", "0"], "lara"),
    ("liam", ["custody", "release", "ve-001", "--reason", "freed"], "--reason 'freed'"),
    ("liam", ["custody", "release", "nobody", "--reason", "sentence_completed"], "not in custody"),
    ("liam", ["custody", "death", "ve-001", "--reason", "sentence_completed"], "does not fit"),
    (
        "liam",
        ["custody", "release", "ve-001", "--reason", "sentence_completed", "--at", "x"],
        "ISO",
    ),
    ("mona", ["custody", "release", "ve-001", "--reason", "sentence_completed"], "may not"),
    ("lara", ["custody", "release", "ve-001", "--reason", "sentence_completed"], "lara"),
    (
        "liam",
        [*RELEASE, "--at", "2099-01-01T00:00:00+00:00"],
        "not in the future",
    ),
    (  # a release dated before the handover would make the census of the days between wrong
        "liam",
        [*RELEASE, "--at", "2020-01-01T00:00:00+00:00"],
        "before the handover into custody",
    ),
]


@pytest.fixture
def held(registry: Registry) -> Registry:
    """ve-001 and sv-001 received at CECOT; ve-002 departed and not yet handed over;
    lara, a receiving liaison assigned to no facility."""
    departed_mission(registry, [venezuelan(1), venezuelan(2), salvadoran(1)], mission=MISSION)
    assert (
        run_cli(
            registry, "users", "add", "lara", "--role", "receiving_liaison", as_user="root"
        ).returncode
        == 0
    )
    registry.token("lara")  # her own, as after her enrolment
    received = run_cli(registry, "handover", "confirm", MISSION, "ve-001", "sv-001", as_user="liam")
    assert received.returncode == 0, received.stderr
    return registry


def test_custody_refusals_are_one_line_exit_2_and_write_nothing(held: Registry) -> None:
    before = snapshot(held)
    for user, args, message in REFUSALS:
        result = run_cli(held, *args, as_user=user)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert re.search(message, result.stderr), (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert snapshot(held) == before, args
    # the incident a resolution needs exists only after the close; resolving twice is refused
    assert run_cli(held, "handover", "close", MISSION, as_user="liam").returncode == 1
    resolve = ["incidents", "resolve", "1", "--reason", "returned_on_board", "--note"]
    assert run_cli(held, *resolve, " ", as_user="liam").returncode == 2
    assert run_cli(held, *resolve, "came back on the aircraft", as_user="liam").returncode == 0
    before = snapshot(held)
    again = run_cli(held, *resolve, "again", as_user="liam")
    assert again.returncode == 2
    assert "incident 1 is resolved (returned_on_board): cannot resolve again" in again.stderr
    assert snapshot(held) == before
