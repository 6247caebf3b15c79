"""The documented production setup (gunicorn with ./gunicorn.conf.py) keeps serving pages while
every query worker is busy with a slow query and slow clients hold connections open; and what
only a real HTTP server shows: one ``Date`` header, the security headers on its answers.

With the sync workers of before, two slow queries (one per web worker) stopped the whole site
until their deadline; threaded workers (gthread, ``KG_WEB_THREADS``) serve pages meanwhile.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from servers import free_port

from kg.config import Settings

ROOT = Path(__file__).resolve().parent.parent
#: Three copies of the whole graph joined: runs into any deadline.
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Long enough that the slow queries are surely still running while the page is fetched.
QUERY_DEADLINE = 30
#: A generous bound for one page view on a shared machine; the figure itself is reported.
PAGE_DEADLINE = 5.0


@contextmanager
def gunicorn(settings: Settings, tmp_path: Path, **env: str) -> Iterator[str]:
    """gunicorn started as docs/deployment.md says (project folder, ./gunicorn.conf.py)."""
    port = free_port()
    environ = {
        **os.environ,
        "KG_PROJECT": str(ROOT),
        "KG_STORE": settings.store,
        "KG_PORT": str(port),
        "KG_QUERY_TIMEOUT": str(QUERY_DEADLINE),
        "GUNICORN_CMD_ARGS": "--graceful-timeout 2",  # do not wait for the slow queries
        **env,
    }
    with open(tmp_path / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "web.wsgi:app"],
            cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(url + "/health", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)


def slow_query(url: str, done: list[int]) -> None:
    """Send the cross join; note its status (503 at the deadline) when it comes back."""
    target = url + "/sparql?" + urllib.parse.urlencode({"query": CROSS_JOIN})
    request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=QUERY_DEADLINE * 3) as answer:
            done.append(answer.status)
    except urllib.error.HTTPError as exc:
        done.append(exc.code)
    except OSError:
        done.append(0)


@contextmanager
def slowloris(url: str, connections: int) -> Iterator[None]:
    """Connections that send a request's headers one byte a second and never finish them."""
    port = urllib.parse.urlsplit(url).port
    stop = threading.Event()
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]

    def trickle(sock: socket.socket) -> None:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(1.0):
            try:
                sock.sendall(b"X")
            except OSError:
                return

    threads = [threading.Thread(target=trickle, args=(s,), daemon=True) for s in sockets]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        for thread in threads:
            thread.join(timeout=10)


def page_latency(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url + "/", timeout=PAGE_DEADLINE) as answer:
        assert answer.status == 200 and b"<html" in answer.read()
    return time.perf_counter() - started


def busy_site_latency(settings: Settings, tmp_path: Path, queries: int, **env: str) -> float:
    """Seconds ``GET /`` takes while ``queries`` slow queries and two slowloris connections
    hold the site (asserting the queries were still running when the page came back)."""
    with gunicorn(settings, tmp_path, **env) as url:
        for _ in range(4):  # every worker has the home page's figures in hand
            page_latency(url)
        done: list[int] = []
        senders = [
            threading.Thread(target=slow_query, args=(url, done), daemon=True)
            for _ in range(queries)
        ]
        with slowloris(url, 2):
            for sender in senders:
                sender.start()
            time.sleep(1.0)  # let the queries reach the query workers (not a measured window)
            latency = page_latency(url)
            assert not done, "the slow queries ended before the page was fetched"
        return latency


@pytest.mark.slow
def test_pages_answer_while_every_query_worker_is_busy(
    embedded_settings: Settings, tmp_path: Path, record_property
) -> None:
    # 2 web workers × 2 query workers each: 6 queries keep all four busy and two waiting.
    latency = busy_site_latency(embedded_settings, tmp_path, queries=6)
    record_property("busy_home_page_seconds", round(latency, 3))
    print(f"\nGET / with 6 slow queries and 2 slowloris connections: {latency * 1000:.0f} ms")


def headers_of(url: str, path: str, **headers: str) -> tuple[int, list[tuple[str, str]]]:
    connection = http.client.HTTPConnection(
        "127.0.0.1", urllib.parse.urlsplit(url).port, timeout=30
    )
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheaders()
    finally:
        connection.close()


def test_gunicorn_sends_one_date_header(embedded_settings: Settings, tmp_path: Path) -> None:
    with gunicorn(embedded_settings, tmp_path) as url:
        headers_of(url, "/downloads")  # the dumps exist
        for path in ("/downloads/sckg.ttl", "/usecase/hamburg-traffic-signal-data.ttl", "/"):
            status, headers = headers_of(url, path)
            assert status == 200
            dates = [value for name, value in headers if name.lower() == "date"]
            assert len(dates) == 1, (path, dates)
            etag = dict((k.lower(), v) for k, v in headers).get("etag")
            if etag:
                status, headers = headers_of(url, path, **{"If-None-Match": etag})
                assert status == 304
                assert len([v for k, v in headers if k.lower() == "date"]) == 1, path
