"""Users, roles and permissions, API tokens, and the masking of person ids.

Every write here is audited in the chain (accord.db); the names re-exported
here are what the rest of Accord uses.
"""

from accord.auth.models import ApiToken, User
from accord.auth.users import (
    GRANTS,
    ROLES,
    Permission,
    VerifiedSecrets,
    add_user,
    authenticate_token,
    bootstrap_admin,
    can,
    get_user,
    issue_token,
    list_users,
    mask_fact_tables,
    mask_person_id,
    require_permission,
)

__all__ = [
    "GRANTS",
    "ROLES",
    "ApiToken",
    "Permission",
    "User",
    "VerifiedSecrets",
    "add_user",
    "authenticate_token",
    "bootstrap_admin",
    "can",
    "get_user",
    "issue_token",
    "list_users",
    "mask_fact_tables",
    "mask_person_id",
    "require_permission",
]
