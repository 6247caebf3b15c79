"""Runs untrusted queries in worker processes that can be stopped at a deadline.

Neither pyoxigraph nor rdflib can cancel a running query (DESIGN.md §7), and a thread cannot be
killed. So endpoint queries run in a small pool of worker processes, each of which opens the
store itself (read-only; several processes may open an embedded release at once). A query that
passes its deadline is answered with :class:`~kg.errors.QueryTimeout` and its worker is killed
and replaced; the other workers — and the web process, which serves pages — carry on.

An untrusted task (``Task.guarded``) is checked by :func:`kg.sparql.guard.check` inside the worker:
rdflib's parser takes seconds on a large query, and there the deadline stops it. Each worker
limits its own memory (``query_memory``, as RLIMIT_DATA): a query that needs more ends as
:class:`~kg.errors.QueryRefused`, and the worker is replaced.

A worker writes the complete answer into an unnamed spool file, through a writer that refuses
the byte past ``max_answer_bytes``, and only then reports success: small answers travel back
inline, larger ones as the open file itself (its descriptor passed over the pipe), which the web
layer streams to the client. So success or failure is known before a status line is sent, no
answer is rebuilt in the web process, and the worker is free again at once.

A worker outlives nothing: a thread in it watches its parent and ends the process when the
parent is gone (killed, crashed), even in the middle of a query — the engine releases the
interpreter lock while it evaluates, so the watch runs. (A parent-death signal would not do:
Linux sends it when the *thread* that started the worker ends, and request threads end all the
time.)
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import multiprocessing
import os
import queue
import re
import resource
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import recv_handle, send_handle
from typing import BinaryIO

from kg.config import Settings
from kg.errors import KGError, NotFound, QueryError, QueryRefused, QueryTimeout, StoreUnavailable
from kg.rdf import Term
from kg.sparql import guard
from kg.store.base import CappedWriter, Dataset, QueryKind, ResultFormat, Store

log = logging.getLogger(__name__)

_ERRORS: dict[str, type[KGError]] = {
    cls.__name__: cls
    for cls in (KGError, QueryError, QueryRefused, QueryTimeout, NotFound, StoreUnavailable)
}
#: Answers up to this size travel through the pipe; larger ones as the spool file.
INLINE = 64 * 1024
#: Seconds between two looks of a worker at its parent.
WATCH_INTERVAL = 0.5


@dataclass(frozen=True)
class Task:
    """One query for a worker: everything :meth:`~kg.store.base.Store.serialize` needs.

    A ``guarded`` task comes from an untrusted client: the worker runs :func:`kg.sparql.guard.check`
    on it first, and ``dataset`` holds the graphs the protocol request named (they win over
    the query's ``FROM`` clauses). ``max_bytes`` defaults to the ``max_answer_bytes`` setting.
    """

    query: str
    kind: QueryKind
    fmt: ResultFormat
    dataset: Dataset | None = None
    bindings: dict[str, Term] | None = None
    base_iri: str | None = None
    max_rows: int | None = None
    guarded: bool = False
    max_bytes: int | None = None


class Answer:
    """A complete answer, in hand before the status line: ``size`` bytes in ``file``.

    ``timings`` names where the time went, in milliseconds: ``wait`` for a free worker,
    ``check`` and ``run`` in the worker, ``handoff`` for the rest of the round trip (pickling,
    the pipe, the scheduler).
    """

    def __init__(self, file: BinaryIO, size: int, timings: dict[str, float] | None = None) -> None:
        self.file = file
        self.size = size
        self.timings = timings or {}

    def read(self) -> bytes:
        with self.file:
            return self.file.read()


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: multiprocessing.context.BaseContext, settings: Settings) -> None:
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, settings), daemon=True, name="kg-query-worker"
        )
        self.process.start()
        child.close()
        self.memory = settings.query_memory

    def call(self, task: Task, deadline: float, timeout: float) -> tuple:
        """Send ``task`` and wait for the answer until ``deadline``."""
        try:
            self.conn.send(task)
            if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(
                    f"the query ran longer than {timeout:g} s and was stopped; "
                    "narrow it down or add a LIMIT"
                )
            answer = self.conn.recv()
            if answer[0] == "file":
                spool = os.fdopen(recv_handle(self.conn), "rb")
                spool.seek(0)  # the worker's writes left the shared offset at the end
                return ("ok", Answer(spool, answer[1], answer[2]))
            if answer[0] == "ok":
                return ("ok", Answer(io.BytesIO(answer[1]), len(answer[1]), answer[2]))
            return answer
        except (EOFError, OSError) as exc:
            raise self._death() from exc

    def _death(self) -> _Lost:
        """What the death of the worker during a query tells the client."""
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code == -signal.SIGABRT:  # a Rust allocation failed: RLIMIT_DATA
            return _Lost(code, _out_of_memory(self.memory))
        log.error("a query worker ended with exit code %s", code)
        return _Lost(code, KGError("the query stopped its worker process; it was not answered"))

    def alive(self) -> bool:
        """Whether the process still runs: its sentinel closes when it ends, whoever reaps it."""
        return not wait([self.process.sentinel], timeout=0)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class _Lost(Exception):
    """A worker died during a call; ``error`` is what the client is told."""

    def __init__(self, exitcode: int | None, error: KGError) -> None:
        super().__init__(str(error))
        self.exitcode = exitcode
        self.error = error


def _out_of_memory(mib: int) -> QueryRefused:
    return QueryRefused(
        f"the query needed more memory than the {mib} MiB a query may use (the limit of this "
        "service); narrow it down"
    )


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
        return self.answer(task, timeout).read()

    def answer(self, task: Task, timeout: float | None = None) -> Answer:
        """Like :meth:`run`, but the result as an open file to stream from (close it)."""
        limit = timeout or self.settings.query_timeout
        started = time.monotonic()
        deadline = started + limit
        worker, answer, waited = self._call(task, deadline, limit)
        if answer[0] == "ok":
            self._idle.put(worker)
            result: Answer = answer[1]
            spent = (time.monotonic() - started) * 1000 - waited
            timings = result.timings
            timings["handoff"] = max(0.0, spent - timings.get("check", 0) - timings.get("run", 0))
            timings["wait"] = waited
            return result
        _, name, message, spent = answer
        if spent:
            self._replace(worker)
        else:
            self._idle.put(worker)
        raise _ERRORS.get(name, KGError)(message)

    def _call(self, task: Task, deadline: float, limit: float) -> tuple[_Worker, tuple, float]:
        """The worker that took ``task``, its answer and the milliseconds spent waiting for a
        free worker. A worker found killed from outside (SIGKILL: an operator, the kernel's
        OOM killer) costs one more try on a fresh one."""
        waited = 0.0
        for attempt in (1, 2):
            started = time.monotonic()
            worker = self._acquire(deadline, limit)
            waited += (time.monotonic() - started) * 1000
            try:
                return worker, worker.call(task, deadline, limit), waited
            except _Lost as lost:
                self._replace(worker)
                if attempt == 2 or lost.exitcode != -signal.SIGKILL:
                    raise lost.error from lost
            except BaseException:
                self._replace(worker)  # timed out or interrupted: never back into the pool
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def busy(self) -> bool:
        """Whether a query runs now (some worker is not idle); a background job waits for
        this to pass so that it never queues visitors behind more than its own query."""
        with self._lock:
            return self._started and self._idle.qsize() < len(self._workers)

    def pids(self) -> set[int]:
        """Process ids of the current workers (for monitoring and tests)."""
        with self._lock:
            return {w.process.pid for w in self._workers if w.process.pid is not None}

    def close(self) -> None:
        """Stop every worker (also run at interpreter exit)."""
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()

    def _acquire(self, deadline: float, limit: float) -> _Worker:
        self._start()
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise QueryTimeout(
                    f"all {self.size} query workers stayed busy for {limit:g} s; try again shortly"
                ) from None
            if worker.alive():
                return worker
            self._replace(worker)  # died while idle (killed from outside): start another

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
            if worker not in self._workers:
                return  # closed meanwhile, or replaced already
            self._workers.discard(worker)
            self._add()


def _serve(conn: Connection, settings: Settings) -> None:
    """The worker's loop: limit itself, open the store, answer tasks until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    os.environ["RUST_BACKTRACE"] = "0"  # an allocation failure aborts; no backtrace in the log
    limit = settings.query_memory * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    parent = os.getppid()
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="kg-parent-watch").start()
    from kg.store import open_store

    store = open_store(settings)
    graphs = StoreGraphs(store, settings)
    while True:
        try:
            task: Task = conn.recv()
        except (EOFError, OSError):
            return
        spent = _reply(conn, _answer(store, task, settings, graphs))
        if spent:
            return  # after a MemoryError the process is not trusted any more


def _watch(parent: int) -> None:
    """End this worker as soon as ``parent`` is no longer its parent (the parent died and the
    worker was handed to init): nobody is left to read its answer or to stop its query."""
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(0)


def _reply(conn: Connection, answer: tuple) -> bool:
    """Send ``answer``; a spool file goes as its descriptor. True when the worker is spent."""
    if answer[0] == "spool":
        spool, size, timings = answer[1], answer[2], answer[3]
        with spool:
            if size <= INLINE:
                spool.seek(0)
                conn.send(("ok", spool.read(), timings))
            else:
                spool.flush()  # the parent reads the file itself, not this process's buffer
                conn.send(("file", size, timings))
                send_handle(conn, spool.fileno(), os.getppid())
        return False
    conn.send(answer)
    return bool(answer[3])


def _answer(store: Store, task: Task, settings: Settings, graphs: StoreGraphs) -> tuple:
    """Run ``task``: ``("spool", file, size, timings)`` or ``("error", class name, message,
    spent)``; the timings are the milliseconds of the check and of the run."""
    try:
        started = time.perf_counter()
        query, dataset = _checked(task, settings, graphs)
        checked = time.perf_counter()
        spool = tempfile.TemporaryFile(prefix="kg-answer-")  # noqa: SIM115 - _reply closes it
        try:
            out = CappedWriter(spool, task.max_bytes or settings.max_answer_bytes)
            store.serialize_into(
                out, query, task.kind, task.fmt, dataset=dataset, bindings=task.bindings,
                base_iri=task.base_iri, max_rows=task.max_rows,
            )  # fmt: skip
        except BaseException:
            spool.close()
            raise
        ran = time.perf_counter()
        return ("spool", spool, out.size, {"check": ms(started, checked), "run": ms(checked, ran)})
    except KGError as exc:
        return ("error", type(exc).__name__, syntax_message(str(exc), query_text(task)), False)
    except (RuntimeError, ValueError, SyntaxError) as exc:  # engine errors that name the query
        return ("error", "QueryError", syntax_message(str(exc), query_text(task)), False)
    except MemoryError:
        return ("error", "QueryRefused", str(_out_of_memory(settings.query_memory)), True)
    except OSError as exc:  # the store's files, the spool: worth a retry, not a dead worker
        log.warning("a query failed with an OS error: %s", exc)
        return ("error", "StoreUnavailable", f"the store could not answer: {exc}", False)


def ms(start: float, end: float) -> float:
    return (end - start) * 1000


def query_text(task: Task) -> str:
    """The text the engine read: canonical for guarded tasks (positions refer to it)."""
    if not task.guarded:
        return task.query
    try:
        return guard.canonical(task.query)
    except QueryError:
        return task.query


def _checked(task: Task, settings: Settings, graphs: StoreGraphs) -> tuple[str, Dataset | None]:
    """The query text and dataset to run: a guarded task is checked here, under the deadline."""
    if not task.guarded:
        return task.query, task.dataset
    checked = guard.check(
        task.query,
        max_length=settings.max_query_length,
        max_depth=settings.max_query_depth,
        allowed_graph=graphs.allowed,
        base_iri=task.base_iri,
    )
    if checked.kind is not task.kind:
        raise QueryError(
            f"the query is a {checked.kind.value} query, not {task.kind.value} as its words "
            "suggested; write its form keyword plainly"
        )
    protocol = task.dataset or Dataset()
    return checked.text, checked.dataset(protocol.default_graphs, protocol.named_graphs)


class StoreGraphs:
    """Which IRIs ``FROM`` may name: the project's graph namespace and the store's graphs
    (looked up once per release)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.prefix = settings.vocab.graph("")
        self._cached: tuple[str, frozenset[str]] | None = None

    def allowed(self, iri: str) -> bool:
        return iri.startswith(self.prefix) or iri in self._names()

    def _names(self) -> frozenset[str]:
        release = self.store.release()
        key = release.id if release else ""
        if self._cached is None or self._cached[0] != key:
            rows = self.store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            self._cached = (key, frozenset(str(row["g"]) for row in rows if "g" in row))
        return self._cached[1]


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
