"""Generate a synthetic corpus of N use cases in the authoring format of ``usecases/``.

Usage::

    python bench/generate.py 10000 --seed 1 --out bench/out/10k

``--out`` becomes a project folder: ``ontology/`` and ``queries/`` are copied from this
checkout, ``usecases/`` holds one YAML file per use case and the shared entities in
``usecases/shared/`` (datasets, organisations, places in chunks of at most 1,000 entries; the
shipped standards). ``kg validate --project DIR`` accepts it.

The distributions follow the shipped corpus: sectors per use case (mostly two to four),
datasets produced (mostly one) and used (none to seven, drawn by preferential attachment with
sector affinity, so a few hub datasets are used by many use cases and data flows arise), GAIA-X
services, standards, stakeholders, maturity. Places come from a synthetic list of 11,000
German municipalities with valid 8-digit AGS, spread over the 16 Länder like the real ones.
Titles and descriptions are German and English sentences of realistic length.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = '"@context": https://w3id.org/sckg/context.jsonld\n'
MUNICIPALITIES = 11_000
CHUNK = 1_000

#: Land: (AGS code, NUTS-1 code, slug, German name, English name, real municipality count)
LAENDER = [
    ("01", "DEF", "schleswig-holstein", "Schleswig-Holstein", "Schleswig-Holstein", 1106),
    ("02", "DE6", "hamburg-land", "Hamburg (Land)", "Hamburg (state)", 1),
    ("03", "DE9", "niedersachsen", "Niedersachsen", "Lower Saxony", 941),
    ("04", "DE5", "bremen-land", "Bremen (Land)", "Bremen (state)", 2),
    ("05", "DEA", "nordrhein-westfalen", "Nordrhein-Westfalen", "North Rhine-Westphalia", 396),
    ("06", "DE7", "hessen", "Hessen", "Hesse", 421),
    ("07", "DEB", "rheinland-pfalz", "Rheinland-Pfalz", "Rhineland-Palatinate", 2301),
    ("08", "DE1", "baden-wuerttemberg", "Baden-Württemberg", "Baden-Württemberg", 1101),
    ("09", "DE2", "bayern", "Bayern", "Bavaria", 2056),
    ("10", "DEC", "saarland", "Saarland", "Saarland", 52),
    ("11", "DE3", "berlin-land", "Berlin (Land)", "Berlin (state)", 1),
    ("12", "DE4", "brandenburg", "Brandenburg", "Brandenburg", 413),
    (
        "13",
        "DE8",
        "mecklenburg-vorpommern",
        "Mecklenburg-Vorpommern",
        "Mecklenburg-Western Pomerania",
        726,
    ),
    ("14", "DED", "sachsen", "Sachsen", "Saxony", 418),
    ("15", "DEE", "sachsen-anhalt", "Sachsen-Anhalt", "Saxony-Anhalt", 218),
    ("16", "DEG", "thueringen", "Thüringen", "Thuringia", 605),
]

SECTORS = [
    "mobility",
    "energy",
    "environment",
    "water",
    "waste",
    "urban-development",
    "administration",
    "health",
    "education",
    "safety",
    "economy",
    "society",
    "digital-infrastructure",
    "agriculture",
]
#: How often each sector appears, roughly as in the shipped corpus.
SECTOR_WEIGHTS = [18, 14, 16, 6, 5, 10, 10, 4, 4, 5, 6, 7, 14, 3]
GAIAX = [
    "identity-trust",
    "federated-catalogue",
    "sovereign-data-exchange",
    "compliance",
    "portal-integration",
]
MATURITY = (["idea", "pilot", "in-operation", "scaled"], [10, 40, 40, 10])
ROLES = ["operator", "partner", "funder"]
STAGES = {
    "idea": ("Ideenphase", "idea"),
    "pilot": ("Pilotphase", "pilot"),
    "in-operation": ("Betriebsphase", "in-operation"),
    "scaled": ("Ausrollphase", "scaled"),
}

# (weights for 0, 1, 2, … items), guided by the shipped corpus
N_SECTORS = [0, 6, 20, 54, 17, 2, 1]
N_USES = [45, 17, 18, 12, 4, 2, 1, 1]
N_PRODUCES = [2, 78, 18, 2]
N_GAIAX = [0, 26, 55, 15, 4]
N_STANDARDS = [55, 28, 11, 5, 1]
N_STAKEHOLDERS = [20, 35, 30, 10, 5]

#: Per sector: (German, English) topics of use cases and the data they produce.
TOPICS: dict[str, list[tuple[str, str, str, str]]] = {
    "mobility": [
        ("Parkraumsensorik", "parking sensors", "Parkplatzbelegung", "parking occupancy"),
        ("Verkehrsmengenerfassung", "traffic counting", "Verkehrsstärken", "traffic volumes"),
        ("Rufbus auf Abruf", "on-demand bus", "Fahrtanfragen", "ride requests"),
    ],
    "energy": [
        (
            "Energiemonitoring kommunaler Gebäude",
            "energy monitoring of municipal buildings",
            "Verbrauchsdaten",
            "consumption data",
        ),
        ("Wärmeplanung", "heat planning", "Wärmebedarfskarte", "heat demand map"),
    ],
    "environment": [
        ("Luftqualitätsmessnetz", "air-quality network", "Luftmesswerte", "air-quality readings"),
        ("Lärmmonitoring", "noise monitoring", "Lärmpegel", "noise levels"),
    ],
    "water": [
        ("Pegelmessung an Bächen", "stream-level monitoring", "Pegelstände", "water levels"),
        ("Starkregenvorsorge", "heavy-rain preparedness", "Niederschlagsdaten", "rainfall data"),
    ],
    "waste": [
        (
            "Füllstandssensoren für Container",
            "fill-level sensors for containers",
            "Füllstände",
            "fill levels",
        )
    ],
    "urban-development": [
        ("Digitaler Zwilling", "digital twin", "3D-Stadtmodell", "3D city model"),
        ("Leerstandsmanagement", "vacancy management", "Leerstandskataster", "vacancy register"),
    ],
    "administration": [
        (
            "Digitales Bürgerbüro",
            "digital citizen office",
            "Antragsstatistik",
            "application statistics",
        ),
        ("Offenes Datenportal", "open data portal", "Datenkatalog", "data catalogue"),
    ],
    "health": [("Hitzewarnsystem", "heat warning system", "Hitzewarnungen", "heat warnings")],
    "education": [
        ("CO2-Ampeln in Schulen", "CO2 monitors in schools", "Raumluftwerte", "indoor-air readings")
    ],
    "safety": [
        ("Hochwasserfrühwarnung", "flood early warning", "Warnmeldungen", "warning messages")
    ],
    "economy": [
        (
            "Frequenzmessung in der Innenstadt",
            "footfall counting in the town centre",
            "Passantenfrequenzen",
            "footfall counts",
        )
    ],
    "society": [("Dorf-App", "village app", "Nachbarschaftsmeldungen", "neighbourhood posts")],
    "digital-infrastructure": [
        ("LoRaWAN-Funknetz", "LoRaWAN network", "Sensordaten", "sensor data"),
        ("Urbane Datenplattform", "urban data platform", "Plattformmetadaten", "platform metadata"),
    ],
    "agriculture": [
        ("Bodenfeuchtemessung", "soil-moisture monitoring", "Bodenfeuchte", "soil moisture")
    ],
}

_SYLLABLES_A = [
    "Al",
    "Bern",
    "Bur",
    "Dor",
    "Eich",
    "Feld",
    "Gries",
    "Hag",
    "Hol",
    "Kirch",
    "Lin",
    "Mar",
    "Mühl",
    "Nord",
    "Ober",
    "Ried",
    "Ros",
    "Sand",
    "Stein",
    "Tann",
    "Wald",
    "Wei",
    "Wil",
    "Zell",
    "Brun",
    "Ecker",
    "Fried",
    "Hart",
    "Lauter",
    "Moos",
]
_SYLLABLES_B = ["", "en", "er", "ing", "el", "au", "ach", "lin", "rod", "wang"]
_SUFFIXES = [
    "dorf",
    "hausen",
    "heim",
    "feld",
    "bach",
    "berg",
    "stadt",
    "ingen",
    "au",
    "brück",
    "hofen",
    "kirchen",
    "rode",
    "thal",
    "walde",
    "burg",
    "stedt",
    "beck",
    "born",
    "hagen",
]
_PREFIXES = ["", "", "", "", "Bad ", "Neu", "Alt", "Ober", "Nieder", "Groß", "Klein"]
_ASCII = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slugify(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.translate(_ASCII).lower())
    return "-".join(part for part in out.split("-") if part)


@dataclass(frozen=True)
class Municipality:
    slug: str
    name: str
    ags: str
    land: int  #: index into LAENDER


def municipalities(rng: random.Random, count: int = MUNICIPALITIES) -> list[Municipality]:
    """``count`` synthetic municipalities with unique names, slugs and valid 8-digit AGS."""
    total = sum(land[5] for land in LAENDER)
    shares = [max(1, round(count * land[5] / total)) for land in LAENDER]
    largest = shares.index(max(shares))
    shares[largest] += count - sum(shares)  # rounding left-overs go to the largest Land
    found: list[Municipality] = []
    names: set[str] = set()
    for index, land in enumerate(LAENDER):
        used: set[str] = set()
        for _ in range(shares[index]):
            name = _name(rng, names)
            ags = _ags(rng, land[0], used)
            found.append(Municipality(slugify(name), name, ags, index))
    return found


def _name(rng: random.Random, taken: set[str]) -> str:
    """A German-sounding place name whose slug is not taken yet."""
    while True:
        stem = rng.choice(_SYLLABLES_A) + rng.choice(_SYLLABLES_B) + rng.choice(_SUFFIXES)
        prefix = rng.choice(_PREFIXES)
        name = prefix + (stem.lower() if prefix and not prefix.endswith(" ") else stem)
        if slugify(name) not in taken:
            taken.add(slugify(name))
            return name


def _ags(rng: random.Random, land: str, used: set[str]) -> str:
    """Land (2) + Regierungsbezirk (1) + Kreis (2) + Gemeinde (3) digits, unique."""
    while True:
        ags = f"{land}{rng.randint(0, 9)}{rng.randint(1, 99):02d}{rng.randint(1, 999):03d}"
        if ags not in used:
            used.add(ags)
            return ags


def _count(rng: random.Random, weights: Sequence[int]) -> int:
    return rng.choices(range(len(weights)), weights)[0]


@dataclass
class Corpus:
    """What the generator has made so far."""

    rng: random.Random
    towns: list[Municipality]
    usecases: list[dict] = field(default_factory=list)
    datasets: dict[str, dict] = field(default_factory=dict)
    orgs: dict[str, dict] = field(default_factory=dict)
    places: set[str] = field(default_factory=set)
    #: preferential-attachment urns of dataset slugs: global and per sector
    urn: list[str] = field(default_factory=list)
    sector_urns: dict[str, list[str]] = field(default_factory=dict)
    standards: list[str] = field(default_factory=list)


def generate(n: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus(rng, municipalities(rng), standards=_shipped_standards())
    _seed_platforms(corpus, max(3, n // 40))
    for index in range(n):
        corpus.usecases.append(_usecase(corpus, index))
    return corpus


def _shipped_standards() -> list[str]:
    with open(ROOT / "usecases" / "shared" / "standards.yaml", encoding="utf-8") as handle:
        graph = yaml.safe_load(handle)["@graph"]
    return [entry["id"].split("/", 1)[1] for entry in graph]


def _seed_platforms(corpus: Corpus, count: int) -> None:
    """Open datasets no use case produces (base maps, weather, statistics), used by many."""
    rng = corpus.rng
    for i in range(count):
        town = rng.choice(corpus.towns)
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        topic = rng.choice(TOPICS[sector])
        slug = f"open-{slugify(topic[3])}-{town.slug}-{i}"
        _add_dataset(corpus, slug, topic, town, [sector], producer=None)


def _usecase(corpus: Corpus, index: int) -> dict:
    rng = corpus.rng
    town = rng.choice(corpus.towns)
    sectors = _sectors(rng)
    topic = rng.choice(TOPICS[sectors[0]])
    slug = f"{town.slug}-{slugify(topic[1])}-{index}"
    uses = _uses(corpus, sectors)
    produces = []
    for k in range(_count(rng, N_PRODUCES)):
        data_topic = rng.choice(TOPICS[rng.choice(sectors)])
        produced = f"{town.slug}-{slugify(data_topic[3])}-{index}-{k}"
        _add_dataset(corpus, produced, data_topic, town, sectors, producer=slug)
        produces.append(produced)
    places = [town.slug] + ([LAENDER[town.land][2]] if rng.random() < 0.15 else [])
    corpus.places.update(places)
    return {
        "slug": slug,
        "town": town,
        "topic": topic,
        "sectors": sectors,
        "uses": uses,
        "produces": produces,
        "places": places,
        "stakeholders": _stakeholders(corpus, town),
        "standards": rng.sample(corpus.standards, _count(rng, N_STANDARDS)),
        "gaiax": rng.sample(GAIAX, _count(rng, N_GAIAX)),
        "maturity": rng.choices(*MATURITY)[0],
        "status": rng.choice(["draft", "reviewed"]),
        "source": rng.random() < 0.55,
        "modified": date(2024, 1, 1) + timedelta(days=rng.randint(0, 800)),
    }


def _sectors(rng: random.Random) -> list[str]:
    wanted = max(1, _count(rng, N_SECTORS))
    chosen: list[str] = []
    while len(chosen) < wanted:
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        if sector not in chosen:
            chosen.append(sector)
    return chosen


def _uses(corpus: Corpus, sectors: list[str]) -> list[str]:
    rng = corpus.rng
    chosen: list[str] = []
    for _ in range(_count(rng, N_USES)):
        urn = corpus.sector_urns.get(rng.choice(sectors)) if rng.random() < 0.7 else None
        slug = rng.choice(urn or corpus.urn)
        if slug not in chosen:
            chosen.append(slug)
    for slug in chosen:  # every use makes the dataset likelier to be used again
        corpus.urn.append(slug)
        for sector in corpus.datasets[slug]["sectors"]:
            corpus.sector_urns.setdefault(sector, []).append(slug)
    return chosen


def _add_dataset(
    corpus: Corpus,
    slug: str,
    topic: tuple[str, str, str, str],
    town: Municipality,
    sectors: list[str],
    producer: str | None,
) -> None:
    rng = corpus.rng
    publisher = _org(corpus, town) if rng.random() < 0.8 else None
    corpus.datasets[slug] = {
        "slug": slug,
        "topic": topic,
        "town": town,
        "sectors": sectors,
        "publisher": publisher,
        "standards": rng.sample(corpus.standards, _count(rng, N_STANDARDS)),
        "open": producer is None,
    }
    corpus.places.add(town.slug)
    corpus.urn.append(slug)
    for sector in sectors:
        corpus.sector_urns.setdefault(sector, []).append(slug)


#: Organisation type (model v2 ``orgType``) by the first word of a generated organisation's slug.
ORG_TYPES = {"stadt": "kommune", "stadtwerke": "stadtwerke", "zweckverband": "zweckverband"}


def _org(corpus: Corpus, town: Municipality) -> str:
    kind = corpus.rng.choice(["stadt", "stadtwerke", "zweckverband"])
    slug = f"{kind}-{town.slug}"
    if slug not in corpus.orgs:
        names = {
            "stadt": (f"Stadt {town.name}", f"Town of {town.name}"),
            "stadtwerke": (f"Stadtwerke {town.name}", f"{town.name} municipal utility"),
            "zweckverband": (
                f"Zweckverband Digitales {town.name}",
                f"{town.name} digital services association",
            ),
        }[kind]
        corpus.orgs[slug] = {"slug": slug, "name": names, "town": town}
        corpus.places.add(town.slug)
    return slug


def _stakeholders(corpus: Corpus, town: Municipality) -> list[tuple[str, str]]:
    rng = corpus.rng
    chosen: dict[str, str] = {}
    for i in range(_count(rng, N_STAKEHOLDERS)):
        other = town if i == 0 or rng.random() < 0.6 else rng.choice(corpus.towns)
        chosen.setdefault(_org(corpus, other), ROLES[min(i, 2)] if i else "operator")
    return list(chosen.items())


# -- text ---------------------------------------------------------------------------------------
_GOALS = [
    (
        "die Verwaltung bei Planung und Betrieb zu unterstützen",
        "support the administration in planning and operation",
    ),
    ("Bürgerinnen und Bürger aktuell zu informieren", "keep residents informed in real time"),
    ("Ressourcen zu sparen und Emissionen zu senken", "save resources and cut emissions"),
    ("Entscheidungen im Stadtrat auf Daten zu stützen", "base council decisions on data"),
]


def _description(uc: dict) -> dict[str, str]:
    town, topic = uc["town"], uc["topic"]
    goal = _GOALS[len(uc["slug"]) % len(_GOALS)]
    de = (
        f"{town.name} setzt das Vorhaben „{topic[0]}“ um und verknüpft dafür Daten aus "
        f"{len(uc['sectors'])} Handlungsfeldern. Die erfassten Daten werden über offene "
        f"Schnittstellen bereitgestellt, um {goal[0]}. Das Projekt befindet sich in der "
        f"{STAGES[uc['maturity']][0]} und soll auf weitere Kommunen übertragbar sein."
    )
    en = (
        f"{town.name} runs a {topic[1]} project that combines data from "
        f"{len(uc['sectors'])} fields of action. The data collected are published through "
        f"open interfaces to {goal[1]}. The project is at the "
        f"{STAGES[uc['maturity']][1]} stage and "
        f"is meant to be transferable to other municipalities."
    )
    return {"de": de, "en": en}


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def usecase_yaml(uc: dict) -> str:
    town, topic = uc["town"], uc["topic"]
    desc = _description(uc)
    lines = [
        CONTEXT.rstrip("\n"),
        f"id: usecase/{uc['slug']}",
        "type: UseCase",
        "title:",
        f"  de: {_q(f'{topic[0]} in {town.name}')}",
        f"  en: {_q(f'{topic[1].capitalize()} in {town.name}')}",
        "description:",
        f"  de: {_q(desc['de'])}",
        f"  en: {_q(desc['en'])}",
        f"sectors: {_flow(uc['sectors'])}",
        f"places: {_flow(uc['places'])}",
        f"maturity: {uc['maturity']}",
        f"curationStatus: {uc['status']}",
    ]
    if uc["gaiax"]:  # the curators' assessment (model v2: optional)
        lines.append(f"gaiaxRelevance: {_flow(uc['gaiax'])}")
    for key in ("uses", "produces", "standards"):
        if uc[key]:
            lines.append(f"{key}: {_flow(uc[key])}")
    if uc["stakeholders"]:
        lines.append("stakeholders:")
        for org, role in uc["stakeholders"]:
            lines += [f"  - organization: {org}", f"    role: {role}"]
    # Model v2: a use case has at least one source; a second one for some of them.
    lines.append(f"sources: [https://www.{town.slug}.de/smart-city/{uc['slug']}]")
    if uc["source"]:
        lines[-1] = lines[-1][:-1] + f", https://www.{town.slug}.de/presse/{uc['slug']}]"
    lines.append(f"modified: {uc['modified'].isoformat()}")
    return "\n".join(lines) + "\n"


def dataset_entry(ds: dict) -> list[str]:
    topic, town = ds["topic"], ds["town"]
    kind = "offene Daten" if ds["open"] else "Projektdaten"
    lines = [
        f"  - id: dataset/{ds['slug']}",
        "    type: Dataset",
        f"    title: {{de: {_q(f'{topic[2]} {town.name}')}, en: {_q(f'{town.name} {topic[3]}')}}}",
        "    description:",
        f"      de: {_q(f'{topic[2]} aus {town.name} ({kind}), regelmäßig aktualisiert.')}",
        f"      en: {_q(f'{topic[3].capitalize()} from {town.name}, updated regularly.')}",
    ]
    if ds["publisher"]:
        lines.append(f"    publisher: {ds['publisher']}")
    if ds["standards"]:
        lines.append(f"    standards: {_flow(ds['standards'])}")
    lines.append(f"    places: [{town.slug}]")
    if ds["open"]:
        lines.append("    license: https://www.govdata.de/dl-de/by-2-0")
    return lines


def org_entry(org: dict) -> list[str]:
    de, en = org["name"]
    return [
        f"  - id: org/{org['slug']}",
        "    type: Organization",
        f"    name: {{de: {_q(de)}, en: {_q(en)}}}",
        f"    orgType: {ORG_TYPES[org['slug'].split('-', 1)[0]]}",
        f"    places: [{org['town'].slug}]",
    ]


def place_entries(corpus: Corpus) -> list[list[str]]:
    entries = [
        [
            "  - id: place/germany",
            "    type: Country",
            '    name: {de: "Deutschland", en: "Germany"}',
            "    nuts: DE",
            "    country: DEU",
        ]
    ]
    for land in LAENDER:
        entries.append(
            [
                f"  - id: place/{land[2]}",
                "    type: State",
                f"    name: {{de: {_q(land[3])}, en: {_q(land[4])}}}",
                f"    nuts: {land[1]}",
                "    country: DEU",
                "    partOf: [germany]",
            ]
        )
    for town in corpus.towns:
        if town.slug in corpus.places:
            entries.append(
                [
                    f"  - id: place/{town.slug}",
                    "    type: Municipality",
                    f"    name: {{de: {_q(town.name)}, en: {_q(town.name)}}}",
                    f'    ags: "{town.ags}"',
                    "    country: DEU",
                    f"    partOf: [{LAENDER[town.land][2]}]",
                ]
            )
    return entries


def _write_chunks(folder: Path, stem: str, entries: list[list[str]]) -> None:
    for start in range(0, max(1, len(entries)), CHUNK):
        name = stem if len(entries) <= CHUNK else f"{stem}-{start // CHUNK + 1:03d}"
        body = [line for entry in entries[start : start + CHUNK] for line in entry]
        text = CONTEXT + '"@graph":\n' + "\n".join(body) + "\n"
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def write(corpus: Corpus, out: Path) -> None:
    """Write the project folder ``out`` (replacing its ``usecases/``)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "queries"):
        if (ROOT / name).is_dir():
            shutil.rmtree(out / name, ignore_errors=True)
            shutil.copytree(ROOT / name, out / name)
    usecases = out / "usecases"
    shutil.rmtree(usecases, ignore_errors=True)
    shared = usecases / "shared"
    shared.mkdir(parents=True)
    for uc in corpus.usecases:
        (usecases / f"{uc['slug']}.yaml").write_text(usecase_yaml(uc), encoding="utf-8")
    used = {slug for uc in corpus.usecases for slug in uc["uses"] + uc["produces"]}
    datasets = [dataset_entry(d) for slug, d in corpus.datasets.items() if slug in used]
    _write_chunks(shared, "datasets", datasets)
    _write_chunks(shared, "organisations", [org_entry(o) for o in corpus.orgs.values()])
    _write_chunks(shared, "places", place_entries(corpus))
    shutil.copy(ROOT / "usecases" / "shared" / "standards.yaml", shared / "standards.yaml")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of use cases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="project folder to write")
    args = parser.parse_args(argv)
    corpus = generate(args.n, args.seed)
    write(corpus, args.out)
    print(
        f"{args.n} use cases, {len(corpus.datasets)} datasets, {len(corpus.orgs)} "
        f"organisations, {len(corpus.places)} places in {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
