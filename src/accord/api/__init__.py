"""The HTTP API (issue 6): app factory, settings, authentication, problem details.

    from accord.api import ApiSettings, create_app
    app = create_app(ApiSettings.from_env())

Routers live beside their domain as `views.py` (registry, decisions,
operations, simulation); this package holds what they share.
"""

from accord.api.app import API_PREFIX, create_app
from accord.api.settings import ApiSettings

__all__ = ["API_PREFIX", "ApiSettings", "create_app"]
