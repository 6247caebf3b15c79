"""The production entry: gunicorn with several workers on a remote store, JSON request logs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from servers import free_port, wait_until_healthy

from kg.config import Settings
from web.logs import JsonFormatter, access_fields

ROOT = Path(__file__).resolve().parent.parent


def test_access_fields_are_json_safe() -> None:
    fields = access_fields({"m": "GET", "U": '/a"b', "s": "200", "B": "-", "M": "12", "a": 'x"y'})
    assert fields == {
        "method": "GET",
        "path": '/a"b',
        "status": 200,
        "duration_ms": 12,
        "agent": 'x"y',
    }
    assert JsonFormatter  # wired by gunicorn.conf.py


def test_gunicorn_serves_the_app_with_workers(remote_settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "KG_PROJECT": str(ROOT),
        "KG_STORE": remote_settings.store,
        "KG_PORT": str(port),
        "KG_WEB_WORKERS": "2",
    }
    log = tmp_path / "access.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "web.wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        health = wait_until_healthy(f"http://127.0.0.1:{port}", process)
        assert health["status"] == "ok" and health["backend"] == "remote"
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert any(e.get("path") == "/health" and e.get("status") == 200 for e in lines), lines
