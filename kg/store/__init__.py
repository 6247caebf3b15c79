"""Triple stores behind one interface: embedded pyoxigraph (default) or a SPARQL 1.1 server.

The modules of this package are the only ones that import pyoxigraph or SPARQLWrapper.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.store.base import QueryKind, Release, ResultFormat, Store

if TYPE_CHECKING:
    from kg.config import Settings

__all__ = ["QueryKind", "Release", "ResultFormat", "Store", "open_store"]


def work_dir(settings: Settings) -> Path:
    """A scratch folder on the same disk as the store (so big files never fill /tmp), which
    also holds the build's state (:mod:`kg.build.state`)."""
    base = settings.project / "var" if settings.is_remote else settings.store_path
    base.mkdir(parents=True, exist_ok=True)
    return base


def open_store(settings: Settings) -> Store:
    """The store named by ``settings.store``: a folder or an http(s) URL."""
    if settings.is_remote:
        from kg.store.remote import Endpoints, RemoteStore

        endpoints = Endpoints.derive(
            settings.store,
            query=settings.store_query,
            update=settings.store_update,
            graph_store=settings.store_graph_store,
        )
        return RemoteStore(
            endpoints,
            user=settings.store_user,
            password=settings.store_password,
            timeout=settings.store_timeout,
            publish_timeout=settings.store_publish_timeout,
            retries=settings.store_retries,
            publish_mode=settings.store_publish,
            spool=work_dir(settings),
        )
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store_path, keep=settings.keep_releases)
