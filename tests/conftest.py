"""Shared fixtures: the shipped corpus built once into a temporary store, the Flask app, and
that app served over HTTP on a loopback port.

Two backends: the embedded store (a temporary folder) and a real Oxigraph server (PyPI package
``oxigraph``) on a free loopback port, one per session. ``built_settings``, ``store``, ``app``,
``client`` and ``live_server`` follow the ``backend`` fixture. A test (or a module, with
``pytestmark = pytest.mark.both_backends``) marked ``both_backends`` runs once per backend;
every other test runs on the backend named by ``KG_TEST_BACKEND`` (default ``embedded``), so
``KG_TEST_BACKEND=oxigraph-server pytest`` runs the whole suite against the server.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import OxigraphServer, free_port, serve_app

from kg import config
from kg.build.pipeline import build
from kg.config import Settings
from kg.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("embedded", "oxigraph-server")


def default_backend() -> str:
    backend = os.environ.get("KG_TEST_BACKEND", "embedded")
    if backend not in BACKENDS:
        raise pytest.UsageError(f"KG_TEST_BACKEND must be one of {BACKENDS}, not {backend!r}")
    return backend


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that (indirectly) uses ``backend`` gets it as a session-scoped parameter:
    both backends when marked ``both_backends``, else the default one (so one cached fixture
    per backend serves all tests)."""
    if "backend" not in metafunc.fixturenames:
        return
    both = metafunc.definition.get_closest_marker("both_backends") is not None
    params = list(BACKENDS) if both else [default_backend()]
    metafunc.parametrize("backend", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """``embedded`` or ``oxigraph-server``."""
    return getattr(request, "param", None) or default_backend()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One Oxigraph server per session, its data in a temporary folder; always stopped."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def embedded_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped corpus built into a temporary embedded store, once per session."""
    store_dir = tmp_path_factory.mktemp("store")
    settings = config.load({}, project=ROOT, store=str(store_dir))
    build(settings)
    return settings


@pytest.fixture(scope="session")
def remote_settings(oxigraph_server: OxigraphServer) -> Settings:
    """The shipped corpus built into the session's Oxigraph server (``kg build --store URL``)."""
    settings = config.load({}, project=ROOT, store=oxigraph_server.url)
    build(settings)
    return settings


@pytest.fixture(scope="session")
def built_settings(backend: str, request: pytest.FixtureRequest) -> Settings:
    """Settings whose store holds the shipped corpus, built once per test session (and backend)."""
    name = "remote_settings" if backend == "oxigraph-server" else "embedded_settings"
    return request.getfixturevalue(name)


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
def live_server(built_settings: Settings, store: Store) -> Iterator[str]:
    """The site served over HTTP on a free loopback port; yields its base URL, which is also the
    site's public URL (``KG_PUBLIC_URL``: the absolute URLs it sends point to it)."""
    from web import create_app

    port = free_port()
    settings = built_settings.replace(public_url=f"http://127.0.0.1:{port}/")
    app = create_app({"TESTING": True}, settings=settings, store=store)
    with serve_app(app, port=port) as url:
        yield url


# -- the small model-v2 project (tests/fixtures/v2) -----------------------------------------------
V2_FIXTURE = ROOT / "tests" / "fixtures" / "v2"


@pytest.fixture(scope="session")
def v2_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The v2 fixture project (its own use cases, the shipped ontology and named queries) built
    into a temporary embedded store, once per session."""
    project = tmp_path_factory.mktemp("v2-project")
    shutil.copytree(ROOT / "ontology", project / "ontology")
    shutil.copytree(ROOT / "queries", project / "queries")
    shutil.copytree(V2_FIXTURE / "usecases", project / "usecases")
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    return settings


@pytest.fixture(scope="session")
def v2_remote_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The v2 fixture project built into an Oxigraph server of its own (the session's server
    holds the shipped corpus)."""
    project = tmp_path_factory.mktemp("v2-remote-project")
    shutil.copytree(ROOT / "ontology", project / "ontology")
    shutil.copytree(ROOT / "queries", project / "queries")
    shutil.copytree(V2_FIXTURE / "usecases", project / "usecases")
    server = OxigraphServer(tmp_path_factory.mktemp("v2-oxigraph") / "data").start()
    try:
        settings = config.load({}, project=project, store=server.url)
        build(settings)
        yield settings
    finally:
        server.stop()


@pytest.fixture(scope="session")
def v2_store(v2_settings: Settings) -> Store:
    return open_store(v2_settings)


@pytest.fixture(scope="session")
def v2_app(v2_settings: Settings, v2_store: Store):
    from web import create_app

    return create_app({"TESTING": True}, settings=v2_settings, store=v2_store)


@pytest.fixture
def v2_client(v2_app):
    return v2_app.test_client()


@pytest.fixture(scope="session")
def v2_live_server(v2_app) -> Iterator[str]:
    """The v2 fixture project's app served over HTTP on a free loopback port."""
    with serve_app(v2_app) as url:
        yield url
