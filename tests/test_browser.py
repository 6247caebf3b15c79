"""The pages people look at, in headless Chromium (Debian package, driven by Playwright): no
console errors, graphs render, a matrix cell leads to the right use cases, the language switch
and autocomplete work, and axe-core finds no WCAG 2.1 A/AA violation. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from environment import require_program
from playwright import sync_api as playwright_api

from kg.rdf import IRI
from kg.views.interconnect import breakdown, interconnections

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ROOT_DIR = Path(__file__).resolve().parent.parent
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
#: Every page type of the site, on the shipped corpus (the v2 fixture's types: V2_PAGES).
PAGES = {
    "home": "/",
    "usecase": "/usecase/hamburg-traffic-signal-data",
    "pattern": "/pattern/air-quality-sensor-network",
    "sector": "/sector/mobility",
    "interconnections": "/interconnections",
    "interconnections-datasets": "/interconnections?measure=datasets",
    "search": "/usecases?q=daten&sector=mobility",
    "search-by-type": "/usecases?q=wetter&type=dataset",
    "dataset": "/dataset/hamburg-traffic-light-states",
    "datasets": "/datasets",
    "places": "/places",
    "map": "/map",
    "place": "/place/hamburg",
    "land": "/place/baden-wuerttemberg",
    "org": "/org/lgv-hamburg",
    "standard": "/standard/ogc-sensorthings-api",
    "platform": "/platform/hamburg-urban-data-platform",
    "concept": "/maturity/pilot",
    "sectorlink": "/sectorlink/environment--mobility",
    "ontology": "/ontology",
    "shapes": "/shapes",
    "catalogue": "/catalogue.html",
    "queries": "/queries",
    "named-query": "/queries/usecases-per-land",
    "downloads": "/downloads",
    "sparql-editor": "/sparql",
    "not-found": "/usecase/no-such-use-case",
    "dataset-type": "/dataset-type/klimaschutzUndUmweltschutz--berichtUndAnalyse-luftUndEmission",
    "dataset-theme": "/dataset-type/verkehr",
    "data-model": "/data-model/AirQualityObserved",
    "mim": "/mim/mim7",
    "matrix-by-data-model": "/interconnections?measure=data-model",
    "datamodel-pair": "/interconnections/data-models/environment--mobility",
    "enabled-by-types": "/queries/usecases-enabled-by-dataset-types",
    "possible": "/what-our-data-makes-possible?types=wetter--messung&types=verkehr--kfz-parkplatz",
}
#: The standing bar: a desktop and a phone.
WIDTHS = (1366, 390)


@pytest.fixture(scope="module")
def browser():
    chromium = require_program("chromium", CHROMIUM)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, width: int = 1280):
    """A page in a fresh context ``width`` pixels wide (a phone below 600), recording console
    errors and warnings in ``page.console_problems``."""
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900}, is_mobile=phone
    )
    page = context.new_page()
    page.console_problems = []
    page.on(
        "console",
        lambda m: (
            m.type in ("error", "warning") and page.console_problems.append(f"{m.type}: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: page.console_problems.append(f"pageerror: {e}"))
    return context, page


@pytest.fixture
def page(browser):
    context, page = open_page(browser)
    yield page
    context.close()


def _english_ui_strings() -> frozenset[str]:
    """The English texts of the interface that have a different German translation."""
    from babel.messages.pofile import read_po

    po = ROOT_DIR / "web" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    return frozenset(
        m.id for m in catalogue if isinstance(m.id, str) and m.id and m.string and m.string != m.id
    )


ENGLISH_UI = _english_ui_strings()
#: Text nodes and labels of a page, leaving out code and what is marked as another language.
_TEXTS = """() => {
  const out = [];
  const skip = 'code, pre, kbd, samp, script, style, [lang]:not([lang="de"])';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    if (text && !node.parentElement.closest(skip)) out.push(text);
  }
  document.querySelectorAll('[title], [aria-label], [placeholder], [alt]').forEach((el) => {
    if (el.closest(skip)) return;
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value) out.push(value.trim());
    }
  });
  return out;
}"""


def check_page(browser, url: str, name: str, lang: str, width: int, then=None) -> None:
    """The standing bar for one page: the language it says, no console problem, no WCAG 2.1
    A/AA violation (axe-core), and on a phone nothing wider than the screen. ``then(page)``,
    if given, acts on the page first (fills in and sends a form) and the result is checked."""
    context, page = open_page(browser, width)
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if then is not None:
            then(page)
            page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width}.png"), full_page=True)
        assert page.get_attribute("html", "lang") == lang
        problems = page.console_problems
        if name == "not-found":  # the browser reports the page's own status as an error
            problems = [p for p in problems if "status of 404" not in p]
        assert problems == [], problems
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide}px wide on a {width}px screen"
        if lang == "de":
            english = sorted(set(page.evaluate(_TEXTS)) & ENGLISH_UI)
            assert english == [], f"English interface texts on the German page: {english}"
    finally:
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


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_is_clean_and_accessible(browser, live_server, name, lang, width):
    joiner = "&" if "?" in PAGES[name] else "?"
    check_page(browser, f"{live_server}{PAGES[name]}{joiner}lang={lang}", name, lang, width)


def _upload_catalogue(page) -> None:
    """Send the fixture portal catalogue through the page's upload form."""
    catalogue = ROOT_DIR / "tests" / "fixtures" / "portal" / "catalog.rdf"
    page.set_input_files("#catalogue", str(catalogue))
    with page.expect_navigation():
        page.click("form[enctype='multipart/form-data'] button[type=submit]")
    assert page.locator("#portal-datasets tbody tr").count() == 4


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_catalogue_upload_answer_is_clean_and_accessible(browser, live_server, lang, width):
    url = f"{live_server}/what-our-data-makes-possible?lang={lang}"
    check_page(browser, url, "possible-upload", lang, width, then=_upload_catalogue)


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


def test_escape_closes_the_suggestions_and_keeps_the_text(live_server, page):
    page.goto(live_server + "/?lang=de")
    field = page.locator("#q")
    field.fill("hambu")
    page.wait_for_selector("#q-suggestions li")
    field.press("Escape")
    assert page.get_attribute("#q", "aria-expanded") == "false"
    assert page.locator("#q-suggestions").is_hidden()
    assert field.input_value() == "hambu"


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/interconnections?lang=en")
    assert page.locator("table.matrix td.heat a").count() > 10
    assert page.locator("#network").is_hidden()
    page.goto(live_server + "/usecases?sector=mobility")
    assert page.locator(".results-list li").count() > 0
    context.close()


def test_print(browser, live_server):
    """Printed, a page drops the navigation (phones: test_page_is_clean_and_accessible)."""
    context, page = open_page(browser)
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
    "v2-all-sectors-search": "/usecases?sector=environment&sector=mobility&sectors=all",
    "v2-land-size-search": "/usecases?land=baden-wuerttemberg&size=mittelstadt",
    "v2-standard": "/standard/ogc-sensorthings-api",
    "v2-platform-small": "/platform/ploen-iot-platform",
    "v2-home": "/",
    "v2-ontology": "/ontology",
    "v2-map": "/map?sector=mobility",
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", sorted(V2_PAGES))
def test_v2_page_is_clean_and_accessible(browser, v2_live_server, name, lang, width):
    joiner = "&" if "?" in V2_PAGES[name] else "?"
    check_page(browser, f"{v2_live_server}{V2_PAGES[name]}{joiner}lang={lang}", name, lang, width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_editor_with_results_meets_the_bar(browser, live_server, lang, width):
    """The editor after running an example: the result table scrolls in its box and every
    control YASGUI draws has a name."""
    context, page = open_page(browser, width)
    try:
        page.goto(f"{live_server}/sparql?lang={lang}")
        page.click("[data-example=usecases-per-land]")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table tbody tr", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / f"editor-results-{lang}-{width}.png"), full_page=True)
        assert page.console_problems == []
        # results link to this site's pages, in the page's language, and show plain values
        first = page.locator(".yasr tbody a.iri").first
        assert first.get_attribute("href").startswith("/place/")
        assert first.get_attribute("href").endswith(f"?lang={lang}")
        assert "^^" not in page.locator(".yasr tbody").inner_text()
        controls = page.locator(".yasr .tableControls").inner_text()
        chip = page.locator(".yasr_response_chip").inner_text()
        if lang == "de":
            assert "Einfache Ansicht" in controls and "Zeilen je Seite" in controls
            assert "Ergebnisse in" in chip and "Simple view" not in controls
        else:
            assert "Simple view" in controls and "results in" in chip
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"the editor with results is {wide}px wide on a {width}px screen"
    finally:
        context.close()


# -- the map of the places (issue 13), on the v2 fixture project -----------------------------------
#: With ?sector=mobility the v2 fixture has 4 places: Herrenberg, Sindelfingen and München drawn
#: on the map, Kreis Plön (no coordinates) in the table only (tests/test_map.py counts them from
#: the fixture's YAML).
MAP = "/map?sector=mobility"
MAP_ROWS, MAP_POINTS = 4, 3


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_map_with_javascript_is_a_map(browser, v2_live_server, lang, width):
    """The map itself; axe, console and overflow for this page are V2_PAGES["v2-map"]."""
    context, page = open_page(browser, width)
    try:
        page.goto(f"{v2_live_server}{MAP}&lang={lang}")
        page.wait_for_load_state("networkidle")
        assert page.locator("figure.geo-map").is_visible()
        assert page.locator("figure.geo-map svg a.point").count() == MAP_POINTS
        assert page.locator("figure.geo-map svg path.land").count() == 16
        box = page.locator("figure.geo-map svg").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 400
        assert page.locator("table.places tbody tr").count() == MAP_ROWS  # the table stays
        assert page.console_problems == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_map_without_javascript_is_a_table(browser, v2_live_server, lang):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{v2_live_server}{MAP}&lang={lang}")
    page.screenshot(path=str(ARTIFACTS / f"map-{lang}-nojs.png"), full_page=True)
    assert page.locator("figure.geo-map").is_hidden()
    rows = page.locator("table.places tbody tr")
    assert rows.count() == MAP_ROWS
    assert rows.first.locator("th").inner_text() == "Herrenberg"  # most use cases first
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the filter is a plain GET form
    page.select_option("#map-sector", "water")
    page.locator("form.map-filter button[type=submit]").click()
    page.wait_for_load_state()
    assert "sector=water" in page.url
    assert page.locator("table.places tbody tr").count() == 1
    context.close()


def test_map_points_are_links_reached_by_keyboard(v2_live_server, page):
    page.goto(f"{v2_live_server}{MAP}&lang=en")
    page.locator("form.map-filter button[type=submit]").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('point')"):
            break
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert name == "Herrenberg: 2 use cases"  # the largest point comes first
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/place/herrenberg" in page.url


def test_the_network_is_operated_by_keyboard(live_server, page):
    page.goto(f"{live_server}/interconnections?lang=de")
    page.wait_for_selector("#network[data-rendered]")
    page.focus("#network")
    page.keyboard.press("ArrowRight")  # the first sector
    first = page.text_content("#network-info")
    assert "Anwendungsf" in first and first.endswith("Öffnen")
    page.keyboard.press("End")  # the last link: the weakest
    chosen = page.get_attribute("#network", "data-current")
    text = page.text_content("#network-info")
    assert "↔" in text and "Stärke" in text
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert chosen.rsplit("/", 1)[-1] in page.url


def test_a_click_on_a_line_names_the_pair_before_opening_it(live_server, page):
    page.goto(f"{live_server}/interconnections?lang=en")
    page.wait_for_selector("#network[data-rendered]")
    page.locator("#network").scroll_into_view_if_needed()
    # a point on the strongest link, as the canvas draws it, computed again before each try (the
    # page may still move while a loaded machine lays it out)
    where = """t => { const el = document.getElementById('network');
                      const cy = el._cyreg.cy;
                      const e = cy.edges().sort((a, b) => b.data('weight') - a.data('weight'))[0];
                      const box = el.getBoundingClientRect();
                      const s = e.source().renderedPosition(), d = e.target().renderedPosition();
                      return {x: box.left + s.x + t * (d.x - s.x),
                              y: box.top + s.y + t * (d.y - s.y)}; }"""
    for t in (0.5, 0.4, 0.6, 0.3, 0.7):
        point = page.evaluate(where, t)
        page.mouse.click(point["x"], point["y"])
        try:
            page.wait_for_selector("#network[data-current]", timeout=5_000)
            break
        except playwright_api.TimeoutError:
            continue
    # the line under the pointer is chosen (another may cross the strongest one there)
    chosen = page.get_attribute("#network", "data-current")
    title = page.evaluate(
        "id => document.getElementById('network')._cyreg.cy.getElementById(id).data('title')",
        chosen,
    )
    assert "↔" in title and page.text_content("#network-info").startswith(title)
    assert "/interconnections" in page.url  # nothing opened yet
    with page.expect_navigation():
        page.click("#network-info a")
    assert chosen.rsplit("/", 1)[-1] in page.url


def test_a_matrix_cell_shows_what_it_counts_on_focus(live_server, page):
    page.goto(f"{live_server}/interconnections?lang=en")
    cell = page.locator("table.matrix td.heat a").first
    cell.focus()
    tip = cell.locator(".tip")
    assert tip.is_visible()
    assert "strength" in tip.text_content() and "↔" in tip.text_content()
    assert cell.locator(".visually-hidden").text_content() == " – " + tip.text_content()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_editor_draws_a_chart_of_counts(browser, live_server, lang, width):
    context, page = open_page(browser, width)
    try:
        page.goto(f"{live_server}/sparql?lang={lang}")
        page.click("[data-example=usecases-per-land]")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table tbody tr", timeout=60_000)
        rows = page.locator(".yasr_response_chip").inner_text()
        page.click(".select_chart")
        bars = page.locator(".sckg-chart svg rect")
        bars.first.wait_for()
        total = int(re.match(r"[\d.,]+", rows).group().replace(".", "").replace(",", ""))
        assert bars.count() == min(total, 100)  # one bar per result row, at most 100
        caption = page.locator(".sckg-chart figcaption").inner_text()
        assert ("je" if lang == "de" else "by") in caption
        if total > 100:
            assert ("ersten 100" if lang == "de" else "first 100") in caption
        link = page.locator(".sckg-chart svg a").first.get_attribute("href")
        assert link.startswith("/place/") and link.endswith(f"?lang={lang}")
        page.screenshot(path=str(ARTIFACTS / f"editor-chart-{lang}-{width}.png"), full_page=True)
        assert page.console_problems == []
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_editor_draws_a_graph_of_a_construct_answer(browser, live_server):
    context, page = open_page(browser, 1366)
    try:
        page.goto(f"{live_server}/sparql?lang=en")
        page.click("[data-example=usecase-description]")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr_response_chip", timeout=60_000)
        # YASR marks a view that cannot show the results with the class "disabled"
        page.wait_for_function("!document.querySelector('.select_graph.disabled')")
        assert "disabled" in page.locator(".select_chart").get_attribute("class")
        page.click(".select_graph")
        page.wait_for_selector(".sckg-graph-box[data-rendered]")
        drawn = int(page.get_attribute(".sckg-graph-box", "data-rendered"))
        caption = page.locator(".sckg-graph figcaption").inner_text()
        assert f"{drawn} resources" in caption and drawn >= 2
        assert page.console_problems == []
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)
    finally:
        context.close()
