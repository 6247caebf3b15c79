"""A crawl from the home page over HTTP reaches every use case, sector, dataset, place,
organisation and standard, and no link it follows answers 4xx or 5xx."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from pages_support import fetch, parse_html

from kg.rdf import Literal

KINDS = ("usecase", "sector", "dataset", "place", "org", "standard")
#: Links the site's own crawl does not follow: the SPARQL service and its dumps belong to
#: their own tests, and twins (.ttl, …) are covered by test_conneg.
SKIP_PREFIXES = ("/sparql", "/downloads/", "/static/")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.slow
def test_crawl_reaches_everything(live_server, store, built_settings):
    vocab = built_settings.vocab
    host = urlsplit(live_server).netloc
    seen: set[str] = set()
    failures: list[tuple[str, int, str]] = []
    reached: set[str] = set()
    queue = deque([("/", "start")])
    while queue:
        path, referrer = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        answer = fetch(live_server + path, {"Accept": BROWSER})
        if answer.status >= 400:
            failures.append((path, answer.status, referrer))
            continue
        final = urlsplit(answer.url).path
        reached.add(final.rsplit(".", 1)[0] if final.endswith(".html") else final)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        for link in parse_html(answer.text).links:
            target = urlsplit(urldefrag(urljoin(answer.url, link))[0])
            if target.netloc != host or target.path.startswith(SKIP_PREFIXES):
                continue
            if target.path.endswith((".ttl", ".jsonld", ".nt", ".rdf", ".json", ".csv")):
                continue
            if target.query:
                continue  # filtered views and language switches: the same resources again
            queue.append((target.path, path))
    assert failures == []
    for kind in KINDS:
        rows = store.select(
            "SELECT DISTINCT ?x ?prefix WHERE { ?x ?p ?o "
            "FILTER(isIRI(?x) && STRSTARTS(STR(?x), STR(?prefix))) }",
            {"prefix": Literal(f"{vocab.base}{kind}/")},
        )
        expected = {"/" + r["x"].value[len(vocab.base) :] for r in rows}
        assert expected and expected <= reached, (kind, sorted(expected - reached)[:5])
