"""The decision engine: compile the rules once, decide for one person or screen a docket."""

from accord.engine.decision import Decision, RuleResult, decide_all, decide_facts, decide_person
from accord.engine.person_facts import PersonFacts
from accord.engine.request import DecisionRequest
from accord.engine.screen import ScreenSummary, screen_docket, screen_table
from accord.engine.store import FactStore

__all__ = [
    "Decision",
    "DecisionRequest",
    "FactStore",
    "PersonFacts",
    "RuleResult",
    "ScreenSummary",
    "decide_all",
    "decide_facts",
    "decide_person",
    "screen_docket",
    "screen_table",
]
