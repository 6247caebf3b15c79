"""A real Oxigraph server (PyPI package ``oxigraph``) on a free loopback port, for tests and
benchmarks: started with its data in a folder, stopped (or killed) by process id."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of this virtual environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is not installed: pip install oxigraph")
    return found


class OxigraphServer:
    """``oxigraph serve --union-default-graph`` on 127.0.0.1; see :meth:`start`."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = Path(location)
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> OxigraphServer:
        """Start the server and wait (at most ``timeout`` s) until it answers."""
        self.location.mkdir(parents=True, exist_ok=True)
        log = open(self.location.parent / f"oxigraph-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.url} in {timeout}s")

    def kill(self) -> None:
        """SIGKILL, as a crash would (the data folder stays consistent: RocksDB)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@contextlib.contextmanager
def serve_app(app, port: int = 0) -> Iterator[str]:
    """Serve a WSGI app over HTTP on a loopback port (a free one by default); yields its base
    URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def wait_until_healthy(base_url: str, process: subprocess.Popen, timeout: float = 180.0) -> dict:
    """Poll ``base_url/health`` until it answers 200 (its JSON is returned); fail early when
    ``process`` exits. The deadline is generous: a loaded 2-core machine starts slowly, and
    only a server that never comes up makes the caller wait that long."""
    import json

    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=30) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError) as exc:
            last = exc
            time.sleep(0.2)
    raise RuntimeError(f"{base_url}/health did not answer 200 in {timeout:g} s: {last}")


def stop_group(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Stop a process started with ``start_new_session=True`` and every process it started
    (query workers, gunicorn workers): SIGTERM to its process group, SIGKILL after ``timeout``."""
    import os
    import signal

    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):  # workers that outlived their parent
        os.killpg(process.pid, signal.SIGKILL)


class Listener:
    """A loopback port that accepts (and at once closes) every connection, counting them: a
    store that connects gets an error at once instead of waiting for an answer."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
