"""How answers travel: compression, cross-origin access and caching of static files.

- **Compression** (Flask-Compress): HTML, JSON, CSV, RDF and scripts are sent compressed when the
  client accepts it (zstd, Brotli, gzip or deflate, in that order of preference; streamed SPARQL
  answers too). The dumps under ``/downloads/`` are sent as they are stored, so their
  ``Digest`` and ``Content-Length`` stay the SHA-256 and size the manifest lists.
- **Cross-origin access** (Flask-CORS): everything the site serves is public, read-only data, so
  any origin may read it without credentials; the headers a client needs for paging and caching
  (``Link``, ``ETag``, ``Digest``, ``Retry-After``…) are exposed, and a preflight may ask for
  ``Authorization`` (tools send it by habit; the site does not use it).
- **Static files** are linked with a version taken from their content (``?v=``): a versioned
  URL is cached for a year (``immutable``), an unversioned one is revalidated every time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress
from flask_cors import CORS

#: Endpoints whose answers are sent as stored (checksummed files).
AS_STORED = frozenset({"downloads.file"})
#: Response headers a script on another origin may read.
EXPOSED = ["Link", "ETag", "Digest", "Content-Disposition", "Location", "Retry-After"]
#: Request headers a preflight may announce.
ALLOWED = [
    "Accept",
    "Accept-Language",
    "Authorization",
    "Content-Type",
    "If-None-Match",
    "If-Modified-Since",
]
#: Compressed media types (besides Flask-Compress's defaults for HTML, CSS, JS, JSON, XML).
RDF_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/ld+json",
    "application/rdf+xml",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/geo+json",
]
YEAR = 365 * 24 * 3600


class StaticVersions:
    """A short hash of each static file's content, computed once per file and process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._known: dict[str, str] = {}

    def of(self, filename: str) -> str | None:
        if filename not in self._known:
            path = (self.folder / filename).resolve()
            if not path.is_relative_to(self.folder.resolve()) or not path.is_file():
                return None
            self._known[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return self._known[filename]


def register(app: Flask) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/plain",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/xml",
            "image/svg+xml",
            *RDF_TYPES,
        ],
    )
    # gzip for streamed answers too: it is what every client accepts.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip", "deflate"])
    compress = Compress(app)

    @app.after_request
    def _compress(response: Response) -> Response:
        if request.endpoint in AS_STORED:
            return response
        source = response.response
        answer = compress.after_request(response)
        if answer.response is not source and hasattr(source, "close"):
            # A streamed answer is re-wrapped in a compressing generator; its file (a static
            # file, a SPARQL spool file) must still be closed when the answer is done.
            answer.call_on_close(source.close)
        return answer

    CORS(
        app,
        origins="*",
        send_wildcard=True,
        supports_credentials=False,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=ALLOWED,
        expose_headers=EXPOSED,
        max_age=86400,
        vary_header=False,
    )
    _version_static_files(app)


def _version_static_files(app: Flask) -> None:
    if app.static_folder is None:
        return
    versions = StaticVersions(Path(app.static_folder))

    @app.url_defaults
    def _add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = versions.of(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_static(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        current = versions.of(filename)
        if current and request.args.get("v") == current:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        else:
            response.cache_control.no_cache = True
            response.cache_control.max_age = None
        return response
