"""The Gaia-X readiness view (issue 13): a platform, data service or dataset drafted as Gaia-X
25.11 classes, checked with the official shapes (vendored in tests/vendor/gaia-x-25.11 and, for
the app, in ontology/gaia-x-25.11); the page and the unsigned JSON-LD draft.

The fixture (tests/fixtures/gaiax/platforms.ttl) holds one platform whose description has every
attribute the shapes require and one with only what most curated platforms have. Every list of
missing attributes is compared with what pyshacl reports when it applies the whole vendored
shapes file to the same draft.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from pages_support import parse_html
from pyshacl import validate
from rdflib.compare import isomorphic
from test_browser import WIDTHS, browser, check_page  # noqa: F401 (browser: a fixture)

from kg import config
from kg.build.pipeline import build
from kg.config import Settings
from kg.errors import NotFound
from kg.exports import gaiax
from kg.exports.gaiax import GX, GaiaxShapes, assess, draft, to_jsonld
from kg.namespaces import SH, Vocabulary
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ROOT / "tests" / "vendor" / "gaia-x-25.11"
FIXTURE = ROOT / "tests" / "fixtures" / "gaiax" / "platforms.ttl"
BASE = "https://w3id.org/sckg/"
COMPLETE = BASE + "platform/gaiax-complete"
INCOMPLETE = BASE + "platform/gaiax-incomplete"
INCOMPLETE_ORG = BASE + "org/gaiax-incomplete-operator"
DATASET = BASE + "dataset/gaiax-test-readings"

#: What the shapes require of the incomplete platform and its operator that the graph lacks.
INCOMPLETE_MISSING = {
    (INCOMPLETE, GX + "serviceOfferingTermsAndConditions"),
    (INCOMPLETE_ORG, GX + "registrationNumber"),
    (INCOMPLETE_ORG, GX + "legalAddress"),
    (INCOMPLETE_ORG, GX + "headquartersAddress"),
}


@pytest.fixture(scope="module")
def shapes() -> GaiaxShapes:
    """The copy the app reads."""
    return GaiaxShapes.of_project(ROOT / "ontology")


@pytest.fixture(scope="module")
def official() -> rdflib.Graph:
    """The whole vendored shapes file, parsed by rdflib: the reference the app is held to."""
    return rdflib.Graph().parse(VENDORED / "gx.shacl.ttl", format="turtle")


@pytest.fixture(scope="module")
def source() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE, format="turtle")


def pyshacl_missing(found: gaiax.Draft, official: rdflib.Graph) -> tuple[bool, set]:
    """(conforms, {(focus node, path)} of every sh:minCount result) as pyshacl reports them
    with the whole official shapes file."""
    conforms, results, _ = validate(found.graph, shacl_graph=official, inference="none")
    sh = rdflib.Namespace(SH)
    missing = {
        (str(results.value(r, sh.focusNode)), str(results.value(r, sh.resultPath)))
        for r in results.subjects(rdflib.RDF.type, sh.ValidationResult)
        if results.value(r, sh.sourceConstraintComponent) == sh.MinCountConstraintComponent
    }
    return bool(conforms), missing


# -- vendored files ------------------------------------------------------------------------------
def test_app_reads_the_official_files_unchanged():
    app_copy = ROOT / "ontology" / "gaia-x-25.11"
    for name in ("gx.shacl.ttl", "gx.context.jsonld", "LICENSE", "SOURCE", "VERSION"):
        assert (app_copy / name).read_bytes() == (VENDORED / name).read_bytes(), name
    assert "Eclipse Public License" in (app_copy / "LICENSE").read_text(encoding="utf-8")
    assert (app_copy / "VERSION").read_text(encoding="utf-8").strip() == "25.11+fix.1"


# -- the mapping and the assessment --------------------------------------------------------------
def test_complete_platform_has_every_required_attribute(source, shapes, official):
    found = draft(source, COMPLETE, Vocabulary(), "en")
    result = assess(found, shapes)
    assert found.gx_class == GX + "ServiceOffering"
    assert result.conforms
    assert result.missing == frozenset()
    assert result.problems == ()
    assert result.present_count == result.required_count == 14
    assert pyshacl_missing(found, official) == (True, set())
    classes = {gaiax.curie(n.gx_class) for n in result.nodes}
    assert {"gx:LegalPerson", "gx:Address", "gx:TermsAndConditions", "gx:Endpoint"} <= classes


def test_incomplete_platform_names_exactly_what_the_shapes_report(source, shapes, official):
    found = draft(source, INCOMPLETE, Vocabulary(), "de")
    result = assess(found, shapes)
    conforms, reported = pyshacl_missing(found, official)
    assert not conforms and not result.conforms
    assert set(result.missing) == reported == INCOMPLETE_MISSING
    present = {
        (n.node, a.requirement.path) for n in result.nodes for a in n.attributes if a.present
    }
    assert present == {(INCOMPLETE, GX + "providedBy")}


def test_dataset_is_drafted_as_a_data_product(source, shapes, official):
    found = draft(source, DATASET, Vocabulary(), "en")
    result = assess(found, shapes)
    assert found.gx_class == GX + "DataProduct"
    assert set(result.missing) == pyshacl_missing(found, official)[1]
    stated = {a.requirement.curie for n in result.nodes for a in n.attributes if a.present}
    assert {
        "gx:digitalServiceOfferingName",
        "gx:digitalServiceOfferingShortDescription",
        "gx:digitalServiceOfferingProvider",
        "gx:digitalServiceLegalDocuments",
        "gx:dataProductDescription",
    } <= stated
    missing = {gaiax.curie(path) for node, path in result.missing if node == DATASET}
    assert missing == {
        "gx:digitalServiceOfferingIdentifier",
        "gx:digitalServiceOfferingLaunchDate",
        "gx:digitalServiceOfferingTermsAndConditions",
        "gx:digitalServiceUsageTermsAndConditions",
        "gx:digitalServiceUsageDataPolicy",
    }


def test_the_draft_states_only_what_the_graph_states(source):
    """Every literal of a draft is a value of the source graph, or the resource's own IRI (the
    DCAT description a data product points to)."""
    values = {str(o) for o in source.objects()} | {str(s) for s in source.subjects()}
    for subject in (COMPLETE, INCOMPLETE, DATASET):
        found = draft(source, subject, Vocabulary(), "en")
        for _, _, o in found.graph:
            if isinstance(o, rdflib.Literal):
                assert str(o) in values, (subject, o)
    sparse = draft(source, INCOMPLETE, Vocabulary(), "en").graph
    for cls in ("Address", "TermsAndConditions", "RegistrationNumber", "Endpoint"):
        assert (None, rdflib.RDF.type, rdflib.URIRef(GX + cls)) not in sparse


def test_texts_follow_the_language(source):
    de = draft(source, INCOMPLETE, Vocabulary(), "de").graph
    en = draft(source, INCOMPLETE, Vocabulary(), "en").graph
    name = rdflib.URIRef("https://schema.org/name")
    assert str(de.value(rdflib.URIRef(INCOMPLETE), name)) == "Knapp beschriebene Testplattform"
    assert str(en.value(rdflib.URIRef(INCOMPLETE), name)) == "Sparsely described test platform"


def test_a_country_name_is_not_taken_for_a_code(source, shapes):
    changed = rdflib.Graph()
    for s, p, o in source:
        if str(o) == "DE":
            o = rdflib.Literal("Deutschland")
        changed.add((s, p, o))
    result = assess(draft(changed, COMPLETE, Vocabulary(), "de"), shapes)
    missing = {gaiax.curie(path) for _, path in result.missing}
    assert missing == {"gx:countryCode"}
    assert all(str(node).endswith("Address") for node, _ in result.missing)


def test_other_resources_have_no_draft(source):
    with pytest.raises(NotFound):
        draft(source, INCOMPLETE_ORG, Vocabulary(), "en")


def test_jsonld_export_is_the_draft(source, shapes):
    found = draft(source, COMPLETE, Vocabulary(), "en")
    text = to_jsonld(found, shapes)
    document = json.loads(text)
    assert isinstance(document["@context"], dict)  # inline: nothing to fetch
    assert document["@context"]["gx"] == GX
    parsed = rdflib.Graph().parse(data=text, format="json-ld")
    assert isomorphic(parsed, found.graph)
    assert "proof" not in text and "VerifiableCredential" not in text


def test_every_required_attribute_of_a_drafted_class_is_explained(shapes):
    from babel.messages.pofile import read_po

    from web.gaiax import CLASS_NAMES, EXPLANATIONS

    drafted = [GX + name for name in gaiax._NODE_ORDER]
    required = {r.curie for cls in drafted for r in shapes.required(cls)}
    assert required <= set(EXPLANATIONS)
    assert {gaiax.curie(c) for c in drafted} <= set(CLASS_NAMES)
    with (ROOT / "web/translations/de/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.string}
    texts = [t for pair in EXPLANATIONS.values() for t in pair] + list(CLASS_NAMES.values())
    assert {t._args[0] for t in texts} <= translated


# -- the pages -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gaiax_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The v2 fixture project with the two Gaia-X test platforms, built once."""
    project = tmp_path_factory.mktemp("gaiax-project")
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copytree(ROOT / "tests" / "fixtures" / "v2" / "usecases", project / "usecases")
    shutil.copy(FIXTURE, project / "usecases" / "shared" / "gaiax.ttl")
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    return settings


@pytest.fixture(scope="module")
def gaiax_app(gaiax_settings: Settings):
    from web import create_app

    return create_app({"TESTING": True}, settings=gaiax_settings, store=open_store(gaiax_settings))


@pytest.fixture
def gaiax_client(gaiax_app):
    return gaiax_app.test_client()


def rows(html: str, status: str) -> set[tuple[str, str]]:
    return {
        (a["data-node"], a["data-path"])
        for tag, a in parse_html(html).elements
        if tag == "tr" and a.get("class") == status
    }


def test_page_lists_what_is_missing(gaiax_client):
    page = gaiax_client.get("/platform/gaiax-incomplete/gaiax?lang=en")
    assert page.status_code == 200
    assert rows(page.text, "missing") == INCOMPLETE_MISSING
    assert rows(page.text, "present") == {(INCOMPLETE, GX + "providedBy")}
    assert "1 of 5" in page.text
    assert "not a Gaia-X credential" in page.text
    assert "Automatic assessment" in page.text
    assert "Add org:hasRegisteredSite" in page.text
    alternates = parse_html(page.text).alternates
    assert ("application/ld+json", "/platform/gaiax-incomplete/gaiax.jsonld?lang=en") in alternates


def test_page_of_a_complete_platform(gaiax_client):
    page = gaiax_client.get("/platform/gaiax-complete/gaiax?lang=en")
    assert page.status_code == 200
    assert rows(page.text, "missing") == set()
    assert len(rows(page.text, "present")) == 14
    assert "The draft conforms to the Gaia-X shapes" in page.text


def test_page_in_german(gaiax_client):
    page = gaiax_client.get("/platform/gaiax-incomplete/gaiax?lang=de")
    assert parse_html(page.text).lang == "de"
    assert "Gaia-X-Reife" in page.text
    assert "kein Gaia-X-Nachweis" in page.text
    assert "Rechtlicher Sitz (Anschrift)" in page.text
    assert "Knapp beschriebene Testplattform" in page.text


def test_dataset_page(gaiax_client):
    page = gaiax_client.get("/dataset/gaiax-test-readings/gaiax")
    assert page.status_code == 200
    assert (DATASET, GX + "digitalServiceOfferingLaunchDate") in rows(page.text, "missing")


def test_entity_pages_link_to_the_readiness_view(gaiax_client):
    platform = gaiax_client.get("/platform/gaiax-incomplete.html")
    assert "/platform/gaiax-incomplete/gaiax" in parse_html(platform.text).links
    dataset = gaiax_client.get("/dataset/gaiax-test-readings.html")
    assert "/dataset/gaiax-test-readings/gaiax" in parse_html(dataset.text).links


@pytest.mark.parametrize(
    "path",
    ["/platform/no-such-platform/gaiax", "/dataset/no-such/gaiax.jsonld", "/org/gaiax-x/gaiax"],
)
def test_unknown_resources_are_not_found(gaiax_client, path):
    assert gaiax_client.get(path).status_code == 404


def test_export_is_jsonld_that_rdflib_reads(gaiax_client, source, shapes):
    answer = gaiax_client.get("/platform/gaiax-complete/gaiax.jsonld?lang=en")
    assert answer.status_code == 200
    assert answer.mimetype == "application/ld+json"
    assert "unsigned" in answer.headers["Content-Disposition"]
    parsed = rdflib.Graph().parse(data=answer.text, format="json-ld")
    assert isomorphic(parsed, draft(source, COMPLETE, Vocabulary(), "en").graph)
    offering = rdflib.URIRef(COMPLETE)
    assert (offering, rdflib.RDF.type, rdflib.URIRef(GX + "ServiceOffering")) in parsed


# -- in a browser --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gaiax_live_server(gaiax_app) -> Iterator[str]:
    from servers import serve_app

    with serve_app(gaiax_app) as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize(
    "path",
    [
        "/platform/gaiax-complete/gaiax",
        "/platform/gaiax-incomplete/gaiax",
        "/dataset/gaiax-test-readings/gaiax",
    ],
)
def test_readiness_page_meets_the_bar(browser, gaiax_live_server, path, lang, width):  # noqa: F811
    """The standing bar of tests/test_browser.py: no console problem, no WCAG 2.1 A/AA
    violation, nothing wider than a 390 px phone."""
    name = "gaiax-" + path.split("/")[2]
    check_page(browser, f"{gaiax_live_server}{path}?lang={lang}", name, lang, width)
