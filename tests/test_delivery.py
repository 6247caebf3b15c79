"""How answers travel (issue 15): compression, cross-origin access, caching of static files."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import pytest

from kg.config import Settings
from kg.exports.export import export
from kg.store import Store

GZIP = {"Accept-Encoding": "gzip"}
SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/sckg/ontology#UseCase> } LIMIT 40"


def _gunzip(response) -> bytes:
    assert response.headers.get("Content-Encoding") == "gzip", response.headers
    return gzip.decompress(response.get_data())


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "text/html"),
        ("/usecases.json", "application/json"),
        ("/queries.json", "application/json"),
        ("/interconnections.csv", "text/csv"),
        ("/ontology.ttl", "text/turtle"),
    ],
)
def test_pages_and_data_are_sent_gzipped_to_who_accepts_it(client, path: str, kind: str) -> None:
    plain = client.get(path)
    packed = client.get(path, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers, "uncompressed unless asked for"
    assert packed.mimetype == kind
    assert _gunzip(packed) == plain.get_data()
    assert "Accept-Encoding" in packed.headers["Vary"]


def test_the_editor_script_is_sent_gzipped(client) -> None:
    editor = client.get("/sparql", headers={"Accept": "text/html"})
    script = re.search(r'src="(/static/vendor/yasgui/yasgui\.min\.js\?v=\w+)"', editor.text)
    assert script, "the editor page links its script with a version"
    with client.get(script.group(1)) as plain, client.get(script.group(1), headers=GZIP) as packed:
        body = _gunzip(packed)
        assert body == plain.get_data() and len(packed.get_data()) < len(body) / 2


def test_a_streamed_sparql_answer_is_compressed_and_whole(client) -> None:
    plain = client.get(
        "/sparql",
        query_string={"query": SELECT},
        headers={"Accept": "application/sparql-results+json"},
    )
    packed = client.get(
        "/sparql",
        query_string={"query": SELECT},
        headers={"Accept": "application/sparql-results+json", **GZIP},
    )
    assert plain.status_code == packed.status_code == 200
    assert json.loads(_gunzip(packed)) == json.loads(plain.get_data())


def test_dumps_are_sent_as_stored_with_their_digest(
    client, built_settings: Settings, store: Store, tmp_path
) -> None:
    dumps = export(built_settings, store)
    dump = dumps.files[0]
    with client.get(f"/downloads/{dump.name}", headers=GZIP) as response:
        data = response.get_data()
    assert "Content-Encoding" not in response.headers
    assert hashlib.sha256(data).hexdigest() == dump.sha256
    expected = base64.b64encode(bytes.fromhex(dump.sha256)).decode()
    assert response.headers["Digest"] == f"sha-256={expected}"


def test_small_answers_are_not_compressed(client) -> None:
    response = client.get("/health", headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


@pytest.mark.parametrize("path", ["/sparql", "/queries/sectors-overview.json", "/usecases.json"])
def test_a_preflight_may_ask_for_authorization(client, path: str) -> None:
    response = client.open(
        path,
        method="OPTIONS",
        headers={
            "Origin": "https://tools.example",
            "Access-Control-Request-Method": "POST" if path == "/sparql" else "GET",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"authorization", "content-type"} <= allowed
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    "path",
    ["/queries/sectors-overview.csv", "/usecases.json", "/catalogue.ttl", "/ontology.ttl", "/"],
)
def test_every_answer_may_be_read_from_other_origins_with_its_paging_headers(
    client, path: str
) -> None:
    response = client.get(path, headers={"Origin": "https://tools.example"})
    assert response.headers.getlist("Access-Control-Allow-Origin") == ["*"], "exactly once"
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Link", "ETag", "Digest"} <= exposed


def test_versioned_static_files_are_cached_for_a_year(client) -> None:
    page = client.get("/")
    css = re.search(r'href="(/static/css/site\.css\?v=(\w+))"', page.text)
    assert css, "pages link static files with a content version"
    with client.get(css.group(1)) as versioned:
        data = versioned.get_data()
    assert versioned.status_code == 200
    assert versioned.cache_control.max_age == 365 * 24 * 3600
    assert versioned.cache_control.immutable and versioned.cache_control.public
    assert css.group(2) == hashlib.sha256(data).hexdigest()[:12]


@pytest.mark.parametrize("query", ["", "?v=0000stale000"])
def test_unversioned_or_stale_static_urls_are_revalidated(client, query: str) -> None:
    with client.get("/static/css/site.css" + query) as response:
        response.get_data()
    assert response.status_code == 200
    assert response.cache_control.no_cache and not response.cache_control.immutable
