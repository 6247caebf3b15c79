"""The query editor: YASGUI served from the project's own files, prefixes and examples."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from environment import require_program

from tests.conftest import ROOT

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def editor_config(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="sckg-editor-config">(.*?)</script>', html, re.S
    )
    assert found
    return json.loads(found.group(1))


def test_the_editor_uses_local_assets_only(client) -> None:
    html = client.get("/sparql", headers={"Accept": BROWSER}).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    # static files carry a content version (?v=…, web/delivery.py)
    scripts = [s.split("?v=")[0] for s in sources if s.split("?v=")[0].endswith((".js", ".css"))]
    assert "/static/vendor/yasgui/yasgui.min.js" in scripts
    assert "/static/vendor/yasgui/yasgui.min.css" in scripts
    for asset in scripts:
        assert asset.startswith("/static/"), asset
        with client.get(asset) as response:
            assert response.status_code == 200


def test_yasgui_is_vendored_with_its_licence() -> None:
    folder = ROOT / "web" / "static" / "vendor" / "yasgui"
    assert "MIT" in (folder / "LICENSE").read_text()
    assert json.loads((folder / "VERSION.json").read_text())["name"] == "@zazuko/yasgui"


def test_endpoint_prefixes_and_examples_are_preset(client, built_settings) -> None:
    html = client.get("/sparql", headers={"Accept": BROWSER}).text
    config = editor_config(html)
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"]["sckg"] == built_settings.vocab.ns
    assert config["prefixes"]["dcat"] == "http://www.w3.org/ns/dcat#"
    names = [p.stem for p in sorted((ROOT / "queries").glob("*.rq"))]
    assert sorted(config["examples"]) == names
    for name in names:
        assert f'data-example="{name}"' in html
    script = (ROOT / "web" / "static" / "editor" / "editor.js").read_text()
    assert '["prefixes", "variables"]' in script  # no autocompleter that calls a remote service


def test_shared_links_open_the_editor_with_the_query(client) -> None:
    html = client.get(
        "/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": BROWSER}
    ).text
    assert editor_config(html)["initial"] == "ASK { ?s ?p ?o }"
    page = client.get("/queries/sectors-overview").text
    assert 'href="/sparql#query=' in page


@pytest.mark.slow
def test_yasgui_renders_in_a_browser_without_network(live_server: str, tmp_path) -> None:
    """Headless Chromium, every host but the loopback unresolvable: the editor still renders."""
    command = [
        require_program("chromium"),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={tmp_path}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--virtual-time-budget=8000",
        "--dump-dom",
        f"{live_server}/sparql?lang=de",
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=90, check=True).stdout
    assert 'class="yasr"' in dom  # the results pane was built
    assert 'class="cm-keyword' in dom and 'class="cm-atom">?useCase<' in dom  # highlighted query
