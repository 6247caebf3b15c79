"""Answers of named-query pages in the web process: shared file first, then memory, then a query.

The default pages of the named queries are answered from the release's answer file
(:mod:`kg.sparql.answers`), which one process of the host fills and every process reads. An
answer not in it yet is taken from this process's :class:`~web.resultcache.ResultCache` or
computed by a query worker as before (concurrent requests still wait for the one that
computes), and a default page's answer is added to the file for the other processes.

When a process sees a release it has not warmed yet, a background thread computes the missing
default answers one at a time through the same query workers (deadline, row cap), waiting
before each until no visitor's query runs, so visitors are never queued behind more than one
warm-up query. Across processes a lock file lets one of them warm while the others only read.
Apps made for tests (``TESTING``) warm only when their configuration asks (``ANSWERS_WARMUP``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kg.config import Settings
from kg.sparql.answers import PageAnswer, SharedAnswers, Warmed, default_answers, warm
from kg.sparql.queries import QueryCatalogue
from kg.sparql.sandbox import QueryPool
from kg.store import Store
from web.resultcache import ResultCache

log = logging.getLogger(__name__)

#: Seconds between two looks at the query workers while the warm-up waits for visitors' queries.
POLL = 0.05


class NamedAnswers:
    """The answers of named-query pages for one app: shared file, memory, query workers."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        shared: SharedAnswers,
        catalogue: Callable[[], QueryCatalogue],
        page_size: int,
        *,
        warmup: bool,
    ) -> None:
        self.settings = settings
        self.store = store
        self.shared = shared
        self.results = ResultCache()
        self._catalogue = catalogue
        self.page_size = page_size
        self.warmup = warmup
        self._wanted: list[PageAnswer] | None = None
        self._keys: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self._warmed: str | None = None
        self.thread: threading.Thread | None = None
        self.last: Warmed | None = None

    def wanted(self) -> list[PageAnswer]:
        """The answers of the default pages (computed once per app)."""
        if self._wanted is None:
            wanted = default_answers(self._catalogue(), self.page_size)
            self._keys = frozenset(item.key for item in wanted)
            self._wanted = wanted
        return self._wanted

    def _default_keys(self) -> frozenset[str]:
        self.wanted()
        return self._keys

    def answer(self, release: str, item: PageAnswer, pool: QueryPool) -> bytes:
        """The answer of ``item`` in ``release``."""
        key = item.key
        found = self.shared.get(release, key) if release else None
        if found is not None:
            return found
        shared = bool(release) and key in self._default_keys()

        def compute() -> bytes:
            body = pool.run(item.task(self.settings.max_rows))
            if shared and self._served() == release:
                self.shared.put(release, {key: body})
            return body

        return self.results.get(release, key, compute)

    def notice(self, release: str, pool: QueryPool) -> None:
        """Start the warm-up of ``release`` unless this process did (or does) already."""
        if not self.warmup or not release or release == self._warmed:
            return
        with self._lock:
            if release == self._warmed:
                return
            self._warmed = release
            self.thread = threading.Thread(
                target=self._warm, args=(release, pool), daemon=True, name="kg-answers-warmup"
            )
            self.thread.start()

    def _warm(self, release: str, pool: QueryPool) -> None:
        def answer(item: PageAnswer) -> bytes:
            return self.results.get(
                release, item.key, lambda: pool.run(item.task(self.settings.max_rows))
            )

        def pause() -> None:
            deadline = time.monotonic() + self.settings.query_timeout
            while pool.busy() and time.monotonic() < deadline:
                time.sleep(POLL)

        try:
            self.last = warm(
                self.shared, release, self.wanted(), answer, current=self._served, pause=pause
            )
        except Exception:  # a background thread: log, never end the process
            log.exception("warming the named-query answers of release %s failed", release)
            return
        done = self.last
        log.info(
            "named-query answers of release %s: %d queries computed in %.1f s, %d answers "
            "present, %d queries failed%s",
            release, len(done.seconds), done.total, done.present, len(done.failed),
            " (stopped: another release is served)" if done.stopped else "",
        )  # fmt: skip

    def _served(self) -> str | None:
        release = self.store.release()
        return release.id if release else None
