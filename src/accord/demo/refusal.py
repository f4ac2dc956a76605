"""The demo's refused nomination: a U.S. citizen (who is also Salvadoran) among the bundled
synthetic case files is put forward for CECOT, and the workflow refuses before any case
exists, with every failed rule and its citation, as `accord nominate` prints it.

The refusal is on the record: its decision record and an `operations.nomination_refused`
audit entry are committed (operations/nomination.py); no transfer case is made.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from accord.auth import User
from accord.operations.nomination import Nomination

REFUSED_PERSON = "demo-070-us-citizen-dual-sv"  # a U.S. citizen holding SV nationality too


def _synthetic_case(person_id: str) -> dict[str, object]:
    text = (resources.files("accord.demo") / "synthetic_cases.jsonl").read_text("utf-8")
    for line in text.splitlines():
        record = json.loads(line)
        if record["person_id"] == person_id:
            return dict(record)
    raise LookupError(f"{person_id} is not among the demo's synthetic case files")


def attempt_refused_nomination(
    engine: Engine,
    *,
    actor: User,
    agreement: dict[str, str],
    facility: str,
    console: Console,
    now: dt.datetime,
) -> Nomination:
    """Import REFUSED_PERSON's synthetic case file and nominate them: refused. Prints the
    refusal as the CLI does (`accord: error: ...`, exit 2) and a table of the failed rules."""
    from accord.casefile.models import CaseFile
    from accord.db import write_session
    from accord.operations.nomination import nominate_with_decision
    from accord.registry import import_case_files

    with write_session(engine) as s:
        import_case_files(
            s,
            actor=actor,
            cases=[CaseFile.model_validate(_synthetic_case(REFUSED_PERSON))],
            source_document="synthetic_cases.jsonl (fictional demo case files)",
            valid_from=dt.date(2025, 3, 1),
            now=now,
        )
        done = nominate_with_decision(
            s,
            actor=actor,
            person_id=REFUSED_PERSON,
            facility=facility,
            now=now,
            **agreement,
        )
    # committed: the refused decision record and its audit entry are kept
    assert done.refused, f"{REFUSED_PERSON} was nominated: the demo expected a refusal"
    console.print(
        f"{actor.name} tries to nominate {REFUSED_PERSON} (from the synthetic case files) for "
        f"{facility}:",
        highlight=False,
    )
    command = (
        f"$ accord nominate {REFUSED_PERSON} --agreement {agreement['agreement']} "
        f"--pathway {agreement['pathway']} --destination {agreement['destination']} "
        f"--facility {facility}"
    )
    console.print(command, highlight=False, markup=False)
    console.print(f"accord: error: {done.refusal_message()}", highlight=False, markup=False)
    table = Table(title=f"Refused: {REFUSED_PERSON} (no case made; exit status 2)")
    for column in ("rule", "title", "citations", "facts behind it"):
        table.add_column(column, overflow="fold")
    for rule in done.blocking:
        table.add_row(
            rule.rule,
            rule.title,
            "; ".join(rule.citations) or "agreement term",
            "; ".join(rule.facts) or "-",
        )
    console.print(table)
    return done
