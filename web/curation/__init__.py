"""Curating in the browser (issue 14): sign-in, forms, proposals, review, history, import.

Reading stays open to everyone; every write needs a signed-in account with a role
(:mod:`kg.curation.accounts`). Sessions are Flask's signed cookie, keyed with the secret that
all web workers share (``secret_key`` in ``curation_dir``); every POST carries a CSRF token
(Flask-WTF), except the public, read-only POST routes of the SPARQL protocol and the catalogue
upload, which change nothing and are used by tools without a session.
"""

from __future__ import annotations

import logging
import os

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from kg.config import Settings
from kg.curation.db import secret_key

log = logging.getLogger(__name__)

#: Public POST routes that change nothing: the SPARQL protocol and the catalogue upload.
CSRF_EXEMPT = ("web.sparql.endpoint", "web.pages.possible")


def _key(settings: Settings) -> bytes:
    """The shared key; on a read-only project a key of this process (reading still works,
    and sign-ins last as long as the process, with one worker)."""
    try:
        return secret_key(settings)
    except OSError as exc:
        log.warning(
            "no shared session key in %s (%s): sessions end with this process",
            settings.curation_dir,
            exc,
        )
        return os.urandom(32)


def register(app: Flask) -> None:
    """Sessions, CSRF protection, the login rate limit and the curation pages."""
    from web.curation import auth, editor, history, labels, review, sheets

    settings: Settings = app.extensions["kg.settings"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _key(settings)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SECURE", settings.site_url.startswith("https:"))
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    csrf = CSRFProtect(app)
    for view in CSRF_EXEMPT:
        csrf.exempt(view)
    for module in (auth, editor, review, history, sheets):
        app.register_blueprint(module.bp)
    auth.init(app)
    labels.register(app)
