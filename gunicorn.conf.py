"""gunicorn settings for the production web tier: ``gunicorn`` in the project folder.

It lives at the top of the project because gunicorn reads ``./gunicorn.conf.py`` on its own when
started in the project folder (no ``-c`` needed), the same place ``kg`` commands run from; it
names the application too, so ``gunicorn``, ``gunicorn -c gunicorn.conf.py`` and
``gunicorn web.wsgi:app`` start the same site. Every
value comes from the ``KG_*`` settings (README.md): ``KG_HOST``/``KG_PORT`` for the address,
``KG_WEB_WORKERS`` for the worker processes and ``KG_WEB_THREADS`` for the threads of each;
gunicorn's own flags and ``GUNICORN_CMD_ARGS`` still win. Request logs are JSON Lines on stdout,
other messages JSON Lines on stderr (web/logs.py).
"""

from __future__ import annotations

from kg.config import load as _load_settings
from web.logs import logging_config as _logging_config

_settings = _load_settings()

wsgi_app = "web.wsgi:app"
bind = f"{_settings.host}:{_settings.port}"
workers = _settings.web_workers
# Threaded workers: a request waiting for a query (up to KG_QUERY_TIMEOUT) or for a slow client
# holds one thread, not a whole process, so pages are served while every query worker is busy.
# With sync workers two slow queries (one per worker) stopped the site for their whole deadline.
# gthread waits for a new connection's first bytes in its poller, not in a thread, and gives a
# thread at most 5 s to wait for data before handing the connection back; headers trickled in
# byte by byte (slowloris) still hold a thread, hence many threads and, in production, a
# buffering reverse proxy (docs/deployment.md).
worker_class = "gthread"
threads = _settings.web_threads
# A worker that is silent for longer than the longest store call plus a query's deadline is
# stuck; gunicorn replaces it. A page never waits longer than that for its store.
timeout = int(_settings.store_timeout + _settings.query_timeout + 10)
graceful_timeout = 30
keepalive = 5
# A restart of the whole tier is a rolling one: workers are recycled now and then so that a
# leak in one of them never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Behind a reverse proxy on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = "127.0.0.1"
logconfig_dict = _logging_config()
# gunicorn 24+ opens a control socket in $HOME by default; several tiers on one host (and the
# tests) would fight over it, and nothing here uses it.
control_socket_disable = True
