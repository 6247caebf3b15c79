"""The page "Für meine Kommune / For my municipality" in headless Chromium: three planners fill
in the form (the first with JavaScript off) and get a ranked, explained answer whose first
results are the hand-worked ranking of tests/test_orientation.py; axe-core finds no WCAG 2.1
A/AA violation in German and English at 1366 and 390 px, nothing scrolls sideways on a phone
and no English interface text shows on a German page (test_browser.check_page); the printed
page drops the form."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, axe_violations, browser, check_page  # noqa: F401
from test_orientation import EXPECTED_1, EXPECTED_2, EXPECTED_3

pytestmark = pytest.mark.slow

ANSWER = (
    "/orientation?land=baden-wuerttemberg&size=mittelstadt&sector=environment&have=platform"
    "&component=fiware-orion"
)
VIEWS = {"form": "/orientation", "answer": ANSWER, "municipality": "/orientation?place=herrenberg"}
WIDTHS = (1366, 390)


def first_results(page, n: int) -> list[str]:
    return page.locator("li.match").evaluate_all("els => els.map(e => e.dataset.slug)")[:n]


def explanations(page) -> list[str]:
    return page.locator("li.match").first.locator(".why li").all_inner_texts()


def submit(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Vergleichbare Anwendungsfälle anzeigen").click()


def test_planner_1_landgemeinde_in_rhineland_palatinate_without_javascript(
    browser,  # noqa: F811
    v2_live_server,
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(v2_live_server + "/orientation?lang=de")
    page.get_by_label("Land", exact=True).select_option(label="Rheinland-Pfalz")
    page.get_by_label("Größenklasse (BBSR)").select_option("landgemeinde")
    page.get_by_role("group", name="Sektoren von Interesse").get_by_label(
        "Wasser und Hochwasserschutz"
    ).check()
    submit(page)
    assert "land=rhineland-palatinate" in page.url and "sector=water" in page.url
    assert first_results(page, 1) == [slug for slug, _ in EXPECTED_1]
    assert explanations(page) == [
        "+3 gleiche Größenklasse (Landgemeinde)",
        "+2 teilt 1 Sektor: Wasser und Hochwasserschutz",
        "+1 redaktionell geprüft",
    ]
    page.screenshot(path=str(ARTIFACTS / "orientation-planner-1.png"), full_page=True)
    context.close()


def test_planner_2_mittelstadt_in_baden_wuerttemberg_with_fiware(
    browser,  # noqa: F811
    v2_live_server,
):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(v2_live_server + "/orientation?lang=de")
    page.get_by_label("Land", exact=True).select_option("baden-wuerttemberg")
    page.get_by_label("oder Einwohnerzahl").fill("31500")
    page.get_by_role("group", name="Sektoren von Interesse").get_by_label(
        "Umwelt, Klima und Stadtgrün"
    ).check()
    page.get_by_role("group", name="Was bereits vorhanden ist").get_by_label(
        "Datenplattform"
    ).check()
    page.get_by_label("FIWARE Orion Context Broker").check()
    submit(page)
    assert first_results(page, 3) == [slug for slug, _ in EXPECTED_2[:3]]
    assert page.locator("li.match .score").first.inner_text() == "12 Punkte"
    assert "+3 gleiche Größenklasse (Mittelstadt)" in explanations(page)
    second = page.locator("li.match").nth(1)
    assert "FIWARE Orion Context Broker" in second.locator(".why").inner_text()
    assert second.locator(".badge.open").count() == 2
    page.screenshot(path=str(ARTIFACTS / "orientation-planner-2.png"), full_page=True)
    context.close()


def test_planner_3_landkreis_in_bavaria(browser, v2_live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(v2_live_server + "/orientation?lang=en")
    page.get_by_label("Land", exact=True).select_option(label="Bavaria")
    page.get_by_label("Size class (BBSR)").select_option("kreis")
    page.get_by_role("group", name="Sectors of interest").get_by_label(
        "Mobility and transport"
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show comparable use cases").click()
    assert first_results(page, 2) == [slug for slug, _ in EXPECTED_3[:2]]
    assert explanations(page)[0] == "+3 same Land (Bavaria)"
    plon = page.locator("li.match").nth(1).locator(".why").inner_text()
    assert "also a district (Landkreis)" in plon
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "orientation-planner-3.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("name", sorted(VIEWS))
def test_accessible_and_no_sideways_scrolling(browser, v2_live_server, name, width, lang):  # noqa: F811
    joiner = "&" if "?" in VIEWS[name] else "?"
    url = f"{v2_live_server}{VIEWS[name]}{joiner}lang={lang}"
    check_page(browser, url, f"orientation-{name}", lang, width)


def test_bad_input_is_accessible(browser, v2_live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    answer = page.goto(v2_live_server + "/orientation?land=atlantis&lang=de")
    assert answer.status == 400
    assert "„atlantis“ ist im Graphen nicht bekannt" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_printed_answer_drops_the_form(browser, v2_live_server):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(v2_live_server + ANSWER + "&lang=de")
    page.get_by_role("link", name="Drucken").click()
    page.wait_for_load_state()
    assert "print=1" in page.url
    assert page.locator("form.orientation-form").is_hidden()
    assert first_results(page, 3) == [slug for slug, _ in EXPECTED_2[:3]]
    page.goto(v2_live_server + ANSWER + "&lang=de")
    page.emulate_media(media="print")
    assert page.locator("form.orientation-form").is_hidden()
    assert page.locator(".main-nav").is_hidden()
    assert page.locator("li.match").first.is_visible()
    page.pdf(path=str(ARTIFACTS / "orientation-print.pdf"))
    context.close()
