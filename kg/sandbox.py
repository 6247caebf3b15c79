"""Runs untrusted queries in worker processes that can be stopped at a deadline.

Neither pyoxigraph nor rdflib can cancel a running query (DESIGN.md §7), and a thread cannot be
killed. So endpoint queries run in a small pool of worker processes, each of which opens the
store itself (read-only; several processes may open an embedded release at once). A query that
passes its deadline is answered with :class:`~kg.errors.QueryTimeout` and its worker is killed
and replaced; the other workers — and the web process, which serves pages — carry on.

A worker sends back the complete serialised result or an error, never a part: the web layer
knows success or failure before it sends a status line.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import queue
import re
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from kg.config import Settings
from kg.errors import KGError, NotFound, QueryError, QueryRefused, QueryTimeout, StoreUnavailable
from kg.rdf import Term
from kg.store.base import Dataset, QueryKind, ResultFormat

_ERRORS: dict[str, type[KGError]] = {
    cls.__name__: cls
    for cls in (KGError, QueryError, QueryRefused, QueryTimeout, NotFound, StoreUnavailable)
}


@dataclass(frozen=True)
class Task:
    """One query for a worker: everything :meth:`~kg.store.base.Store.serialize` needs."""

    query: str
    kind: QueryKind
    fmt: ResultFormat
    dataset: Dataset | None = None
    bindings: dict[str, Term] | None = None
    base_iri: str | None = None
    max_rows: int | None = None


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: multiprocessing.context.BaseContext, settings: Settings) -> None:
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, settings), daemon=True, name="kg-query-worker"
        )
        self.process.start()
        child.close()

    def call(self, task: Task, deadline: float, timeout: float) -> tuple:
        """Send ``task`` and wait for the answer until ``deadline``."""
        try:
            self.conn.send(task)
            if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(
                    f"the query ran longer than {timeout:g} s and was stopped; "
                    "narrow it down or add a LIMIT"
                )
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            raise KGError("the query stopped its worker process; it was not answered") from exc

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class QueryPool:
    """A pool of worker processes, started on first use.

    >>> pool = QueryPool(settings)                                  # doctest: +SKIP
    >>> pool.run(Task("ASK {}", QueryKind.ASK, ResultFormat.SPARQL_JSON))  # doctest: +SKIP
    b'{"head":{},"boolean":true}'
    """

    def __init__(self, settings: Settings, *, size: int | None = None) -> None:
        self.settings = settings
        self.size = size or settings.query_workers
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._started = False

    def run(self, task: Task, timeout: float | None = None) -> bytes:
        """The serialised result of ``task``, or the error its worker raised.

        Raises :class:`~kg.errors.QueryTimeout` when the query (or the wait for a free worker)
        takes longer than ``timeout`` (default: the ``query_timeout`` setting).
        """
        limit = timeout or self.settings.query_timeout
        deadline = time.monotonic() + limit
        worker = self._acquire(deadline, limit)
        try:
            answer = worker.call(task, deadline, limit)
        except KGError:
            self._replace(worker)
            raise
        self._idle.put(worker)
        if answer[0] == "ok":
            return answer[1]
        raise _ERRORS.get(answer[1], KGError)(answer[2])

    def close(self) -> None:
        """Stop every worker (also run at interpreter exit)."""
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()

    def _acquire(self, deadline: float, limit: float) -> _Worker:
        self._start()
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeout(
                f"all {self.size} query workers stayed busy for {limit:g} s; try again shortly"
            ) from None

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            atexit.register(self.close)
            for _ in range(self.size):
                self._add()

    def _add(self) -> None:
        worker = _Worker(self._ctx, self.settings)
        self._workers.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
            self._add()


def _serve(conn: Connection, settings: Settings) -> None:
    """The worker's loop: open the store, answer tasks until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    from kg.store import open_store

    store = open_store(settings)
    while True:
        try:
            task: Task = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, task))


def _answer(store, task: Task) -> tuple:
    try:
        data = store.serialize(
            task.query,
            task.kind,
            task.fmt,
            dataset=task.dataset,
            bindings=task.bindings,
            base_iri=task.base_iri,
            max_rows=task.max_rows,
        )
    except KGError as exc:
        return ("error", type(exc).__name__, syntax_message(str(exc), task.query))
    except (RuntimeError, ValueError, SyntaxError) as exc:  # engine errors that name the query
        return ("error", "QueryError", syntax_message(str(exc), task.query))
    return ("ok", data)


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_CHAR_CLASS = re.compile(r",?\s*\[[^\]]*\]")


def syntax_message(message: str, query: str) -> str:
    """The engine's syntax error made readable: line, column, what was expected, and the
    offending line with a caret under the position.

    >>> print(syntax_message("error at 1:6: expected one of \\"{\\", ['0'..='9']", "ASK {"))
    syntax error at line 1, column 6: expected one of "{"
    ASK {
         ^
    """
    found = _POSITION.match(message)
    if not found:
        return message
    line, column = int(found.group(1)), int(found.group(2))
    expected = _CHAR_CLASS.sub("", found.group(3)).strip().rstrip(",")
    if len(expected) > 300:
        expected = expected[:300] + " …"
    lines = query.splitlines() or [""]
    text = lines[min(line, len(lines)) - 1]
    caret = " " * max(0, column - 1) + "^"
    return f"syntax error at line {line}, column {column}: {expected}\n{text}\n{caret}"
