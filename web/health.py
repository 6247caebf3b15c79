"""Health checks for load balancers and process managers.

``GET /health`` asks the store for its release and runs a trivial query: ``200`` with the
release when both answer, ``503`` with ``Retry-After`` when the store cannot be reached or has
no release yet (so a load balancer takes this web process out of rotation while its store is
down, and back in when it recovers). ``GET /health/live`` only says the process answers.
Both are JSON, never cached.
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, current_app, jsonify

from kg.errors import QueryTimeout, StoreUnavailable

bp = Blueprint("health", __name__)

#: Seconds a client should wait before asking again while the store is down.
RETRY_AFTER = "30"


def _json(code: int, **body: object) -> Response:
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    if code == 503:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


@bp.get("/health")
def health() -> Response:
    store = current_app.extensions["kg.store"]
    backend = "remote" if current_app.extensions["kg.settings"].is_remote else "embedded"
    started = time.perf_counter()
    try:
        release = store.release()
        if release is None:
            raise StoreUnavailable("the store holds no published release yet; run `kg build`")
        store.ask("ASK {}")
    except (StoreUnavailable, QueryTimeout) as exc:
        return _json(503, status="unavailable", backend=backend, detail=str(exc))
    return _json(
        200,
        status="ok",
        backend=backend,
        release=release.id,
        created=release.created,
        quads=release.quads,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )


@bp.get("/health/live")
def live() -> Response:
    return _json(200, status="ok")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
