"""The registry: facts kept bitemporally with their sources, users and roles, an audit chain.

Storage is SQLAlchemy 2 with Alembic migrations (`accord init`); a SQLite file
by default, PostgreSQL with ACCORD_DATABASE_URL. The functions re-exported
here are the registry's public API; each takes an explicit session.
"""

from accord.registry.audit import ChainVerification, append_audit, export_bundle, verify_chain
from accord.registry.db import (
    engine_from_settings,
    ensure_ready,
    make_engine,
    read_session,
    upgrade_database,
    write_session,
)
from accord.registry.reads import (
    docket_fact_tables,
    known_cutoff,
    person_case_file,
    person_fact_tables,
    person_history,
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
from accord.registry.settings import RegistrySettings
from accord.registry.users import (
    ROLES,
    Permission,
    add_user,
    authenticate_token,
    bootstrap_admin,
    get_user,
    issue_token,
    list_users,
    mask_fact_tables,
    mask_person_id,
    require_permission,
)

__all__ = [
    "ROLES",
    "ChainVerification",
    "Permission",
    "PreparedImport",
    "RegistrySettings",
    "add_user",
    "append_audit",
    "authenticate_token",
    "bootstrap_admin",
    "docket_fact_tables",
    "engine_from_settings",
    "ensure_ready",
    "export_bundle",
    "get_user",
    "import_case_files",
    "issue_token",
    "known_cutoff",
    "list_users",
    "make_engine",
    "mask_fact_tables",
    "mask_person_id",
    "person_case_file",
    "person_fact_tables",
    "person_history",
    "read_import_file",
    "read_session",
    "record_case_file",
    "record_list",
    "registry_counts",
    "require_permission",
    "retract_list",
    "upgrade_database",
    "verify_chain",
    "write_session",
]
