"""The query workers: deadlines, memory and byte limits, errors, and replacing spent workers.

Each test starts its own pool (one worker unless it needs more), so none relies on what another
test left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import KGError, QueryError, QueryRefused, QueryTimeout, StoreUnavailable
from kg.rdf import IRI
from kg.sparql.sandbox import INLINE, QueryPool, StoreGraphs, Task, _answer, syntax_message
from kg.store import QueryKind, ResultFormat, Store, open_store
from kg.store.base import Release

JSON = ResultFormat.SPARQL_JSON
#: Slow on any store, even an empty one: 100^4 rows to count.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(4))
    + " }"
)


def doubled(times: int) -> str:
    """A 700-byte query whose one row holds a string of 64 * 2**times characters."""
    binds = "".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?x{times}) AS ?n) {{ BIND("{"a" * 64}" AS ?x0) {binds} }}'


@pytest.fixture
def pool_of(built_settings: Settings) -> Iterator:
    pools: list[QueryPool] = []

    def make(**changes) -> QueryPool:
        pool = QueryPool(built_settings.replace(**changes), size=1)
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        pool.close()


def test_a_timed_out_worker_is_killed_and_never_reused(pool_of) -> None:
    pool = pool_of()
    assert pool.run(Task("ASK {}", QueryKind.ASK, JSON)) == b'{"head":{},"boolean":true}'
    (before,) = pool.pids()
    with pytest.raises(QueryTimeout, match="longer than 1 s"):
        pool.run(Task(SLOW, QueryKind.SELECT, JSON), timeout=1.0)
    (after,) = pool.pids()
    assert after != before
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # killed and reaped, not left running the query
    assert b'"boolean":true' in pool.run(Task("ASK {}", QueryKind.ASK, JSON))


def test_a_worker_killed_while_idle_is_replaced(pool_of) -> None:
    pool = pool_of()
    pool.run(Task("ASK {}", QueryKind.ASK, JSON))
    (before,) = pool.pids()
    os.kill(before, signal.SIGKILL)
    wait_until_dead(before)
    assert b'"boolean":true' in pool.run(Task("ASK {}", QueryKind.ASK, JSON))
    assert pool.pids() != {before}


def wait_until_dead(pid: int) -> None:
    """Until the kernel has ended ``pid`` (a zombie or gone); a generous 30 s at most."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} did not end")


def test_a_query_past_the_memory_limit_is_refused_and_its_worker_replaced(pool_of) -> None:
    pool = pool_of(query_memory=400)
    pool.run(Task("ASK {}", QueryKind.ASK, JSON))
    (before,) = pool.pids()
    assert len(doubled(24)) < 1000  # 1 GiB from a query of under a kilobyte
    with pytest.raises(QueryRefused, match="more memory than the 400 MiB"):
        pool.run(Task(doubled(24), QueryKind.SELECT, JSON, guarded=True))
    assert pool.pids() != {before}
    small = pool.run(Task(doubled(10), QueryKind.SELECT, JSON, guarded=True))
    assert b'"65536"' in small


def test_the_byte_cap_is_exact_and_decided_before_any_answer(pool_of) -> None:
    pool = pool_of()
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 2000"
    full = pool.run(Task(query, QueryKind.SELECT, JSON, max_rows=5000))
    assert len(full) > INLINE  # travels as the spool file's descriptor
    task = Task(query, QueryKind.SELECT, JSON, max_rows=5000, max_bytes=len(full))
    assert pool.run(task) == full
    too_small = Task(query, QueryKind.SELECT, JSON, max_rows=5000, max_bytes=len(full) - 1)
    with pytest.raises(QueryRefused, match=f"larger than {len(full) - 1:,} bytes"):
        pool.run(too_small)
    assert pool.run(task) == full  # the worker carries on


@pytest.mark.parametrize(
    "fmt",
    [ResultFormat.SPARQL_XML, ResultFormat.CSV, ResultFormat.TSV, ResultFormat.SPARQL_JSON],
)
def test_streamed_answers_equal_the_stores_own(pool_of, store: Store, fmt: ResultFormat) -> None:
    pool = pool_of()
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1500"
    answer = pool.answer(Task(query, QueryKind.SELECT, fmt, max_rows=5000))
    assert answer.size > INLINE
    assert answer.read() == store.serialize(query, QueryKind.SELECT, fmt, max_rows=5000)


def test_a_huge_answer_within_the_row_cap_is_refused_by_bytes(pool_of) -> None:
    pool = pool_of(max_answer_bytes=1_000_000)
    rows = "VALUES ?i { " + " ".join(str(i) for i in range(40)) + " }"
    query = (
        doubled(16)
        .replace("{ BIND(", "{ " + rows + " BIND(", 1)
        .replace("SELECT (STRLEN(?x16) AS ?n)", "SELECT ?x16")
    )
    with pytest.raises(QueryRefused, match="larger than 1,000,000 bytes"):
        pool.run(Task(query, QueryKind.SELECT, JSON, max_rows=50, guarded=True))


class FailingStore:
    """A store whose disk fails (or whose worker runs out of memory) while answering."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def serialize_into(self, *_args, **_kwargs) -> None:
        raise self.error


def test_os_and_memory_errors_become_answers(built_settings: Settings) -> None:
    graphs = StoreGraphs(open_store(built_settings), built_settings)
    task = Task("ASK {}", QueryKind.ASK, JSON)
    answer = _answer(FailingStore(OSError(5, "Input/output error")), task, built_settings, graphs)
    assert answer[:2] == ("error", StoreUnavailable.__name__) and answer[3] is False
    assert "Input/output error" in answer[2]
    answer = _answer(FailingStore(MemoryError()), task, built_settings, graphs)
    assert answer[:2] == ("error", QueryRefused.__name__) and answer[3] is True  # spent


def test_a_guarded_task_is_checked_in_the_worker(pool_of) -> None:
    pool = pool_of()
    service = "SELECT * { BIND(1 AS ?x).SERVICE SILENT <http://127.0.0.1:9/> { } }"
    with pytest.raises(QueryRefused, match="SERVICE"):
        pool.run(Task(service, QueryKind.SELECT, JSON, guarded=True))
    with pytest.raises(KGError, match="is a ASK query, not SELECT"):
        pool.run(Task("ASK { }", QueryKind.SELECT, JSON, guarded=True))


def test_an_unguarded_task_is_not_checked_by_the_guard(pool_of) -> None:
    """The project's own queries (named queries, pages) are trusted: a Task is unguarded
    unless it says otherwise, so the limits for clients' queries do not apply to it."""
    pool = pool_of(max_query_length=40)
    query = "ASK { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(10)) + " }"
    assert len(query) > 40
    assert pool.run(Task(query, QueryKind.ASK, JSON)) == b'{"head":{},"boolean":true}'
    with pytest.raises(QueryRefused):
        pool.run(Task(query, QueryKind.ASK, JSON, guarded=True))


def test_a_worker_answers_query_after_query(pool_of) -> None:
    """A worker is replaced when it is spent, not after every answer (a start costs the store's
    opening): the same process answers one query after another."""
    pool = pool_of()
    pool.run(Task("ASK {}", QueryKind.ASK, JSON))
    (worker,) = pool.pids()
    for _ in range(3):
        assert b'"boolean":true' in pool.run(Task("ASK {}", QueryKind.ASK, JSON))
        assert pool.pids() == {worker}
    os.kill(worker, 0)  # still running


class GraphsStore:
    """Just what StoreGraphs reads of a store: its release and the names of its graphs."""

    def __init__(self, release: str, graphs: list[str]) -> None:
        self.release_id, self.graphs, self.selects = release, graphs, 0

    def release(self):
        return Release(self.release_id, 1, "2026-12-03T00:00:00+00:00", {})

    def select(self, _query: str) -> list[dict]:
        self.selects += 1
        return [{"g": IRI(g)} for g in self.graphs]


def test_from_may_name_the_stores_own_graphs_looked_up_once_per_release(
    built_settings: Settings,
) -> None:
    store = GraphsStore("r1", ["urn:x-other:graph"])
    graphs = StoreGraphs(store, built_settings)  # type: ignore[arg-type]
    assert graphs.allowed(built_settings.vocab.graph("anything"))  # the project's namespace
    assert graphs.allowed("urn:x-other:graph")
    assert not graphs.allowed("urn:x-unknown:graph")
    assert store.selects == 1
    store.release_id, store.graphs = "r2", ["urn:x-unknown:graph"]
    assert graphs.allowed("urn:x-unknown:graph")
    assert not graphs.allowed("urn:x-other:graph")
    assert store.selects == 2


def test_a_syntax_error_shows_its_own_line_of_a_longer_query() -> None:
    query = "SELECT *\nWHERE { ?s ?p }\nLIMIT 1"
    message = syntax_message('error at 2:15: expected one of "."', query)
    assert message == (
        'syntax error at line 2, column 15: expected one of "."\nWHERE { ?s ?p }\n' + " " * 14 + "^"
    )
    first = syntax_message('error at 1:1: expected "SELECT"', query)
    assert first.splitlines()[1:] == ["SELECT *", "^"]


def test_engine_errors_name_the_query_and_keep_the_worker(pool_of) -> None:
    """A syntax error (SyntaxError) or what the engine cannot evaluate (RuntimeError) is the
    query's fault: the client reads where and why, and the worker carries on."""
    pool = pool_of()
    pool.run(Task("ASK {}", QueryKind.ASK, JSON))
    (worker,) = pool.pids()
    with pytest.raises(QueryError, match=r"syntax error at line 1, column 20: expected one of"):
        pool.run(Task("SELECT * { ?s ?p ?o", QueryKind.SELECT, JSON))
    assert pool.pids() == {worker}
    with pytest.raises(QueryError, match="custom function <urn:f> is not supported"):
        pool.run(Task("SELECT (<urn:f>(1) AS ?x) {}", QueryKind.SELECT, JSON))
    assert pool.pids() == {worker}


#: Runs for hours: 100^5 rows to count.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(5))
    + " }"
)
PARENT = """
import sys
from kg import config
from kg.sparql.sandbox import QueryPool, Task
from kg.store import QueryKind, ResultFormat
settings = config.load({"KG_PROJECT": sys.argv[1], "KG_STORE": sys.argv[2]})
pool = QueryPool(settings, size=1)
pool.run(Task("ASK {}", QueryKind.ASK, ResultFormat.SPARQL_JSON))
(pid,) = pool.pids()
print(pid, flush=True)
pool.run(Task(sys.argv[3], QueryKind.SELECT, ResultFormat.SPARQL_JSON), timeout=3600)
"""


def test_a_worker_ends_when_its_parent_is_killed_mid_query(built_settings: Settings) -> None:
    import subprocess
    import sys

    args = [str(built_settings.project), str(built_settings.store), ENDLESS]
    command = [sys.executable, "-c", PARENT, *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as parent:
        try:
            worker = int(parent.stdout.readline())
            time.sleep(1)  # the worker has the query; without the watch it would run for hours
            os.kill(worker, 0)
        finally:
            parent.kill()
    try:
        wait_until_dead(worker)
    finally:  # a failed test leaves no worker counting behind
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
