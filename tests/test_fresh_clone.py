"""A newcomer's first command, on a fresh clone: build, then serve the site every way the
documentation names, and use it as a visitor would.

The repository is cloned (``git clone``: exactly what is committed, nothing from beside it) into
an empty temporary folder, and the README's first command's steps run there with this virtual
environment's executables and ``PYTHONPATH`` set to the clone (so the clone's ``kg`` and ``web``
run, not this checkout's): ``kg build``, then each way of serving on a free loopback port. Each
way fetches ``/``, a use case in every format, ``/sparql``, and every dump listed on
``/downloads`` with its checksum; the dumps are deleted before each way, so each one writes
them and serves them itself.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from servers import free_port, stop_group, wait_until_healthy

from kg.config import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: Seconds a build on a fresh clone may take (OWL reasoning included) on a loaded machine.
BUILD_DEADLINE = 900
#: The dereferenceable documents of a resource: extension, media type, rdflib format.
DOCUMENTS = (
    ("html", "text/html", None),
    ("ttl", "text/turtle", "turtle"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", "xml"),
)


@dataclass(frozen=True)
class Way:
    """One way of starting the site: from which folder, with which command."""

    name: str
    cwd: Callable[[Path], Path]
    argv: Callable[[Path, int], list[str]]
    env: Callable[[int], dict[str, str]] = lambda port: {}


WAYS = (
    Way("readme", lambda clone: clone, lambda c, p: [str(BIN / "kg"), "serve", "--port", str(p)]),
    Way(
        "project-relative",
        lambda clone: clone.parent,
        lambda c, p: [str(BIN / "kg"), "--project", c.name, "serve", "--port", str(p)],
    ),
    Way(
        "project-absolute",
        lambda clone: clone.parent.parent,
        lambda c, p: [str(BIN / "kg"), "serve", "--project", str(c), "--port", str(p)],
    ),
    Way(
        "gunicorn",
        lambda clone: clone,
        lambda c, p: [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
        lambda port: {"KG_PORT": str(port)},
    ),
    Way(
        "flask",
        lambda clone: clone,
        lambda c, p: [str(BIN / "flask"), "--app", "web", "run", "--port", str(p)],
        # flask's --port is the server's; KG_PORT tells the site its own address (the absolute
        # URLs it sends, e.g. in /downloads.json, come from the settings, never from Host).
        lambda port: {"KG_PORT": str(port)},
    ),
)


def _environment(clone: Path) -> dict[str, str]:
    """This process's environment without any ``KG_*``/``FLASK_*``/gunicorn setting (the
    newcomer has none), the clone's packages first on the import path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KG_", "FLASK_", "GUNICORN_")) and k != "PYTHONPATH"
    }
    env["PYTHONPATH"] = str(clone)
    return env


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> None:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    assert done.returncode == 0, (argv, done.stdout[-3000:], done.stderr[-3000:])


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed project cloned into an empty folder, built with ``kg build``."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    folder = tmp_path_factory.mktemp("newcomer") / "sckg"
    env = _environment(folder)
    _run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(folder)], ROOT, env, 300)
    _run(["git", "-C", str(folder), "checkout", "--quiet", "--detach", commit], ROOT, env, 300)
    assert not (folder / ".venv").exists() and not (folder / "var").exists()
    _run([str(BIN / "kg"), "build", "--quiet"], folder, env, BUILD_DEADLINE)
    return folder


@pytest.fixture(params=WAYS, ids=[way.name for way in WAYS])
def site(request: pytest.FixtureRequest, clone: Path, tmp_path: Path) -> Iterator[str]:
    """The site started one way from the clone; yields its base URL, always stopped."""
    way: Way = request.param
    shutil.rmtree(clone / "var" / "store" / "dumps", ignore_errors=True)
    port = free_port()
    env = {**_environment(clone), **way.env(port)}
    log = tmp_path / f"{way.name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            way.argv(clone, port),
            cwd=way.cwd(clone),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_healthy(base, process)
        except RuntimeError as exc:
            raise AssertionError(f"{exc}\n{log.read_text(errors='replace')[-3000:]}") from exc
        yield base
    finally:
        stop_group(process)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def mimetype(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


def fetch(url: str, accept: str | None = None) -> Answer:
    """One GET, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=120)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Accept": accept} if accept else {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def test_the_site_works_from_a_fresh_clone(site: str) -> None:
    home = fetch(site + "/")
    assert home.status == 200 and home.mimetype == "text/html"
    usecase = _a_use_case_through_sparql(site)
    _every_format_of(site, usecase)
    _every_download(site)


def _a_use_case_through_sparql(site: str) -> str:
    """A SELECT by GET, answered in SPARQL JSON: the IRI of one use case."""
    query = f"SELECT ?u WHERE {{ ?u a <{Settings().vocab.term('UseCase')}> }} ORDER BY ?u LIMIT 1"
    answer = fetch(
        f"{site}/sparql?{urllib.parse.urlencode({'query': query})}",
        accept="application/sparql-results+json",
    )
    assert answer.status == 200, answer.body[:500]
    assert answer.mimetype == "application/sparql-results+json"
    (row,) = json.loads(answer.body)["results"]["bindings"]
    return row["u"]["value"]


def _every_format_of(site: str, iri: str) -> None:
    """``/usecase/x`` answers 303 to its page; the page and every RDF document answer."""
    path = "/" + iri.removeprefix(Settings().vocab.base)
    see_other = fetch(site + path, accept="text/html")
    assert see_other.status == 303
    location = urllib.parse.urljoin(site + path, see_other.headers["Location"])
    assert urllib.parse.urlsplit(location).path == f"{path}.html"
    for extension, media_type, rdf_format in DOCUMENTS:
        document = fetch(f"{site}{path}.{extension}")
        assert (document.status, document.mimetype) == (200, media_type), extension
        if rdf_format is not None:
            graph = Graph().parse(data=document.body, format=rdf_format)
            assert (URIRef(iri), None, None) in graph, extension


def _every_download(site: str) -> None:
    """Every dump the JSON twin of ``/downloads`` lists is on the page and matches its SHA-256."""
    page = fetch(site + "/downloads")
    assert page.status == 200
    listing = fetch(site + "/downloads.json")
    assert listing.status == 200
    files = json.loads(listing.body)["files"]
    assert {f["name"] for f in files} == {"sckg.nq", "sckg.ttl", "sckg.jsonld"}
    for entry in files:
        assert f'href="/downloads/{entry["name"]}"'.encode() in page.body
        dump = fetch(entry["url"])
        assert dump.status == 200, (entry["url"], dump.body[:300])
        assert len(dump.body) == entry["size"]
        assert hashlib.sha256(dump.body).hexdigest() == entry["sha256"], entry["name"]
