"""What our data makes possible, from the DCAT catalogue of a municipality's open-data portal
(issue 20): the reader and how it recognises Musterdatenkatalog types, what it refuses, the
upload on the page with its JSON twin, and ``kg possible``. The project is the v2 fixture with
the data-model overlay (tests/fixtures/datamodels/README.md); the catalogue is
tests/fixtures/portal/catalog.rdf (its README says what it holds)."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest
from test_datamodels import LUFT, make_project

from kg import config
from kg.authoring.vocabularies import MUSTERDATENKATALOG, read_musterdatenkatalog
from kg.build.pipeline import build
from kg.cli import main
from kg.errors import InvalidRequest
from kg.namespaces import Vocabulary
from kg.store import open_store
from kg.views.portal import BY_TITLE, DECLARED, read_catalogue

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "tests" / "fixtures" / "portal"
CATALOGUE = PORTAL / "catalog.rdf"
TEMPLATES = read_musterdatenkatalog(ROOT / "ontology" / MUSTERDATENKATALOG)
VOCAB = Vocabulary()
PAGE = "/what-our-data-makes-possible"
PARKING = "verkehr--kfz-parkplatz"
TREES = "floraUndFauna--baumbestand-baumkataster"
JSON = {"Accept": "application/json"}
DATASET = "https://opendata.musterhausen.example/dataset/"
DCAT_TTL = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
"""


def _read(data: bytes, **kwargs) -> dict[str, list[tuple[str, str, str]]]:
    found = read_catalogue(data, TEMPLATES, VOCAB, **kwargs)
    prefix = VOCAB.entity("dataset-type", "")
    return {
        d.iri: [(r.type.removeprefix(prefix), r.how, r.evidence) for r in d.recognised]
        for d in found.datasets
    }


def _refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(InvalidRequest) as caught:
        read_catalogue(data, TEMPLATES, VOCAB, **kwargs)
    (problem,) = caught.value.problems
    assert problem.field == "catalogue" and problem.de and problem.en
    return problem.en


# -- the reader ----------------------------------------------------------------------------------


def test_the_fixture_catalogue_is_recognised_declared_by_title_and_not_at_all() -> None:
    ref = "https://musterdatenkatalog.de/def/musterdatensatz/"
    assert _read(CATALOGUE.read_bytes(), name="catalog.rdf") == {
        DATASET + "luftmessung": [(LUFT, BY_TITLE, "luft und emission")],
        DATASET + "parkplaetze": [(PARKING, DECLARED, ref + "verkehr/kfzParkplatz")],
        DATASET + "stadtfest": [],
        # the theme of the older catalogue version (gruenflaechen) still finds the template
        DATASET + "strassenbaeume": [
            (TREES, DECLARED, ref + "gruenflaechen/baumbestandBaumkataster")
        ],
    }


def test_templates_are_declared_by_any_reference_property_and_by_own_iris() -> None:
    own = VOCAB.entity("dataset-type", PARKING)
    data = f"""{DCAT_TTL}
<http://ex.org/a> a dcat:Dataset ; dct:title "Irgendwas" ;
  dct:subject <https://musterdatenkatalog.de/def/musterdatensatz/BAUMBESTANDBAUMKATASTER> .
<http://ex.org/b> a dcat:Dataset ; dcat:theme <{own}> .
<http://ex.org/c> a dcat:Dataset ; <{VOCAB.term("datasetType")}> <{own}> .
<http://ex.org/d> a dcat:Dataset ;
  dct:type <https://musterdatenkatalog.de/def/musterdatensatz/verkehr/keinSolcher> .
""".encode()
    found = {k: [(t, h) for t, h, _ in v] for k, v in _read(data, name="c.ttl").items()}
    assert found == {
        "http://ex.org/a": [(TREES, DECLARED)],
        "http://ex.org/b": [(PARKING, DECLARED)],
        "http://ex.org/c": [(PARKING, DECLARED)],
        "http://ex.org/d": [],
    }


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Baumkataster der Stadt Musterhausen", TREES),
        ("BAUMKATASTER (Stand 2025)", TREES),
        ("Parkplatz-Belegung Innenstadt", PARKING),
        ("Parkplätze Innenstadt", None),  # a plural is not the template's word: no guess
        ("Sonstiges", None),  # too general a word
        ("Hotel am Markt", None),  # too short a word
        ("Baumkataster und Parkplatz", None),  # two templates: no guess
    ],
)
def test_the_title_rule_is_conservative(title: str, expected: str | None) -> None:
    data = f'{DCAT_TTL}<http://ex.org/x> a dcat:Dataset ; dct:title "{title}"@de .'.encode()
    found = _read(data)["http://ex.org/x"]
    assert [t for t, _, _ in found] == ([expected] if expected else [])
    assert all(how == BY_TITLE for _, how, _ in found)


def test_turtle_and_ntriples_read_like_rdf_xml() -> None:
    data = (
        b"<https://p.example/d> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b"<http://www.w3.org/ns/dcat#Dataset> .\n"
        b'<https://p.example/d> <http://purl.org/dc/terms/title> "Baumkataster" .\n'
    )
    assert _read(data, name="catalog.nt") == {
        "https://p.example/d": [(TREES, BY_TITLE, "baumkataster")]
    }
    assert _read(data) == _read(data, name="catalog.nt")  # sniffed as Turtle, a superset


def test_json_ld_is_refused_whatever_it_is_called() -> None:
    data = b'{"@context": "https://example.org/context.jsonld", "@id": "x"}'
    for kwargs in ({}, {"name": "catalog.jsonld"}, {"media_type": "application/ld+json"}):
        assert "JSON-LD" in _refusal(data, **kwargs)


def test_too_large_and_too_many_triples_are_refused() -> None:
    data = CATALOGUE.read_bytes()
    assert "larger than" in _refusal(data, max_bytes=len(data) - 1)
    assert "more than 10 triples" in _refusal(data, max_triples=10)
    assert read_catalogue(data, TEMPLATES, VOCAB, max_triples=25).triples == 25


def test_broken_turtle_is_refused_with_the_parser_s_reason() -> None:
    assert "not valid Turtle" in _refusal(b'<http://ex.org/a> a "unclosed .', name="c.ttl")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="http://ex.org/a"><dct:title>&lol9;</dct:title></dcat:Dataset>
</rdf:RDF>
"""


def external_entity(path: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file://{path}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="http://ex.org/a"><dct:title>&secret;</dct:title></dcat:Dataset>
</rdf:RDF>
""".encode()


def test_entities_and_doctypes_are_refused_before_any_parser(tmp_path: Path, monkeypatch) -> None:
    """pyoxigraph expands internal entities: the billion laughs asks it for 4.8 GB and aborts
    the process. So the parser must never see such a document (it fails loudly if it does)."""

    def parser_reached(*args, **kwargs):
        raise AssertionError("the parser saw a document with a DOCTYPE")

    monkeypatch.setattr("kg.views.portal.parse_upload", parser_reached)
    secret = tmp_path / "secret.txt"
    secret.write_text("Baumkataster", encoding="utf-8")  # would be recognised if it were read
    for data in (BILLION_LAUGHS, external_entity(secret)):
        assert "DOCTYPE" in _refusal(data, name="catalog.rdf")
        assert "DOCTYPE" in _refusal(data)  # sniffed as XML without a name


# -- the page ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    project = make_project(tmp_path_factory.mktemp("portal-project"))
    found = config.load({}, project=project, store=str(project / "var" / "store"))
    build(found)
    return found


@pytest.fixture(scope="module")
def client(settings):
    from web import create_app

    app = create_app({"TESTING": True}, settings=settings, store=open_store(settings))
    return app.test_client()


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _use_cases(answer: dict) -> list[tuple]:
    return [
        (
            _slug(e["useCase"]["iri"]),
            [_slug(t["iri"]) for t in e["covered"]],
            [_slug(t["iri"]) for t in e["missing"]],
            {_slug(t): [_slug(m["iri"]) for m in ms] for t, ms in e["dataModels"].items()},
        )
        for e in answer["useCases"]
    ]


#: By hand from tests/fixtures/datamodels/README.md for the types the fixture catalogue names
#: (air by title, parking declared, trees declared): Munich uses the air and the parking
#: template (both covered), Plön the air template, Sindelfingen the parking one; no use case
#: uses the tree template. Fully covered first, then more covered types, then by IRI.
EXPECTED = [
    (
        "munich-traffic-data",
        sorted([LUFT, PARKING]),
        [],
        {LUFT: ["AirQualityObserved"], PARKING: ["OffStreetParking"]},
    ),
    ("ploen-school-transport", [LUFT], [], {LUFT: ["AirQualityObserved"]}),
    ("sindelfingen-parking-guidance", [PARKING], [], {PARKING: ["OffStreetParking"]}),
]


def _upload(client, data: bytes, name: str = "catalog.rdf", url: str = PAGE, **kwargs):
    """POST ``data`` as the form field ``catalogue``, the body built here in memory (the test
    client would spool a large one into a temporary file it never closes)."""
    body = (
        b'--B\r\nContent-Disposition: form-data; name="catalogue"; filename="'
        + name.encode()
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--B--\r\n"
    )
    return client.post(url, data=body, content_type="multipart/form-data; boundary=B", **kwargs)


def test_the_uploaded_catalogue_gives_the_hand_computed_answer(client) -> None:
    answer = _upload(client, CATALOGUE.read_bytes(), url=PAGE + ".json").get_json()
    assert sorted(_slug(t["iri"]) for t in answer["datasetTypes"]) == sorted([LUFT, PARKING, TREES])
    assert _use_cases(answer) == EXPECTED
    datasets = {d["iri"]: d for d in answer["catalogue"]["datasets"]}
    (air,) = datasets[DATASET + "luftmessung"]["recognised"]
    assert (air["how"], air["judgement"]) == ("title", True)
    assert datasets[DATASET + "parkplaetze"]["recognised"][0]["judgement"] is False
    assert datasets[DATASET + "stadtfest"]["recognised"] == []
    assert datasets[DATASET + "parkplaetze"]["title"]["en"] == "Car parks in Musterhausen"
    # the same answer as the types given by hand, and as JSON by Accept
    by_hand = client.get(f"{PAGE}?types={LUFT},{PARKING},{TREES}", headers=JSON)
    assert by_hand.mimetype == "application/json"
    assert _use_cases(by_hand.get_json()) == EXPECTED
    negotiated = _upload(client, CATALOGUE.read_bytes(), headers=JSON)
    assert negotiated.mimetype == "application/json"
    assert _use_cases(negotiated.get_json()) == EXPECTED


def test_the_upload_page_lists_the_datasets_and_pre_checks_their_types(client) -> None:
    page = _upload(client, CATALOGUE.read_bytes(), url=PAGE + "?lang=de")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "4 Datensätze in Ihrem Katalog" in text
    assert "erkannt am Titel – bitte prüfen" in text
    assert "vom Portal angegeben" in text and "nicht erkannt" in text
    assert f'value="{PARKING}" checked' in text and f'value="{LUFT}" checked' in text
    assert f'id="other-types" name="types" value="{TREES}"' in text  # no use case offers it
    assert "3 Anwendungsfälle nutzen diese Arten von Daten" in text
    assert 'enctype="multipart/form-data"' in text
    english = _upload(client, CATALOGUE.read_bytes(), url=PAGE + "?lang=en").get_data(as_text=True)
    assert "recognised by title – please check" in english


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b'{"@context": "https://example.org/c.jsonld"}', "catalog.jsonld", "JSON-LD"),
        (b"<http://ex.org/a> a .", "catalog.ttl", "not valid Turtle"),
        (BILLION_LAUGHS, "catalog.rdf", "DOCTYPE"),
        (external_entity(Path("/etc/passwd")), "catalog.rdf", "DOCTYPE"),
        (b"", "", "Choose the catalogue file"),
    ],
)
def test_refused_uploads_answer_400_with_the_reason(client, data, name, reason) -> None:
    as_json = _upload(client, data, name, url=PAGE + ".json")
    assert as_json.status_code == 400
    assert reason in as_json.get_json()["problems"][0]["en"]
    page = _upload(client, data, name, url=PAGE + "?lang=en")
    assert page.status_code == 400
    assert reason in page.get_data(as_text=True)
    assert 'aria-invalid="true"' in page.get_data(as_text=True)


def test_an_oversized_upload_is_refused(client) -> None:
    """Larger than the reader accepts (5 MB) but within the upload's envelope: 400 with the
    reason; larger than the envelope: the site's 413."""
    from kg.views.portal import MAX_BYTES
    from web.pages import UPLOAD_ENVELOPE

    padding = b"# " + b"x" * (MAX_BYTES + 10) + b"\n"
    refused = _upload(client, padding, "catalog.ttl", url=PAGE + ".json")
    assert refused.status_code == 400
    assert "larger than 5 MB" in refused.get_json()["problems"][0]["en"]
    huge = b"#" * (MAX_BYTES + UPLOAD_ENVELOPE + 10)
    assert _upload(client, huge, "catalog.ttl", url=PAGE + ".json").status_code == 413


# -- the command line ----------------------------------------------------------------------------


def _kg(settings, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["--project", str(settings.project), "--store", settings.store, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_kg_possible_says_when_a_catalogue_names_no_type(settings, tmp_path, capsys) -> None:
    nothing = tmp_path / "catalog.ttl"
    nothing.write_text(f'{DCAT_TTL}<http://ex.org/x> a dcat:Dataset ; dct:title "Fotos" .')
    code, out, err = _kg(settings, "possible", "--catalogue", str(nothing), capsys=capsys)
    assert code == 1
    assert "Fotos" in out and "not recognised" in out
    assert "No dataset types" in err


def test_kg_possible_with_types_and_with_a_catalogue_file(settings, capsys) -> None:
    code, out, _ = _kg(
        settings, "possible", "--types", f"{LUFT},{PARKING}", "--json", capsys=capsys
    )
    assert code == 0
    assert _use_cases(json.loads(out)) == EXPECTED
    code, out, _ = _kg(settings, "possible", "--catalogue", str(CATALOGUE), "--json", capsys=capsys)
    assert code == 0
    answer = json.loads(out)
    assert _use_cases(answer) == EXPECTED
    assert len(answer["catalogue"]["datasets"]) == 4
    code, out, _ = _kg(
        settings, "--lang", "de", "possible", "--catalogue", str(CATALOGUE), capsys=capsys
    )
    assert code == 0
    assert "Katalog: 4 Datensätze, 3 mit erkanntem Typ" in out
    assert "erkannt am Titel – bitte prüfen" in out
    assert "3 Anwendungsfälle nutzen diese Arten von Daten" in out
    assert _kg(settings, "possible", "--types", "x>}", capsys=capsys)[0] == 2


class _Catalogue(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/catalog.rdf":
            self.send_error(404)
            return
        body = CATALOGUE.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/rdf+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def portal_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Catalogue)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_kg_possible_fetches_a_catalogue_url(settings, portal_url, capsys) -> None:
    code, out, _ = _kg(
        settings, "possible", "--catalogue", f"{portal_url}/catalog.rdf", "--json", capsys=capsys
    )
    assert code == 0
    assert _use_cases(json.loads(out)) == EXPECTED
    code, _, err = _kg(
        settings, "possible", "--catalogue", f"{portal_url}/missing.rdf", capsys=capsys
    )
    assert code == 3 and "could not be read: Not Found" in err
    code, _, err = _kg(
        settings, "possible", "--catalogue", "ftp://127.0.0.1/catalog.rdf", capsys=capsys
    )
    assert code == 2 and "http(s)" in err
    code, _, err = _kg(settings, "possible", "--catalogue", "no-such-catalog.rdf", capsys=capsys)
    assert code == 3 and "could not be read" in err
