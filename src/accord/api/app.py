"""`create_app(settings)`: the FastAPI application, built on demand (nothing at import time).

Routers live beside their domain (`accord/<domain>/views*.py`) and are
included here under /api/v1, one line each; the login page is at /login.
OpenAPI 3.1 is served at /openapi.json and the interactive docs at /docs.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib.resources import files

import anyio.to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp

import accord
from accord.api import login, problems
from accord.api.auth_budget import AuthBudget
from accord.api.body_limits import BodyLimits
from accord.api.deps import AppState, route_permissions
from accord.api.headers import SecurityHeaders, install_docs
from accord.api.security import AuthCache, SessionCodec
from accord.api.settings import ApiSettings
from accord.auth import Permission
from accord.db import ensure_ready, make_engine

API_PREFIX = "/api/v1"
# reachable without logging in; every other route declares its permission
# no credential: the docs, the login form, and enrolment (whose code is the credential)
PUBLIC_PATHS = frozenset(
    {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/login", f"{API_PREFIX}/enrol"}
)


def create_app(settings: ApiSettings, *, engine: Engine | None = None) -> FastAPI:
    """The application for `settings`; pass `engine` to share one (tests, benchmarks)."""
    from accord.auth import views as auth_views
    from accord.billing import views as billing_views
    from accord.dashboard import views as dashboard_views
    from accord.dashboard import views_admin, views_impact, views_liaison, views_publish
    from accord.dashboard import views_law as dashboard_law
    from accord.dashboard.pages import not_found as dashboard_not_found
    from accord.decisions import views as decisions_views
    from accord.impact import views as impact_views
    from accord.law_entries import views as law_entries_views
    from accord.operations import views as operations_views
    from accord.operations import views_care, views_missions
    from accord.operations import views_documents as operations_documents
    from accord.publish import views as publish_views
    from accord.registry import views as registry_views
    from accord.simulation import views as simulation_views

    if engine is None:
        # a connection for each thread that works at once, and as many again for a
        # thread that opens a second session within the first (rare: never churned)
        engine = make_engine(
            settings.database_url,
            pool_size=settings.db_threads,
            max_overflow=settings.db_threads,
        )
    ensure_ready(engine)
    auth_budget = AuthBudget(
        failures_per_address=settings.auth_failures_per_address,
        failures_per_key=settings.auth_failures_per_key,
        window_s=settings.auth_failure_window_s,
        size=settings.auth_budget_size,
        verify_threads=settings.verify_threads,
        verify_queue=settings.verify_queue,
        lookup_queue=settings.lookup_queue,
    )
    app = _AccordApp(
        lifespan=_worker_lifespan(settings.db_threads, auth_budget),
        title="Accord",
        version=getattr(accord, "__version__", "0.1.0"),
        summary="System of record for international removal and prisoner-transfer agreements",
        openapi_url="/openapi.json",
        docs_url=None,  # install_docs: the same Swagger UI, its inline script by CSP nonce
        redoc_url=None,
    )
    install_docs(app, docs_url="/docs", openapi_url="/openapi.json")
    app.always_secure_cookies = settings.cookie_secure
    app.state.accord = AppState(
        settings=settings,
        engine=engine,
        auth_cache=AuthCache(ttl_s=settings.auth_cache_ttl_s, size=settings.auth_cache_size),
        auth_budget=auth_budget,
        sessions=SessionCodec(
            settings.secret_key.get_secret_value(), max_age_s=settings.session_max_age_s
        ),
        templates=Jinja2Templates(directory=str(files("accord.api") / "templates")),
    )
    problems.install(app)
    app.add_exception_handler(StarletteHTTPException, dashboard_not_found)  # 404: a page
    app.add_middleware(BodyLimits)  # authentication, then a capped body, before any read
    app.include_router(login.router)
    app.include_router(registry_views.router, prefix=API_PREFIX)
    app.include_router(auth_views.router, prefix=API_PREFIX)
    app.include_router(decisions_views.router, prefix=API_PREFIX)
    app.include_router(operations_views.router, prefix=API_PREFIX)
    app.include_router(views_missions.router, prefix=API_PREFIX)
    app.include_router(operations_documents.router, prefix=API_PREFIX)
    app.include_router(views_care.router, prefix=API_PREFIX)
    app.include_router(simulation_views.router, prefix=API_PREFIX)
    app.include_router(dashboard_views.router)
    app.include_router(billing_views.router, prefix=API_PREFIX)
    app.include_router(impact_views.router, prefix=API_PREFIX)
    app.include_router(views_impact.router)
    app.include_router(law_entries_views.router, prefix=API_PREFIX)
    app.include_router(dashboard_law.router)
    app.include_router(publish_views.router, prefix=API_PREFIX)
    app.include_router(views_publish.router)
    app.include_router(views_liaison.router)
    app.include_router(views_admin.router)
    return app


class _AccordApp(FastAPI):
    """FastAPI with SecurityHeaders outermost: CSP, frame, sniffing and referrer headers
    (and Secure cookies over TLS) on every response, the 500s of ServerErrorMiddleware
    (outside every middleware that add_middleware installs) included."""

    always_secure_cookies = False

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(
            super().build_middleware_stack(), always_secure_cookies=self.always_secure_cookies
        )


def _worker_lifespan(
    threads: int, auth_budget: AuthBudget
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """What a worker process sets up once it runs.

    Its thread pool (sync routes, run_in_threadpool) gets `threads` threads: anyio's
    default of 40 would let 40 requests of one worker work at once, each with a
    connection, on two cores that serve a handful. And everything built so far is
    frozen out of the garbage collector's sight: a full collection walked the 230,000
    objects of the imported libraries and the app, 100 ms during which every request
    of the worker waited (the largest part of the API's p99); frozen, it takes 5 ms.
    """

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # so that they are freed at exit like everything else
            auth_budget.close()  # its argon2 threads

    return lifespan


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory` (each worker process builds its own app from ACCORD_*)."""
    return create_app(ApiSettings.from_env())


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    permissions: tuple[Permission, ...] | None  # None: the route declared none
    route: APIRoute | None  # None: not a FastAPI route (docs, static)


def route_table(app: FastAPI) -> list[RouteInfo]:
    """Every route of the app (included routers flattened) with its declared permissions."""
    table = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        api_route = route if isinstance(route, APIRoute) else None
        table.append(
            RouteInfo(
                path=str(context.path),
                methods=frozenset(context.methods or ()),
                permissions=route_permissions(api_route) if api_route is not None else None,
                route=api_route,
            )
        )
    return table
