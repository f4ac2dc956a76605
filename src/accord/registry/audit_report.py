"""`accord audit verify` in full: the chain, the checkpoints, and the rows it vouches for.

The chain walk (db/checkpoints.verify_against_checkpoints) proves the entries
are intact and extend every checkpoint given; then rows that name audit entries
past the head (db/audit_refs) and fact versions whose rows no longer match their
entries (fact_hashes) are reported. Any problem fails the verification.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from accord.db.audit_refs import RowsPastHead, rows_past_head
from accord.db.bundle.checkpoint_proof import Checkpoint
from accord.db.checkpoints import CheckedChain, verify_against_checkpoints
from accord.registry.fact_hashes import FactCheck, check_fact_versions

__all__ = ["AuditReport", "audit_report"]


@dataclass(frozen=True)
class AuditReport:
    checked: CheckedChain
    past_head: list[RowsPastHead]
    facts: FactCheck

    @property
    def intact(self) -> bool:
        return (
            self.checked.chain.intact
            and not self.checked.problems
            and not self.past_head
            and self.facts.intact
        )

    def problems(self) -> list[str]:
        """What is wrong, most fundamental first."""
        out = [] if self.checked.chain.intact else [self.checked.chain.message()]
        out += self.checked.problems
        out += [rows.message(self.checked.chain.head_seq) for rows in self.past_head]
        out += self.facts.problems
        hidden = self.facts.problem_count - len(self.facts.problems)
        if hidden > 0:
            out.append(f"... and {hidden} more fact version problem(s)")
        return out

    def summary(self) -> list[str]:
        """What was checked, when all is well."""
        checked = self.checked
        keys = ", ".join(sorted(k[:16] for k in checked.recorded_keys)) or "none"
        lines = [checked.chain.message()]
        if checked.held:
            held_keys = ", ".join(sorted(k[:16] for k in checked.held_keys))
            lines.append(f"extends all {checked.held} checkpoint(s) given (keys {held_keys})")
        lines.append(
            f"{checked.recorded} checkpoint(s) recorded in the chain verified (keys {keys})"
        )
        lines.append(
            f"{self.facts.versions:,} fact versions match their audit entries"
            + (
                f"; {self.facts.not_covered:,} older entries not covered (written before "
                "versions were hashed)"
                if self.facts.not_covered
                else ""
            )
        )
        lines.append("no rows name audit entries past the head")
        return lines


def audit_report(session: Session, checkpoints: Iterable[Checkpoint] = ()) -> AuditReport:
    checked = verify_against_checkpoints(session, checkpoints)
    return AuditReport(
        checked=checked,
        past_head=rows_past_head(session, checked.chain.head_seq),
        facts=check_fact_versions(session),
    )
