"""The web tier under a hostile visitor (issue 18): the Host header is never trusted, every answer
carries the security headers, names that are no IRI are 404s, log lines cannot be forged; and the
answers data clients expect: JSON-LD for ``application/json``, ETags and ``304``, a base64
``Digest``."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import urllib.parse
from collections.abc import Iterator

import pytest
from pages_support import CountingStore
from servers import free_port

from kg import config
from kg.config import Settings
from kg.exports.export import existing
from kg.store import Store
from web import create_app
from web.logs import JsonFormatter

EVIL = "evil.example"
USECASE = "/usecase/hamburg-traffic-signal-data"
#: Headers a hostile client sends to make the site name another host.
HOSTILE = {
    "Host": EVIL,
    "X-Forwarded-Host": "forwarded." + EVIL,
    "X-Forwarded-Proto": "gopher",
    "Forwarded": f"host=fwd.{EVIL};proto=https",
}
#: Every kind of answer that holds absolute URLs (or did, built from the Host header).
PATHS = [
    "/",
    "/usecases",
    "/usecases.json",
    USECASE,
    USECASE + ".html",
    USECASE + ".ttl",
    USECASE + ".jsonld",
    "/sparql",
    "/sparql?format=jsonld",
    "/.well-known/void",
    "/downloads",
    "/downloads.json",
    "/queries",
    "/queries.json",
    "/queries/usecases-by-sector?sector=mobility",
    "/queries/usecases-by-sector.json?sector=mobility",
    "/usecase//hamburg-traffic-signal-data",
    "/ontology",
    "/nothing-here",
]


def raw_get(
    base: str, path: str, headers: dict[str, str]
) -> tuple[int, list[tuple[str, str]], bytes]:
    """GET ``path`` exactly as written (``//host/…`` included) with exactly these headers."""
    port = urllib.parse.urlsplit(base).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", PATHS)
def test_the_host_header_appears_in_no_answer(live_server: str, path: str) -> None:
    for accept in ("text/html", "text/turtle", "application/ld+json", "*/*"):
        status, headers, body = raw_get(live_server, path, {**HOSTILE, "Accept": accept})
        assert status < 500, (path, accept, status)
        assert EVIL.encode() not in body, (path, accept)
        assert "gopher" not in body.decode("utf-8", "replace")
        for name, value in headers:
            assert EVIL not in value and "gopher" not in value, (path, accept, name, value)


@pytest.mark.parametrize(
    "path",
    [
        f"//{EVIL}/x",
        f"//{EVIL}/",
        f"//{EVIL}//usecases",
        f"///{EVIL}/usecase/x",
        f"/usecase//{EVIL}",
        "//usecase//hamburg-traffic-signal-data",
        f"/\\{EVIL}/x",
    ],
)
def test_double_slashes_never_redirect_to_another_host(live_server: str, path: str) -> None:
    """The live server's public URL is its own address (tests/conftest.py)."""
    status, headers, _ = raw_get(live_server, path, {"Host": EVIL})
    assert status < 500
    location = dict((k.lower(), v) for k, v in headers).get("location")
    if location is not None:
        assert location.startswith(live_server + "/") or (
            location.startswith("/") and not location.startswith("//")
        ), location


def test_absolute_urls_come_from_the_public_url(store: Store, built_settings: Settings) -> None:
    """A site behind a proxy: every absolute URL is under its public URL."""
    public = "https://kg.example.org/"
    settings = config.load({}, project=built_settings.project, store=built_settings.store)
    app = create_app({"TESTING": True}, settings=settings.replace(public_url=public), store=store)
    client = app.test_client()
    files = client.get("/downloads.json", headers=HOSTILE).get_json()["files"]
    assert files and all(f["url"].startswith(public + "downloads/") for f in files)
    queries = client.get("/queries.json", headers=HOSTILE).get_json()["queries"]
    assert all(q["page"].startswith(public + "queries/") for q in queries)
    redirect = client.get(USECASE, headers=HOSTILE)
    assert redirect.status_code == 303
    assert redirect.headers["Location"] == f"{USECASE}.html"
    page = client.get("/sparql", headers={**HOSTILE, "Accept": "text/html"}).text
    assert public + "sparql" in page and EVIL not in page


def test_public_url_defaults_to_the_served_address() -> None:
    assert config.load({}).site_url == "http://127.0.0.1:5000/"
    assert config.load({"KG_HOST": "0.0.0.0", "KG_PORT": "8080"}).site_url == (
        "http://127.0.0.1:8080/"
    )
    assert config.load({"KG_PUBLIC_URL": "https://kg.example.org"}).site_url == (
        "https://kg.example.org/"
    )


# -- VoID: one description, computed once per release ----------------------------------------
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"


def void_figures(triples: list[tuple[str, str, str]], dataset: str) -> dict[str, object]:
    """The figures a VoID description gives of ``dataset`` (from plain string triples)."""
    out: dict[str, object] = {}
    parts: dict[str, dict[str, str]] = {}
    for s, p, o in triples:
        if s == dataset and p in (VOID + "triples", VOID + "classes", VOID + "properties"):
            assert p not in out, f"two values of {p}"
            out[p] = int(o)
        parts.setdefault(s, {})[p] = o
    classes, properties = {}, {}
    for s, p, o in triples:
        if s == dataset and p == VOID + "classPartition":
            classes[parts[o][VOID + "class"]] = int(parts[o][VOID + "entities"])
        if s == dataset and p == VOID + "propertyPartition":
            properties[parts[o][VOID + "property"]] = int(parts[o][VOID + "triples"])
    out["classes by partition"] = classes
    out["properties by partition"] = properties
    return out


def sparql_triples(client, query: str) -> list[tuple[str, str, str]]:
    answer = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/n-triples"}
    )
    assert answer.status_code == 200, answer.text
    from rdflib import Graph

    graph = Graph().parse(data=answer.get_data(), format="nt")
    return [(str(s), str(p), str(o)) for s, p, o in graph]


def test_one_void_description_in_the_store_and_on_the_web(client, built_settings: Settings) -> None:
    from rdflib import Graph, URIRef

    base = built_settings.vocab.base
    served = Graph().parse(data=client.get("/.well-known/void").get_data(), format="turtle")
    web = void_figures([(str(s), str(p), str(o)) for s, p, o in served], base)
    # What a SPARQL client finds about the dataset anywhere in the store.
    stored = sparql_triples(
        client,
        f"""CONSTRUCT {{ <{base}> ?p ?o . ?o ?q ?v }} WHERE {{
              <{base}> ?p ?o OPTIONAL {{ ?o ?q ?v FILTER(isBlank(?o)) }} }}""",
    )
    in_store = void_figures(stored, base)
    assert in_store == web
    assert web[VOID + "triples"] > 1000 and len(web["classes by partition"]) > 8
    assert web[VOID + "classes"] == len(web["classes by partition"])
    assert web[VOID + "properties"] == len(web["properties by partition"])
    # The service description's default dataset is that very dataset.
    described = Graph().parse(data=client.get("/sparql?format=ttl").get_data(), format="turtle")
    (dataset,) = described.objects(None, URIRef(SD + "defaultDataset"))
    assert dataset == URIRef(base)


def test_void_is_made_once_per_release_not_per_host(built_settings: Settings, store) -> None:
    counting = CountingStore(store)
    app = create_app({"TESTING": True}, settings=built_settings, store=counting)
    client = app.test_client()
    first = client.get("/.well-known/void").get_data()
    counting.reset()
    for number in range(50):
        answer = client.get("/.well-known/void", headers={"Host": f"h{number}.{EVIL}"})
        assert answer.get_data() == first
    assert counting.total == 0, counting.calls
    assert [key for key in app.extensions if "void" in str(key)] == ["kg.void"]


# -- application/json --------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/sparql", "/.well-known/void", USECASE])
def test_plain_json_clients_get_json_ld(client, path: str) -> None:
    answer = client.get(path, headers={"Accept": "application/json"}, follow_redirects=True)
    assert answer.status_code == 200
    assert answer.mimetype == "application/ld+json"
    assert json.loads(answer.get_data())


# -- ETags and conditional requests --------------------------------------------------------------
@pytest.mark.parametrize("extension", ["ttl", "jsonld", "nt", "rdf"])
def test_rdf_twins_revalidate_by_release(client, store: Store, extension: str) -> None:
    path = f"{USECASE}.{extension}"
    answer = client.get(path)
    release = store.release()
    assert release is not None and answer.headers["ETag"] == f'"{release.id}"'
    again = client.get(path, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == answer.headers["ETag"]
    stale = client.get(path, headers={"If-None-Match": '"an-older-release"'})
    assert stale.status_code == 200 and stale.get_data() == answer.get_data()


def test_dumps_have_their_sha256_as_etag_and_base64_digest(
    client, built_settings: Settings, store: Store
) -> None:
    client.get("/downloads")
    dumps = existing(built_settings, store)
    assert dumps is not None
    for dump in dumps.files:
        with client.get(f"/downloads/{dump.name}") as answer:
            data = answer.get_data()
            assert answer.headers["ETag"] == f'"{dump.sha256}"'
            expected = base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
            assert answer.headers["Digest"] == f"sha-256={expected}"
            # Date is the HTTP server's to send: one from the app as well made two (issue 15).
            assert "Date" not in answer.headers
        condition = {"If-None-Match": f'"{dump.sha256}"'}
        with client.get(f"/downloads/{dump.name}", headers=condition) as again:
            assert again.status_code == 304 and again.get_data() == b""


# -- security headers everywhere -----------------------------------------------------------------
def assert_secured(headers, what: str) -> None:
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "default-src" in policy, what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what


#: (method, path, Accept, expected status)
EVERY_KIND = [
    ("GET", "/", "text/html", 200),
    ("GET", "/usecases.json", "*/*", 200),
    ("GET", "/interconnections.csv", "*/*", 200),
    ("GET", USECASE, "text/turtle", 303),
    ("GET", USECASE + ".ttl", "*/*", 200),
    ("GET", USECASE + ".html", "text/html", 200),
    ("GET", "/sparql", "text/html", 200),
    ("GET", "/sparql", "text/turtle", 200),
    ("GET", "/sparql?query=ASK%7B%7D", "application/sparql-results+json", 200),
    ("GET", "/sparql?query=SELEKT", "application/sparql-results+json", 400),
    ("GET", "/queries", "text/html", 200),
    ("GET", "/queries.json", "*/*", 200),
    ("GET", "/queries/usecases-by-sector?sector=mobility", "text/html", 200),
    ("GET", "/queries/usecases-by-sector.csv?sector=mobility", "*/*", 200),
    ("GET", "/downloads", "text/html", 200),
    ("GET", "/downloads.json", "*/*", 200),
    ("GET", "/downloads/sckg.ttl", "*/*", 200),
    ("GET", "/.well-known/void", "*/*", 200),
    ("GET", "/health", "*/*", 200),
    ("GET", "/static/css/site.css", "*/*", 200),
    ("GET", "/nothing-here", "text/html", 404),
    ("GET", "/nothing-here", "application/json", 404),
    ("GET", "/usecase/a%20b", "text/html", 404),
    ("DELETE", "/sparql", "*/*", 405),
    ("POST", "/usecases", "text/html", 405),
    ("GET", USECASE, "image/png", 406),
    ("GET", "/.well-known/void", "image/png", 406),
]


@pytest.mark.parametrize(("method", "path", "accept", "status"), EVERY_KIND)
def test_every_answer_carries_the_security_headers(
    client, method: str, path: str, accept: str, status: int
) -> None:
    with client.open(path, method=method, headers={"Accept": accept}) as answer:
        assert answer.status_code == status, answer.get_data()[:300]
        assert_secured(answer.headers, f"{method} {path}")


@pytest.fixture
def failing_app(built_settings: Settings, store: Store):
    """The site with one route that fails unexpectedly (an uncaught error: 500)."""
    app = create_app({}, settings=built_settings, store=store)

    @app.route("/fail/<rest>")
    def fail(rest: str):
        raise RuntimeError("unexpected")

    return app


def test_internal_errors_carry_them_too(failing_app) -> None:
    for accept in ("text/html", "application/json"):
        answer = failing_app.test_client().get("/fail/x", headers={"Accept": accept})
        assert answer.status_code == 500
        assert_secured(answer.headers, f"500 as {accept}")


def test_an_unreachable_store_answers_503_with_them(built_settings: Settings) -> None:
    settings = config.load(
        {}, project=built_settings.project, store=f"http://127.0.0.1:{free_port()}",
        store_retries=0, store_timeout=2.0,
    )  # fmt: skip
    client = create_app({}, settings=settings).test_client()
    asked = [
        (USECASE, "text/html"),
        (USECASE, "application/json"),
        ("/downloads", "text/html"),
        ("/.well-known/void", "text/turtle"),
        ("/queries/sectors-overview", "text/html"),
    ]
    for path, accept in asked:
        answer = client.get(path, headers={"Accept": accept})
        assert answer.status_code == 503, path
        assert_secured(answer.headers, f"503 on {path} as {accept}")


def test_only_the_editor_allows_inline_styles(client) -> None:
    editor = client.get("/sparql", headers={"Accept": "text/html"}).headers
    page = client.get("/").headers
    data = client.get("/usecases.json").headers
    assert "'unsafe-inline'" in editor["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    assert data["Content-Security-Policy"].startswith("default-src 'none'")


# -- names that are no IRI, and log lines ---------------------------------------------------------
@pytest.mark.parametrize(
    "slug", ["a%20b", "a%0Ab", "a%0D%0Ab", "a%3Cb%3E", "a%22b", "a%7Bb", "%ZZ", "a%5Bb", "a%7F"]
)
@pytest.mark.parametrize("suffix", ["", ".ttl", ".html"])
def test_a_name_that_is_no_iri_is_not_found(client, slug: str, suffix: str) -> None:
    answer = client.get(f"/usecase/{slug}{suffix}", headers={"Accept": "text/html"})
    assert answer.status_code == 404


def line_ends() -> Iterator[str]:
    yield from ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029")


def test_json_log_lines_cannot_be_forged() -> None:
    for end in line_ends():
        path = f'/usecase/a{end}{{"level": "critical"}}'
        record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "", None, None)
        record.args = {"m": "GET", "U": path, "s": "404"}
        line = JsonFormatter().format(record)
        assert len(line.splitlines()) == 1, repr(end)
        assert json.loads(line)["path"] == path
        message = logging.LogRecord("web", logging.WARNING, __file__, 1, "on %s", (path,), None)
        line = JsonFormatter().format(message)
        assert len(line.splitlines()) == 1 and json.loads(line)["message"] == f"on {path}"


def test_plain_log_messages_escape_the_path(failing_app, caplog) -> None:
    from web.logs import printable

    assert printable("/a\nb\u2028c") == "/a\\nb\\u2028c"
    with caplog.at_level(logging.ERROR):
        answer = failing_app.test_client().get("/fail/a%0Aforged%E2%80%A8line")
    assert answer.status_code == 500
    (record,) = [r for r in caplog.records if r.name == failing_app.logger.name]
    assert len(record.getMessage().splitlines()) == 1
    assert "/fail/a\\nforged\\u2028line" in record.getMessage()
