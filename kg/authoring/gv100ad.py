"""``kg import gv100ad``: every German municipality from the official directory of Destatis.

The Gemeindeverzeichnis (GV100AD, a fixed-width text file, Datenlizenz Deutschland 2.0) lists
the Länder (record type 10), the Kreise (40) and the municipalities (60) with their official
key (AGS), name, area and population. A deployment that wants every municipality to be able to
pick itself (the orientation page) imports it once into a curated file of places:

- a municipality the corpus already has (same AGS) is left to the curators;
- a Kreis is matched to the corpus's District of the same name in the same Land, else written;
- a Land is the corpus's State of that name (the Länder are curated, never imported);
- each written place carries its population with the year it refers to (given by the user
  from the description Destatis publishes with the file; the file itself does not say it) and
  the source, and its BBSR size class derived from the population (the ontology's definition).

The record layout (1-based columns, from the description Destatis ships with the file):

==========  =========  ==================================================
columns     record     field
==========  =========  ==================================================
1–2         all        record type (10 Land, 40 Kreis, 60 municipality)
3–10        all        reference date (Gebietsstand), YYYYMMDD
11–18       all        AGS (2 digits Land, 5 Kreis, 8 municipality)
23–72       all        name
140–150     60         population, total
==========  =========  ==================================================
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.errors import ImportFailed
from kg.namespaces import Vocabulary
from kg.rdf import IRI, Literal

#: Where the directory is published (the population's source on every imported place).
SOURCE = (
    "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html"
)
#: The curated file ``kg import gv100ad`` writes by default (under usecases/shared/).
GENERATED = "places-gv100ad.yaml"
MUNICIPALITY_KEY = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"
#: BBSR size classes by population (lower bound, code), largest first (ontology/sckg.ttl).
SIZE_CLASSES = ((100_000, "grossstadt"), (20_000, "mittelstadt"), (5_000, "kleinstadt"))


@dataclass(frozen=True)
class Record:
    kind: str  #: "10", "40" or "60"
    date: str  #: YYYY-MM-DD
    ags: str
    name: str
    population: int | None
    line: int


def records(lines: Iterable[str]) -> Iterator[Record]:
    """The Land, Kreis and municipality records of a GV100AD file (others are skipped)."""
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        kind = line[0:2]
        if kind not in ("10", "40", "60"):
            continue
        date = line[2:10]
        if not re.fullmatch(r"\d{8}", date):
            raise ImportFailed(f"line {number}: columns 3–10 are not a date (YYYYMMDD): {date!r}")
        width = {"10": 2, "40": 5, "60": 8}[kind]
        ags = line[10 : 10 + width]
        if not ags.isdigit():
            raise ImportFailed(f"line {number}: columns 11–{10 + width} are not a key: {ags!r}")
        name = line[22:72].strip()
        if not name:
            raise ImportFailed(f"line {number}: no name in columns 23–72")
        population = None
        if kind == "60":
            field = line[139:150].strip()
            if not field.isdigit():
                raise ImportFailed(f"line {number}: columns 140–150 are not a population")
            population = int(field)
        yield Record(kind, f"{date[:4]}-{date[4:6]}-{date[6:]}", ags, name, population, number)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 where it is valid UTF-8, else Latin-1 (older editions)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def size_class(population: int) -> str:
    for lower, code in SIZE_CLASSES:
        if population >= lower:
            return code
    return "landgemeinde"


def slug(name: str) -> str:
    """A place slug from a German name: ``Frankfurt am Main`` → ``frankfurt-am-main``."""
    text = name.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass
class Known:
    """What the corpus already says about places: by AGS, Land name and District name."""

    by_ags: dict[str, str]
    states: dict[str, str]  #: German name → slug
    districts: dict[tuple[str, str], str]  #: (state slug, German name) → slug
    slugs: set[str]

    @classmethod
    def from_triples(cls, triples: Iterable[tuple], vocab: Vocabulary) -> Known:
        place = vocab.base + "place/"
        kinds: dict[str, str] = {}
        names: dict[str, str] = {}
        parts: dict[str, set[str]] = {}
        by_ags: dict[str, str] = {}
        for s, p, o in triples:
            if not (isinstance(s, IRI) and s.value.startswith(place)):
                continue
            here = s.value[len(place) :]
            if p.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
                kinds[here] = str(o).rsplit("#", 1)[-1]
            elif p.value.endswith("core#prefLabel") and isinstance(o, Literal) and o.lang == "de":
                names[here] = o.value
            elif p.value == vocab.term("partOf") and isinstance(o, IRI):
                parts.setdefault(here, set()).add(o.value[len(place) :])
            elif p.value == vocab.term("municipalityKey") and isinstance(o, IRI):
                by_ags[o.value.removeprefix(MUNICIPALITY_KEY)] = here
        states = {
            re.sub(r"\s*\(Land\)$", "", names[s]): s
            for s, kind in kinds.items()
            if kind == "State" and s in names
        }
        districts = {
            (state, names[d]): d
            for d, kind in kinds.items()
            if kind == "District" and d in names
            for state in parts.get(d, ())
        }
        return cls(by_ags, states, districts, set(kinds))


@dataclass
class Imported:
    places: list[dict]
    skipped: int  #: municipalities the corpus already has
    kreise: int  #: Kreise written (not matched to a District of the corpus)
    date: str


def convert(lines: Iterable[str], known: Known, population_year: int) -> Imported:
    """The places to write for a GV100AD file, given what the corpus already has.

    ``population_year`` is the year the population figures refer to: the file does not say
    it, the description Destatis publishes with it does."""
    laender: dict[str, str] = {}
    kreise: dict[str, Record] = {}
    towns: list[Record] = []
    date = ""
    for record in records(lines):
        date = date or record.date
        if record.kind == "10":
            state = known.states.get(record.name)
            if state is None:
                raise ImportFailed(
                    f"line {record.line}: the Land {record.name!r} is not a State of the corpus"
                )
            laender[record.ags] = state
        elif record.kind == "40":
            kreise[record.ags] = record
        else:
            towns.append(record)
    towns_in: dict[str, list[str]] = {}
    for town in towns:
        towns_in.setdefault(town.ags[:5], []).append(town.ags)
    used = set(known.slugs)
    places: list[dict] = []
    kreis_slugs: dict[str, str] = {}
    written_kreise = 0
    for ags, kreis in sorted(kreise.items()):
        state = _state(laender, ags, kreis.line)
        if towns_in.get(ags) == [ags + "000"]:
            continue  # a kreisfreie Stadt: the municipality stands for it
        match = _district(known, state, kreis.name)
        if match is None:
            match = _fresh(slug(kreis.name), ags, used)
            places.append(_kreis(match, kreis, state))
            written_kreise += 1
        kreis_slugs[ags] = match
    skipped = 0
    for town in towns:
        if town.ags in known.by_ags:
            skipped += 1
            continue
        state = _state(laender, town.ags, town.line)
        parents = [p for p in (kreis_slugs.get(town.ags[:5]), state) if p]
        place = _fresh(slug(town.name), town.ags, used)
        places.append(_town(place, town, parents, population_year))
    return Imported(places, skipped, written_kreise, date)


def write(imported: Imported, out: Path) -> None:
    header = (
        "# Imported by `kg import gv100ad` from the Gemeindeverzeichnis (GV100AD) of Destatis,\n"
        f"# reference date {imported.date}, Datenlizenz Deutschland – Namensnennung 2.0.\n"
        "# Do not edit by hand: import again when a new directory is published.\n"
    )
    body = {"@context": "https://w3id.org/sckg/context.jsonld", "@graph": imported.places}
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + text, encoding="utf-8")


def _state(laender: dict[str, str], ags: str, line: int) -> str:
    state = laender.get(ags[:2])
    if state is None:
        raise ImportFailed(f"line {line}: key {ags} lies in no Land listed before it")
    return state


def _district(known: Known, state: str, name: str) -> str | None:
    """The corpus's District in ``state`` whose German name is or ends with ``name``
    ("Landkreis Böblingen" for "Böblingen")."""
    for (where, curated), found in known.districts.items():
        if where == state and (curated == name or curated.endswith(" " + name)):
            return found
    return None


def _fresh(base: str, ags: str, used: set[str]) -> str:
    """``base``, or ``base-<AGS>`` when the slug is taken (there are many Neustadts)."""
    chosen = base if base not in used else f"{base}-{ags}"
    used.add(chosen)
    return chosen


def _kreis(place: str, kreis: Record, state: str) -> dict:
    return {
        "id": f"place/{place}",
        "type": "District",
        "name": {"de": kreis.name, "en": kreis.name},
        "country": "DEU",
        "partOf": [state],
    }


def _town(place: str, town: Record, parents: list[str], year: int) -> dict:
    assert town.population is not None
    return {
        "id": f"place/{place}",
        "type": "Municipality",
        "name": {"de": town.name, "en": town.name},
        "ags": town.ags,
        "country": "DEU",
        "population": {"value": town.population, "year": year, "source": SOURCE},
        "sizeClass": size_class(town.population),
        "partOf": parents,
    }
