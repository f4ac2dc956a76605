"""Decisions from the registry, stored as decision records that can be replayed.

A decision record keeps everything needed to reproduce it: the request, the
record time the facts were read as of, a digest of those facts, the ruleset
hash, the agreement's version and digest, the parameter versions, the outcome
and the full explanation. `replay_decision` decides again from the same
inputs and says whether, and where, the result differs.
"""

from accord.decisions.models import DecisionRecord
from accord.decisions.service import (
    Replay,
    decide_from_registry,
    facts_digest,
    get_decision_record,
    list_decision_records,
    replay_decision,
)

__all__ = [
    "DecisionRecord",
    "Replay",
    "decide_from_registry",
    "facts_digest",
    "get_decision_record",
    "list_decision_records",
    "replay_decision",
]
