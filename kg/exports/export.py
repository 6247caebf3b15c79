"""Dumps of the whole graph with checksums, and the VoID description of the dataset.

``kg export`` writes N-Quads (every named graph kept), Turtle and JSON-LD of the served release,
and a ``manifest.json`` with each file's size and SHA-256. The default folder is
``<store>/dumps/<release id>/`` so that the web site serves the dumps of the release it
serves; each file is written under a temporary name and renamed, and the manifest comes last,
so a reader never sees a half-written dump.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.bridge import graph_of
from kg.config import Settings
from kg.errors import StoreUnavailable
from kg.namespaces import VOID
from kg.store import Release, ResultFormat, Store

#: The dump formats, in the order they are listed.
DUMP_FORMATS = (ResultFormat.N_QUADS, ResultFormat.TURTLE, ResultFormat.JSON_LD)
DUMP_NAME = "sckg"
MANIFEST = "manifest.json"
VOIDNS = Namespace(VOID)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class DumpFile:
    """One dump file and how to check it."""

    name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Dumps:
    """The dumps of one release, as listed in its manifest."""

    release: str
    created: str
    folder: Path
    files: tuple[DumpFile, ...]

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)


def dumps_root(settings: Settings) -> Path:
    """Where dumps live by default: inside the embedded store's folder (else ``var/dumps``)."""
    if settings.is_remote:
        return settings.project / "var" / "dumps"
    return settings.store_path / "dumps"


def served_release(store: Store) -> Release:
    release = store.release()
    if release is None:
        raise StoreUnavailable("no published release yet; run `kg build` first")
    return release


def existing(settings: Settings, store: Store) -> Dumps | None:
    """The dumps of the served release, if they were exported."""
    release = store.release()
    if release is None:
        return None
    return read_manifest(dumps_root(settings) / release.id)


def read_manifest(folder: Path) -> Dumps | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = tuple(DumpFile(**entry) for entry in data["files"])
    return Dumps(data["release"], data["created"], folder, files)


def export(settings: Settings, store: Store, out: Path | None = None) -> Dumps:
    """Write the dumps of the served release into ``out`` (default: its folder in the store).

    Returns the existing dumps when the default folder already holds a complete set.
    """
    release = served_release(store)
    folder = out or dumps_root(settings) / release.id
    if out is None and (found := read_manifest(folder)) is not None:
        return found
    folder.mkdir(parents=True, exist_ok=True)
    files = tuple(_write(store, fmt, folder) for fmt in DUMP_FORMATS)
    dumps = Dumps(release.id, release.created, folder, files)
    manifest = {
        "release": dumps.release,
        "created": dumps.created,
        "files": [asdict(f) for f in files],
    }
    _replace_atomically(folder / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
    if out is None:
        _prune(folder.parent, keep=max(1, settings.keep_releases), current=release.id)
    return dumps


def _write(store: Store, fmt: ResultFormat, folder: Path) -> DumpFile:
    name = f"{DUMP_NAME}.{fmt.extension}"
    tmp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
    try:
        store.dump(fmt, tmp)
        digest = _sha256(tmp)
        size = tmp.stat().st_size
        os.replace(tmp, folder / name)
    finally:
        tmp.unlink(missing_ok=True)
    return DumpFile(name, fmt.media_type, size, digest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _replace_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _prune(root: Path, keep: int, current: str) -> None:
    """Remove dump folders of older releases beyond the newest ``keep``."""
    folders = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)
    for path in folders[:-keep]:
        if path.name != current:
            shutil.rmtree(path, ignore_errors=True)


# -- VoID -----------------------------------------------------------------------------------


def void_description(
    settings: Settings, store: Store, endpoint: str, dump_urls: dict[str, str]
) -> Graph:
    """The VoID description of the served dataset ``{base}``.

    The build computed it into the graph ``{base}graph/void`` (``kg/build/rules/70-void.ru``): the
    same triples a SPARQL client finds in the store. This adds only where to get the data and
    which release it is: ``endpoint`` is the SPARQL endpoint's URL and ``dump_urls`` maps a
    dump's media type to its URL (both under the site's public URL). A release built before
    the description existed is counted here, once (the caller keeps the result per release).
    """
    vocab = settings.vocab
    release = served_release(store)
    g = _plain_strings(graph_of(store.construct(_STORED.format(graph=vocab.graph("void")))))
    dataset = URIRef(vocab.base)
    if (dataset, VOIDNS.triples, None) not in g:
        _describe_live(g, dataset, store, vocab.base, vocab.ns)
    g.bind("void", VOIDNS)
    g.bind("dcterms", DCTERMS)
    g.add((dataset, DCTERMS.modified, Literal(release.created, datatype=XSD.dateTime)))
    g.add((dataset, DCTERMS.identifier, Literal(release.id)))
    g.add((dataset, VOIDNS.sparqlEndpoint, URIRef(endpoint)))
    for media_type, url in dump_urls.items():
        g.add((dataset, VOIDNS.dataDump, URIRef(url)))
        g.add((URIRef(url), DCTERMS["format"], Literal(media_type)))
    _add_figures(g, dataset, store, vocab)
    return g


def _add_figures(g: Graph, dataset: URIRef, store: Store, vocab) -> None:
    """The derived figures of docs/model.md ("One definition each"), the same as ``kg stats``
    and the home page show: patterns apart, flows and shared datasets between real use cases."""
    from kg.views.stats import VOID_FIGURES, figures

    found = figures(store, vocab)
    for prop, name in VOID_FIGURES.items():
        g.add((dataset, URIRef(vocab.term(prop)), _integer(found.get(name, 0))))


def _plain_strings(graph: Graph) -> Graph:
    """``"x"^^xsd:string`` written as ``"x"``, the same literal in RDF 1.1 (and in Turtle)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


_STORED = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


def _describe_live(g: Graph, dataset: URIRef, store: Store, base: str, ns: str) -> None:
    """What ``kg/build/rules/70-void.ru`` writes, counted now (a release built without it)."""
    g.add((dataset, RDF.type, VOIDNS.Dataset))
    g.add((dataset, DCTERMS.title, Literal("Smart-City Use-Case Knowledge Graph", lang="en")))
    g.add((dataset, DCTERMS.title, Literal("Wissensgraph Smart-City-Anwendungsfälle", lang="de")))
    g.add((dataset, DCTERMS.license, URIRef(LICENSE)))
    g.add((dataset, VOIDNS.uriSpace, Literal(base)))
    g.add((dataset, VOIDNS.vocabulary, URIRef(ns)))
    figures = store.select(_FIGURES)[0]
    for name in ("triples", "distinctSubjects", "distinctObjects"):
        g.add((dataset, VOIDNS[name], _integer(figures.get(name))))
    classes = store.select(_CLASSES)
    properties = store.select(_PROPERTIES)
    g.add((dataset, VOIDNS.classes, _integer(len(classes))))
    g.add((dataset, VOIDNS.properties, _integer(len(properties))))
    for row in classes:
        part = BNode()
        g.add((dataset, VOIDNS.classPartition, part))
        g.add((part, VOIDNS["class"], URIRef(str(row["class"]))))
        g.add((part, VOIDNS.entities, _integer(row.get("n"))))
    for row in properties:
        part = BNode()
        g.add((dataset, VOIDNS.propertyPartition, part))
        g.add((part, VOIDNS.property, URIRef(str(row["p"]))))
        g.add((part, VOIDNS.triples, _integer(row.get("n"))))


def _integer(term: object) -> Literal:
    return Literal(int(str(term or 0)), datatype=XSD.integer)


# The default graph is the union of the named graphs; a triple stated in two files counts once.
_FIGURES = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?distinctSubjects)
       (COUNT(DISTINCT ?o) AS ?distinctObjects)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }
"""
_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
WHERE { ?s a ?class FILTER(isIRI(?class)) } GROUP BY ?class ORDER BY ?class
"""
_PROPERTIES = """
SELECT ?p (COUNT(*) AS ?n)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p
"""
