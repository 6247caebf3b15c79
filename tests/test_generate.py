"""bench/generate.py writes corpora of the model v2 shape that build without violations."""

from __future__ import annotations

import importlib.util
import json
import random
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from kg import config
from kg.authoring.gv100ad import SIZE_CLASSES
from kg.build.pipeline import BuildResult, build
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SIZE, SEED = 60, 7
#: Real addresses a generated file may name: the context, the open-data licence.
REAL_HOSTS = {"w3id.org", "www.govdata.de"}
PREFIXES = """\
PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus_dir(generator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    assert generator.main([str(SIZE), "--seed", str(SEED), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def built(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("store")
    settings = config.load({}, project=corpus_dir, store=str(store))
    return build(settings), open_store(settings)


def count(store, where: str) -> int:
    """How many rows ``SELECT * { where }`` has."""
    return len(store.select(PREFIXES + f"SELECT * WHERE {{ {where} }}"))


def shared(project: Path, stem: str) -> list[dict]:
    """The entries of ``usecases/shared/<stem>*.yaml``."""
    entries = []
    for path in sorted((project / "usecases" / "shared").glob(f"{stem}*.yaml")):
        entries += yaml.safe_load(path.read_text(encoding="utf-8"))["@graph"]
    return entries


def test_generated_corpus_builds_without_violations(built, corpus_dir: Path) -> None:
    result, _ = built
    assert isinstance(result, BuildResult) and result.mode == "full"
    assert result.report.count("Violation") == 0, result.report.text("en")
    assert len(list((corpus_dir / "usecases").glob("*.yaml"))) == SIZE
    assert len(list((corpus_dir / "usecases" / "patterns").glob("*.yaml"))) > 20


def test_graph_holds_platforms_programmes_patterns_and_dates(built) -> None:
    _, store = built
    use = "?u a sckg:UseCase"
    assert count(store, f"{use} ; sckg:runsOn ?p . ?p a sckg:DataPlatform") >= SIZE // 3
    assert count(store, "?p sckg:hasComponent ?c . ?c a sckg:SoftwareComponent") >= 1
    assert count(store, "?c sckg:openSource true ; dcterms:license ?l") >= 1
    assert count(store, f"{use} ; sckg:fundedBy ?f . ?f a sckg:FundingProgramme") >= SIZE // 4
    assert count(store, "?f a sckg:FundingProgramme ; schema:funder ?o") >= 3
    assert count(store, f"{use} ; sckg:instanceOfPattern ?p . ?p a sckg:UseCasePattern") >= 3
    for field in ("sckg:lifecycleStatus", "schema:startDate", "schema:endDate"):
        assert count(store, f"{use} ; {field} ?x") >= 3, field
    assert count(store, f"{use} ; sckg:solutionType ?s ; sckg:spatialScale ?x") == SIZE


def test_shared_platforms_and_programmes_serve_several_use_cases(built) -> None:
    _, store = built
    several = "{ SELECT ?x (COUNT(?u) AS ?n) { ?u %s ?x } GROUP BY ?x HAVING (COUNT(?u) >= 2) }"
    assert count(store, several % "sckg:runsOn") >= 2
    assert count(store, several % "sckg:fundedBy") >= 2


def test_places_have_population_size_class_and_a_hierarchy(built) -> None:
    _, store = built
    municipality = "?m a sckg:Municipality"
    assert count(store, municipality) >= SIZE // 4
    population = "sckg:population [ schema:value ?v ; sckg:referenceYear ?y ; dcterms:source ?s ]"
    assert count(store, f"{municipality} FILTER NOT EXISTS {{ ?m {population} }}") == 0
    assert count(store, f"{municipality} FILTER NOT EXISTS {{ ?m sckg:sizeClass ?c }}") == 0
    assert count(store, "?k a sckg:District ; sckg:population ?p") >= 1
    chain = (
        f"{municipality} ; sckg:partOf ?k . ?k a sckg:District ; sckg:partOf ?s . ?s a sckg:State"
    )
    assert count(store, chain) >= SIZE // 6
    # several municipalities in one Kreis; every municipality within a Land, and Germany
    kreise = "{ SELECT ?k { ?m a sckg:Municipality ; sckg:partOf ?k . ?k a sckg:District }"
    assert count(store, kreise + " GROUP BY ?k HAVING (COUNT(?m) >= 2) }") >= 1
    within = "FILTER NOT EXISTS { ?m sckg:within ?s . ?s a sckg:State }"
    assert count(store, f"{municipality} {within}") == 0
    assert count(store, "?u a sckg:UseCase ; dcterms:spatial ?k . ?k a sckg:District") >= 1


def test_size_class_follows_population_and_ags_follows_kreis(corpus_dir: Path, generator) -> None:
    assert generator.SIZE_CLASSES == SIZE_CLASSES  # the importer's definition
    places = shared(corpus_dir, "places")
    kreise = {p["id"].removeprefix("place/"): p for p in places if p["type"] == "District"}
    towns = [p for p in places if p["type"] == "Municipality"]
    for town in towns:
        value = town["population"]["value"]
        bound = next((b for b, code in SIZE_CLASSES if code == town["sizeClass"]), 0)
        assert value >= bound and generator.size_class(value) == town["sizeClass"], town["id"]
        parents = [kreise[p] for p in town["partOf"] if p in kreise]
        assert len(parents) <= 1 and town["partOf"][-1] in {p["id"][6:] for p in places}
    geo = generator.geography(random.Random(SEED))
    for kreis in geo.kreise.values():
        assert kreis.population == sum(t.population for t in kreis.towns)
        assert all(t.ags.startswith(kreis.key) and t.kreis == kreis.slug for t in kreis.towns)
    assert sum(len(k.towns) for k in geo.kreise.values()) + sum(
        t.kreis is None for t in geo.towns
    ) == len(geo.towns)


def test_files_look_like_the_shipped_ones_and_say_they_are_synthetic(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "usecases").glob("*.yaml"))
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("# Synthetic data from bench/generate.py")
    assert '\n"@context": https://w3id.org/sckg/context.jsonld\nid: usecase/' in text
    assert f"id: usecase/{files[0].stem}\n" in text
    for key in ("title:", "description:", "  de: ", "  en: ", "sectors: [", "maturity: "):
        assert key in text
    names = sorted(p.name for p in (corpus_dir / "usecases" / "shared").iterdir())
    assert names == [
        "datasets.yaml",
        "organisations.yaml",
        "places.yaml",
        "platforms.yaml",
        "programmes.yaml",
        "standards.yaml",
    ]
    for path in (corpus_dir / "usecases").rglob("*.yaml"):
        if path.name != "standards.yaml":  # the shipped one, copied
            body = path.read_text(encoding="utf-8")
            assert body.startswith("# Synthetic"), path
            hosts = set(re.findall(r"https?://([^/\s,\]\"]+)", body)) - REAL_HOSTS
            assert all(host.endswith(".example") for host in hosts), (path, hosts)
    marker = json.loads((corpus_dir / ".generated.json").read_text(encoding="utf-8"))
    assert marker["synthetic"] is True and (marker["size"], marker["seed"]) == (SIZE, SEED)


def test_distributions_follow_the_shipped_corpus(corpus_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in (corpus_dir / "usecases").glob("*.yaml")]
    sectors = [len(re.search(r"^sectors: \[(.*)\]$", t, re.M).group(1).split(",")) for t in texts]
    assert 2.3 <= statistics.mean(sectors) <= 3.5
    with_uses = sum(1 for t in texts if re.search(r"^uses: \[", t, re.M))
    with_produces = sum(1 for t in texts if re.search(r"^produces: \[", t, re.M))
    assert 0.3 < with_uses / len(texts) < 0.8
    assert with_produces / len(texts) > 0.9
    descriptions = [re.findall(r"^  (?:de|en): (.*)$", t, re.M)[2:] for t in texts]
    assert all(len(d) == 2 and all(len(x.split()) >= 60 for x in d) for d in descriptions)


def shares(corpus) -> dict[str, float]:
    """Proportions of a generated corpus (in memory) that should not depend on its size."""
    ucs = corpus.usecases
    towns = Counter(p for uc in ucs for p in uc["places"] if p in corpus.town_by_slug)
    kreise = Counter(corpus.town_by_slug[t].kreis for t in towns if corpus.town_by_slug[t].kreis)
    platforms = Counter(p for uc in ucs for p in uc["platforms"])
    found = {
        key: sum(1 for uc in ucs if uc[key]) / len(ucs)
        for key in ("platforms", "funding", "lifecycle", "start", "end", "pattern", "stakeholders")
    }
    found["Kreis projects"] = sum(1 for uc in ucs if uc["scale"] == "county") / len(ucs)
    found["use cases per municipality"] = statistics.mean(towns.values())
    found["municipalities per Kreis"] = statistics.mean(kreise.values())
    found["use cases per platform"] = statistics.mean(platforms.values())
    return found


def test_sizes_share_proportions(generator) -> None:
    small, large = shares(generator.generate(200, 3)), shares(generator.generate(1600, 3))
    for key, value in small.items():
        if key.endswith(("municipality", "Kreis", "platform")):  # means: within a third
            assert value > 1.2 and abs(value - large[key]) <= large[key] / 3, (key, value, large)
        else:  # shares: within 0.1, and near the shipped corpus's
            assert abs(value - large[key]) <= 0.1, (key, value, large[key])
    assert 0.4 <= large["platforms"] <= 0.6 and 0.3 <= large["funding"] <= 0.5
    assert 0.45 <= large["lifecycle"] <= 0.7 and 0.08 <= large["end"] <= 0.2


def test_municipalities_have_valid_unique_ags(generator) -> None:
    towns = generator.municipalities(random.Random(3))
    assert len(towns) == generator.MUNICIPALITIES
    assert len({t.ags for t in towns}) == len(towns)
    assert len({t.slug for t in towns}) == len(towns)
    assert all(re.fullmatch(r"(0[1-9]|1[0-6])[0-9]{6}", t.ags) for t in towns)
    assert all(t.ags[:2] == generator.LAENDER[t.land].ags for t in towns)


def test_same_seed_same_corpus(generator, tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generator.write(generator.generate(30, 5), a)
    generator.write(generator.generate(30, 5), b)
    generator.write(generator.generate(30, 6), c)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    places = Path("usecases/shared/places.yaml")
    assert (a / places).read_bytes() != (c / places).read_bytes()


def test_a_corpus_is_current_only_for_its_shape_size_and_seed(generator, tmp_path: Path) -> None:
    generator.write(generator.generate(10, 2), tmp_path)
    assert generator.current(tmp_path, 10, 2)
    assert not generator.current(tmp_path, 10, 3) and not generator.current(tmp_path, 11, 2)
    marker = tmp_path / generator.MARKER
    older = json.loads(marker.read_text(encoding="utf-8")) | {"shape": generator.SHAPE - 1}
    marker.write_text(json.dumps(older), encoding="utf-8")
    assert not generator.current(tmp_path, 10, 2)
    marker.unlink()  # generated before markers, or stopped half-way
    assert not generator.current(tmp_path, 10, 2)
