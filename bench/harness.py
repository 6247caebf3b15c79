"""What the benchmark scripts share: corpora, the machine, measured subprocesses, servers, load.

The scripts in ``bench/`` import it as ``harness`` (they run as files, so ``bench/`` is on the
module path). Nothing here imports ``kg`` or ``web``: a benchmark drives the product through
its command line and its servers, each in a process of its own, and this process stays small
enough not to disturb what it measures, even at 100,000 use cases.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "tests"))

# bench/generate.py, for the shape of the corpora it writes; the tests' Oxigraph server helper,
# re-exported for the scripts.
import generate  # noqa: E402
from servers import OxigraphServer, free_port, oxigraph_binary  # noqa: E402, F401

#: Marks a generated corpus as complete (a generator stopped half-way leaves none).
COMPLETE = ".complete"
#: What a copy of the shipped corpus holds.
PROJECT_FOLDERS = ("ontology", "usecases", "queries")


# -- corpora --------------------------------------------------------------------------------
def label(size: int) -> str:
    return "shipped corpus" if size == 0 else f"{size:,} use cases"


def project_for(size: int, seed: int = 1, out: Path = OUT) -> Path:
    """A project folder holding the corpus of ``size`` use cases (0: the shipped one).

    Generated corpora live in ``<out>/corpus-<size>-seed<seed>/`` (``out`` is ``bench/out``
    unless a script is told otherwise) and are reused while :func:`reusable`: a corpus of an
    older shape of the generator is made again. The ontology and the named queries are copied
    from this checkout every time, so a reused corpus is always built with the current ones.
    The shipped corpus is copied to ``<out>/shipped/`` so that a benchmark may edit a file
    without touching the checkout.
    """
    folder = corpus_folder(size, seed, out)
    if size == 0:
        folder.mkdir(parents=True, exist_ok=True)
        _copy_project(folder, PROJECT_FOLDERS)
        return folder
    if not reusable(folder, size, seed):
        _generate(size, seed, folder)
    _copy_project(folder, ("ontology", "queries"))
    return folder


def corpus_folder(size: int, seed: int = 1, out: Path = OUT) -> Path:
    return out / "shipped" if size == 0 else out / f"corpus-{size}-seed{seed}"


def reusable(folder: Path, size: int, seed: int) -> bool:
    """Whether ``folder`` holds the generated corpus of ``size`` and ``seed``, complete and of
    the generator's current shape (``generate.SHAPE``), so that it need not be made again."""
    return (folder / COMPLETE).exists() and generate.current(folder, size, seed)


def generated(project: Path) -> dict[str, object]:
    """What the generator recorded about a corpus (size, seed, seconds); {} if shipped."""
    marker = project / COMPLETE
    return json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else {}


def _copy_project(folder: Path, names: Sequence[str]) -> None:
    for name in names:
        shutil.rmtree(folder / name, ignore_errors=True)
        shutil.copytree(ROOT / name, folder / name)


def _generate(size: int, seed: int, folder: Path) -> None:
    """Run bench/generate.py into a scratch folder, then move it into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "generate.py"),
                str(size),
                "--seed",
                str(seed),
                "--out",
                str(scratch),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"bench/generate.py {size} failed: {done.stderr[-2000:]}")
        seconds = time.perf_counter() - started
        (scratch / COMPLETE).write_text(
            json.dumps({"size": size, "seed": seed, "shape": generate.SHAPE, "seconds": seconds}),
            encoding="utf-8",
        )
        shutil.rmtree(folder, ignore_errors=True)
        scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def size_arguments(description: str) -> argparse.ArgumentParser:
    """The arguments of a bench run over generated corpora: sizes, ``--seed``, ``--runs``,
    ``--out`` (the folder of the corpora)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the corpora")
    return parser


def usecase_files(project: Path) -> list[Path]:
    """The use-case files of a project (not the shared entities), sorted by name."""
    return sorted(p for p in (project / "usecases").glob("*.yaml") if p.is_file())


# -- figures --------------------------------------------------------------------------------
def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def summary(times: Sequence[float]) -> str:
    """``median s ± half the range (n=…)``."""
    median = statistics.median(times)
    spread = (max(times) - min(times)) / 2 if len(times) > 1 else 0.0
    return f"{median:8.2f} s ± {spread:5.2f} (n={len(times)})"


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile by the nearest rank (``nan`` without values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# -- the machine ----------------------------------------------------------------------------
def versions() -> dict[str, str]:
    """Versions of what the figures depend on (read from package metadata, nothing imported)."""
    found = {"python": platform.python_version()}
    for name in ("sckg", "pyoxigraph", "oxigraph", "rdflib", "pyshacl", "owlready2"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    for name in ("gunicorn", "flask"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    found["java"] = java_version()
    return found


def java_version() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "missing"
    first = (done.stderr or done.stdout).splitlines()
    return first[0].strip() if first else "?"


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def machine() -> dict[str, object]:
    """Cores, memory, disk, load and versions: the header of every benchmark's output."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cores": os.cpu_count(),
        "arch": platform.machine(),
        "memory_gb": round(_meminfo("MemTotal") / 2**30, 1),
        "disk_free_gb": round(shutil.disk_usage(OUT if OUT.exists() else ROOT).free / 2**30, 1),
        "load_average": load_average(),
        "commit": _commit(),
        "versions": versions(),
    }


def header_lines(info: Mapping[str, object]) -> list[str]:
    v = info["versions"]
    assert isinstance(v, dict)
    load = ", ".join(f"{x:.2f}" for x in info["load_average"])  # type: ignore[attr-defined]
    return [
        f"machine: {info['cores']} cores ({info['arch']}), {info['memory_gb']} GB memory, "
        f"{info['disk_free_gb']} GB free disk, load average {load}",
        f"versions: Python {v['python']}, kg {v['sckg']}, pyoxigraph {v['pyoxigraph']}, "
        f"oxigraph server {v['oxigraph']}, rdflib {v['rdflib']}, pyshacl {v['pyshacl']}, "
        f"owlready2 {v['owlready2']}, gunicorn {v.get('gunicorn', '-')}, java {v['java']}",
        f"checkout: {info['commit']}, {info['date']}",
    ]


def _meminfo(key: str) -> int:
    with contextlib.suppress(OSError), open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{head or '?'}{' (with uncommitted changes)' if dirty else ''}"


# -- measured subprocesses ------------------------------------------------------------------
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
HAVE_PROC = Path("/proc/self/stat").exists()


@dataclass
class Run:
    """One command run to its end (or until it was stopped), with its time and memory."""

    command: list[str]
    seconds: float
    returncode: int | None  #: None: stopped (see ``stopped``)
    peak_pss: int  #: bytes: the process tree's proportional memory (shared pages split)
    peak_rss: int  #: bytes: the process tree's resident memory, summed over processes
    max_rss: int  #: bytes: the largest single process (getrusage, as /usr/bin/time -v says)
    output: str  #: the last lines of its stdout and stderr
    stopped: str = ""  #: why it was killed: "> 600 s", "> 17.6 GB resident"

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    def failure(self) -> str:
        """Why it failed, for a report."""
        what = f"stopped at {self.stopped}" if self.stopped else f"exit code {self.returncode}"
        tail = "\n".join(self.output.splitlines()[-15:])
        return f"`{' '.join(self.command[:4])} …` {what}:\n{tail}"


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    memory_limit: int | None = None,
    interval: float = 0.25,
) -> Run:
    """Run ``command`` in a session of its own and measure wall time and peak memory.

    Memory is sampled over every process of the session (a build's validation workers, the
    JVM of the reasoner) every ``interval`` seconds, more often in the first second (see
    :class:`MemoryPeaks`); each peak is at least the largest single process, which comes from
    the kernel's rusage as ``/usr/bin/time -v`` reports it. The whole session is killed at
    ``timeout`` seconds, or when its summed RSS passes ``memory_limit`` bytes (so that a
    baseline cannot take the shared machine down).
    """
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = None if timeout is None else time.monotonic() + timeout
        peaks = MemoryPeaks(process.pid)
        returncode: int | None = None
        stopped = ""
        try:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    returncode = os.waitstatus_to_exitcode(status)
                    break
                peaks.sample()
                if deadline is not None and time.monotonic() > deadline:
                    stopped = f"> {timeout:g} s"
                elif memory_limit is not None and peaks.current > memory_limit:
                    stopped = f"> {memory_limit / 2**30:.1f} GB resident"
                if stopped:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, 9)
                    _, status, usage = os.wait4(process.pid, 0)
                    break
                time.sleep(min(interval, 0.01 + (time.perf_counter() - started) / 10))
        except BaseException:  # interrupted: take the command down with us
            _kill_session(process.pid)
            process.kill()
            process.wait()
            raise
        seconds = time.perf_counter() - started
        process.returncode = returncode if returncode is not None else -9
        _kill_session(process.pid)  # whatever it left behind
        log.seek(0)
        output = log.read()[-20_000:].decode("utf-8", "replace")
    max_rss = usage.ru_maxrss * 1024  # kilobytes on Linux
    # A process that ends between two samples: its own peak is the tree's at least.
    peak_pss, peak_rss = max(peaks.pss, max_rss), max(peaks.rss, max_rss)
    return Run(list(command), seconds, returncode, peak_pss, peak_rss, max_rss, output, stopped)


class MemoryPeaks:
    """Peaks of the memory of the processes in one session, sampled.

    The summed RSS is read at every sample (cheap: /proc/<pid>/stat). The summed PSS
    (proportional set size: a page shared by forked workers counts once in total) costs a walk
    of the page tables (/proc/<pid>/smaps_rollup, ~30 ms per GB), so it is read only when the
    RSS has grown by 5 % since the last reading (at most once a second), and every 10 s.
    """

    def __init__(self, sid: int) -> None:
        self.sid = sid
        self.rss = self.pss = self.current = 0
        self._pss_rss = 0
        self._pss_at = -1e9

    def sample(self) -> None:
        if not HAVE_PROC:
            return
        resident = session_rss(self.sid)
        rss = self.current = sum(resident.values())
        self.rss = max(self.rss, rss)
        now = time.monotonic()
        grown = rss > self._pss_rss * 1.05 and now - self._pss_at >= 1
        if grown or now - self._pss_at >= 10:
            pss = sum(_pss(pid) or size for pid, size in resident.items())
            self.pss = max(self.pss, pss)
            self._pss_rss, self._pss_at = rss, now


def _kill_session(sid: int) -> None:
    if not HAVE_PROC:
        return
    for pid in session_processes(sid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, 9)


def session_processes(sid: int) -> dict[int, int]:
    """Process id → parent id of every process in session ``sid``."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fields = _stat(entry.name)
        if fields is not None and int(fields[3]) == sid:
            found[int(entry.name)] = int(fields[1])
    return found


def _stat(pid: str) -> list[bytes] | None:
    """The fields of /proc/<pid>/stat after the command name (state first)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return data[data.rindex(b")") + 2 :].split()


def session_rss(sid: int) -> dict[int, int]:
    """Process id → resident memory in bytes of every process in session ``sid``."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat(entry.name)
            if fields is not None and int(fields[3]) == sid:
                found[int(entry.name)] = int(fields[21]) * PAGE
    return found


def _pss(pid: int) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
        for line in handle:
            if line.startswith(b"Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def memory_total() -> int:
    """Physical memory of the machine in bytes (0 if unknown)."""
    return _meminfo("MemTotal")


def vm_rss(pid: int) -> int:
    """Resident memory of one process in bytes (``VmRSS`` of /proc/<pid>/status)."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", "rb") as handle:
        for line in handle:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def kg_command() -> list[str]:
    """The ``kg`` command of this interpreter's environment."""
    beside = Path(sys.executable).parent / "kg"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "kg.cli"]


# -- servers --------------------------------------------------------------------------------
@dataclass
class Site:
    """A running ``gunicorn web.wsgi:app``: its address and its master process."""

    host: str
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def workers(self) -> dict[str, list[int]]:
        """Process ids of the web workers (children of the master) and of everything they
        started (query workers, multiprocessing helpers)."""
        tree = session_processes(self.process.pid) if HAVE_PROC else {}
        web = [pid for pid, parent in tree.items() if parent == self.process.pid]
        other = [pid for pid in tree if pid != self.process.pid and pid not in web]
        return {"web": sorted(web), "other": sorted(other)}


@contextlib.contextmanager
def gunicorn(
    project: Path,
    store: str,
    workers: int = 2,
    *,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 120.0,
) -> Iterator[Site]:
    """``gunicorn web.wsgi:app`` with the project's gunicorn.conf.py on a free loopback port,
    serving ``store`` (a folder or a SPARQL server URL); stopped, with its workers, at exit."""
    port = free_port()
    environ = {
        **os.environ,
        "KG_PROJECT": str(project),
        "KG_STORE": store,
        "KG_HOST": "127.0.0.1",
        "KG_PORT": str(port),
        "KG_WEB_WORKERS": str(workers),
        **(env or {}),
    }
    errors = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "web.wsgi:app"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,
    )
    if log:
        errors.close()  # type: ignore[union-attr]
    site = Site("127.0.0.1", port, process)
    try:
        deadline = time.monotonic() + timeout
        while status(site.url + "/health") != 200:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode} (log: {log})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /health in {timeout:.0f} s")
            time.sleep(0.2)
        yield site
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        _kill_session(process.pid)


def status(url: str, timeout: float = 5.0) -> int:
    """The status code of a GET, 0 when nothing answers."""
    try:
        return fetch(url, timeout=timeout)[0]
    except OSError:
        return 0


# -- HTTP -----------------------------------------------------------------------------------
def fetch(url: str, accept: str = "*/*", timeout: float = 120.0) -> tuple[int, bytes, float]:
    """GET ``url`` on a new connection, without following redirects: (status, body, ms)."""
    return fetch_with_headers(url, accept, timeout)[:3]  # type: ignore[return-value]


def fetch_with_headers(
    url: str, accept: str = "*/*", timeout: float = 120.0
) -> tuple[int, bytes, float, dict[str, str]]:
    """:func:`fetch`, and the response headers (names in lower case)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path or "/", headers={"Accept": accept})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    headers = {name.lower(): value for name, value in response.getheaders()}
    return response.status, body, (time.perf_counter() - started) * 1000, headers


def sparql_select(endpoint: str, query: str, timeout: float = 600.0) -> list[dict[str, str]]:
    """Rows of a SELECT sent to ``endpoint`` (values as strings)."""
    url = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
    code, body, _ = fetch(url, "application/sparql-results+json", timeout)
    if code != 200:
        raise RuntimeError(f"{endpoint} answered {code}: {body[:300]!r}")
    bindings = json.loads(body)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


@dataclass(frozen=True)
class Hit:
    """One request of a load run."""

    kind: str
    path: str
    status: int  #: 0: no answer (connection refused, timeout)
    ms: float


#: Status of a request that was not sent: its page type had failed too often already.
SKIPPED = -1
#: Seconds :func:`every_page` waits before asking again after a 503 (the site says 30; a
#: benchmark cannot wait that long, and a query that timed out under load has usually freed
#: its worker by then).
RETRY_AFTER_503 = 3.0


def every_page(
    base: str, targets: Mapping[str, Sequence[str]], clients: int = 8, give_up: int = 3
) -> list[Hit]:
    """Request every path once, ``clients`` at a time (with several: warms every worker).

    A 503 (a query that waited past its deadline for a busy worker) is asked once more after
    :data:`RETRY_AFTER_503` seconds; only a second 5xx counts as a failure. After ``give_up``
    requests of a page type went unanswered or answered 5xx, the rest of that type is skipped
    (status :data:`SKIPPED`): a broken page type that runs into the workers' timeout would
    otherwise cost minutes per path.
    """
    failures: Counter[str] = Counter()
    lock = threading.Lock()

    def one(kind: str, path: str) -> Hit:
        with lock:
            if failures[kind] >= give_up:
                return Hit(kind, path, SKIPPED, 0.0)
        answer = hit(base, kind, path)
        if answer.status == 503:  # overloaded ("Retry-After"): a polite client tries once more
            time.sleep(RETRY_AFTER_503)
            answer = hit(base, kind, path)
        if not 0 < answer.status < 500:
            with lock:
                failures[kind] += 1
        return answer

    from concurrent.futures import ThreadPoolExecutor

    jobs = [(kind, path) for kind, paths in targets.items() for path in paths]
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(lambda job: one(*job), jobs))


def drive(
    base: str,
    targets: Mapping[str, Sequence[str]],
    *,
    clients: int = 8,
    seconds: float = 30.0,
    seed: int = 1,
) -> list[Hit]:
    """``clients`` concurrent clients for ``seconds``: each picks a page type at random (every
    type as often as the others), then one of its paths, requests it, and goes again."""
    kinds = [k for k, paths in targets.items() if paths]
    hits: list[Hit] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        while time.monotonic() < stop:
            kind = rng.choice(kinds)
            answer = hit(base, kind, rng.choice(targets[kind]))
            with lock:
                hits.append(answer)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return hits


def hit(base: str, kind: str, path: str) -> Hit:
    """GET ``base + path`` as a browser would; never raises (status 0: no answer)."""
    started = time.perf_counter()
    try:
        code = fetch(base + path, "text/html,application/json;q=0.9,*/*;q=0.5")[0]
    except OSError:
        code = 0
    return Hit(kind, path, code, (time.perf_counter() - started) * 1000)


# -- what to request ------------------------------------------------------------------------
SCKG = "https://w3id.org/sckg/ontology#"
#: Entity page types and the class of their resources.
ENTITY_CLASSES = {
    "use case": SCKG + "UseCase",
    "sector": SCKG + "Sector",
    "sector link": SCKG + "SectorLink",
    "dataset": "http://www.w3.org/ns/dcat#Dataset",
    "place": SCKG + "Place",
    "organisation": "http://www.w3.org/ns/org#Organization",
    "standard": "http://purl.org/dc/terms/Standard",
}
_PLACE_CLASSES = (SCKG + "Municipality", SCKG + "Region")
HUBS = 3


def entity_iris(
    select: Callable[[str], list[dict[str, str]]], *, per_kind: int = 20, seed: int = 1
) -> dict[str, list[str]]:
    """IRIs of resources to request per entity page type: the ``HUBS`` with the most
    incoming links (the slow tail of DESIGN.md §7a) and others drawn at random.

    ``select`` runs a SELECT over the union of the graphs and returns its rows as strings.
    """
    rng = random.Random(seed)
    found: dict[str, list[str]] = {}
    for kind, cls in ENTITY_CLASSES.items():
        types = " ".join(f"<{c}>" for c in (_PLACE_CLASSES if kind == "place" else (cls,)))
        hubs = [
            row["x"]
            for row in select(
                f"SELECT ?x (COUNT(?s) AS ?n) WHERE {{ VALUES ?c {{ {types} }} ?x a ?c . "
                f"?s ?p ?x }} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT {HUBS}"
            )
        ]
        pool = [
            row["x"]
            for row in select(
                f"SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {types} }} ?x a ?c }} LIMIT 2000"
            )
        ]
        others = sorted(set(pool) - set(hubs))
        wanted = (per_kind * 3 // 2 if kind == "use case" else per_kind) - len(hubs)
        found[kind] = hubs + rng.sample(others, min(wanted, len(others)))
    return found


def page_types(
    entities: Mapping[str, Sequence[str]],
    base: str,
    queries: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """Paths of every page type of the site, several resources per type (so that caches do
    not flatter). ``entities`` are IRIs per entity page type (see :func:`entity_iris`),
    ``queries`` the named queries, each with the query string of its page ('' for none)."""

    def path(iri: str, ext: str = "html") -> str:
        return f"/{iri[len(base) :]}.{ext}"

    usecases = list(entities.get("use case", ()))
    types = {
        "home": ["/", "/?lang=de"],
        "use-case list": ["/usecases", "/usecases?page=2", "/usecases?sort=modified"],
        "search + facets": [
            "/usecases?q=daten&sector=mobility",
            "/usecases?q=air&maturity=pilot",
            "/usecases?sector=energy&gaiax=identity-trust",
        ],
        "autocomplete": [
            "/usecases/suggest.json?q=ham",
            "/usecases/suggest.json?q=luft",
            "/usecases/suggest.json?q=park",
        ],
        "interconnections": ["/interconnections", "/interconnections.json"],
        "entity lists": ["/sectors", "/datasets", "/places", "/organisations", "/standards"],
    }
    for kind, iris in entities.items():
        types[kind] = [path(iri) for iri in iris if iri.startswith(base)]
    types["RDF twin (ttl)"] = [path(iri, "ttl") for iri in usecases[:20]]
    types["ontology"] = ["/ontology.html", "/shapes.html"]
    if queries is not None:
        types["named query page"] = ["/queries"] + [
            f"/queries/{name}{'?' + given if given else ''}" for name, given in queries.items()
        ]
    return {kind: paths for kind, paths in types.items() if paths}
