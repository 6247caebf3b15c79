"""The pages people look at, in headless Chromium (Debian package, driven by Playwright): no
console errors, graphs render, a matrix cell leads to the right use cases, the language switch
and autocomplete work, and axe-core finds no WCAG 2.1 A/AA violation. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from environment import require_program
from playwright import sync_api as playwright_api

from kg.rdf import IRI
from kg.views.interconnect import breakdown, interconnections

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    "home": "/",
    "usecase": "/usecase/hamburg-traffic-signal-data",
    "sector": "/sector/mobility",
    "interconnections": "/interconnections",
    "search": "/usecases?q=daten&sector=mobility",
    "dataset": "/dataset/hamburg-traffic-light-states",
    "platform": "/platform/hamburg-urban-data-platform",
    "sectorlink": "/sectorlink/environment--mobility",
    "ontology": "/ontology",
    "catalogue": "/catalogue.html",
}


@pytest.fixture(scope="module")
def browser():
    chromium = require_program("chromium", CHROMIUM)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_problems = []
    page.on(
        "console",
        lambda m: (
            m.type in ("error", "warning") and page.console_problems.append(f"{m.type}: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: page.console_problems.append(f"pageerror: {e}"))
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    # evaluated through the DevTools protocol: the site's CSP (no inline script) stays on
    page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_is_clean_and_accessible(live_server, page, name, lang):
    joiner = "&" if "?" in PAGES[name] else "?"
    page.goto(f"{live_server}{PAGES[name]}{joiner}lang={lang}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
    assert page.get_attribute("html", "lang") == lang
    assert page.console_problems == []
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


@pytest.mark.parametrize(
    ("name", "selector"), [("usecase", "#neighbourhood"), ("interconnections", "#network")]
)
def test_graph_renders(live_server, page, name, selector):
    page.goto(live_server + PAGES[name])
    page.wait_for_selector(f"{selector}[data-rendered]")
    assert int(page.get_attribute(selector, "data-rendered")) >= 2
    assert page.locator(f"{selector} canvas").count() >= 1
    assert page.console_problems == []


def test_matrix_cell_lists_the_right_use_cases(live_server, page, store, built_settings):
    vocab = built_settings.vocab
    cell = interconnections(store, vocab).edges()[0]
    expected = breakdown(store, vocab, IRI(cell.a), IRI(cell.b), top=500)
    page.goto(live_server + "/interconnections?lang=en")
    page.locator(f'td.heat a[href$="{cell.link.rsplit("/", 1)[-1]}"]').first.click()
    page.wait_for_selector("#shared-h")
    page.screenshot(path=str(ARTIFACTS / "matrix-cell.png"), full_page=True)
    listed = page.locator("#shared-usecases a").evaluate_all("els => els.map(e => e.href)")
    assert sorted(u.rsplit("/", 1)[-1] for u in listed) == sorted(
        n.iri.rsplit("/", 1)[-1] for n in expected.shared
    )
    flows = page.locator("#flows tbody tr").count() if expected.flows else 0
    assert flows == len(expected.flows)


def test_language_switch(live_server, page):
    page.goto(live_server + "/sector/mobility?lang=en")
    assert page.locator("h1").inner_text() == "Mobility and transport"
    page.locator("nav.langs a[hreflang=de]").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("h1").inner_text() == "Mobilität und Verkehr"
    page.goto(live_server + "/usecases")  # remembered for the visit
    assert page.get_attribute("html", "lang") == "de"


def test_autocomplete_and_keyboard(live_server, page):
    page.goto(live_server + "/?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    field = page.locator("#q")
    field.fill("hambu")
    page.wait_for_selector("#q-suggestions li")
    assert page.get_attribute("#q", "aria-expanded") == "true"
    field.press("ArrowDown")
    field.press("Enter")
    page.wait_for_load_state()
    assert page.url != live_server + "/?lang=en"
    assert page.console_problems == []


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/interconnections?lang=en")
    assert page.locator("table.matrix td.heat a").count() > 10
    assert page.locator("#network").is_hidden()
    page.goto(live_server + "/usecases?sector=mobility")
    assert page.locator(".results-list li").count() > 0
    context.close()


def test_phone_and_print(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for name in ("home", "usecase", "search"):
        page.goto(live_server + PAGES[name])
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
    page.emulate_media(media="print")
    page.goto(live_server + PAGES["usecase"])
    assert page.locator(".main-nav").is_hidden()
    page.pdf(path=str(ARTIFACTS / "usecase-print.pdf"))
    context.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_pages_with_metadata_quality_fit_a_phone(browser, live_server, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for name in ("dataset", "platform", "catalogue"):
        page.goto(f"{live_server}{PAGES[name]}?lang={lang}")
        assert page.locator("#quality-h").count() == (name != "catalogue")
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone-{lang}.png"), full_page=True)
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
    context.close()


# -- the page types of model v2, on the v2 fixture project -----------------------------------------
V2_PAGES = {
    "v2-usecase": "/usecase/herrenberg-parking-guidance",
    "v2-assessed-flows": "/usecase/stuttgart-air-quality",
    "v2-pattern": "/pattern/smart-parking",
    "v2-platform": "/platform/herrenberg-urban-platform",
    "v2-component": "/component/frost-server",
    "v2-programme": "/programme/mpsc",
    "v2-municipality": "/place/sindelfingen",
    "v2-land": "/place/baden-wuerttemberg",
    "v2-org": "/org/kreis-ploen",
    "v2-patterns-search": "/usecases?kind=pattern",
    "v2-region-search": "/usecases?place=baden-wuerttemberg",
    "v2-home": "/",
    "v2-ontology": "/ontology",
}


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", sorted(V2_PAGES))
def test_v2_page_is_clean_and_accessible(v2_live_server, page, name, lang):
    joiner = "&" if "?" in V2_PAGES[name] else "?"
    page.goto(f"{v2_live_server}{V2_PAGES[name]}{joiner}lang={lang}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
    assert page.get_attribute("html", "lang") == lang
    assert page.console_problems == []
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_v2_pages_fit_a_phone(browser, v2_live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for name, path in sorted(V2_PAGES.items()):
        page.goto(v2_live_server + path + ("&" if "?" in path else "?") + "lang=de")
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
    context.close()
