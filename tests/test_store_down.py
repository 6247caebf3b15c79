"""When the SPARQL server goes away — even in the middle of a request — the site answers 503
with a retry hint and no stack trace, and recovers by itself when the server is back."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import OxigraphServer, serve_app

from kg import config
from kg.build.pipeline import build
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/usecase/berlin-giess-den-kiez.html"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Set when the slow page sends its query to the server.
SLOW_SENT = threading.Event()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    srv = OxigraphServer(tmp_path_factory.mktemp("down") / "data").start()
    try:
        build(config.load({}, project=ROOT, store=srv.url))
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def site(server: OxigraphServer) -> Iterator[str]:
    settings = config.load({}, project=ROOT, store=server.url, store_retries=1, store_timeout=20.0)
    app = create_app({"TESTING": True}, settings=settings)

    def slow() -> str:  # a page whose query is still running when the server dies
        SLOW_SENT.set()
        app.extensions["kg.store"].select(SLOW)
        return "finished"

    app.add_url_rule("/test/slow", "slow", slow)
    with serve_app(app) as url:
        yield url


def get(url: str, accept: str = "text/html") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def assert_unavailable(answer: tuple[int, dict[str, str], str]) -> None:
    status, headers, body = answer
    assert status == 503, body[:500]
    assert int(headers["Retry-After"]) > 0
    assert "Traceback" not in body and 'File "' not in body


def test_store_down_gives_503_and_recovers(server: OxigraphServer, site: str) -> None:
    assert get(site + PAGE)[0] == 200
    status, _, body = get(site + "/health", "application/json")
    assert status == 200 and '"status":"ok"' in body.replace(" ", "")

    answers: list[tuple[int, dict[str, str], str]] = []
    request = threading.Thread(target=lambda: answers.append(get(site + "/test/slow")))
    request.start()
    assert SLOW_SENT.wait(timeout=120), "the slow page never queried the store"
    time.sleep(0.2)  # the query reaches the server; killed before, the answer is the same 503
    server.kill()
    request.join(timeout=60)
    assert answers, "the request in flight never got an answer"
    assert_unavailable(answers[0])
    assert "Service Unavailable" in answers[0][2]

    time.sleep(1.1)  # past the store's one-second cache of the release metadata (a wait, no window)
    assert_unavailable(get(site + PAGE))
    assert_unavailable(get(site + "/"))
    assert_unavailable(get(site + "/health", "application/json"))
    assert_unavailable(get(site + "/sparql?query=ASK%7B%7D", "application/sparql-results+json"))

    server.start()
    deadline = time.monotonic() + 180  # generous: a loaded machine restarts the server slowly
    while get(site + "/health", "application/json")[0] != 200:
        assert time.monotonic() < deadline, "the site did not recover"
        time.sleep(0.2)
    status, _, body = get(site + PAGE)
    assert status == 200 and "<html" in body.lower()
    assert get(site + "/")[0] == 200
    status, _, body = get(site + "/sparql?query=ASK%7B%7D", "application/sparql-results+json")
    assert status == 200 and "true" in body
