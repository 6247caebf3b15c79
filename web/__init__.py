"""The web site and SPARQL service of the knowledge graph (Flask application factory)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from kg import config
from kg.config import Settings
from kg.store import Store, open_store


class Site(Flask):
    """Flask, with the path of a failed request escaped in the log (it is the visitor's text:
    a line break in it must not start a forged log line)."""

    def log_exception(self, exc_info) -> None:  # type: ignore[no-untyped-def]
        from flask import request

        from web.logs import printable

        self.logger.error(
            "Exception on %s [%s]", printable(request.path), printable(request.method),
            exc_info=exc_info,
        )  # fmt: skip


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
) -> Flask:
    """Create the Flask app; ``settings`` and ``store`` are passed in, never module globals."""
    app = Site(__name__)
    settings = settings or config.load()
    app.config.from_mapping(MAX_CONTENT_LENGTH=settings.max_body, JSON_SORT_KEYS=False)
    if test_config:
        app.config.update(test_config)
    app.extensions["kg.settings"] = settings
    app.extensions["kg.store"] = store or open_store(settings)

    from web import (
        catalogue,
        curation,
        delivery,
        downloads,
        errors,
        gaiax,
        headers,
        health,
        i18n,
        named,
        orientation,
        pages,
        placemap,
        sparql,
    )
    from web.publicurl import PublicURL

    app.wsgi_app = PublicURL(app.wsgi_app, settings.site_url)  # type: ignore[method-assign]
    delivery.register(app)  # first registered, last run: compresses the final answer
    headers.register(app)
    i18n.init(app)
    pages.register(app)
    orientation.register(app)
    placemap.register(app)
    errors.register(app)
    sparql.register(app)
    named.register(app)
    downloads.register(app)
    catalogue.register(app)
    gaiax.register(app)
    health.register(app)
    curation.register(app)
    return app
