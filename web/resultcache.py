"""Answers of named queries, kept per release.

A named query's answer depends only on its text, its bindings, the format and the release
served: the same page asked twice within a release is answered from memory. Concurrent requests
for an answer not yet known wait for the one request that computes it (so eight clients opening
the same heavy page run its query once, not eight times), and a failure is not remembered.

The cache holds at most ``max_bytes`` of answers (least recently used go first) and is emptied
when another release is served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class ResultCache:
    """Bytes by key, for one release at a time, bounded in size, computed once per key."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._release: str | None = None
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._running: dict[Hashable, threading.Lock] = {}

    def get(self, release: str, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The answer under ``key`` in ``release``, computed by ``compute`` when unknown."""
        while True:
            with self._lock:
                self._switch(release)
                if key in self._answers:
                    self._answers.move_to_end(key)
                    return self._answers[key]
                running = self._running.get(key)
                if running is None:
                    running = self._running[key] = threading.Lock()
                    running.acquire()
                    break
            with running:  # another request computes it: wait, then look again
                pass
        try:
            answer = compute()
        finally:
            with self._lock:
                del self._running[key]
            running.release()
        with self._lock:
            if self._release == release and len(answer) <= self.max_bytes:
                self._store(key, answer)
        return answer

    def __len__(self) -> int:
        return len(self._answers)

    def _switch(self, release: str) -> None:
        if release != self._release:
            self._release = release
            self._answers.clear()
            self._size = 0

    def _store(self, key: Hashable, answer: bytes) -> None:
        self._answers[key] = answer
        self._size += len(answer)
        while self._size > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self._size -= len(dropped)
