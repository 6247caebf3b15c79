"""The production entry point: ``gunicorn web.wsgi:app`` (settings from ``KG_*`` variables).

Each gunicorn worker imports this module and so builds its own app with its own store handle:
an embedded store is opened read-only by every worker, a remote store is spoken to over HTTP.
The web tier keeps no state of its own, so any number of processes (on any number of hosts)
can serve the same store. See gunicorn.conf.py and docs/deployment.md.
"""

from __future__ import annotations

from web import create_app

app = create_app()
