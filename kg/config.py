"""Settings: code defaults, then ``KG_*`` environment variables, then command-line flags.

Every setting is a field of :class:`Settings` with its default and its documentation in one
place; ``tests/test_settings.py`` checks that the README names every one of them.

Paths are made absolute once, when the settings are loaded: the project folder against the
working directory, a relative store folder against the project. Nothing later resolves a path
against whatever folder it happens to run in (Flask, for one, resolves a relative folder against
the web package), so the site serves the same files however it is started.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.errors import ConfigurationError
from kg.namespaces import DEFAULT_BASE, Vocabulary

#: How a release goes to a remote store (``KG_STORE_PUBLISH``, kg/store/remote.py).
PUBLISH_MODES = frozenset({"update", "put", "update+put"})


def _setting(default: Any, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Settings:
    """All settings of the knowledge graph, each with its default."""

    project: Path = _setting(Path("."), "Project folder holding ontology/, usecases/, queries/.")
    store: str = _setting(
        "var/store",
        "The store: a folder (embedded pyoxigraph, relative to the project) "
        "or an http(s):// URL of a SPARQL 1.1 server.",
    )
    base_iri: str = _setting(DEFAULT_BASE, "Base of every IRI the graph mints.")
    public_url: str = _setting(
        "",
        "Public address of the web site (empty: `http://KG_HOST:KG_PORT/`); every absolute "
        "URL the site sends is built from it, never from the request's Host header.",
    )
    lang: str = _setting("en", "Language of command-line messages: de or en.")
    query_timeout: float = _setting(10.0, "Seconds a query may run before it is stopped.")
    max_rows: int = _setting(10_000, "Most result rows (or triples) a query may return.")
    max_query_length: int = _setting(20_000, "Longest query text accepted, in characters.")
    max_query_depth: int = _setting(
        64, "Deepest nesting of brackets and braces accepted in a query."
    )
    max_body: int = _setting(1_000_000, "Largest HTTP request body accepted, in bytes.")
    max_answer_bytes: int = _setting(
        50_000_000,
        "Largest SPARQL endpoint answer, in bytes; a larger result is refused (400) before "
        "anything is sent.",
    )
    query_memory: int = _setting(
        1024,
        "Memory a query worker may allocate, in MiB (its data segment, RLIMIT_DATA); "
        "a query that needs more is refused (400) and the worker replaced.",
    )
    query_workers: int = _setting(
        2, "Worker processes that run SPARQL endpoint queries (each one can be stopped)."
    )
    server_timing: bool = _setting(
        False,
        "Send a `Server-Timing` header with each SPARQL endpoint answer: the milliseconds of "
        "its stages (bench/endpoint.py reads it).",
    )
    max_file_bytes: int = _setting(
        4_000_000, "Largest curated file `kg build` and `kg validate` read, in bytes."
    )
    max_file_nodes: int = _setting(
        250_000,
        "Most YAML nodes (entries, fields, values) or RDF triples in one curated file.",
    )
    max_literal_length: int = _setting(
        20_000, "Longest text (or identifier, or key) in a curated file, in characters."
    )
    host: str = _setting("127.0.0.1", "Address `kg serve` listens on.")
    port: int = _setting(5000, "Port `kg serve` listens on.")
    keep_releases: int = _setting(2, "Published releases kept on disk (embedded store).")
    web_workers: int = _setting(
        2, "Web worker processes gunicorn starts (gunicorn.conf.py; `kg serve` runs one)."
    )
    web_threads: int = _setting(
        16,
        "Threads per web worker process (gunicorn `gthread`): requests one process serves at "
        "once, so pages answer while slow queries or slow clients hold some threads.",
    )
    publisher_name: str = _setting(
        "Smart-City Use-Case Knowledge Graph",
        "Name of whoever publishes this deployment's open-data catalogue (/catalogue).",
    )
    publisher_url: str = _setting(
        "", "Web address of that publisher (default: the site's own address)."
    )
    store_query: str = _setting(
        "", "Query endpoint of a remote store (default: KG_STORE + `/query`, Oxigraph's layout)."
    )
    store_update: str = _setting(
        "", "Update endpoint of a remote store (default: KG_STORE + `/update`)."
    )
    store_graph_store: str = _setting(
        "",
        "Graph Store Protocol endpoint of a remote store (default: KG_STORE + `/store`; "
        "Fuseki: `…/dataset/data`).",
    )
    store_user: str = _setting("", "User name for HTTP Basic authentication at a remote store.")
    store_password: str = field(
        default="",
        repr=False,
        metadata={
            "doc": "Password for HTTP Basic authentication at a remote store (never logged)."
        },
    )
    store_timeout: float = _setting(
        30.0, "Seconds any call to a remote store may take before it counts as failed."
    )
    store_retries: int = _setting(
        3,
        "Retries of a read (query, release metadata) when a remote store cannot be reached, "
        "with exponential back-off from 0.2 s; writes are never retried.",
    )
    store_publish: str = _setting(
        "update",
        "How `kg build` sends a release to a remote store in one request: `update` "
        "(SPARQL Update, any server; an incremental build sends only its change), `put` "
        "(Graph Store PUT of N-Quads: Oxigraph, Fuseki; always the whole release) or "
        "`update+put` (the whole release by PUT, a change by SPARQL Update: Oxigraph with "
        "releases over its 128 MiB limit for updates).",
    )
    store_publish_timeout: float = _setting(
        600.0, "Seconds the one request that publishes a release to a remote store may take."
    )

    curation_dir: Path = _setting(
        Path("var/curation"),
        "Folder of the curation data (relative to the project): accounts, proposals and "
        "comments (`curation.sqlite3`), the publishing lock and the web sessions' secret key.",
    )

    @property
    def vocab(self) -> Vocabulary:
        return Vocabulary(self.base_iri)

    @property
    def site_url(self) -> str:
        """The public address of the site, ending in ``/`` (:attr:`public_url` or the address
        ``kg serve`` listens on)."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        host = f"[{host}]" if ":" in host else host
        url = self.public_url or f"http://{host}:{self.port}/"
        return url if url.endswith("/") else url + "/"

    @property
    def ontology_dir(self) -> Path:
        return self.project / "ontology"

    @property
    def usecases_dir(self) -> Path:
        return self.project / "usecases"

    @property
    def queries_dir(self) -> Path:
        return self.project / "queries"

    @property
    def is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))

    @property
    def store_path(self) -> Path:
        if self.is_remote:
            raise ConfigurationError(f"KG_STORE is a URL, not a folder: {self.store}")
        path = Path(self.store)
        return path if path.is_absolute() else (self.project / path).absolute()

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied, ignoring ``None`` values (unset flags)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return _checked(_resolved(dataclasses.replace(self, **given)))


def env_name(name: str) -> str:
    return "KG_" + name.upper()


def documentation() -> list[tuple[str, str, str]]:
    """(environment variable, default, description) for every setting."""
    return [(env_name(f.name), str(f.default), f.metadata["doc"]) for f in fields(Settings)]


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from the defaults, the ``KG_*`` variables in ``environ`` and ``overrides``."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(env_name(f.name))
        if raw is not None and raw != "":
            values[f.name] = _convert(f.name, f.default, raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _checked(_resolved(Settings(**values)))


def _resolved(settings: Settings) -> Settings:
    """``settings`` with an absolute project folder (against the working directory) and, for an
    embedded store, an absolute store folder (a relative one lies inside the project)."""
    project = Path(settings.project).resolve()
    store = settings.store
    if not settings.is_remote and not Path(store).is_absolute():
        store = str(project / store)
    curation = Path(settings.curation_dir)
    curation = curation if curation.is_absolute() else project / curation
    return dataclasses.replace(settings, project=project, store=store, curation_dir=curation)


def _convert(name: str, default: Any, raw: str) -> Any:
    try:
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, bool):
            return raw.lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{env_name(name)}={raw!r} is not a valid value: {exc}") from exc
    return raw


def _checked(settings: Settings) -> Settings:
    if settings.lang not in {"de", "en"}:
        raise ConfigurationError(f"KG_LANG must be de or en, not {settings.lang!r}")
    if not settings.base_iri.startswith(("http://", "https://")):
        raise ConfigurationError(f"KG_BASE_IRI must be an http(s) IRI, not {settings.base_iri!r}")
    for name in (
        "query_timeout",
        "max_rows",
        "max_query_length",
        "max_query_depth",
        "max_body",
        "max_answer_bytes",
        "query_memory",
        "query_workers",
        "store_timeout",
        "store_publish_timeout",
        "web_workers",
        "web_threads",
        "max_file_bytes",
        "max_file_nodes",
        "max_literal_length",
    ):
        if getattr(settings, name) <= 0:
            raise ConfigurationError(f"{env_name(name)} must be positive")
    if settings.public_url and not _is_site_url(settings.public_url):
        raise ConfigurationError(
            f"KG_PUBLIC_URL must be an http(s) URL of a host's root (no path, query or fragment), "
            f"not {settings.public_url!r}"
        )
    if settings.store_retries < 0:
        raise ConfigurationError("KG_STORE_RETRIES must not be negative")
    if settings.store_publish not in PUBLISH_MODES:
        raise ConfigurationError(
            f"KG_STORE_PUBLISH must be update, put or update+put, not {settings.store_publish!r}"
        )
    return settings


def _is_site_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
        and not parts.username
        and all(c.isprintable() and not c.isspace() for c in url)
    )
