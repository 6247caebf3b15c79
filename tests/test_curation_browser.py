"""Curating in headless Chromium (issue 14, "Done when"), in German and in English: a curator
signs in, creates a use case with a new dataset and a data flow to an existing use case, sees
the preview and submits; a reviewer requests a change, the curator makes it, the reviewer
approves; the page, the search, the interconnections and the history show it; the reviewer
reverts it and it is gone (410). Every curation page on the way meets the site's bar (axe-core
WCAG 2.1 A/AA, no console problem, nothing wider than a 390 px phone)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from curation_support import PASSWORD, git_project
from servers import free_port, serve_app
from test_browser import (  # noqa: F401 - browser is a fixture
    _TEXTS,
    ARTIFACTS,
    ENGLISH_UI,
    axe_violations,
    browser,
    open_page,
)

from web import create_app

pytestmark = pytest.mark.slow

#: The existing use case the new one's data flow goes to (it will use the new dataset).
CONSUMER = "munich-traffic-data"
TIMEOUT = 180_000  # ms: approving builds and publishes a release on a shared 2-core machine


@pytest.fixture
def site(tmp_path):
    """A git project of its own, served on a loopback port: (base URL, settings)."""
    settings = git_project(tmp_path)
    port = free_port()
    settings = settings.replace(public_url=f"http://127.0.0.1:{port}/")
    app = create_app({"TESTING": True}, settings=settings)
    with serve_app(app, port=port) as url:
        yield url, settings


def meets_the_bar(page, name: str, lang: str, width: int, status: int = 200) -> None:
    """The standing bar of the site's pages, for the page as it is now (answered with
    ``status``: the browser reports a page's own 4xx status as an error)."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"curation-{name}-{lang}-{width}.png"), full_page=True)
    assert page.get_attribute("html", "lang") == lang
    problems = [p for p in page.console_problems if f"status of {status}" not in p]
    assert problems == [], (name, problems)
    violations = axe_violations(page)
    assert violations == [], (name, json.dumps(violations, indent=1))
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{name} is {wide}px wide on a {width}px screen"
    if lang == "de":
        english = sorted(set(page.evaluate(_TEXTS)) & ENGLISH_UI)
        assert english == [], f"English interface texts on the German page {name}: {english}"


def sign_in(page, base: str, name: str, lang: str) -> None:
    page.goto(f"{base}/login?lang={lang}")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")
    assert "/curate" in page.url


def sign_out(page) -> None:
    with page.expect_navigation():
        page.click("nav.account form.logout button")


def save(page) -> None:
    with page.expect_navigation(timeout=TIMEOUT):
        page.click("form.curation-form button[value=save]")


def proposal_number(page) -> int:
    return int(page.url.rsplit("/proposals/", 1)[1].split("?")[0].split("/")[0])


def weight(base: str, a: str, b: str) -> int:
    """The weight of the link between sectors ``a`` and ``b`` in the interconnections."""
    with urllib.request.urlopen(f"{base}/interconnections.json") as answer:
        data = json.loads(answer.read())
    ends = {a, b}
    for link in data["links"]:
        if {link["source"].rsplit("/", 1)[-1], link["target"].rsplit("/", 1)[-1]} == ends:
            return int(link["weight"])
    return 0


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def first_empty(page, name: str):
    slots = page.locator(f"input[name={name}]")
    for i in range(slots.count()):
        if slots.nth(i).input_value() == "":
            return slots.nth(i)
    raise AssertionError(f"no empty {name} field")


def create_dataset(page, slug: str, lang: str) -> int:
    page.goto(page.url.split("/curate")[0] + f"/curate/new/dataset?lang={lang}")
    page.fill("#f-id", slug)
    page.fill("#f-title-de", "Messwerte der Lärmsensoren (Test)")
    page.fill("#f-title-en", "Noise sensor readings (test)")
    page.fill("#f-description-de", "Minütliche Schallpegel der Sensoren an Hauptstraßen.")
    page.fill("#f-description-en", "Sound levels of the sensors on main roads, every minute.")
    save(page)
    return proposal_number(page)


def fill_usecase(page, slug: str, dataset: str, title_en: str) -> None:
    page.fill("#f-id", slug)
    page.fill("#f-title-de", "Lärmkarte aus Straßensensoren (Test)")
    page.fill("#f-title-en", title_en)
    page.fill("#f-description-de", "Die Stadt misst den Straßenlärm und teilt die Daten.")
    page.fill("#f-description-en", "The city measures road noise and shares the data.")
    page.check("#f-sectors-environment")
    page.select_option("#f-maturity", "pilot")
    page.select_option("#f-curationStatus", index=1)
    page.fill("#f-produces", dataset)
    page.fill("#f-sources", "https://example.org/laermkarte")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_use_case_from_proposal_to_revert(browser, site, lang):  # noqa: F811
    base, _settings = site
    slug, dataset = f"noise-map-{lang}", f"noise-sensors-{lang}"
    before = weight(base, "environment", "mobility")
    context, page = open_page(browser, 1366)
    page.set_default_timeout(TIMEOUT)
    try:
        # -- the curator: a dataset, a use case producing it, the consumer using it
        page.goto(f"{base}/login?lang={lang}")
        meets_the_bar(page, "login", lang, 1366)
        sign_in(page, base, "cora", lang)
        meets_the_bar(page, "dashboard", lang, 1366)
        number = create_dataset(page, dataset, lang)
        meets_the_bar(page, "proposal", lang, 1366)
        page.select_option("#add-type", "usecase")
        with page.expect_navigation():
            page.click("#add-entry button[type=submit]")
        assert f"proposal={number}" in page.url
        meets_the_bar(page, "form", lang, 1366)
        fill_usecase(page, slug, dataset, "Noise map from road sensors (draft)")
        save(page)
        assert proposal_number(page) == number
        page.fill("#add-existing", f"usecase/{CONSUMER}")
        with page.expect_navigation():
            page.click("form.add-entry:has(#add-existing) button[type=submit]")
        first_empty(page, "uses").fill(dataset)
        save(page)
        assert proposal_number(page) == number
        assert page.locator("#proposal-findings li.violation").count() == 0
        entities = page.locator("#proposal-entities").inner_text()
        for entity in (f"dataset/{dataset}", f"usecase/{slug}", f"usecase/{CONSUMER}"):
            assert entity in entities
        diff = page.locator("section[aria-labelledby=files-h]").inner_text()
        assert "usecases/munich-traffic-data.yaml" in diff
        added = page.locator("section[aria-labelledby=files-h] .d-add").all_inner_texts()
        assert any("+uses: [" in line and f"{dataset}]" in line for line in added), added
        # the preview: the use case's page as it will be, not public yet
        with page.expect_navigation():
            page.click(f"a[href*='entity=usecase/{slug}']")
        assert page.locator("#preview-banner").is_visible()
        title = {
            "de": "Lärmkarte aus Straßensensoren (Test)",
            "en": "Noise map from road sensors (draft)",
        }
        assert page.locator("h1").inner_text() == title[lang]
        meets_the_bar(page, "preview", lang, 1366)
        assert status_of(f"{base}/usecase/{slug}.html") == 404  # not public before approval
        page.go_back()
        with page.expect_navigation():
            page.click("#submit-proposal")
        assert page.locator("#proposal-status.status-submitted").count() == 1
        sign_out(page)

        # -- the reviewer asks for a change
        sign_in(page, base, "rita", lang)
        with page.expect_navigation():
            page.click(f"a[href$='/curate/proposals/{number}']")
        page.fill("#changes-text", "Please drop the word draft from the English title.")
        with page.expect_navigation():
            page.click("#request-changes")
        assert page.locator("#proposal-status.status-changes-requested").count() == 1
        sign_out(page)

        # -- the curator makes it and submits again
        sign_in(page, base, "cora", lang)
        page.goto(f"{base}/curate/proposals/{number}")
        assert "Please drop the word draft" in page.locator("#comments").inner_text()
        with page.expect_navigation():
            page.click(f"a[href*='/curate/edit/usecase/{slug}']")
        assert page.input_value("#f-title-en") == "Noise map from road sensors (draft)"
        page.fill("#f-title-en", "Noise map from road sensors")
        save(page)
        with page.expect_navigation():
            page.click("#submit-proposal")
        sign_out(page)

        # -- the reviewer approves: published
        sign_in(page, base, "rita", lang)
        page.goto(f"{base}/curate/proposals/{number}")
        with page.expect_navigation(timeout=TIMEOUT):
            page.click("#approve-proposal")
        assert page.locator("#proposal-status.status-published").count() == 1

        # -- the page, the search, the interconnections and the history show it
        page.goto(f"{base}/usecase/{slug}?lang=en")
        assert page.locator("h1").inner_text() == "Noise map from road sensors"
        assert page.locator(f"a[href$='/usecase/{CONSUMER}']").count() >= 1
        page.goto(f"{base}/usecases?q=Noise+map&lang={lang}")
        assert page.locator(f"a[href$='/usecase/{slug}']").count() >= 1
        assert weight(base, "environment", "mobility") > before
        page.goto(f"{base}/usecase/{slug}/history?lang={lang}")
        history = page.locator("#history").inner_text()
        assert "cora" in history and "rita" in history
        assert page.locator(f"#history a[href$='/curate/proposals/{number}']").count() == 1
        meets_the_bar(page, "history", lang, 1366)

        # -- the reviewer reverts it: gone
        with page.expect_navigation(timeout=TIMEOUT):
            page.click("#history form button[type=submit] >> nth=0")
        answer = page.goto(f"{base}/usecase/{slug}.html?lang={lang}")
        assert answer.status == 410
        meets_the_bar(page, "gone", lang, 1366, status=410)
        assert weight(base, "environment", "mobility") == before
    finally:
        context.close()


def _published_change(settings, reviewer: str = "rita") -> int:
    """A change of an existing use case, made and approved through kg.curation: a page with
    history to look at."""
    from kg.curation import forms
    from kg.curation.accounts import Account
    from kg.curation.proposals import Proposals

    entity = f"usecase/{CONSUMER}"
    spec = forms.specs(settings)["usecase"]
    record = forms.record_of(settings, entity)
    values = forms.values_of(spec, record)
    values["title.en"] = ["Munich traffic data, checked"]
    record, _ = forms.record_from_form(spec, values)
    files = forms.files_for(settings, spec, record, entity)
    proposals = Proposals(settings)
    made = proposals.create(Account("cora", "curator"), entity, "edit", files, "Titel geprüft")
    proposals.submit(made.id, Account("cora", "curator"))
    proposals.approve(made.id, Account(reviewer, "reviewer"))
    return made.id


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_curation_pages_fit_a_phone(browser, site, lang):  # noqa: F811
    base, settings = site
    number = _published_change(settings)
    context, page = open_page(browser, 390)
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{base}/login?lang={lang}")
        meets_the_bar(page, "login", lang, 390)
        sign_in(page, base, "rita", lang)
        pages = {
            "dashboard": "/curate",
            "form": "/curate/new/usecase",
            "edit": f"/curate/edit/usecase/{CONSUMER}",
            "proposal": f"/curate/proposals/{number}",
            "import": "/curate/import",
            "history": f"/usecase/{CONSUMER}/history",
            "usecase": f"/usecase/{CONSUMER}",
        }
        for name, path in pages.items():
            page.goto(base + path)
            meets_the_bar(page, name, lang, 390)
        # the form again, with the findings of an empty save at their fields
        page.goto(f"{base}/curate/new/dataset")
        save(page)
        assert page.locator("#f-id-findings li").count() >= 1
        assert page.locator(".form-summary li").count() >= 1
        meets_the_bar(page, "form-findings", lang, 390, status=422)
    finally:
        context.close()


def test_the_form_checks_while_typing_and_suggests_references(browser, site):  # noqa: F811
    base, _settings = site
    context, page = open_page(browser, 1366)
    page.set_default_timeout(TIMEOUT)
    try:
        sign_in(page, base, "cora", "de")
        page.goto(f"{base}/curate/new/dataset")
        assert page.locator("#f-title-findings li").count() == 0
        with page.expect_response(lambda r: r.url.endswith("/curate/check")):
            page.fill("#f-id", "laerm-sensoren")
        page.wait_for_selector("#f-title-findings li")  # the title is required: said at once
        assert "Titel" in page.locator("#f-title-findings").inner_text()
        assert "Befund" in page.locator("#live-status").inner_text()
        with page.expect_response(lambda r: "/curate/lookup" in r.url):
            page.fill("#f-places", "Plön")
        page.wait_for_function("document.querySelectorAll('#f-places-list option').length > 0")
        values = page.eval_on_selector_all("#f-places-list option", "os => os.map(o => o.value)")
        assert "kreis-ploen" in values
        assert page.console_problems == []
    finally:
        context.close()
