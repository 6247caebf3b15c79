"""Security headers on every answer: one ``after_request`` for pages, data, dumps and errors.

Pages get a strict Content-Security-Policy (no inline script); the SPARQL editor's vendored
YASGUI also needs inline styles and a worker from a ``blob:`` URL; everything that is not HTML
(RDF, JSON, CSV, dumps) gets a policy that allows nothing at all, so a document opened directly
in a browser can never run anything. Every answer says ``nosniff``, may not be framed, and sends
no referrer to other sites. ``Date`` is left to the HTTP server, so it is sent once.
"""

from __future__ import annotations

from flask import Flask, Response, request

#: Cytoscape.js 3.35 injects one fixed stylesheet; its hash is allowed, no other inline style.
CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; "
    f"style-src 'self' {CYTOSCAPE_STYLE}; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
EDITOR_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
DATA_CSP = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

#: The endpoints whose HTML is the query editor.
EDITOR_ENDPOINTS = frozenset({"sparql.endpoint"})


def policy(response: Response) -> str:
    """The Content-Security-Policy for ``response``."""
    if response.mimetype != "text/html":
        return DATA_CSP
    return EDITOR_CSP if request.endpoint in EDITOR_ENDPOINTS else PAGE_CSP


def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = policy(response)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    # The HTTP server (gunicorn, werkzeug) sends Date; werkzeug's conditional responses add
    # their own, which made two.
    del response.headers["Date"]
    return response


def register(app: Flask) -> None:
    app.after_request(security_headers)
