"""The site's own address comes from the settings, never from the request.

Flask builds absolute URLs (``url_for(..., _external=True)``, redirects) from the request's
``Host`` header and scheme, which any client chooses. :class:`PublicURL` wraps the WSGI app and
sets the host and scheme of every request from ``KG_PUBLIC_URL`` (default: the address
``kg serve`` listens on) before the app sees it: a hostile ``Host`` can then appear in no answer
and no cache key. The site is served at the root of its host (its pages link to ``/sparql``,
``/downloads`` …), so ``KG_PUBLIC_URL`` has no path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Headers that name another host than the one configured; nothing downstream may read them.
_HOST_HEADERS = ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_SERVER", "HTTP_FORWARDED")


class PublicURL:
    """WSGI middleware: every request arrives at ``url`` (scheme, host and port)."""

    def __init__(self, app: WSGIApp, url: str) -> None:
        parts = urlsplit(url)
        self.app = app
        self.scheme = parts.scheme
        self.host = parts.netloc
        self.server_name = parts.hostname or ""
        self.server_port = str(parts.port or (443 if parts.scheme == "https" else 80))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"] = self.server_name
        environ["SERVER_PORT"] = self.server_port
        environ["wsgi.url_scheme"] = self.scheme
        environ["SCRIPT_NAME"] = ""
        for name in _HOST_HEADERS:
            environ.pop(name, None)
        return self.app(environ, start_response)
