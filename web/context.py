"""The collaborators create_app hangs on the application: settings and store."""

from __future__ import annotations

from typing import cast

from flask import current_app

from kg.config import Settings
from kg.store import Store


def app_settings() -> Settings:
    return cast(Settings, current_app.extensions["kg.settings"])


def app_store() -> Store:
    return cast(Store, current_app.extensions["kg.store"])
