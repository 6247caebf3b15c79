"""The curation routes of the web (issue 14): every write route refuses anonymous visitors
(401, or the sign-in page for a page asked for by a browser) and accounts without the role
(403); every POST needs its CSRF token (400 without) except the public SPARQL and catalogue
routes; failed sign-ins are limited; forms, proposals, history and 410/301 on a small git
project."""

from __future__ import annotations

import pytest
from curation_support import PASSWORD, csrf_token, git_project, sign_in
from test_curation_spreadsheet import fill

from web import create_app

USECASE = "usecase/ploen-school-transport"


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    return git_project(tmp_path_factory.mktemp("curated"))


@pytest.fixture
def curation_app(curated):
    return create_app({"TESTING": True}, settings=curated)


@pytest.fixture
def web(curation_app):
    return curation_app.test_client()


#: Every route that writes (method, path) and the least role it needs.
WRITES = [
    ("POST", "/curate/new/usecase", "curator"),
    ("POST", f"/curate/edit/{USECASE}", "curator"),
    ("POST", f"/curate/delete/{USECASE}", "curator"),
    ("POST", "/curate/check", "curator"),
    ("POST", "/curate/import", "curator"),
    ("POST", "/curate/proposals/1/submit", "curator"),
    ("POST", "/curate/proposals/1/withdraw", "curator"),
    ("POST", "/curate/proposals/1/comment", "curator"),
    ("POST", "/curate/proposals/1/request-changes", "reviewer"),
    ("POST", "/curate/proposals/1/approve", "reviewer"),
    ("POST", "/curate/revert/0123456789abcdef0123456789abcdef01234567", "reviewer"),
]
#: Pages only signed-in accounts see.
PAGES = [
    "/curate",
    "/curate/new/usecase",
    f"/curate/edit/{USECASE}",
    f"/curate/delete/{USECASE}",
    "/curate/import",
    "/curate/proposals/1",
    "/curate/proposals/1/preview",
]


@pytest.mark.parametrize(("method", "path", "role"), WRITES)
def test_anonymous_writes_are_refused(web, method, path, role):
    token = csrf_token(web)
    answer = web.open(path, method=method, data={"csrf_token": token},
                      headers={"Accept": "application/json"})  # fmt: skip
    assert answer.status_code == 401


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_lead_to_the_sign_in(web, path):
    answer = web.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")


def test_anonymous_lookup_is_refused(web):
    answer = web.get("/curate/lookup?type=dataset&q=park", headers={"Accept": "application/json"})
    assert answer.status_code == 401


@pytest.mark.parametrize(("method", "path", "role"), [w for w in WRITES if w[2] == "reviewer"])
def test_a_curator_may_not_review(web, method, path, role):
    token = sign_in(web, "cora")
    answer = web.open(path, method=method, data={"csrf_token": token, "text": "fine"})
    assert answer.status_code == 403


@pytest.mark.parametrize(("method", "path", "role"), WRITES)
def test_every_write_needs_the_csrf_token(web, method, path, role):
    sign_in(web, "adam")
    answer = web.open(path, method=method, data={"text": "fine"})
    assert answer.status_code == 400
    assert "CSRF" in answer.text


def test_sign_out_needs_the_csrf_token(web):
    sign_in(web, "cora")
    assert web.post("/logout").status_code == 400
    assert web.get("/curate").status_code == 200


def test_public_posts_need_no_token(web):
    answer = web.post("/sparql", data={"query": "ASK { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert answer.status_code == 200
    assert answer.json["boolean"] is True


def test_sign_in_and_out(web):
    token = csrf_token(web, "de")
    wrong = web.post("/login", data={"name": "cora", "password": "nope", "csrf_token": token})
    assert wrong.status_code == 401
    assert "Name oder das Passwort ist falsch" in wrong.text
    right = web.post("/login", data={"name": "cora", "password": PASSWORD, "csrf_token": token,
                                     "next": "/curate/new/dataset"})  # fmt: skip
    assert right.status_code == 303
    assert right.headers["Location"] == "/curate/new/dataset"
    page = web.get("/curate")
    assert page.status_code == 200
    assert "cora" in page.text
    out = web.post("/logout", data={"csrf_token": csrf_token(web)})
    assert out.status_code == 303
    assert web.get("/curate", headers={"Accept": "text/html"}).status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_sign_in_never_sends_elsewhere(web, target):
    token = csrf_token(web)
    right = web.post("/login", data={"name": "cora", "password": PASSWORD, "csrf_token": token,
                                     "next": target})  # fmt: skip
    assert right.headers["Location"] == "/curate"


def test_failed_sign_ins_are_limited_per_address_and_name(web):
    token = csrf_token(web)
    for _ in range(5):
        answer = web.post("/login", data={"name": "rita", "password": "x", "csrf_token": token})
        assert answer.status_code == 401
    blocked = web.post("/login", data={"name": "rita", "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"]
    other = web.post("/login", data={"name": "cora", "password": PASSWORD, "csrf_token": token})
    assert other.status_code == 303


def test_successful_sign_ins_are_not_counted(web):
    for _ in range(7):
        sign_in(web, "cora")


# -- forms, proposals, import, history, retired entities ----------------------------------------
def _form(client, path: str, fields: dict) -> object:
    token = csrf_token(client)
    return client.post(path, data={"csrf_token": token, "action": "save", **fields})


DATASET = {
    "id": "ploen-bus-positions",
    "title.de": "Buspositionen im Kreis Plön",
    "title.en": "Bus positions in the District of Plön",
}


def test_a_save_becomes_a_draft_proposal_with_its_diff(web, curated):
    sign_in(web, "cora")
    saved = _form(web, "/curate/new/dataset", DATASET)
    assert saved.status_code == 303
    page = web.get(saved.headers["Location"] + "?lang=de")
    assert "Entwurf" in page.text
    assert "usecases/shared/datasets/ploen-bus-positions.yaml" in page.text
    assert "Buspositionen im Kreis Plön" in page.text  # the diff of the new file
    preview = web.get(saved.headers["Location"] + "/preview?lang=en")
    assert preview.status_code == 200
    assert "Bus positions in the District of Plön" in preview.text
    assert 'id="preview-banner"' in preview.text


def test_the_findings_of_a_save_are_shown_at_their_fields(web):
    sign_in(web, "cora")
    answer = _form(web, "/curate/new/dataset?lang=de", {"id": "Bad Slug!", "title.de": "x"})
    assert answer.status_code == 422
    page = answer.text
    at_id = page.split('id="f-id-findings"', 1)[1].split("</ul>", 1)[0]
    assert "<li" in at_id  # the slug is refused at the identifier field


def _edited(settings, title_en: str) -> dict:
    """The form of the use case as it is, with another English title."""
    from kg.curation import forms

    spec = forms.specs(settings)["usecase"]
    values = forms.values_of(spec, forms.record_of(settings, USECASE))
    return values | {"title.en": [title_en]}


def test_a_second_edit_of_an_entity_is_a_conflict(web, curation_app, curated):
    sign_in(web, "cora")
    first = _form(web, f"/curate/edit/{USECASE}", _edited(curated, "School buses in Plön"))
    assert first.status_code == 303
    other = curation_app.test_client()
    sign_in(other, "adam")
    second = _form(other, f"/curate/edit/{USECASE}?lang=de", _edited(curated, "School runs"))
    assert second.status_code == 409
    assert "cora" in second.text  # the message names the open proposal and its author
    withdrawn = web.post(first.headers["Location"] + "/withdraw",
                         data={"csrf_token": csrf_token(web)})  # fmt: skip
    assert withdrawn.status_code == 303


def test_live_check_and_lookup_answer_json(web):
    token = sign_in(web, "cora")
    found = web.post(
        "/curate/check",
        json={"type": "dataset", "fields": {"id": ["x"], "title.en": ["only English"]}},
        headers={"X-CSRFToken": token},
    )
    assert found.status_code == 200
    assert any(f["field"].startswith("title") for f in found.json)
    looked = web.get("/curate/lookup?type=place&q=Plön")
    assert "kreis-ploen" in [item["id"] for item in looked.json]
    assert all(item["label"] for item in looked.json)


def test_entity_pages_link_to_history_and_edit(web):
    anonymous = web.get(f"/{USECASE}.html").text
    assert f'href="/{USECASE}/history"' in anonymous
    assert "/curate/edit/" not in anonymous
    sign_in(web, "cora")
    signed = web.get(f"/{USECASE}.html").text
    assert f'href="/curate/edit/{USECASE}"' in signed
    history = web.get(f"/{USECASE}/history?lang=de")
    assert history.status_code == 200
    assert "Änderungshistorie" in history.text


def _organisation(number: int) -> dict[str, str]:
    return {
        "id": f"test-organisation-{number}",
        "name.de": f"Testorganisation {number}",
        "name.en": f"Test organisation {number}",
        "orgType": "company",
        "places": "munich; stuttgart",
    }


def test_importing_twenty_rows_three_bad_makes_seventeen_proposals(web, curated):
    import io

    from kg.curation.proposals import Proposals

    rows = [_organisation(n) for n in range(20)]
    rows[3]["orgType"] = "konzern"  # no such code
    rows[9]["name.de"] = rows[9]["name.en"] = ""  # a required field empty
    rows[18]["places"] = "munich; atlantis"  # no such place
    before = len(Proposals(curated).list())
    token = sign_in(web, "cora")
    sheet = (io.BytesIO(fill(curated, rows, "organisation")), "inventory.xlsx")
    answer = web.post("/curate/import?lang=de", data={"csrf_token": token, "sheet": sheet},
                      content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 200
    assert "17 von 20 Zeilen sind Vorschläge geworden." in answer.text
    table = answer.text.split('id="import-result"', 1)[1]
    assert table.count('class="bad"') == 3
    assert table.count('class="ok"') == 17
    assert "konzern" in table and "atlantis" in table
    assert len(Proposals(curated).list()) - before == 17


def test_a_template_downloads_without_signing_in(web):
    workbook = web.get("/curate/template.xlsx")
    assert workbook.status_code == 200
    assert workbook.headers["Content-Disposition"].endswith('.xlsx"')
    csv = web.get("/curate/template-dataset.csv")
    assert csv.status_code == 200
    assert csv.text.lstrip("\ufeff").splitlines()[0].startswith("id,")
    assert web.get("/curate/template-nothing.csv").status_code == 404


def _approved(web, location: str) -> None:
    """Submit the proposal at ``location`` as its author, and approve it as the reviewer."""
    assert web.post(location + "/submit", data={"csrf_token": csrf_token(web)}).status_code == 303
    token = sign_in(web, "rita")
    answer = web.post(location + "/approve", data={"csrf_token": token})
    assert answer.status_code == 303
    assert "status-published" in web.get(location).text


@pytest.mark.slow
def test_a_renamed_entity_forwards_and_a_deleted_one_is_gone(web, curated):
    sign_in(web, "cora")
    old, new = "usecase/kalubbe-fire-water-ponds", "usecase/kalubbe-fire-ponds"
    from kg.curation import forms

    spec = forms.specs(curated)["usecase"]
    values = forms.values_of(spec, forms.record_of(curated, old)) | {"id": [new.split("/")[1]]}
    renamed = _form(web, f"/curate/edit/{old}", values)
    assert renamed.status_code == 303
    _approved(web, renamed.headers["Location"])
    moved = web.get(f"/{old}.html?lang=de")
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"/{new}.html?lang=de"
    assert web.get(f"/{new}.html").status_code == 200

    sign_in(web, "cora")
    deleted = web.post(f"/curate/delete/{new}", data={"csrf_token": csrf_token(web)})
    assert deleted.status_code == 303
    _approved(web, deleted.headers["Location"])
    gone = web.get(f"/{new}.html?lang=de")
    assert gone.status_code == 410
    assert "aus dem Wissensgraphen entfernt" in gone.text
    assert f'href="/{new}/history"' in gone.text
    data = web.get(f"/{new}", headers={"Accept": "application/json"})
    assert data.status_code == 410
    assert data.json["title"] == "Gone"
    assert web.get(f"/{old}.html").status_code in (301, 410)


def test_only_the_author_changes_submits_or_withdraws_a_proposal(web, curation_app):
    sign_in(web, "cora")
    saved = _form(web, "/curate/new/dataset", DATASET | {"id": "author-only"})
    assert saved.status_code == 303
    location = saved.headers["Location"]
    number = location.rsplit("/", 1)[1]
    other = curation_app.test_client()
    token = sign_in(other, "rita")
    added = other.get(f"/curate/new/usecase?proposal={number}")
    assert added.status_code == 403
    for action in ("submit", "withdraw"):
        answer = other.post(f"{location}/{action}", data={"csrf_token": token})
        assert answer.status_code == 403, action
    commented = other.post(f"{location}/comment", data={"csrf_token": token, "text": "Gut."})
    assert commented.status_code == 303
    admin = curation_app.test_client()
    withdrawn = admin.post(f"{location}/withdraw", data={"csrf_token": sign_in(admin, "adam")})
    assert withdrawn.status_code == 303


def test_a_removed_or_demoted_account_loses_its_rights_at_once(web, curated):
    """The session names the account; every request looks it up again."""
    from kg.curation.accounts import Accounts

    accounts = Accounts(curated)
    accounts.add("carla", PASSWORD, "reviewer")
    token = sign_in(web, "carla")
    approve = "/curate/proposals/1/approve"
    assert web.post(approve, data={"csrf_token": token}).status_code not in (401, 403)
    accounts.set_role("carla", "curator")
    assert web.post(approve, data={"csrf_token": token}).status_code == 403
    accounts.remove("carla")
    assert web.post(approve, data={"csrf_token": token}).status_code == 401
