"""A store held in memory: a copy of a release that nobody else sees (a curation preview).

It answers like :class:`~kg.store.embedded.EmbeddedStore` (it is one, without a folder) and
refuses to publish.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import PublishFailed, StoreUnavailable
from kg.store.base import Release, ResultFormat, Store
from kg.store.embedded import EmbeddedStore
from kg.store.oxigraph import Update, run_updates


class MemoryStore(EmbeddedStore):
    """A pyoxigraph store in memory, with the metadata of the release it was copied from."""

    def __init__(self, store: ox.Store, release: Release) -> None:
        super().__init__(Path("/nonexistent-memory-store"))
        self._memory = store
        self._copied = release

    def _store(self) -> ox.Store:
        return self._memory

    def release(self) -> Release | None:
        return self._copied

    def publish(
        self, nquads: Path, meta: Mapping[str, object], updates: Sequence[str] = ()
    ) -> Release:
        raise PublishFailed("an in-memory copy of a release cannot be published")

    def publish_prepared(
        self, local: ox.Store, meta: Mapping[str, object], *, quads: int | None = None
    ) -> Release:
        raise PublishFailed("an in-memory copy of a release cannot be published")

    def tidy(self) -> None:
        pass

    # -- changing the copy --------------------------------------------------------------
    def replace_graphs(self, graphs: Iterable[str], nquads: Iterable[str]) -> None:
        """Drop ``graphs`` and add the N-Quads ``lines`` (blank node labels kept)."""
        for graph in graphs:
            self._memory.remove_graph(ox.NamedNode(graph))
        data = "".join(nquads).encode("utf-8")
        if data:
            self._memory.extend(ox.parse(data, format=ox.RdfFormat.N_QUADS))

    def update(self, updates: Sequence[Update]) -> None:
        """Run the build's updates (SPARQL texts or their Python versions) on the copy."""
        run_updates(self._memory, updates)


def copy_of(store: Store, spool: Path) -> MemoryStore:
    """The release ``store`` serves, copied into memory (through an N-Quads file in
    ``spool``, removed afterwards)."""
    release = store.release()
    if release is None:
        raise StoreUnavailable("no published release to copy; run `kg build` first")
    path = spool / f"copy-{release.id}.nq"
    try:
        store.dump(ResultFormat.N_QUADS, path)
        memory = ox.Store()
        memory.extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    finally:
        path.unlink(missing_ok=True)
    return MemoryStore(memory, release)
