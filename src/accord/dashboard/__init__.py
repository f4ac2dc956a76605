"""The web dashboard (issue 6, item 3): server-rendered pages over the same services as the CLI.

`views.router` is included by `accord.api.create_app`; it logs in through the
API's /login (session cookie) and declares each page's permission with the
API's `require`. Pages render Jinja2 templates from `templates/`; forms post
with the session's CSRF token and redirect back (POST-redirect-GET). No
JavaScript is needed.
"""
