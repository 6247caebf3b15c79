"""The curation routes of the web (issue 14): every write route refuses anonymous visitors
(401, or the sign-in page for a page asked for by a browser) and accounts without the role
(403); every POST needs its CSRF token (400 without) except the public SPARQL and catalogue
routes; failed sign-ins are limited; forms, proposals, history and 410/301 on a small git
project."""

from __future__ import annotations

import pytest
from curation_support import PASSWORD, csrf_token, git_project, sign_in

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
