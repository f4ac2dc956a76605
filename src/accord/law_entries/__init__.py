"""Law entered in the registry: court orders and their events, law parameters' dated values
and agreement amendments, each with its source document (law/law_set.py applies them)."""

from accord.law_entries.service import (
    enter_law,
    get_law_entry,
    law_as_of_entries,
    list_law_entries,
    registry_law,
    with_registry_law,
)

__all__ = [
    "enter_law",
    "get_law_entry",
    "law_as_of_entries",
    "list_law_entries",
    "registry_law",
    "with_registry_law",
]
