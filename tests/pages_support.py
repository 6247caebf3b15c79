"""Helpers shared by the site's tests: a store that counts its queries, a count of the queries an
app's query workers run, an HTML link parser, and plain HTTP requests against the live server
(urllib, so no extra client library is needed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from kg.store import Store


class CountingStore(Store):
    """Wraps a store and counts the queries that reach it, by method."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        self.calls.clear()

    def select(self, query, bindings=None):
        self.calls["select"] += 1
        return self.inner.select(query, bindings)

    def ask(self, query, bindings=None):
        self.calls["ask"] += 1
        return self.inner.ask(query, bindings)

    def construct(self, query, bindings=None):
        self.calls["construct"] += 1
        return self.inner.construct(query, bindings)

    def serialize(self, query, kind, fmt, *, dataset=None, bindings=None):
        self.calls["serialize"] += 1
        return self.inner.serialize(query, kind, fmt, dataset=dataset, bindings=bindings)

    def publish(self, nquads, meta, updates=()):
        return self.inner.publish(nquads, meta, updates)

    def publish_prepared(self, local, meta, **kwargs):
        return self.inner.publish_prepared(local, meta, **kwargs)

    def release(self):
        return self.inner.release()

    def dump(self, fmt, out):
        return self.inner.dump(fmt, out)


def counted_runs(app, monkeypatch) -> list[str]:
    """The query texts ``app``'s query workers are given from now on (a list that grows)."""
    pool = app.extensions["kg.sandbox"]
    calls: list[str] = []
    run = pool.run

    def counting(task, timeout=None):
        calls.append(task.query)
        return run(task, timeout)

    monkeypatch.setattr(pool, "run", counting)
    return calls


@dataclass
class Page:
    """What a test needs from an HTML page."""

    links: list[str] = field(default_factory=list)
    alternates: list[tuple[str, str]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)
    lang: str | None = None
    title: str = ""
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._script: dict[str, str] | None = None
        self._text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.page.elements.append((tag, a))
        if tag == "html":
            self.page.lang = a.get("lang")
        elif tag == "a" and "href" in a:
            self.page.links.append(a["href"])
        elif tag == "link" and a.get("rel") == "alternate":
            self.page.alternates.append((a.get("type", ""), a.get("href", "")))
        elif tag == "script":
            self._script, self._text = a, []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script, "".join(self._text)))
            self._script = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)
        if self._in_title:
            self.page.title += data


def parse_html(text: str) -> Page:
    parser = _Parser()
    parser.feed(text)
    return parser.page


def schema_org(page: Page) -> list[dict]:
    return [
        json.loads(text)
        for attrs, text in page.scripts
        if attrs.get("type") == "application/ld+json"
    ]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str] | None = None, *, follow: bool = True) -> Answer:
    """GET ``url``; with ``follow=False`` a redirect is returned, not followed."""
    handlers = [] if follow else [_NoRedirect()]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return Answer(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
                response.url,
            )
    except urllib.error.HTTPError as error:
        return Answer(
            error.code, {k.lower(): v for k, v in error.headers.items()}, error.read(), url
        )
