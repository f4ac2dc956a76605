"""Users, roles and permissions, API tokens, and (re-exported from
accord.facts.masking) the pseudonym of a person id.

Every write here is audited in the chain (accord.db); the names re-exported
here are what the rest of Accord uses.
"""

from accord.auth.models import ApiToken, Enrolment, LoginSession, User
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
    require_permission,
    token_credential,
)
from accord.facts.masking import mask_person_id  # used by the API, dashboard and CLI

__all__ = [
    "GRANTS",
    "ROLES",
    "ApiToken",
    "Enrolment",
    "LoginSession",
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
    "mask_person_id",
    "require_permission",
    "token_credential",
]
