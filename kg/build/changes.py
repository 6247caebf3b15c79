"""What an incremental build changed in the state's store, quad by quad (issue 17).

An incremental build starts from the store of the last build, derived graphs included, and
changes it in place: the graphs of the changed files are replaced, then each family of derived
statements is maintained for what that touches. Every writer records what it removed and added
here, so that the figures computed from the whole graph (the VoID description, the aggregates)
can be adjusted by the difference instead of counted again over 100,000 use cases.

The record is net: a quad removed and added again (or added and removed) is no change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox


@dataclass
class Changes:
    """Net quads removed from and added to a store since the record began."""

    removed: set[ox.Quad] = field(default_factory=set)
    added: set[ox.Quad] = field(default_factory=set)

    def remove(self, store: ox.Store, quads: Iterable[ox.Quad]) -> None:
        """Remove ``quads`` from ``store`` (those it holds) and record it."""
        for quad in quads:
            if quad in store:
                store.remove(quad)
                self.note_removed(quad)

    def add(self, store: ox.Store, quads: Iterable[ox.Quad]) -> None:
        """Add ``quads`` to ``store`` (those it lacks) and record it."""
        new = [quad for quad in quads if quad not in store]
        if new:
            store.extend(new)
        for quad in new:
            self.note_added(quad)

    def note_removed(self, quad: ox.Quad) -> None:
        if quad in self.added:
            self.added.discard(quad)
        else:
            self.removed.add(quad)

    def note_added(self, quad: ox.Quad) -> None:
        if quad in self.removed:
            self.removed.discard(quad)
        else:
            self.added.add(quad)

    def replace_graph(self, store: ox.Store, graph: ox.NamedNode, quads: Iterable[ox.Quad]):
        """Make ``graph`` hold exactly ``quads``, writing only the difference."""
        old = set(store.quads_for_pattern(None, None, None, graph))
        new = set(quads)
        self.remove(store, old - new)
        self.add(store, new - old)

    def graphs(self) -> set[ox.NamedNode]:
        return {q.graph_name for q in (*self.removed, *self.added)}

    def without(self, graph: ox.NamedNode) -> Changes:
        """The record minus the quads of ``graph``."""
        return Changes(
            {q for q in self.removed if q.graph_name != graph},
            {q for q in self.added if q.graph_name != graph},
        )

    def __bool__(self) -> bool:
        return bool(self.removed or self.added)
