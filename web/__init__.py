"""The web site and SPARQL service of the knowledge graph (Flask application factory)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from kg import config
from kg.config import Settings
from kg.store import Store, open_store


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
) -> Flask:
    """Create the Flask app; ``settings`` and ``store`` are passed in, never module globals."""
    app = Flask(__name__)
    settings = settings or config.load()
    app.config.from_mapping(MAX_CONTENT_LENGTH=settings.max_body, JSON_SORT_KEYS=False)
    if test_config:
        app.config.update(test_config)
    app.extensions["kg.settings"] = settings
    app.extensions["kg.store"] = store or open_store(settings)

    from web import catalogue, downloads, errors, health, i18n, named, pages, sparql

    i18n.init(app)
    pages.register(app)
    errors.register(app)
    sparql.register(app)
    named.register(app)
    downloads.register(app)
    catalogue.register(app)
    health.register(app)
    return app
