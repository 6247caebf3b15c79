"""Generate a synthetic corpus of N use cases in the authoring format of ``usecases/`` (model v2).

Usage::

    python bench/generate.py 10000 --seed 1 --out bench/out/10k

``--out`` becomes a project folder: ``ontology/`` and ``queries/`` are copied from this
checkout; ``usecases/`` holds one YAML file per use case, one per pattern in
``usecases/patterns/`` and the shared entities in ``usecases/shared/`` (datasets,
organisations, places, platforms with their software components, funding programmes, in chunks
of at most 1,000 entries; the shipped standards). ``kg build --project DIR`` builds it without
violations. The same size and seed give the same files, byte for byte.

What a corpus holds, in the proportions of the shipped corpus (model v2):

- **Places**: Germany, its 16 Länder, their 294 Kreise and 11,000 municipalities (106 of them
  kreisfreie Städte) spread over the Länder like the real ones, each with an 8-digit AGS whose
  first five digits are its Kreis's key, a population (value, reference year, source) drawn so
  that each Land's total is about its real one, the BBSR size class that population gives, a
  municipality type and coordinates inside its Land. A municipality is ``partOf`` its Kreis and
  Land (a kreisfreie Stadt of its Land), a Kreis of its Land, whose population is the sum of its
  municipalities'. Only the places some entity names are written, with their Kreise.
- **Use cases** gather in about one municipality per three use cases, taken from a few Kreise at
  a time (several municipalities per Kreis) and weighted by population; about one in ten is a
  Kreis's own project. A pattern per topic (``usecases/patterns/``); a fifth of the use cases
  name theirs. Each has sectors, a solution type, a spatial scale, maturity, and as often as in
  the shipped corpus a lifecycle with start and end dates consistent with it, a pattern, funding
  programmes, the platforms it runs on, a solution it took over from another municipality,
  stakeholders with roles (operator, partner, developer, funder), sources.
- **Datasets** produced (mostly one) and used (none to seven, by preferential attachment with
  sector affinity, so that a few hub datasets are used by many use cases and data flows
  arise), with the Musterdatenkatalog type and Smart Data Model of their topic, the platform
  that serves them.
- **Platforms** are shared: a municipality's or a Kreis's platform by its use cases, a vendor's
  platform by use cases of many municipalities; some have software components from a pool in
  which a few are used widely, open-source ones with an SPDX licence.
- **Programmes** (federal, EU, Land) fund several use cases each, a few of them many.

Every file starts with a comment saying it is synthetic; the names are made up, every web
address is under the reserved ``.example`` domain, and ``.generated.json`` in the project
folder records the generator's shape version, size and seed (:func:`current`).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import random
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: The shape of the generated files. Bump it whenever they change, so that corpora generated
#: before (bench/out/corpus-*) are made again instead of reused (see :func:`current`).
SHAPE = 2
#: Written last into a generated project folder: generator, shape, size and seed.
MARKER = ".generated.json"
SYNTHETIC = "# Synthetic data from bench/generate.py: no real project, place or organisation.\n"
CONTEXT = '"@context": https://w3id.org/sckg/context.jsonld\n'
MUNICIPALITIES = 11_000
CHUNK = 1_000
#: Use cases per municipality named, on average (the municipalities are picked to suit).
USECASES_PER_TOWN = 3
#: Municipalities taken from one Kreis before the next Kreis is visited.
TOWNS_PER_KREIS = 4
#: The year the corpus is "current" in: start and end dates lie around it.
THIS_YEAR = 2026


@dataclass(frozen=True)
class Land:
    ags: str
    nuts: str
    slug: str
    de: str
    en: str
    municipalities: int  #: real number of municipalities
    kreise: int  #: real number of Kreise
    kreisfrei: int  #: real number of kreisfreie Städte
    population: int  #: real population, rounded (2022)
    lat: float  #: centre and half the extent, in degrees
    long: float
    dlat: float
    dlong: float


LAENDER = [
    Land("01", "DEF", "schleswig-holstein", "Schleswig-Holstein", "Schleswig-Holstein",
         1106, 11, 4, 2_950_000, 54.2, 9.8, 0.5, 0.9),
    Land("02", "DE6", "hamburg-land", "Hamburg (Land)", "Hamburg (state)",
         1, 0, 1, 1_890_000, 53.55, 10.0, 0.1, 0.15),
    Land("03", "DE9", "niedersachsen", "Niedersachsen", "Lower Saxony",
         941, 37, 8, 8_140_000, 52.8, 9.2, 0.7, 1.5),
    Land("04", "DE5", "bremen-land", "Bremen (Land)", "Bremen (state)",
         2, 0, 2, 680_000, 53.2, 8.7, 0.2, 0.1),
    Land("05", "DEA", "nordrhein-westfalen", "Nordrhein-Westfalen", "North Rhine-Westphalia",
         396, 31, 22, 18_140_000, 51.5, 7.5, 0.6, 1.0),
    Land("06", "DE7", "hessen", "Hessen", "Hesse",
         421, 21, 5, 6_390_000, 50.6, 9.0, 0.6, 0.5),
    Land("07", "DEB", "rheinland-pfalz", "Rheinland-Pfalz", "Rhineland-Palatinate",
         2301, 24, 12, 4_160_000, 49.9, 7.4, 0.6, 0.6),
    Land("08", "DE1", "baden-wuerttemberg", "Baden-Württemberg", "Baden-Württemberg",
         1101, 35, 9, 11_280_000, 48.6, 9.0, 0.6, 0.9),
    Land("09", "DE2", "bayern", "Bayern", "Bavaria",
         2056, 71, 25, 13_370_000, 49.0, 11.5, 0.8, 1.3),
    Land("10", "DEC", "saarland", "Saarland", "Saarland",
         52, 6, 0, 990_000, 49.4, 6.95, 0.15, 0.25),
    Land("11", "DE3", "berlin-land", "Berlin (Land)", "Berlin (state)",
         1, 0, 1, 3_760_000, 52.52, 13.4, 0.1, 0.15),
    Land("12", "DE4", "brandenburg", "Brandenburg", "Brandenburg",
         413, 14, 4, 2_570_000, 52.4, 13.3, 0.7, 1.0),
    Land("13", "DE8", "mecklenburg-vorpommern", "Mecklenburg-Vorpommern",
         "Mecklenburg-Western Pomerania", 726, 6, 2, 1_630_000, 53.8, 12.5, 0.5, 1.2),
    Land("14", "DED", "sachsen", "Sachsen", "Saxony",
         418, 10, 3, 4_090_000, 51.0, 13.3, 0.4, 1.0),
    Land("15", "DEE", "sachsen-anhalt", "Sachsen-Anhalt", "Saxony-Anhalt",
         218, 11, 3, 2_190_000, 51.9, 11.7, 0.7, 0.6),
    Land("16", "DEG", "thueringen", "Thüringen", "Thuringia",
         605, 17, 5, 2_130_000, 50.9, 11.0, 0.4, 0.8),
]  # fmt: skip
#: Shares of a city-state's population by municipality (Bremen and Bremerhaven).
CITY_STATE_SHARES = {1: [1.0], 2: [0.83, 0.17]}
#: BBSR size classes by population (lower bound, code), largest first, as ontology/sckg.ttl
#: defines them (kg/authoring/gv100ad.py derives them alike; tests/test_generate.py checks).
SIZE_CLASSES = ((100_000, "grossstadt"), (20_000, "mittelstadt"), (5_000, "kleinstadt"))
#: Spread of the population of the municipalities of a Kreis (log-normal sigma).
POPULATION_SIGMA = 1.3

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
MATURITY = (["idea", "pilot", "in-operation", "scaled"], [5, 59, 32, 4])
STAGES = {
    "idea": ("Ideenphase", "idea"),
    "pilot": ("Pilotphase", "pilot"),
    "in-operation": ("Betriebsphase", "in-operation"),
    "scaled": ("Ausrollphase", "scaled"),
}
#: Lifecycle by maturity (weights), for the use cases that state one (57 % in the shipped corpus).
LIFECYCLE = {
    "idea": (["planned", "running", "discontinued"], [7, 2, 1]),
    "pilot": (["running", "completed", "discontinued", "planned"], [60, 30, 5, 5]),
    "in-operation": (["running", "completed"], [9, 1]),
    "scaled": (["running"], [1]),
}
HOSTING = (
    ["stadtwerke", "research-institution", "in-house", "municipal-it-provider", "vendor-saas"],
    [11, 5, 4, 3, 4],
)
CAPABILITIES = [
    "field-devices",
    "communication",
    "data-management",
    "integration",
    "services-apps",
    "security",
    "governance",
]
LICENCES = (
    ["MIT", "Apache-2.0", "EUPL-1.2", "AGPL-3.0-only", "LGPL-3.0-or-later"],
    [4, 4, 2, 2, 1],
)

# (weights for 0, 1, 2, … items), guided by the shipped corpus. ``uses`` and ``produces`` keep
# the denser data flows of the first corpus (the interconnection rules' worst case): the shipped
# model v2 corpus states few sourced uses yet.
N_SECTORS = (0, 6, 20, 54, 17, 2, 1)
N_USES = (45, 17, 18, 12, 4, 2, 1, 1)
N_PRODUCES = (2, 78, 18, 2)
N_GAIAX = (9, 26, 50, 12, 3)
N_STANDARDS = (67, 20, 9, 3, 1)
N_PARTNERS = (30, 40, 22, 8)
#: Shares of use cases (the shipped corpus's, rounded).
P_KREIS = 0.12  #: a Kreis's own project (its place is the Kreis)
P_SECOND_TOWN = 0.15  #: a second municipality of the same Kreis
P_LAND = 0.04  #: rolled out in the whole Land
P_LIFECYCLE = 0.57
P_PATTERN = 0.2  #: instance of a pattern (none are linked in the shipped corpus yet)
P_FUNDED = 0.39
P_PLATFORM = 0.49
P_VENDOR_PLATFORM = 0.2  #: of those on a platform: a vendor's, shared across municipalities
P_TRANSFER = 0.09
P_ASSESSED_USE = 0.03
P_DEVELOPER = 0.33
P_FUNDER_STAKEHOLDER = 0.75  #: of the funded use cases: the programme's funder as stakeholder


@dataclass(frozen=True)
class Topic:
    de: str
    en: str
    data_de: str
    data_en: str
    solution: str  #: solution type of a use case of this topic
    dataset_type: str | None  #: Musterdatenkatalog template of its data
    data_model: str | None  #: Smart Data Models entity type of its data


#: Per sector: the topics of its use cases and the data they produce.
TOPICS: dict[str, list[Topic]] = {
    "mobility": [
        Topic("Parkraumsensorik", "parking sensors", "Parkplatzbelegung", "parking occupancy",
              "sensor-network", "verkehr--kfz-parkplatz", "OnStreetParking"),
        Topic("Verkehrsmengenerfassung", "traffic counting", "Verkehrsstärken", "traffic volumes",
              "sensor-network", "verkehr--kfz-messung", "TrafficFlowObserved"),
        Topic("Rufbus auf Abruf", "on-demand bus", "Fahrtanfragen", "ride requests",
              "service-delivery", "verkehr--oepnv-fahrgastzahl", None),
        Topic("Ladeinfrastruktur", "EV charging points", "Ladepunktbelegung",
              "charging-point occupancy", "open-data", "verkehr--kfz-elektrotankstelle",
              "EVChargingStation"),
    ],
    "energy": [
        Topic("Energiemonitoring kommunaler Gebäude", "energy monitoring of municipal buildings",
              "Verbrauchsdaten", "consumption data", "dashboard", "energie--energiebericht",
              None),
        Topic("Wärmeplanung", "heat planning", "Wärmebedarfskarte", "heat demand map",
              "digital-twin", "energie--waermeversorgung", None),
        Topic("Intelligente Straßenbeleuchtung", "smart street lighting", "Leuchtenzustände",
              "streetlight states", "control-system", "sicherheit--beleuchtung", "Streetlight"),
    ],
    "environment": [
        Topic("Luftqualitätsmessnetz", "air-quality network", "Luftmesswerte",
              "air-quality readings", "sensor-network",
              "klimaschutzUndUmweltschutz--berichtUndAnalyse-luftUndEmission",
              "AirQualityObserved"),
        Topic("Lärmmonitoring", "noise monitoring", "Lärmpegel", "noise levels",
              "sensor-network", None, "NoiseLevelObserved"),
    ],
    "water": [
        Topic("Pegelmessung an Bächen", "stream-level monitoring", "Pegelstände", "water levels",
              "sensor-network", "floraUndFauna--gewaesser-pegelstand", "WaterObserved"),
        Topic("Starkregenvorsorge", "heavy-rain preparedness", "Niederschlagsdaten",
              "rainfall data", "analytics-forecasting", "wetter--messung", "WeatherObserved"),
    ],
    "waste": [
        Topic("Füllstandssensoren für Container", "fill-level sensors for containers",
              "Füllstände", "fill levels", "sensor-network", "abfallentsorgung--container",
              "WasteContainer"),
    ],
    "urban-development": [
        Topic("Digitaler Zwilling", "digital twin", "3D-Stadtmodell", "3D city model",
              "digital-twin", "raumplanung--liegenschaft-grundstueckUndGebaeude", "Building"),
        Topic("Leerstandsmanagement", "vacancy management", "Leerstandskataster",
              "vacancy register", "app-or-portal",
              "raumplanung--liegenschaft-grundstueckUndGebaeude", None),
    ],
    "administration": [
        Topic("Digitales Bürgerbüro", "digital citizen office", "Anliegenmeldungen",
              "citizen requests", "service-delivery", "buergerservice--anliegenmanagement",
              "IssueReporting"),
        Topic("Offenes Datenportal", "open data portal", "Datenkatalog", "data catalogue",
              "open-data", "digitalisierung--openData-planung", "Catalogue"),
    ],
    "health": [
        Topic("Hitzewarnsystem", "heat warning system", "Hitzewarnungen", "heat warnings",
              "analytics-forecasting", "wetter--hitze", "Alert"),
    ],
    "education": [
        Topic("CO2-Ampeln in Schulen", "CO2 monitors in schools", "Raumluftwerte",
              "indoor-air readings", "sensor-network", None, "IndoorEnvironmentObserved"),
    ],
    "safety": [
        Topic("Hochwasserfrühwarnung", "flood early warning", "Warnmeldungen",
              "warning messages", "analytics-forecasting", "floraUndFauna--gewaesser-pegelstand",
              "FloodMonitoring"),
    ],
    "economy": [
        Topic("Frequenzmessung in der Innenstadt", "footfall counting in the town centre",
              "Passantenfrequenzen", "footfall counts", "sensor-network",
              "verkehr--fussverkehr-fussgaengerzone", "CrowdFlowObserved"),
    ],
    "society": [
        Topic("Dorf-App", "village app", "Nachbarschaftsmeldungen", "neighbourhood posts",
              "app-or-portal", None, None),
    ],
    "digital-infrastructure": [
        Topic("LoRaWAN-Funknetz", "LoRaWAN network", "Sensordaten", "sensor data",
              "iot-network", None, None),
        Topic("Urbane Datenplattform", "urban data platform", "Plattformmetadaten",
              "platform metadata", "data-platform", "digitalisierung--openData-planung", None),
    ],
    "agriculture": [
        Topic("Bodenfeuchtemessung", "soil-moisture monitoring", "Bodenfeuchte",
              "soil moisture", "sensor-network", None, None),
    ],
}  # fmt: skip
ALL_TOPICS = [topic for topics in TOPICS.values() for topic in topics]
FEDERAL_FUNDER = ("Bundesförderstelle Smarte Kommunen", "Federal agency for smart municipalities")
EU_FUNDER = ("Europäische Förderagentur für Städte", "European funding agency for cities")
FEDERAL = ("Bundesprogramm", "Federal programme")
#: Themes of funding programmes: (German, English).
PROGRAMME_THEMES = [
    ("Smarte Kommunen", "Smart Municipalities"),
    ("Digitale Daseinsvorsorge", "Digital Public Services"),
    ("Klimaresiliente Städte", "Climate-Resilient Cities"),
    ("Vernetzte Mobilität", "Connected Mobility"),
    ("Digitale Dörfer", "Digital Villages"),
    ("Offene Daten vor Ort", "Local Open Data"),
    ("Energiewende in Quartieren", "Neighbourhood Energy Transition"),
    ("Sensorik für Umwelt", "Sensors for the Environment"),
]

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
#: Organisations of a municipality, by the first word of their slug (weights 6 : 3 : 1).
TOWN_ORGS = ["stadt", "stadtwerke", "zweckverband"]
_FIRM_WORDS = ["Daten", "Sensor", "Stadt", "Netz", "Geo", "Cloud", "Funk", "Info"]
_FIRM_SUFFIXES = ["werk GmbH", "systeme AG", "lösungen GmbH", "technik KG", "labor GmbH"]
_ASCII = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


@functools.cache
def slugify(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.translate(_ASCII).lower())
    return "-".join(part for part in out.split("-") if part)


def _count(rng: random.Random, weights: tuple[int, ...]) -> int:
    """How many items: an index drawn by ``weights`` (for 0, 1, 2, … items)."""
    return rng.choices(_INDICES[: len(weights)], cum_weights=_cumulative(weights))[0]


_INDICES = range(64)


@functools.cache
def _cumulative(weights: tuple[int, ...]) -> list[float]:
    return list(itertools.accumulate(weights))


def _zipf(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights 1, 1/2^s, 1/3^s … for ``random.choices(cum_weights=…)``."""
    return list(itertools.accumulate(1 / (i + 1) ** exponent for i in range(count)))


# -- places -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Municipality:
    slug: str
    name: str
    ags: str
    land: int  #: index into LAENDER
    kreis: str | None  #: slug of its Kreis; None for a kreisfreie Stadt
    population: int
    year: int  #: the population's reference year
    kind: str | None  #: municipality type
    lat: float
    long: float

    @property
    def size_class(self) -> str:
        return size_class(self.population)


@dataclass(frozen=True)
class Kreis:
    slug: str
    de: str
    en: str
    key: str  #: 5 digits: Land, Regierungsbezirk, Kreis
    land: int
    population: int
    year: int
    lat: float
    long: float
    towns: tuple[Municipality, ...]


class Where(NamedTuple):
    """The place a use case or dataset is about: a municipality or a Kreis."""

    slug: str
    de: str
    en: str

    @property
    def in_de(self) -> str:
        """``in Ort``, ``im Landkreis …``."""
        return ("im " if self.de.startswith(("Kreis ", "Landkreis ")) else "in ") + self.de

    @property
    def the_en(self) -> str:
        return ("the " if self.en.startswith("District ") else "") + self.en

    @classmethod
    def of(cls, place: Municipality | Kreis) -> Where:
        if isinstance(place, Kreis):
            return cls(place.slug, place.de, place.en)
        return cls(place.slug, place.name, place.name)


@dataclass
class Geography:
    towns: list[Municipality]
    kreise: dict[str, Kreis]


def size_class(population: int) -> str:
    return next((code for bound, code in SIZE_CLASSES if population >= bound), "landgemeinde")


def geography(rng: random.Random, count: int = MUNICIPALITIES) -> Geography:
    """``count`` synthetic municipalities in their Kreise and Länder (see the module's doc)."""
    total = sum(land.municipalities for land in LAENDER)
    shares = [
        max(land.kreise + land.kreisfrei, round(count * land.municipalities / total))
        for land in LAENDER
    ]
    largest = shares.index(max(shares))
    shares[largest] += count - sum(shares)  # rounding left-overs go to the largest Land
    found = Geography([], {})
    names: set[str] = set()
    for index, share in enumerate(shares):
        _fill_land(rng, found, index, share, names)
    return found


def municipalities(rng: random.Random, count: int = MUNICIPALITIES) -> list[Municipality]:
    """``count`` synthetic municipalities with unique names, slugs and valid 8-digit AGS."""
    return geography(rng, count).towns


def _fill_land(rng: random.Random, geo: Geography, index: int, count: int, names: set) -> None:
    land = LAENDER[index]
    year = rng.randint(2019, 2023)
    cities = _city_populations(rng, land)
    for number, population in enumerate(cities, start=1):
        key = f"{land.ags}000" if land.kreise + land.kreisfrei == 1 else f"{land.ags}0{number:02d}"
        name = _name(rng, names)
        lat, long = _point(rng, land, 1.0)
        kind = None if land.kreisfrei + land.kreise == 1 else "kreisfreie-stadt"
        town = Municipality(
            slugify(name), name, key + "000", index, None, population, year, kind, lat, long
        )
        geo.towns.append(town)
    rest = count - len(cities)
    mean = max(300.0, (land.population - sum(cities)) / max(1, rest))
    median = mean / math.exp(POPULATION_SIGMA**2 / 2)
    for number, size in enumerate(_split(rng, rest, land.kreise), start=len(cities) + 1):
        _kreis(rng, geo, index, f"{land.ags}0{number:02d}", size, median, year, names)


def _city_populations(rng: random.Random, land: Land) -> list[int]:
    if land.kreise == 0:  # a city-state: its municipalities share the Land's population
        return [round(land.population * s) for s in CITY_STATE_SHARES[land.kreisfrei]]
    return [
        min(1_600_000, max(35_000, round(rng.lognormvariate(math.log(150_000), 0.6))))
        for _ in range(land.kreisfrei)
    ]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` positive sizes of random weight."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    sizes = [max(1, int(total * w / sum(weights))) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def _kreis(
    rng: random.Random,
    geo: Geography,
    index: int,
    key: str,
    size: int,
    median: float,
    year: int,
    names: set[str],
) -> None:
    """A Kreis of ``size`` municipalities, named after the largest of them."""
    land = LAENDER[index]
    lat, long = _point(rng, land, 0.8)
    numbers = sorted(rng.sample(range(1, 1000), size))
    people = [_draw_population(rng, median) for _ in numbers]
    town_names = [_name(rng, names) for _ in numbers]
    seat = town_names[people.index(max(people))]
    word = "Kreis" if land.ags in ("01", "05") else "Landkreis"
    slug = slugify(f"{word} {seat}")
    towns = tuple(
        Municipality(
            slug=slugify(name),
            name=name,
            ags=f"{key}{number:03d}",
            land=index,
            kreis=slug,
            population=population,
            year=year,
            kind="stadt" if population >= 10_000 or rng.random() < 0.15 else "gemeinde",
            lat=round(lat + rng.uniform(-0.12, 0.12), 3),
            long=round(long + rng.uniform(-0.18, 0.18), 3),
        )
        for number, population, name in zip(numbers, people, town_names, strict=True)
    )
    geo.towns.extend(towns)
    total = sum(people)
    geo.kreise[slug] = Kreis(
        slug, f"{word} {seat}", f"District of {seat}", key, index, total, year, lat, long, towns
    )


def _draw_population(rng: random.Random, median: float) -> int:
    return min(400_000, max(40, round(rng.lognormvariate(math.log(median), POPULATION_SIGMA))))


def _point(rng: random.Random, land: Land, spread: float) -> tuple[float, float]:
    return (
        round(land.lat + rng.uniform(-1, 1) * land.dlat * spread, 3),
        round(land.long + rng.uniform(-1, 1) * land.dlong * spread, 3),
    )


def _name(rng: random.Random, taken: set[str]) -> str:
    """A German-sounding place name whose slug is not taken yet."""
    while True:
        stem = rng.choice(_SYLLABLES_A) + rng.choice(_SYLLABLES_B) + rng.choice(_SUFFIXES)
        prefix = rng.choice(_PREFIXES)
        name = prefix + (stem.lower() if prefix and not prefix.endswith(" ") else stem)
        if slugify(name) not in taken:
            taken.add(slugify(name))
            return name


def active_towns(rng: random.Random, geo: Geography, wanted: int) -> list[Municipality]:
    """``wanted`` municipalities for the use cases: Kreise (and kreisfreie Städte) in a random
    order favouring the populous ones, ``TOWNS_PER_KREIS`` municipalities from each (the larger
    ones likelier) before any Kreis gives more."""
    units = [list(k.towns) for k in geo.kreise.values()]
    units += [[t] for t in geo.towns if t.kreis is None]
    units = [_weighted_order(rng, unit) for unit in units]
    weights = [sum(t.population for t in unit) ** 0.5 for unit in units]
    order = [units[i] for i in _weighted_order_indices(rng, weights)]
    chosen: list[Municipality] = []
    for start in range(0, max(len(u) for u in order), TOWNS_PER_KREIS):
        for unit in order:
            chosen.extend(unit[start : start + TOWNS_PER_KREIS])
        if len(chosen) >= wanted:
            break
    return chosen[:wanted]


def _weighted_order(rng: random.Random, towns: list[Municipality]) -> list[Municipality]:
    indices = _weighted_order_indices(rng, [t.population**0.5 for t in towns])
    return [towns[i] for i in indices]


def _weighted_order_indices(rng: random.Random, weights: Sequence[float]) -> list[int]:
    """A random order in which heavier items tend to come first (Efraimidis–Spirakis)."""
    keys = [rng.random() ** (1 / w) for w in weights]
    return sorted(range(len(weights)), key=lambda i: -keys[i])


# -- the corpus ---------------------------------------------------------------------------------
@dataclass
class Corpus:
    """What the generator has made so far."""

    rng: random.Random
    geo: Geography
    towns: list[Municipality]  #: the municipalities use cases happen in
    size: int = 0
    seed: int = 0
    usecases: list[dict] = field(default_factory=list)
    datasets: dict[str, dict] = field(default_factory=dict)
    orgs: dict[str, dict] = field(default_factory=dict)
    places: set[str] = field(default_factory=set)  #: slugs of the places named
    platforms: dict[str, dict] = field(default_factory=dict)
    components: list[dict] = field(default_factory=list)
    component_weights: list[float] = field(default_factory=list)  #: cumulative, Zipf
    programmes: dict[str, dict] = field(default_factory=dict)
    patterns: dict[str, dict] = field(default_factory=dict)  #: by topic (English)
    #: preferential-attachment urns of dataset slugs: global and per sector
    urn: list[str] = field(default_factory=list)
    sector_urns: dict[str, list[str]] = field(default_factory=dict)
    standards: list[str] = field(default_factory=list)
    town_weights: list[float] = field(default_factory=list)  #: cumulative, over ``towns``
    town_by_slug: dict[str, Municipality] = field(default_factory=dict)
    #: platforms by the place that runs them; vendors' platforms and their uses
    local_platforms: dict[str, list[str]] = field(default_factory=dict)
    vendor_urn: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    firm_urn: list[str] = field(default_factory=list)  #: companies, once per use
    institutes: list[str] = field(default_factory=list)
    #: per Land: the programmes its use cases may have, and cumulative weights
    funding: dict[int, tuple[list[dict], list[float]]] = field(default_factory=dict)
    by_topic: dict[str, list[dict]] = field(default_factory=dict)  #: use cases per topic


def generate(n: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    geo = geography(rng)
    towns = active_towns(rng, geo, max(1, round(n / USECASES_PER_TOWN)))
    corpus = Corpus(rng, geo, towns, n, seed, standards=_shipped_standards())
    corpus.town_weights = list(itertools.accumulate(t.population**0.35 for t in towns))
    corpus.town_by_slug = {t.slug: t for t in geo.towns}
    _components(corpus, 6 + n // 200)
    _programmes(corpus, max(3, round(1.7 * math.sqrt(n))))
    _patterns(corpus)
    _open_datasets(corpus, max(3, n // 40))
    for index in range(n):
        corpus.usecases.append(_usecase(corpus, index))
    return corpus


def _shipped_standards() -> list[str]:
    with open(ROOT / "usecases" / "shared" / "standards.yaml", encoding="utf-8") as handle:
        graph = yaml.safe_load(handle)["@graph"]
    return [entry["id"].split("/", 1)[1] for entry in graph]


def _town(corpus: Corpus) -> Municipality:
    return corpus.rng.choices(corpus.towns, cum_weights=corpus.town_weights)[0]


def _name_place(corpus: Corpus, slug: str) -> str:
    corpus.places.add(slug)
    return slug


# -- organisations ------------------------------------------------------------------------------
def _add_org(corpus: Corpus, slug: str, names: tuple[str, str], kind: str, place: str | None):
    if slug not in corpus.orgs:
        corpus.orgs[slug] = {"slug": slug, "name": names, "type": kind, "place": place}
        if place:
            _name_place(corpus, place)
    return slug


def _town_org(corpus: Corpus, town: Municipality, kind: str | None = None) -> str:
    kind = kind or corpus.rng.choices(TOWN_ORGS, cum_weights=(6, 9, 10))[0]
    names = {
        "stadt": (f"Stadt {town.name}", f"Town of {town.name}", "kommune"),
        "stadtwerke": (
            f"Stadtwerke {town.name}",
            f"{town.name} municipal utility",
            "stadtwerke",
        ),
        "zweckverband": (
            f"Zweckverband Digitales {town.name}",
            f"{town.name} digital services association",
            "zweckverband",
        ),
    }[kind]
    return _add_org(corpus, f"{kind}-{town.slug}", names[:2], names[2], town.slug)


def _kreis_org(corpus: Corpus, kreis: Kreis) -> str:
    names = (f"Kreisverwaltung {kreis.de}", f"{kreis.en} administration")
    return _add_org(corpus, f"kreisverwaltung-{kreis.slug}", names, "landkreis", kreis.slug)


def _land_org(corpus: Corpus, land: int) -> str:
    de, en = LAENDER[land].de, LAENDER[land].en
    names = (f"Landesförderstelle Digitales {de}", f"{en} digital funding agency")
    return _add_org(corpus, f"land-{LAENDER[land].slug}", names, "land", LAENDER[land].slug)


def _firm(corpus: Corpus) -> str:
    """A company: a new one now and then, else one already named (the busy ones likelier)."""
    rng = corpus.rng
    if not corpus.firm_urn or rng.random() < 2 / (2 + len(corpus.firm_urn)) ** 0.5:
        town = _town(corpus)
        name = f"{rng.choice(_FIRM_WORDS)}{rng.choice(_FIRM_SUFFIXES)} {town.name}"
        slug = _add_org(corpus, f"firma-{slugify(name)}", (name, name), "company", town.slug)
        corpus.firm_urn.append(slug)
        return slug
    slug = rng.choice(corpus.firm_urn)
    corpus.firm_urn.append(slug)
    return slug


def _institute(corpus: Corpus) -> str:
    rng = corpus.rng
    if len(corpus.institutes) < 3 + corpus.size // 300 and rng.random() < 0.5:
        town = _town(corpus)
        names = (f"Institut für Stadtdaten {town.name}", f"{town.name} institute of urban data")
        slug = _add_org(corpus, f"institut-{town.slug}", names, "research", town.slug)
        if slug not in corpus.institutes:
            corpus.institutes.append(slug)
        return slug
    return rng.choice(corpus.institutes) if corpus.institutes else _firm(corpus)


# -- programmes, components, patterns -----------------------------------------------------------
def _programmes(corpus: Corpus, count: int) -> None:
    """Federal and EU programmes (about one in six, open to every use case) and Land ones."""
    rng = corpus.rng
    national = max(2, count // 6)  #: the first ones
    federal = _add_org(corpus, "bund-foerderstelle", FEDERAL_FUNDER, "bund", "germany")
    eu = _add_org(corpus, "eu-foerderagentur", EU_FUNDER, "eu-body", None)
    populations = [land.population for land in LAENDER]
    for i in range(count):
        de, en = PROGRAMME_THEMES[i % len(PROGRAMME_THEMES)]
        land = None if i < national else rng.choices(range(len(LAENDER)), populations)[0]
        if land is None:
            funder = eu if i % 3 == 2 else federal
            kind = ("EU-Programm", "EU programme") if funder == eu else FEDERAL
            where = ("", "")
        else:
            funder = _land_org(corpus, land)
            kind = ("Landesprogramm", "State programme")
            where = (f" {LAENDER[land].de}", f" ({LAENDER[land].en})")
        slug = f"{slugify(kind[1])}-{slugify(en)}-{i + 1}"
        corpus.programmes[slug] = {
            "slug": slug,
            "name": (f"{kind[0]} „{de}“{where[0]}", f"{kind[1]} “{en}”{where[1]}"),
            "funder": funder,
            "land": land,
        }
    # A use case may have the national programmes and its Land's, the first ones likelier
    # (Zipf); a national one twice as likely as a Land's of the same rank.
    first = [p for p in corpus.programmes.values() if p["land"] is None]
    for land in range(len(LAENDER)):
        own = [p for p in corpus.programmes.values() if p["land"] == land]
        weights = [3.0 / (rank + 1) for rank in range(len(first))]
        weights += [1.5 / (rank + 1) for rank in range(len(own))]
        corpus.funding[land] = (first + own, list(itertools.accumulate(weights)))


def _components(corpus: Corpus, count: int) -> None:
    rng = corpus.rng
    for i in range(count):
        word = rng.choice(_FIRM_WORDS)
        part = rng.choice(["knoten", "hub", "broker", "portal", "atlas", "kern", "brücke"])
        name = f"{word}{part} {i + 1}"
        open_source = rng.random() < 0.6
        corpus.components.append(
            {
                "slug": slugify(name),
                "name": name,
                "open": open_source,
                "license": rng.choices(*LICENCES)[0] if open_source else None,
                "capabilities": rng.sample(CAPABILITIES, rng.randint(1, 2)),
                "standards": rng.sample(corpus.standards, _count(rng, (60, 30, 10))),
            }
        )
    corpus.component_weights = _zipf(count)


def _patterns(corpus: Corpus) -> None:
    rng = corpus.rng
    for topic in ALL_TOPICS:
        sector = next(s for s, topics in TOPICS.items() if topic in topics)
        other = "administration" if sector == "digital-infrastructure" else "digital-infrastructure"
        sectors = [sector, other]
        corpus.patterns[topic.en] = {
            "slug": slugify(topic.en),
            "topic": topic,
            "sectors": sectors,
            "standards": rng.sample(corpus.standards, _count(rng, (30, 40, 30))),
            "gaiax": rng.sample(GAIAX, rng.randint(1, 2)),
            "modified": date(2025, 1, 1) + timedelta(days=rng.randint(0, 500)),
        }


# -- platforms ----------------------------------------------------------------------------------
def _platforms(corpus: Corpus, town: Municipality, kreis: Kreis | None) -> list[str]:
    """The platforms a use case runs on (none for about half of them)."""
    rng = corpus.rng
    if rng.random() >= P_PLATFORM:
        return []
    if kreis is None and rng.random() < P_VENDOR_PLATFORM:
        return [_vendor_platform(corpus)]
    where = kreis.slug if kreis else town.slug
    local = corpus.local_platforms.setdefault(where, [])
    reuse = local and rng.random() < 0.85
    found = [rng.choice(local) if reuse else _local_platform(corpus, town, kreis)]
    if rng.random() < 0.03:  # a second one: a vendor's
        found.append(_vendor_platform(corpus))
    return list(dict.fromkeys(found))


def _local_platform(corpus: Corpus, town: Municipality, kreis: Kreis | None) -> str:
    rng = corpus.rng
    place = kreis.slug if kreis else town.slug
    name = kreis.de if kreis else town.name
    if kreis:
        operator = _kreis_org(corpus, kreis)
    else:
        operator = _town_org(corpus, town, rng.choice(["stadt", "stadtwerke"]))
    number = len(corpus.local_platforms[place]) + 1
    slug = f"{place}-datenplattform" + (f"-{number}" if number > 1 else "")
    title = (f"Urbane Datenplattform {name}", f"{name} urban data platform")
    hosting = rng.choices(*HOSTING)[0] if rng.random() < 0.45 else None
    _add_platform(corpus, slug, title, operator, hosting, place)
    corpus.local_platforms[place].append(slug)
    return slug


def _vendor_platform(corpus: Corpus) -> str:
    """A vendor's platform: a new one as often as a Pitman–Yor process opens a table (their
    number grows with their uses to the power 0.7), else one already used, by its uses."""
    rng = corpus.rng
    uses, count = len(corpus.vendor_urn), len(corpus.vendors)
    if not count or rng.random() < (2 + 0.7 * count) / (uses + 2):
        firm = _firm(corpus)
        name = corpus.orgs[firm]["name"][0]
        slug = f"{firm.removeprefix('firma-')}-cloud"
        if slug not in corpus.platforms:
            title = (f"{name} Cloud-Datenplattform", f"{name} cloud data platform")
            _add_platform(corpus, slug, title, firm, "vendor-saas", corpus.orgs[firm]["place"])
            corpus.vendors.append(slug)
    else:
        slug = rng.choice(corpus.vendor_urn)
    corpus.vendor_urn.append(slug)
    return slug


def _add_platform(
    corpus: Corpus,
    slug: str,
    title: tuple[str, str],
    operator: str,
    hosting: str | None,
    place: str,
) -> None:
    rng = corpus.rng
    components: list[str] = []
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            chosen = rng.choices(corpus.components, cum_weights=corpus.component_weights)[0]
            if chosen["slug"] not in components:
                components.append(chosen["slug"])
    corpus.platforms[slug] = {
        "slug": slug,
        "title": title,
        "operator": operator,
        "hosting": hosting,
        "components": components,
        "capabilities": sorted(rng.sample(CAPABILITIES, rng.randint(2, 4)), key=CAPABILITIES.index),
        "standards": rng.sample(corpus.standards, _count(rng, (60, 25, 10, 5))),
        "mims": sorted(rng.sample(["mim1", "mim2", "mim7"], rng.randint(1, 2)))
        if rng.random() < 0.15
        else [],
        "export": rng.choice([True, False]) if rng.random() < 0.3 else None,
        "place": _name_place(corpus, place),
    }


# -- use cases ----------------------------------------------------------------------------------
def _open_datasets(corpus: Corpus, count: int) -> None:
    """Open datasets no use case produces (base maps, weather, statistics), used by many."""
    rng = corpus.rng
    for i in range(count):
        town = _town(corpus)
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        topic = rng.choice(TOPICS[sector])
        slug = f"open-{slugify(topic.data_en)}-{town.slug}-{i}"
        _add_dataset(corpus, slug, topic, Where.of(town), [sector], producer=None)


def _usecase(corpus: Corpus, index: int) -> dict:
    rng = corpus.rng
    town = _town(corpus)
    kreis = corpus.geo.kreise[town.kreis] if town.kreis and rng.random() < P_KREIS else None
    sectors = _sectors(rng)
    topic = rng.choice(TOPICS[sectors[0]])
    slug = f"{town.slug}-{slugify(topic.en)}-{index}"
    where = Where.of(kreis or town)
    places, scale = _places(corpus, town, kreis)
    platforms = _platforms(corpus, town, kreis)
    uses = _uses(corpus, sectors)
    produces = []
    for k in range(_count(rng, N_PRODUCES)):
        data_topic = rng.choice(TOPICS[rng.choice(sectors)])
        produced = f"{town.slug}-{slugify(data_topic.data_en)}-{index}-{k}"
        _add_dataset(corpus, produced, data_topic, where, sectors, slug, platforms)
        produces.append(produced)
    maturity = rng.choices(*MATURITY)[0]
    lifecycle, start, end = _lifecycle(rng, maturity)
    funding = _funding(corpus, town)
    uc = {
        "slug": slug,
        "town": town,
        "where": where,
        "topic": topic,
        "sectors": sectors,
        "places": places,
        "scale": scale,
        "maturity": maturity,
        "lifecycle": lifecycle,
        "start": start,
        "end": end,
        "pattern": corpus.patterns[topic.en]["slug"] if rng.random() < P_PATTERN else None,
        "funding": funding,
        "platforms": platforms,
        "transfer": _transfer(corpus, town, topic),
        "uses": uses,
        "produces": produces,
        "assessed": _assessed(corpus, uses + produces),
        "standards": rng.sample(corpus.standards, _count(rng, N_STANDARDS)),
        "stakeholders": _stakeholders(corpus, town, kreis, funding),
        "gaiax": rng.sample(GAIAX, _count(rng, N_GAIAX)),
        "status": rng.choice(["draft", "reviewed"]),
        "source": rng.random() < 0.55,
        "modified": date(2024, 1, 1) + timedelta(days=rng.randint(0, 800)),
    }
    corpus.by_topic.setdefault(topic.en, []).append(uc)
    return uc


def _places(corpus: Corpus, town: Municipality, kreis: Kreis | None) -> tuple[list[str], str]:
    """The places of a use case and its spatial scale."""
    rng = corpus.rng
    if kreis:
        return [_name_place(corpus, kreis.slug)], "county"
    places = [_name_place(corpus, town.slug)]
    scale = rng.choices(["municipality", "district", "site"], [72, 16, 12])[0]
    if town.kreis and rng.random() < P_SECOND_TOWN:
        neighbour = rng.choice(corpus.geo.kreise[town.kreis].towns)
        if neighbour is not town:
            places.append(_name_place(corpus, neighbour.slug))
            scale = "municipality"
    if rng.random() < P_LAND:
        places.append(_name_place(corpus, LAENDER[town.land].slug))
        scale = "state"
    return places, scale


def _sectors(rng: random.Random) -> list[str]:
    wanted = max(1, _count(rng, N_SECTORS))
    chosen: list[str] = []
    while len(chosen) < wanted:
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        if sector not in chosen:
            chosen.append(sector)
    return chosen


def _lifecycle(rng: random.Random, maturity: str) -> tuple[str | None, str | None, str | None]:
    """Lifecycle, start and end as the shipped corpus states them (year, month or day)."""
    lifecycle = rng.choices(*LIFECYCLE[maturity])[0] if rng.random() < P_LIFECYCLE else None
    if rng.random() >= (0.85 if lifecycle else 0.3):
        return lifecycle, None, None
    first = THIS_YEAR + rng.randint(0, 1) if lifecycle == "planned" else rng.randint(2014, 2025)
    start = _when(rng, first)
    end = None
    if lifecycle in ("completed", "discontinued") and rng.random() < 0.9:
        end = _when(rng, min(THIS_YEAR, first + rng.randint(1, 4)))
    elif lifecycle == "running" and rng.random() < 0.05:
        end = _when(rng, THIS_YEAR + rng.randint(1, 2))
    return lifecycle, start, end


def _when(rng: random.Random, year: int) -> str:
    form = rng.choices(["year", "month", "day"], [48, 50, 2])[0]
    month = rng.randint(1, 12)
    if form == "year":
        return str(year)
    if form == "month":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def _funding(corpus: Corpus, town: Municipality) -> list[str]:
    rng = corpus.rng
    if rng.random() >= P_FUNDED:
        return []
    pool, weights = corpus.funding[town.land]
    chosen = [rng.choices(pool, cum_weights=weights)[0]["slug"]]
    if rng.random() < 0.03:
        chosen.append(rng.choices(pool, cum_weights=weights)[0]["slug"])
    return list(dict.fromkeys(chosen))


def _transfer(corpus: Corpus, town: Municipality, topic: Topic) -> str | None:
    """A solution taken over from another municipality: an earlier use case of the same topic,
    or now and then a platform."""
    rng = corpus.rng
    if rng.random() >= P_TRANSFER:
        return None
    if rng.random() < 0.8:
        earlier = [uc for uc in corpus.by_topic.get(topic.en, ())[-50:] if uc["town"] is not town]
        return f"usecase/{rng.choice(earlier)['slug']}" if earlier else None
    others = [p for p in corpus.vendors if corpus.platforms[p]["place"] != town.slug]
    return f"platform/{rng.choice(others)}" if others else None


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


def _assessed(corpus: Corpus, taken: list[str]) -> list[str]:
    """Datasets the curators judge a use case to use (not sourced), for a few."""
    if corpus.rng.random() >= P_ASSESSED_USE:
        return []
    slug = corpus.rng.choice(corpus.urn)
    return [] if slug in taken else [slug]


def _add_dataset(
    corpus: Corpus,
    slug: str,
    topic: Topic,
    where: Where,
    sectors: list[str],
    producer: str | None,
    platforms: Sequence[str] = (),
) -> None:
    rng = corpus.rng
    publisher = _publisher(corpus, where) if rng.random() < 0.8 else None
    corpus.datasets[slug] = {
        "slug": slug,
        "topic": topic,
        "where": where,
        "sectors": sectors,
        "publisher": publisher,
        "standards": rng.sample(corpus.standards, _count(rng, N_STANDARDS)),
        "open": producer is None,
        "service": rng.choice(platforms) if platforms and rng.random() < 0.4 else None,
        "type": topic.dataset_type if rng.random() < 0.87 else None,
        "model": topic.data_model if rng.random() < 0.9 else None,
        "source": rng.random() < 0.6,
    }
    _name_place(corpus, where.slug)
    corpus.urn.append(slug)
    for sector in sectors:
        corpus.sector_urns.setdefault(sector, []).append(slug)


def _publisher(corpus: Corpus, where: Where) -> str:
    if where.slug in corpus.geo.kreise:
        return _kreis_org(corpus, corpus.geo.kreise[where.slug])
    return _town_org(corpus, corpus.town_by_slug[where.slug])


def _stakeholders(
    corpus: Corpus, town: Municipality, kreis: Kreis | None, funding: list[str]
) -> list[tuple[str, str]]:
    """Operator (the municipality's or the Kreis's), partners, a developer, the funder."""
    rng = corpus.rng
    chosen: dict[str, str] = {}
    if rng.random() < 0.98:
        chosen[_kreis_org(corpus, kreis) if kreis else _town_org(corpus, town)] = "operator"
    for _ in range(_count(rng, N_PARTNERS)):
        kind = rng.random()
        if kind < 0.5:
            other = town if rng.random() < 0.6 else _town(corpus)
            partner = _town_org(corpus, other)
        else:
            partner = _institute(corpus) if kind < 0.75 else _firm(corpus)
        chosen.setdefault(partner, "partner")
    if rng.random() < P_DEVELOPER:
        chosen.setdefault(_firm(corpus), "developer")
    if funding and rng.random() < P_FUNDER_STAKEHOLDER:
        chosen.setdefault(corpus.programmes[funding[0]]["funder"], "funder")
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


def _description(corpus: Corpus, uc: dict) -> dict[str, str]:
    """German and English text of about 70 words: what, data, platform, operator, stage."""
    where, topic, fields = uc["where"], uc["topic"], len(uc["sectors"])
    goal = _GOALS[len(uc["slug"]) % len(_GOALS)]
    subject = where.the_en[0].upper() + where.the_en[1:]
    de = [
        f"{where.de} setzt das Vorhaben „{topic.de}“ um und verknüpft dafür Daten aus {fields} "
        f"Handlungsfeldern. Die erfassten Daten werden regelmäßig geprüft und über offene "
        f"Schnittstellen bereitgestellt, um {goal[0]}."
    ]
    en = [
        f"{subject} runs the “{topic.en}” project, which combines data from {fields} fields of "
        "action. "
        f"The data collected are published through open interfaces to {goal[1]}."
    ]
    if uc["platforms"]:
        de_title, en_title = corpus.platforms[uc["platforms"][0]]["title"]
        de.append(f"Sie laufen auf der Plattform „{de_title}“ zusammen.")
        en.append(f"They come together on the platform “{en_title}”.")
    else:
        de.append("Sie bleiben in den Fachverfahren der Verwaltung und werden dort ausgewertet.")
        en.append("They stay in the administration's own systems and are analysed there.")
    operators = [org for org, role in uc["stakeholders"] if role == "operator"]
    if operators:
        de_org, en_org = corpus.orgs[operators[0]]["name"]
        de.append(f"Betrieben wird das Projekt von {de_org}.")
        en.append(f"The project is operated by {en_org}.")
    if uc["funding"]:
        de_prog, en_prog = corpus.programmes[uc["funding"][0]]["name"]
        de.append(f"Gefördert wird es aus dem {de_prog}.")
        en.append(f"It is funded by the {en_prog}.")
    stage = STAGES[uc["maturity"]]
    de.append(
        f"Das Projekt befindet sich in der {stage[0]} und soll auf weitere Kommunen übertragbar "
        "sein; Erfahrungen und Daten werden mit Nachbarkommunen geteilt."
    )
    en.append(
        f"The project is at the {stage[1]} stage and is meant to be transferable to other "
        "municipalities; experience and data are shared with neighbouring municipalities."
    )
    return {"de": " ".join(de), "en": " ".join(en)}


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _names(pair: tuple[str, str]) -> str:
    return f"{{de: {_q(pair[0])}, en: {_q(pair[1])}}}"


def usecase_yaml(corpus: Corpus, uc: dict) -> str:
    town, topic, where = uc["town"], uc["topic"], uc["where"]
    desc = _description(corpus, uc)
    lines = [
        SYNTHETIC.rstrip("\n"),
        CONTEXT.rstrip("\n"),
        f"id: usecase/{uc['slug']}",
        "type: UseCase",
        "title:",
        f"  de: {_q(f'{topic.de} {where.in_de}')}",
        f"  en: {_q(f'{topic.en[0].upper()}{topic.en[1:]} in {where.the_en}')}",
        "description:",
        f"  de: {_q(desc['de'])}",
        f"  en: {_q(desc['en'])}",
        f"sectors: {_flow(uc['sectors'])}",
        f"places: {_flow(uc['places'])}",
        f"solutionType: {topic.solution}",
        f"spatialScale: {uc['scale']}",
        f"maturity: {uc['maturity']}",
    ]
    for key in ("lifecycle", "start", "end", "pattern"):
        if uc[key]:
            lines.append(f"{key}: {uc[key]}")
    for key, items in (
        ("funding", uc["funding"]),
        ("platforms", uc["platforms"]),
        ("transferFrom", [uc["transfer"]] if uc["transfer"] else []),
        ("uses", uc["uses"]),
        ("produces", uc["produces"]),
        ("assessedUses", uc["assessed"]),
        ("standards", uc["standards"]),
    ):
        if items:
            lines.append(f"{key}: {_flow(items)}")
    if uc["stakeholders"]:
        lines.append("stakeholders:")
        for org, role in uc["stakeholders"]:
            lines += [f"  - organization: {org}", f"    role: {role}"]
    if uc["gaiax"]:  # the curators' assessment (model v2: optional)
        lines.append(f"gaiaxRelevance: {_flow(uc['gaiax'])}")
    sources = [f"https://www.{town.slug}.example/smart-city/{uc['slug']}"]
    if uc["source"]:  # model v2: a use case has at least one source; some have two
        sources.append(f"https://presse.{town.slug}.example/{uc['slug']}")
    lines.append(f"sources: {_flow(sources)}")
    lines.append(f"curationStatus: {uc['status']}")
    lines.append(f"modified: {uc['modified'].isoformat()}")
    return "\n".join(lines) + "\n"


def pattern_yaml(pattern: dict) -> str:
    topic = pattern["topic"]
    de = (
        f"Muster für Vorhaben der Art „{topic.de}“: Eine Kommune oder ein Kreis erfasst "
        f"{topic.data_de} mit eigener Technik oder über Dienstleister, führt sie in einer "
        "Datenplattform zusammen und stellt sie über offene Schnittstellen und in einem "
        "einheitlichen Datenmodell bereit. Fachämter, Stadtwerke und Bürgerinnen und Bürger "
        "nutzen die Daten für Planung, Betrieb und Information; andere Kommunen können die "
        "Lösung mit wenig Aufwand übernehmen, weil Datenmodell, Schnittstellen und Betrieb "
        "beschrieben sind."
    )
    en = (
        f"Pattern for {topic.en} projects: a municipality or a district collects "
        f"{topic.data_en} with its own equipment or through service providers, brings them "
        "together on a data platform and provides them through open interfaces in a common data "
        "model. Departments, utilities and residents use the data for planning, operation and "
        "information; other municipalities can take the solution over with little effort "
        "because the data model, the interfaces and the operation are described."
    )
    lines = [
        SYNTHETIC.rstrip("\n"),
        CONTEXT.rstrip("\n"),
        f"id: pattern/{pattern['slug']}",
        "type: Pattern",
        "title:",
        f"  de: {_q(f'{topic.de} (Muster)')}",
        f"  en: {_q(f'{topic.en[0].upper()}{topic.en[1:]} (pattern)')}",
        "description:",
        f"  de: {_q(de)}",
        f"  en: {_q(en)}",
        f"sectors: {_flow(pattern['sectors'])}",
        f"solutionType: {topic.solution}",
        "maturity: in-operation",
        "curationStatus: draft",
        f"gaiaxRelevance: {_flow(pattern['gaiax'])}",
    ]
    if pattern["standards"]:
        lines.append(f"standards: {_flow(pattern['standards'])}")
    lines.append(f"modified: {pattern['modified'].isoformat()}")
    return "\n".join(lines) + "\n"


# -- shared entries -----------------------------------------------------------------------------
def dataset_entry(ds: dict) -> list[str]:
    topic, where = ds["topic"], ds["where"]
    place, name = where.slug, where.de
    kind = "offene Daten" if ds["open"] else "Projektdaten"
    lines = [
        f"  - id: dataset/{ds['slug']}",
        "    type: Dataset",
        f"    title: {_names((f'{topic.data_de} {name}', f'{where.en} {topic.data_en}'))}",
        "    description:",
        f"      de: {_q(f'{topic.data_de} aus {name} ({kind}), regelmäßig aktualisiert.')}",
        f"      en: {_q(f'{topic.data_en.capitalize()} from {where.the_en}, updated regularly.')}",
    ]
    if ds["publisher"]:
        lines.append(f"    publisher: {ds['publisher']}")
    if ds["standards"]:
        lines.append(f"    standards: {_flow(ds['standards'])}")
    lines.append(f"    places: [{place}]")
    if ds["service"]:
        lines.append(f"    accessService: {ds['service']}")
    if ds["type"]:
        lines.append(f"    datasetType: {ds['type']}")
    if ds["model"]:
        lines.append(f"    dataModel: {ds['model']}")
    if ds["source"]:
        lines.append(f"    sources: [https://daten.{place}.example/{ds['slug']}]")
    if ds["open"]:
        lines.append("    license: https://www.govdata.de/dl-de/by-2-0")
    return lines


def org_entry(org: dict) -> list[str]:
    lines = [
        f"  - id: org/{org['slug']}",
        "    type: Organization",
        f"    name: {_names(org['name'])}",
        f"    orgType: {org['type']}",
    ]
    if org["place"]:
        lines.append(f"    places: [{org['place']}]")
    return lines


def place_entries(corpus: Corpus) -> list[list[str]]:
    """Germany, the Länder, and the municipalities named with their Kreise (Kreis first)."""
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
                f"  - id: place/{land.slug}",
                "    type: State",
                f"    name: {_names((land.de, land.en))}",
                f"    nuts: {land.nuts}",
                "    country: DEU",
                "    partOf: [germany]",
            ]
        )
    named, done = corpus.places, set()
    for town in corpus.geo.towns:
        if town.kreis is None:
            if town.slug in named:
                entries.append(_town_entry(town))
        elif town.kreis not in done:
            done.add(town.kreis)
            kreis = corpus.geo.kreise[town.kreis]
            members = [_town_entry(t) for t in kreis.towns if t.slug in named]
            if members or kreis.slug in named:
                entries += [_kreis_entry(kreis), *members]
    return entries


def _population_line(value: int, year: int, source: str) -> str:
    return f"    population: {{value: {value}, year: {year}, source: {_q(source)}}}"


def _kreis_entry(kreis: Kreis) -> list[str]:
    source = f"https://statistik.example/kreise/{kreis.key}"
    return [
        f"  - id: place/{kreis.slug}",
        "    type: District",
        f"    name: {_names((kreis.de, kreis.en))}",
        "    country: DEU",
        _population_line(kreis.population, kreis.year, source),
        f"    lat: {kreis.lat}",
        f"    long: {kreis.long}",
        f"    partOf: [{LAENDER[kreis.land].slug}]",
    ]


def _town_entry(town: Municipality) -> list[str]:
    source = f"https://statistik.example/gemeinden/{town.ags}"
    parents = ([town.kreis] if town.kreis else []) + [LAENDER[town.land].slug]
    lines = [
        f"  - id: place/{town.slug}",
        "    type: Municipality",
        f"    name: {_names((town.name, town.name))}",
        f'    ags: "{town.ags}"',
        "    country: DEU",
    ]
    if town.kind:
        lines.append(f"    municipalityType: {town.kind}")
    return [
        *lines,
        _population_line(town.population, town.year, source),
        f"    sizeClass: {town.size_class}",
        f"    lat: {town.lat}",
        f"    long: {town.long}",
        f"    partOf: {_flow(parents)}",
    ]


def platform_entries(corpus: Corpus) -> list[list[str]]:
    """The platforms, then the software components (all of them, used or not)."""
    entries = []
    for p in corpus.platforms.values():
        org = corpus.orgs[p["operator"]]["name"]
        lines = [
            f"  - id: platform/{p['slug']}",
            "    type: Platform",
            f"    title: {_names(p['title'])}",
            "    description:",
            f"      de: {_q(f'Datenplattform von {org[0]}: Sie bündelt Sensor-, Fach- und offene Daten und stellt sie über Schnittstellen bereit.')}",  # noqa: E501
            f"      en: {_q(f'Data platform of {org[1]}: it brings sensor, departmental and open data together and provides them through interfaces.')}",  # noqa: E501
            f"    operator: {p['operator']}",
        ]
        if p["hosting"]:
            lines.append(f"    hosting: {p['hosting']}")
        for key in ("components", "capabilities", "standards", "mims"):
            if p[key]:
                lines.append(f"    {key}: {_flow(p[key])}")
        if p["export"] is not None:
            lines.append(f"    dataExport: {'true' if p['export'] else 'false'}")
        lines += [
            f"    places: [{p['place']}]",
            f"    sources: [https://{p['place']}.example/datenplattform/{p['slug']}]",
        ]
        entries.append(lines)
    for c in corpus.components:
        lines = [
            f"  - id: component/{c['slug']}",
            "    type: Component",
            f"    title: {_names((c['name'], c['name']))}",
            "    description:",
            f"      de: {_q('Softwarekomponente für kommunale Datenplattformen.')}",
            f"      en: {_q('Software component for municipal data platforms.')}",
        ]
        if c["license"]:
            lines.append(f"    license: {c['license']}")
        if c["open"]:
            lines.append(f"    repository: https://code.example/{c['slug']}")
        lines.append(f"    openSource: {'true' if c['open'] else 'false'}")
        if c["standards"]:
            lines.append(f"    standards: {_flow(c['standards'])}")
        lines += [
            f"    capabilities: {_flow(c['capabilities'])}",
            f"    sources: [https://code.example/{c['slug']}/about]",
        ]
        entries.append(lines)
    return entries


def programme_entries(corpus: Corpus) -> list[list[str]]:
    return [
        [
            f"  - id: programme/{p['slug']}",
            "    type: Programme",
            f"    name: {_names(p['name'])}",
            f"    funder: {p['funder']}",
            f"    sources: [https://foerderung.example/{p['slug']}]",
        ]
        for p in corpus.programmes.values()
    ]


# -- files --------------------------------------------------------------------------------------
def _write_chunks(folder: Path, stem: str, entries: list[list[str]]) -> None:
    for start in range(0, max(1, len(entries)), CHUNK):
        name = stem if len(entries) <= CHUNK else f"{stem}-{start // CHUNK + 1:03d}"
        body = [line for entry in entries[start : start + CHUNK] for line in entry]
        text = SYNTHETIC + CONTEXT + '"@graph":\n' + "\n".join(body) + "\n"
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def write(corpus: Corpus, out: Path) -> None:
    """Write the project folder ``out`` (replacing its ``usecases/``); its marker last."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).unlink(missing_ok=True)
    for name in ("ontology", "queries"):
        if (ROOT / name).is_dir():
            shutil.rmtree(out / name, ignore_errors=True)
            shutil.copytree(ROOT / name, out / name)
    usecases = out / "usecases"
    shutil.rmtree(usecases, ignore_errors=True)
    shared, patterns = usecases / "shared", usecases / "patterns"
    shared.mkdir(parents=True)
    patterns.mkdir()
    for uc in corpus.usecases:
        (usecases / f"{uc['slug']}.yaml").write_text(usecase_yaml(corpus, uc), encoding="utf-8")
    for pattern in corpus.patterns.values():
        (patterns / f"{pattern['slug']}.yaml").write_text(pattern_yaml(pattern), "utf-8")
    named = ("uses", "produces", "assessed")
    used = {slug for uc in corpus.usecases for key in named for slug in uc[key]}
    datasets = [dataset_entry(d) for slug, d in corpus.datasets.items() if slug in used]
    _write_chunks(shared, "datasets", datasets)
    _write_chunks(shared, "organisations", [org_entry(o) for o in corpus.orgs.values()])
    _write_chunks(shared, "places", place_entries(corpus))
    _write_chunks(shared, "platforms", platform_entries(corpus))
    _write_chunks(shared, "programmes", programme_entries(corpus))
    shutil.copy(ROOT / "usecases" / "shared" / "standards.yaml", shared / "standards.yaml")
    marker = {
        "generator": "bench/generate.py",
        "shape": SHAPE,
        "size": corpus.size,
        "seed": corpus.seed,
        "synthetic": True,
    }
    (out / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")


def current(folder: Path, size: int, seed: int) -> bool:
    """Whether ``folder`` holds a complete corpus of ``size`` and ``seed`` of today's shape."""
    try:
        found = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (found.get("shape"), found.get("size"), found.get("seed")) == (SHAPE, size, seed)


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
        f"organisations, {len(corpus.places)} places named, {len(corpus.platforms)} platforms, "
        f"{len(corpus.programmes)} programmes in {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
