"""Triple stores behind one interface: embedded pyoxigraph (default) or a SPARQL 1.1 server.

The modules of this package are the only ones that import pyoxigraph or SPARQLWrapper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.store.base import QueryKind, Release, ResultFormat, Store

if TYPE_CHECKING:
    from kg.config import Settings

__all__ = ["QueryKind", "Release", "ResultFormat", "Store", "open_store"]


def open_store(settings: Settings) -> Store:
    """The store named by ``settings.store``: a folder or an http(s) URL."""
    if settings.is_remote:
        from kg.errors import ConfigurationError

        raise ConfigurationError(
            "A remote SPARQL store is not available in this version; "
            "set KG_STORE to a folder for the embedded store."
        )
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store_path, keep=settings.keep_releases)
