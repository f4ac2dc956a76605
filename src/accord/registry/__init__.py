"""The facts registry: facts kept bitemporally with their sources.

Imports and corrections (service), reads of a person's case file and of the
docket (reads), the fact tables (models) and their encoding (codec). The
functions re-exported here are the registry's public API; each takes an
explicit session. Its HTTP routes are in registry/views.py.
"""

from accord.registry.codec import (
    case_files_from_tables,
    case_rows,
    content_digest,
    without_null_v2_fields,
)
from accord.registry.models import FACT_MODELS, PERSON_ID_LENGTH, FactVersion, Person
from accord.registry.reads import (
    AsKnownOn,
    docket_fact_tables,
    known_cutoff,
    person_case_file,
    person_case_read,
    person_fact_tables,
    person_history,
    persons_nationalities,
    registry_counts,
)
from accord.registry.service import (
    PreparedImport,
    import_case_files,
    read_import_file,
    record_case_file,
    record_list,
    retract_list,
)

__all__ = [
    "FACT_MODELS",
    "PERSON_ID_LENGTH",
    "AsKnownOn",
    "FactVersion",
    "Person",
    "PreparedImport",
    "case_files_from_tables",
    "case_rows",
    "content_digest",
    "docket_fact_tables",
    "import_case_files",
    "known_cutoff",
    "person_case_file",
    "person_case_read",
    "person_fact_tables",
    "person_history",
    "persons_nationalities",
    "read_import_file",
    "record_case_file",
    "record_list",
    "registry_counts",
    "retract_list",
    "without_null_v2_fields",
]
