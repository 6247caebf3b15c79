"""The one place that turns errors into HTTP answers, as HTML or JSON."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import KGError
from web.i18n import current_language
from web.logs import printable

log = logging.getLogger(__name__)


def wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/plain"])
    return best == "text/html" and request.path != "/sparql"


def error_answer(status: int, title: str, detail: str) -> Response:
    """An error as an HTML page, JSON or plain text, as the client asks."""
    if wants_html():
        body = render_template("error.html", status=status, title=title, detail=detail)
        return Response(body, status=status, mimetype="text/html")
    if request.accept_mimetypes.best_match(["application/json", "text/plain"]) == "text/plain":
        return Response(f"{status} {title}\n{detail}\n", status=status, mimetype="text/plain")
    response = jsonify({"status": status, "title": title, "detail": detail})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(KGError)
    def kg_error(exc: KGError) -> Response:
        if exc.status >= 500:
            log.warning("%s on %s: %s", type(exc).__name__, printable(request.path), exc)
        titles = {
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            409: "Conflict",
            413: "Payload Too Large",
            422: "Unprocessable Content",
            503: "Service Unavailable",
        }
        text = getattr(exc, "text", None)  # a message in German and English
        detail = text(current_language()) if callable(text) else str(exc)
        response = error_answer(exc.status, titles.get(exc.status, "Error"), detail)
        if exc.status == 503:
            response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if isinstance(exc.response, Response):  # an answer made for this error (429 sign-in)
            return exc.response
        response = error_answer(exc.code or 500, exc.name, exc.description or "")
        for key, value in exc.get_headers():
            if key.lower() not in ("content-type", "content-length"):
                response.headers[key] = value
        return response
