"""Named-query answers are kept per release: computed once however many ask at once, never
remembered when they failed, forgotten when another release is served, bounded in size."""

from __future__ import annotations

import threading

import pytest
from pages_support import counted_runs

from web.resultcache import ResultCache


class Counting:
    """A compute function that counts its calls and can be held until released."""

    def __init__(self, answer: bytes = b"answer") -> None:
        self.answer = answer
        self.calls = 0
        self.started = threading.Event()
        self.go = threading.Event()
        self.go.set()

    def __call__(self) -> bytes:
        self.calls += 1
        self.started.set()
        assert self.go.wait(10), "never released"
        return self.answer


def test_an_answer_is_computed_once_per_release() -> None:
    cache, compute = ResultCache(), Counting()
    assert cache.get("r1", "q", compute) == b"answer"
    assert cache.get("r1", "q", compute) == b"answer"
    assert compute.calls == 1
    cache.get("r2", "q", compute)
    assert compute.calls == 2, "another release asks the store again"
    assert len(cache) == 1, "the old release's answers are dropped"


def test_concurrent_requests_wait_for_the_one_that_computes() -> None:
    cache, compute = ResultCache(), Counting()
    compute.go.clear()
    answers: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: answers.append(cache.get("r", "q", compute)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    assert compute.started.wait(10)
    compute.go.set()
    for thread in threads:
        thread.join(10)
    assert answers == [b"answer"] * 6
    assert compute.calls == 1


def test_a_failure_is_not_remembered() -> None:
    cache = ResultCache()

    def broken() -> bytes:
        raise TimeoutError("the store was slow")

    with pytest.raises(TimeoutError):
        cache.get("r", "q", broken)
    assert cache.get("r", "q", Counting(b"second try")) == b"second try"


def test_a_failure_lets_a_waiting_request_try_itself() -> None:
    cache = ResultCache()
    first = threading.Event()
    release = threading.Event()
    outcome: list[object] = []

    def failing() -> bytes:
        first.set()
        assert release.wait(10)
        raise TimeoutError("slow")

    def run_failing() -> None:
        try:
            cache.get("r", "q", failing)
        except TimeoutError as exc:
            outcome.append(exc)

    one = threading.Thread(target=run_failing)
    one.start()
    assert first.wait(10)
    second = Counting(b"ok")
    two = threading.Thread(target=lambda: outcome.append(cache.get("r", "q", second)))
    two.start()
    release.set()
    one.join(10)
    two.join(10)
    assert b"ok" in outcome and second.calls == 1


def test_least_recently_used_answers_go_first_when_full() -> None:
    cache = ResultCache(max_bytes=10)
    cache.get("r", "a", lambda: b"aaaa")
    cache.get("r", "b", lambda: b"bbbb")
    cache.get("r", "a", lambda: b"never")  # a is now the most recent
    cache.get("r", "c", lambda: b"cccc")  # 12 bytes: b goes
    assert cache.get("r", "a", lambda: b"new a") == b"aaaa"
    assert cache.get("r", "b", lambda: b"new b") == b"new b"


def test_an_answer_larger_than_the_cache_is_served_but_not_kept() -> None:
    cache = ResultCache(max_bytes=4)
    assert cache.get("r", "big", lambda: b"0123456789") == b"0123456789"
    assert len(cache) == 0


def test_a_named_query_page_runs_its_query_once_per_release(app, monkeypatch) -> None:
    app.extensions["kg.named-answers"].results = ResultCache()
    calls = counted_runs(app, monkeypatch)
    client = app.test_client()
    # Not the default sector (mobility): its default page may come from the shared answers.
    first = client.get("/queries/usecases-by-sector?sector=environment")
    again = client.get("/queries/usecases-by-sector?sector=environment&lang=de")
    twin = client.get("/queries/usecases-by-sector.json?sector=environment")
    other = client.get("/queries/usecases-by-sector?sector=energy")
    assert {r.status_code for r in (first, again, twin, other)} == {200}
    assert len(calls) == 2, "one run per distinct binding, whatever the language or twin"
