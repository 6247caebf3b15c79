"""Shared fixtures: the shipped corpus built once into a temporary store, the Flask app, and
that app served over HTTP on a loopback port."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kg import config
from kg.build import build
from kg.config import Settings
from kg.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose store holds the shipped corpus, built once per test session."""
    store_dir = tmp_path_factory.mktemp("store")
    settings = config.load({}, project=ROOT, store=str(store_dir))
    build(settings)
    return settings


@pytest.fixture(scope="session")
def store(built_settings: Settings) -> Store:
    return open_store(built_settings)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A private copy of the project's data folders, free to break."""
    for name in ("ontology", "usecases", "queries"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def project_settings(project_copy: Path) -> Settings:
    return config.load({}, project=project_copy, store=str(project_copy / "var" / "store"))


@pytest.fixture(scope="session")
def app(built_settings: Settings, store: Store):
    from web import create_app

    return create_app({"TESTING": True}, settings=built_settings, store=store)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app served over HTTP on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
