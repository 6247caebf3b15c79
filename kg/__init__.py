"""The Smart-City Use-Case Knowledge Graph: the domain package.

It loads curated files, validates them, publishes them into a triple store and answers queries.
It never imports Flask: the web site in :mod:`web` depends on it, not the other way round.
"""

from __future__ import annotations

__version__ = "0.1.0"
