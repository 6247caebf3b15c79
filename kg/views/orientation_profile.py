"""Who is asking, for the page "Für meine Kommune / For my municipality": the German Länder and
their neighbours, the size classes, what a municipality may already have, and the profile read
from a request (a municipality of the graph, or a Land and a size), checked value by value.

Values reach the store as typed bindings or as ``VALUES`` rows of terms checked against the
graph's own lists; the query text holds only constant vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.errors import InvalidRequest, Problem
from kg.namespaces import DCTERMS, SCHEMA, Vocabulary
from kg.rdf import IRI, Literal
from kg.store import Store
from kg.views.describe import LABEL_PREDICATES, pick

NUTS = "http://data.europa.eu/nuts/code/"
LABELS = " ".join(f"<{p}>" for p in LABEL_PREDICATES)


@dataclass(frozen=True)
class Land:
    """A German Land: the slug the shipped corpus gives its place, its NUTS-1 code, its names."""

    slug: str
    nuts: str
    de: str
    en: str

    def label(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


#: The sixteen Länder, whether or not the graph has a place in them yet (a planner from a Land
#: without use cases still gets an answer). Matched to the graph's states by NUTS code.
LAENDER: tuple[Land, ...] = (
    Land("baden-wuerttemberg", "DE1", "Baden-Württemberg", "Baden-Württemberg"),
    Land("bavaria", "DE2", "Bayern", "Bavaria"),
    Land("berlin-state", "DE3", "Berlin", "Berlin"),
    Land("brandenburg", "DE4", "Brandenburg", "Brandenburg"),
    Land("bremen-state", "DE5", "Bremen", "Bremen"),
    Land("hamburg-state", "DE6", "Hamburg", "Hamburg"),
    Land("hesse", "DE7", "Hessen", "Hesse"),
    Land(
        "mecklenburg-western-pomerania",
        "DE8",
        "Mecklenburg-Vorpommern",
        "Mecklenburg-Western Pomerania",
    ),
    Land("lower-saxony", "DE9", "Niedersachsen", "Lower Saxony"),
    Land("north-rhine-westphalia", "DEA", "Nordrhein-Westfalen", "North Rhine-Westphalia"),
    Land("rhineland-palatinate", "DEB", "Rheinland-Pfalz", "Rhineland-Palatinate"),
    Land("saarland", "DEC", "Saarland", "Saarland"),
    Land("saxony", "DED", "Sachsen", "Saxony"),
    Land("saxony-anhalt", "DEE", "Sachsen-Anhalt", "Saxony-Anhalt"),
    Land("schleswig-holstein", "DEF", "Schleswig-Holstein", "Schleswig-Holstein"),
    Land("thuringia", "DEG", "Thüringen", "Thuringia"),
)
LAND_BY_SLUG = {land.slug: land for land in LAENDER}
LAND_BY_NUTS = {land.nuts: land for land in LAENDER}

#: Länder sharing a land border (Bremen and Hamburg count Lower Saxony and Schleswig-Holstein).
NEIGHBOURS: dict[str, frozenset[str]] = {
    code: frozenset(near.split())
    for code, near in {
        "DE1": "DE2 DE7 DEB",
        "DE2": "DE1 DE7 DED DEG",
        "DE3": "DE4",
        "DE4": "DE3 DE8 DE9 DED DEE",
        "DE5": "DE9",
        "DE6": "DE9 DEF",
        "DE7": "DE1 DE2 DE9 DEA DEB DEG",
        "DE8": "DE4 DE9 DEF",
        "DE9": "DE4 DE5 DE6 DE7 DE8 DEA DEE DEF DEG",
        "DEA": "DE7 DE9 DEB",
        "DEB": "DE1 DE7 DEA DEC",
        "DEC": "DEB",
        "DED": "DE2 DE4 DEE DEG",
        "DEE": "DE4 DE9 DED DEG",
        "DEF": "DE6 DE8 DE9",
        "DEG": "DE2 DE7 DE9 DED DEE",
    }.items()
}

#: The BBSR size classes (the graph's ``size-class`` scheme) with their lower population bound,
#: largest first; and the choice for a Landkreis, which has no BBSR class.
SIZE_BOUNDS: tuple[tuple[str, int], ...] = (
    ("grossstadt", 100_000),
    ("mittelstadt", 20_000),
    ("kleinstadt", 5_000),
    ("landgemeinde", 0),
)
SIZE_CLASSES = tuple(code for code, _ in SIZE_BOUNDS)
KREIS = "kreis"
KREIS_LABEL = {"de": "Landkreis", "en": "District (Landkreis)"}
#: Largest population accepted (Berlin has 3.8 million).
MAX_POPULATION = 10_000_000

#: What a municipality may already have, with its names.
HAVES: dict[str, dict[str, str]] = {
    "platform": {"de": "Datenplattform", "en": "data platform"},
    "sensors": {"de": "Sensornetz (z. B. LoRaWAN)", "en": "sensor network (e.g. LoRaWAN)"},
    "portal": {"de": "Open-Data-Portal", "en": "open-data portal"},
}


def size_class_for(population: int) -> str:
    """The BBSR size class of a municipality of ``population`` inhabitants.

    >>> size_class_for(8000), size_class_for(20000), size_class_for(640)
    ('kleinstadt', 'mittelstadt', 'landgemeinde')
    """
    return next(code for code, bound in SIZE_BOUNDS if population >= bound)


@dataclass
class Choice:
    """An option of the form: slug, IRI and labels by language."""

    slug: str
    iri: str
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return pick(self.labels, lang) or self.slug


@dataclass
class Choices:
    """What a planner can pick: sectors, size classes, software components (from the graph) and
    the municipalities and districts of the graph, by Land."""

    sectors: dict[str, Choice]
    sizes: dict[str, Choice]
    components: dict[str, Choice]
    places: dict[str, Choice]
    place_land: dict[str, str]  #: place slug → Land slug ("" abroad)

    def find_place(self, text: str) -> list[str]:
        """The slugs of the places whose slug is ``text`` or whose name (in any language) is
        ``text``, ignoring case: a planner may type the name when the list is too long for a
        menu (every German municipality, after ``kg import gv100ad``)."""
        if text in self.places:
            return [text]
        wanted = text.casefold()
        return sorted(
            slug
            for slug, choice in self.places.items()
            if any(name.casefold() == wanted for name in choice.labels.values())
        )

    def ordered(self, name: str, lang: str) -> list[Choice]:
        """The choices of ``name`` (``sectors``, ``components`` …) by their label in ``lang``."""
        found: dict[str, Choice] = getattr(self, name)
        return sorted(found.values(), key=lambda c: c.label(lang).casefold())

    def places_by_land(self, lang: str) -> list[tuple[str, list[Choice]]]:
        """Places grouped under their Land's name (places abroad last), each group by name."""
        groups: dict[str, list[Choice]] = {}
        for slug, choice in self.places.items():
            groups.setdefault(self.place_land.get(slug, ""), []).append(choice)
        order = sorted(groups, key=lambda s: (s == "", _land_label(s, lang).casefold()))
        return [
            (_land_label(s, lang), sorted(groups[s], key=lambda c: c.label(lang).casefold()))
            for s in order
        ]


def _land_label(slug: str, lang: str) -> str:
    land = LAND_BY_SLUG.get(slug)
    if land:
        return land.label(lang)
    return "Ausland" if lang == "de" else "Abroad"


_CONCEPTS = """
SELECT ?c ?cls ?l WHERE {
  ?c a ?cls VALUES ?cls { sckg:Sector sckg:SizeClass sckg:SoftwareComponent }
  OPTIONAL { ?c ?lp ?l VALUES ?lp { LABELS } FILTER(isLiteral(?l)) }
}"""
_PLACES = """
SELECT ?p ?l ?nuts WHERE {
  ?p a ?cls VALUES ?cls { sckg:Municipality sckg:District }
  OPTIONAL { ?p ?lp ?l VALUES ?lp { LABELS } FILTER(isLiteral(?l)) }
  OPTIONAL { ?p sckg:within ?s . ?s a sckg:State ; sckg:nutsRegion ?nuts }
}"""


def choices(store: Store, vocab: Vocabulary) -> Choices:
    """The form's options, from two queries (bounded by the number of concepts and places)."""
    prefix = f"PREFIX sckg: <{vocab.ns}>\n"
    found: dict[str, dict[str, Choice]] = {"Sector": {}, "SizeClass": {}, "SoftwareComponent": {}}
    for row in store.select(prefix + _CONCEPTS.replace("LABELS", LABELS)):
        cls = row["cls"].value.removeprefix(vocab.ns)
        _add(found[cls], row["c"].value, row.get("l"))
    places: dict[str, Choice] = {}
    place_land: dict[str, str] = {}
    for row in store.select(prefix + _PLACES.replace("LABELS", LABELS)):
        slug = _add(places, row["p"].value, row.get("l"))
        land = LAND_BY_NUTS.get(row["nuts"].value.removeprefix(NUTS)) if "nuts" in row else None
        if land:
            place_land[slug] = land.slug
    return Choices(
        found["Sector"], found["SizeClass"], found["SoftwareComponent"], places, place_land
    )


def _add(into: dict[str, Choice], iri: str, label: object) -> str:
    slug = iri.rsplit("/", 1)[-1]
    choice = into.setdefault(slug, Choice(slug, iri))
    if isinstance(label, Literal):
        choice.labels.setdefault(label.lang or "", label.value)
    return slug


@dataclass
class Profile:
    """The municipality asking: its Land, size, sectors of interest and what it already has.

    ``place`` is the IRI of the municipality when the planner picked it from the graph; its
    use cases are then left out of the answer (they are the municipality's own).
    """

    land: Land | None
    size: str  #: a code of :data:`SIZE_CLASSES`, :data:`KREIS`, or "" when unknown
    sectors: tuple[str, ...] = ()
    haves: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    neighbours: bool = False
    place: Choice | None = None
    population: int | None = None
    from_graph: tuple[str, ...] = ()  #: haves and components the graph knows of the place

    def as_json(self, lang: str) -> dict[str, object]:
        return {
            "place": self.place.iri if self.place else None,
            "placeLabel": self.place.label(lang) if self.place else None,
            "land": self.land.slug if self.land else None,
            "landLabel": self.land.label(lang) if self.land else None,
            "sizeClass": self.size or None,
            "population": self.population,
            "sectors": list(self.sectors),
            "has": list(self.haves),
            "components": list(self.components),
            "neighbouringLaender": self.neighbours,
            "fromGraph": list(self.from_graph),
        }


@dataclass(frozen=True)
class Asked:
    """The raw request: every value as the planner sent it (the query string)."""

    place: str = ""
    land: str = ""
    size: str = ""
    population: str = ""
    sectors: Sequence[str] = ()
    haves: Sequence[str] = ()
    components: Sequence[str] = ()
    neighbours: bool = False

    @property
    def empty(self) -> bool:
        """Nothing asked yet (the form alone)."""
        return not any(
            (self.place, self.land, self.size, self.population, self.sectors, self.haves,
             self.components)
        )  # fmt: skip


def read_profile(asked: Asked, known: Choices, store: Store, vocab: Vocabulary) -> Profile:
    """The profile of a request, or :class:`~kg.errors.InvalidRequest` naming every bad value
    in German and English."""
    problems: list[Problem] = []
    sectors = _known(asked.sectors, known.sectors, "sector", problems)
    components = _known(asked.components, known.components, "component", problems)
    haves = _known(asked.haves, dict.fromkeys(HAVES), "have", problems)
    population = _population(asked.population, problems)
    size = asked.size.strip()
    if size and size not in (*SIZE_CLASSES, KREIS):
        problems.append(_unknown("size", size))
    land = None
    if asked.land.strip():
        land = LAND_BY_SLUG.get(asked.land.strip())
        if land is None:
            problems.append(_unknown("land", asked.land.strip()))
    place = _place(asked.place.strip(), known, problems) if asked.place.strip() else None
    if not asked.place.strip() and not asked.land.strip():
        problems.append(
            Problem(
                "land",
                de="Bitte wählen Sie Ihre Gemeinde oder Ihren Kreis, oder ein Land.",
                en="Please choose your municipality or district, or a Land.",
            )
        )
    if problems:
        raise InvalidRequest(problems)
    profile = Profile(
        land=land,
        size=size or (size_class_for(population) if population is not None else ""),
        sectors=sectors,
        haves=haves,
        components=components,
        neighbours=asked.neighbours,
        population=population,
    )
    if place is not None:
        _from_place(profile, place, known, store, vocab)
    return profile


def _place(text: str, known: Choices, problems: list[Problem]) -> Choice | None:
    found = known.find_place(text)
    if len(found) == 1:
        return known.places[found[0]]
    if not found:
        problems.append(_unknown("place", text))
        return None
    options = [(known.places[s], known.place_land.get(s, "")) for s in found]
    listed = {
        lang: "; ".join(
            f"{c.label(lang)} ({_land_label(land, lang)}): {c.slug}" for c, land in options
        )
        for lang in ("de", "en")
    }
    problems.append(
        Problem(
            "place",
            de=f"Mehrere Orte heißen „{text[:80]}“. Bitte den Kurznamen eingeben: {listed['de']}.",
            en=f"Several places are called “{text[:80]}”. Please give the short name: "
            f"{listed['en']}.",
        )
    )
    return None


_NAMES = {
    "place": ("Gemeinde oder Kreis", "Municipality or district"),
    "land": ("Land", "Land"),
    "size": ("Größenklasse", "Size class"),
    "sector": ("Sektor", "Sector"),
    "component": ("Softwarekomponente", "Software component"),
    "have": ("Vorhandenes", "What you have"),
    "population": ("Einwohnerzahl", "Population"),
}


def _unknown(name: str, value: str) -> Problem:
    de, en = _NAMES[name]
    shown = value[:80]
    return Problem(
        name,
        de=f"{de}: „{shown}“ ist im Graphen nicht bekannt. Bitte einen Wert aus der Liste wählen.",
        en=f"{en}: “{shown}” is not known to the graph. Please choose a value from the list.",
    )


def _known(
    values: Iterable[str], known: dict[str, object], name: str, problems: list[Problem]
) -> tuple[str, ...]:
    kept: list[str] = []
    for value in values:
        value = value.strip()
        if not value or value in kept:
            continue
        if value in known:
            kept.append(value)
        else:
            problems.append(_unknown(name, value))
    return tuple(sorted(kept))


def _population(text: str, problems: list[Problem]) -> int | None:
    text = text.strip().replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return None
    if text.isdigit() and 0 < int(text) <= MAX_POPULATION:
        return int(text)
    problems.append(
        Problem(
            "population",
            de="Einwohnerzahl: bitte eine ganze Zahl zwischen 1 und 10.000.000 angeben.",
            en="Population: please give a whole number between 1 and 10,000,000.",
        )
    )
    return None


_PLACE = """
SELECT ?p ?k ?v WHERE {
  { ?p a sckg:District BIND("district" AS ?k) BIND(?p AS ?v) }
  UNION { ?p sckg:sizeClass ?v BIND("size" AS ?k) }
  UNION { ?p sckg:within ?s . ?s a sckg:State ; sckg:nutsRegion ?v BIND("nuts" AS ?k) }
  UNION { ?p sckg:population/schema:value ?v BIND("population" AS ?k) }
  UNION { ?pl a sckg:DataPlatform ; dcterms:spatial ?p BIND("platform" AS ?k) BIND(?pl AS ?v) }
  UNION { ?pl a sckg:DataPlatform ; dcterms:spatial ?p ; sckg:hasComponent ?v
          BIND("component" AS ?k) }
}"""


def _from_place(
    profile: Profile, place: Choice, known: Choices, store: Store, vocab: Vocabulary
) -> None:
    """Land, size class, population and platforms of a municipality or district of the graph
    (these win over what the form says; what the graph knows is added to what was ticked)."""
    query = (
        f"PREFIX sckg: <{vocab.ns}>\nPREFIX dcterms: <{DCTERMS}>\nPREFIX schema: <{SCHEMA}>\n"
        + _PLACE
    )
    facts: dict[str, set[str]] = {}
    for row in store.select(query, {"p": IRI(place.iri)}):
        facts.setdefault(row["k"].value, set()).add(row["v"].value)
    profile.place = place
    lands = [
        LAND_BY_NUTS[n.removeprefix(NUTS)]
        for n in facts.get("nuts", ())
        if n.removeprefix(NUTS) in LAND_BY_NUTS
    ]
    profile.land = lands[0] if lands else None
    sizes = sorted(s.rsplit("/", 1)[-1] for s in facts.get("size", ()))
    profile.size = KREIS if "district" in facts else (sizes[0] if sizes else profile.size)
    populations = sorted(int(p) for p in facts.get("population", ()) if p.isdigit())
    profile.population = populations[0] if populations else None
    extra: list[str] = []
    if facts.get("platform") and "platform" not in profile.haves:
        extra.append("platform")
        profile.haves = tuple(sorted((*profile.haves, "platform")))
    slugs = {c.rsplit("/", 1)[-1] for c in facts.get("component", ())} & set(known.components)
    new = sorted(slugs - set(profile.components))
    extra.extend(new)
    profile.components = tuple(sorted((*profile.components, *new)))
    profile.from_graph = tuple(extra)
