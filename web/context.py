"""The collaborators create_app hangs on the application: settings and store."""

from __future__ import annotations

from typing import cast

from flask import current_app, g

from kg.config import Settings
from kg.store import Release, Store


def app_settings() -> Settings:
    return cast(Settings, current_app.extensions["kg.settings"])


def app_store() -> Store:
    return cast(Store, current_app.extensions["kg.store"])


def app_release() -> Release | None:
    """The release being served, asked once per request: per-release caches consult it many
    times a page, and asking the store is not free (it reads the release's metadata)."""
    if "kg_release" not in g:
        g.kg_release = app_store().release()
    return cast("Release | None", g.kg_release)
