"""Every role against every route: allowed or 403, as each route declares; 401 without a token.

The routes are enumerated from the app, so a new route fails here until it declares its
permission and is added to EXPECTED.
"""

from __future__ import annotations

import re

from accord.api.app import API_PREFIX, PUBLIC_PATHS, route_table
from accord.auth import GRANTS, Permission

from .conftest import Api

P = Permission
AUTHENTICATED: tuple[Permission, ...] = ()
EXPECTED: dict[tuple[str, str], tuple[Permission, ...]] = {
    ("POST", "/logout"): AUTHENTICATED,
    ("GET", "/me"): AUTHENTICATED,
    ("GET", "/persons"): (P.FACTS_READ, P.FACTS_READ_MASKED),
    ("GET", "/persons/{person_id}/case-file"): (P.FACTS_READ,),
    ("GET", "/persons/{person_id}/history"): (P.FACTS_READ,),
    ("PUT", "/persons/{person_id}/case-file"): (P.FACTS_WRITE,),
    ("PUT", "/persons/{person_id}/facts/{list_name}"): (P.FACTS_WRITE,),
    ("POST", "/persons/{person_id}/facts/{list_name}/retract"): (P.FACTS_WRITE,),
    ("POST", "/imports"): (P.FACTS_WRITE,),
    ("GET", "/users"): (P.USERS_READ,),
    ("POST", "/users"): (P.USERS_MANAGE,),
    ("POST", "/users/{name}/tokens"): AUTHENTICATED,  # only ever for oneself
    ("PUT", "/users/{name}/role"): (P.USERS_MANAGE,),
    ("POST", "/tokens/{key_id}/revoke"): AUTHENTICATED,  # one's own, or any as an admin
    ("GET", "/audit/verify"): (P.AUDIT_VERIFY,),
    ("POST", "/decisions"): (P.DECISIONS_RECORD,),
    ("POST", "/decisions/explain"): (P.FACTS_READ,),
    ("GET", "/decisions"): (P.DECISIONS_READ,),
    ("GET", "/decisions/{decision_id}"): (P.DECISIONS_READ,),
    ("POST", "/decisions/{decision_id}/replay"): (P.DECISIONS_READ,),
    ("POST", "/cases"): (P.OPS_NOMINATE,),
    ("GET", "/cases"): (P.OPS_READ,),
    ("GET", "/cases/{case_id}"): (P.OPS_READ,),
    ("POST", "/cases/{case_id}/review"): (P.OPS_REVIEW,),
    ("POST", "/cases/notices"): (P.OPS_NOTICE,),
    ("POST", "/cases/{case_id}/notice/confirm"): (P.OPS_REVIEW,),
    ("POST", "/cases/{case_id}/withdraw"): (P.OPS_NOMINATE,),
    ("GET", "/incidents"): (P.OPS_READ, P.OPS_INCIDENTS),
    ("POST", "/incidents/{incident_id}/resolve"): (P.OPS_INCIDENTS,),
    ("POST", "/incidents/{incident_id}/observations"): (P.OPS_OBSERVE,),
    ("GET", "/incidents/{incident_id}/observations"): (P.OPS_READ, P.OPS_INCIDENTS),
    ("GET", "/reconcile"): (P.OPS_READ,),
    ("POST", "/missions"): (P.OPS_MISSIONS,),
    ("GET", "/missions/{number}"): (P.OPS_READ,),
    ("POST", "/missions/{number}/cases"): (P.OPS_MISSIONS,),
    ("POST", "/missions/{number}/check"): (P.OPS_MISSIONS,),
    ("POST", "/missions/{number}/depart"): (P.OPS_MISSIONS,),
    ("POST", "/missions/{number}/cancel"): (P.OPS_MISSIONS,),
    ("GET", "/missions/{number}/manifest"): (P.OPS_READ,),
    ("GET", "/missions/{number}/manifest.pdf"): (P.OPS_READ,),
    ("GET", "/missions/{number}/manifest.html"): (P.OPS_READ,),
    ("GET", "/missions/{number}/cases/{case_id}/escort.pdf"): (P.OPS_READ,),
    ("GET", "/missions/{number}/cases/{case_id}/escort.html"): (P.OPS_READ,),
    ("POST", "/missions/{number}/handover"): (P.OPS_HANDOVER,),
    ("POST", "/missions/{number}/handover/close"): (P.OPS_HANDOVER,),
    ("POST", "/custody/{person_id}/end"): (P.OPS_CUSTODY,),
    ("POST", "/census"): (P.OPS_CENSUS,),
    ("POST", "/returns"): (P.OPS_RETURNS,),
    ("POST", "/returns/{return_id}/updates"): (P.OPS_RETURNS,),
    ("GET", "/consular-tasks"): (P.OPS_READ, P.OPS_CONSULAR),
    ("POST", "/consular-tasks/{task_id}/complete"): (P.OPS_CONSULAR,),
    ("POST", "/counsel-access"): (P.OPS_COUNSEL,),
    ("POST", "/visits"): (P.OPS_VISITS,),
    ("POST", "/liaisons"): (P.OPS_LIAISONS,),
    ("POST", "/simulations"): (P.FACTS_READ_MASKED, P.FACTS_READ),
    ("POST", "/invoices"): (P.BILLING_ISSUE,),
    ("GET", "/invoices/preview"): (P.BILLING_READ,),
    ("GET", "/invoices"): (P.BILLING_READ,),
    ("GET", "/invoices/{invoice_id}"): (P.BILLING_READ,),
    ("GET", "/billing/reconcile"): (P.BILLING_READ,),
    ("POST", "/invoices/{invoice_id}/credit-notes"): (P.BILLING_ISSUE,),
    ("GET", "/impact/entries/{entry_id}"): (P.FACTS_READ,),
    ("GET", "/impact/orders/{order_id}"): (P.FACTS_READ,),
    ("POST", "/impact"): (P.FACTS_READ,),
    ("POST", "/law/entries"): (P.LAW_ORDERS, P.LAW_TERMS),  # the service checks the kind's
    ("GET", "/law/entries"): (P.LAW_READ,),
    ("GET", "/law/entries/{entry_id}"): (P.LAW_READ,),
    ("GET", "/law/entries/{entry_id}/document"): (P.LAW_READ,),
    ("GET", "/publish"): (P.OPS_READ,),
    ("GET", "/publish/report.zip"): (P.OPS_READ,),
}
USERS = {"root": "admin", "olivia": "officer", "lena": "legal_reviewer"}
USERS |= {"liam": "receiving_liaison", "mona": "monitor", "ana": "analyst"}
DENIED = {"permission_denied"}


def _short(path: str) -> str:
    return path.removeprefix(API_PREFIX)


def _concrete(path: str) -> str:
    """A path with every parameter filled: ids that exist nowhere, names that match no one."""
    filled = re.sub(r"\{[a-z_]*_id\}", "999999", path.replace("{person_id}", "nobody-0"))
    filled = filled.replace("{list_name}", "stays")
    return re.sub(r"\{[a-z_]+\}", "none-such", filled)


def _routes(api: Api) -> list[tuple[str, str, tuple[Permission, ...] | None]]:
    rows = []
    for info in route_table(api.app):
        if info.path in PUBLIC_PATHS or info.route is None:  # docs, static files
            continue
        for method in sorted(info.methods - {"HEAD"}):
            rows.append((method, info.path, info.permissions))
    return rows


def test_every_route_declares_the_expected_permission(api: Api) -> None:
    routes = _routes(api)
    undeclared = sorted((m, p) for m, p, perms in routes if perms is None)
    assert not undeclared, f"routes without a declared permission: {undeclared}"
    api_routes = {
        (m, _short(p)): perms
        for m, p, perms in routes
        if p.startswith(API_PREFIX) or p == "/logout"
    }
    assert api_routes == EXPECTED
    assert set(USERS.values()) == set(GRANTS)


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == "/logout"


def test_every_role_against_every_route(api: Api) -> None:
    """API routes: 401 problem with WWW-Authenticate, 403 problem permission_denied.
    Dashboard pages: anonymous is sent to /login (303) or refused 401; denied is 403."""
    failures = []
    for method, path, perms in _routes(api):
        assert perms is not None
        url, strict = _concrete(path), _is_api(path)
        body = {"json": {}} if method in ("POST", "PUT") else {}
        anonymous = api.client.request(method, url, **body)
        to_login = anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
        bearer = "Bearer" in anonymous.headers.get("www-authenticate", "")
        if not ((anonymous.status_code == 401 and bearer) or (to_login and not strict)):
            failures.append(f"anonymous {method} {path}: {anonymous.status_code}")
        for name, role in USERS.items():
            allowed = not perms or any(p in GRANTS[role] for p in perms)
            response = api.call(name, method, url, **body)
            problem = response.headers.get("content-type", "").startswith("application/problem")
            code = response.json()["code"] if problem else None
            denied = response.status_code == 403 and (code in DENIED or not strict)
            if allowed == denied or response.status_code in (401, 500):
                failures.append(
                    f"{role} {method} {path}: {response.status_code} {code} "
                    f"(expected {'allowed' if allowed else 'denied'})"
                )
    assert not failures, "\n".join(failures)
