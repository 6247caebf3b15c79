"""The answer of the page "Für meine Kommune / For my municipality": the real use cases of
comparable municipalities, ranked by visible factors, and for the first of them what they needed.

The ranking is a sum of points, one row of :data:`FACTORS` each; every factor a use case meets
is kept with its points and an explanation in German and English, so the page, its JSON twin
and its printed form show why a use case stands where it does. Patterns are never ranked: only
instances of ``sckg:UseCase`` (real projects in real places).

Two queries find and describe the candidates (the use cases that share a sector of interest,
the Land or a neighbouring Land, or the size class), two per shown use case list what it needed
(:mod:`kg.views.orientation_needs`). Terms reach the store as ``VALUES`` rows built from
values checked against the graph (:func:`~kg.views.orientation_profile.read_profile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.namespaces import DCTERMS, Vocabulary
from kg.rdf import IRI, Literal
from kg.store import Store
from kg.views.describe import pick
from kg.views.orientation_needs import Needs, needs
from kg.views.orientation_profile import (
    HAVES,
    KREIS,
    KREIS_LABEL,
    LABELS,
    LAND_BY_NUTS,
    NEIGHBOURS,
    NUTS,
    Choices,
    Profile,
)

#: Use cases shown with what they needed (the rest of the ranking is counted).
TOP = 10


@dataclass(frozen=True)
class Factor:
    """One ranking factor: its points (``per`` match, or once), its name and what it means."""

    code: str
    weight: int
    per: bool
    name_de: str
    name_en: str
    about_de: str
    about_en: str

    def name(self, lang: str) -> str:
        return self.name_de if lang == "de" else self.name_en

    def about(self, lang: str) -> str:
        return self.about_de if lang == "de" else self.about_en


#: The ranking factors and their weights: the one table the ranking, the page, the JSON twin and
#: docs/site.md show (a test holds the documentation to it).
FACTORS: tuple[Factor, ...] = (
    Factor(
        "size", 3, False, "Gleiche Größenklasse", "Same size class",
        "Ein Ort des Anwendungsfalls hat dieselbe BBSR-Größenklasse (oder ist ebenfalls ein "
        "Landkreis).",
        "A place of the use case has the same BBSR size class (or is a district as well).",
    ),
    Factor(
        "land", 3, False, "Gleiches Land", "Same Land",
        "Ein Ort des Anwendungsfalls liegt im selben Land: gleiche Landesgesetze und "
        "Förderprogramme.",
        "A place of the use case lies in the same Land: the same state laws and funding "
        "programmes.",
    ),
    Factor(
        "neighbour", 1, False, "Nachbarland", "Neighbouring Land",
        "Nur wenn gewünscht: ein Ort des Anwendungsfalls liegt in einem angrenzenden Land.",
        "Only when asked for: a place of the use case lies in a bordering Land.",
    ),
    Factor(
        "sectors", 2, True, "Gemeinsame Sektoren", "Shared sectors",
        "Je Sektor von Interesse, den der Anwendungsfall bedient.",
        "For each sector of interest the use case serves.",
    ),
    Factor(
        "builds-on", 2, True, "Baut auf Vorhandenem auf", "Builds on what you have",
        "Je vorhandenem Baustein, den der Anwendungsfall nutzt: Datenplattform, Sensornetz, "
        "Open-Data-Portal oder eine Softwarekomponente seiner Plattform.",
        "For each thing you have that the use case relies on: a data platform, a sensor "
        "network, an open-data portal or a software component of its platform.",
    ),
    Factor(
        "reviewed", 1, False, "Redaktionell geprüft", "Reviewed",
        "Die Beschreibung ist von der Redaktion geprüft (kein Entwurf).",
        "The description has been reviewed by the curators (not a draft).",
    ),
    Factor(
        "flows", 1, False, "Belegte Datenflüsse", "Sourced data flows",
        "Der Anwendungsfall gibt Daten an andere Anwendungsfälle weiter oder bezieht sie von "
        "ihnen, mit Quelle belegt.",
        "The use case passes data to other use cases or takes data from them, with a source.",
    ),
)  # fmt: skip
FACTOR = {f.code: f for f in FACTORS}
#: Solution types and platform capabilities that make a use case rely on a sensor network.
SENSOR_SOLUTIONS = frozenset({"sensor-network", "iot-network"})
SENSOR_CAPABILITIES = frozenset({"field-devices", "communication"})
PORTAL_SOLUTIONS = frozenset({"open-data"})


@dataclass
class Met:
    """A factor a use case meets: its points and why, in German and English."""

    factor: Factor
    points: int
    de: str
    en: str

    def text(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


@dataclass
class Facts:
    """What the ranking reads of one candidate use case."""

    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  #: IRI → labels
    values: dict[str, set[str]] = field(default_factory=dict)  #: kind → IRIs

    def get(self, kind: str) -> set[str]:
        return self.values.get(kind, set())

    def slugs(self, kind: str) -> set[str]:
        return {v.rsplit("/", 1)[-1] for v in self.get(kind)}

    def label(self, iri: str, lang: str) -> str:
        return pick(self.labels.get(iri, {}), lang) or iri.rsplit("/", 1)[-1]


@dataclass
class Match:
    """A ranked use case: its title, places, the factors it meets and their sum."""

    facts: Facts
    met: list[Met]
    needs: Needs | None = None

    @property
    def iri(self) -> str:
        return self.facts.iri

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    @property
    def score(self) -> int:
        return sum(m.points for m in self.met)

    def title(self, lang: str) -> str:
        return pick(self.facts.titles, lang) or self.slug

    def places(self, lang: str) -> list[tuple[str, str]]:
        return sorted(
            ((p, self.facts.label(p, lang)) for p in self.facts.get("place")),
            key=lambda pair: pair[1].casefold(),
        )

    def as_json(self, lang: str) -> dict[str, object]:
        return {
            "id": self.iri,
            "title": self.title(lang),
            "score": self.score,
            "places": [{"id": p, "label": text} for p, text in self.places(lang)],
            "factors": [
                {
                    "factor": m.factor.code,
                    "weight": m.factor.weight,
                    "points": m.points,
                    "de": m.de,
                    "en": m.en,
                }
                for m in self.met
            ],
            "needs": self.needs.as_json(lang) if self.needs else None,
        }


@dataclass
class Orientation:
    """The answer: the profile, the ranked use cases (the first :data:`TOP` with their needs),
    how many candidates were weighed, and the municipality's own use cases left out."""

    profile: Profile
    matches: list[Match]
    candidates: int
    own: list[str]

    @property
    def shown(self) -> list[Match]:
        return self.matches[:TOP]

    @staticmethod
    def factors_json() -> list[dict[str, object]]:
        """The table of :data:`FACTORS` with both languages."""
        return [
            {
                "factor": f.code,
                "weight": f.weight,
                "perMatch": f.per,
                "name": {"de": f.name_de, "en": f.name_en},
                "about": {"de": f.about_de, "en": f.about_en},
            }
            for f in FACTORS
        ]

    def as_json(self, lang: str) -> dict[str, object]:
        return {
            "profile": self.profile.as_json(lang),
            "factors": self.factors_json(),
            "candidates": self.candidates,
            "ranked": len(self.matches),
            "ownUseCases": self.own,
            "results": [m.as_json(lang) for m in self.shown],
        }


# Each criterion finds its use cases from the (few) terms given, and the class is tested last
# with FILTER EXISTS: written as joins (``?v a sckg:UseCase``, ``?x/sckg:within?``), pyoxigraph
# scanned every typed resource and took 0.3 to 2 s on the 155 shipped use cases instead of a
# few milliseconds.
_CANDIDATES = """
SELECT DISTINCT ?u WHERE {
  { VALUES ?cs { SECTORS } ?u sckg:sector ?cs }
  UNION { VALUES ?cn { LANDS } ?cl sckg:nutsRegion ?cn .
          { ?u dcterms:spatial ?cl } UNION { ?cp sckg:within ?cl . ?u dcterms:spatial ?cp } }
  UNION { VALUES ?cz { SIZES } ?cp sckg:sizeClass ?cz . ?u dcterms:spatial ?cp }
  UNION { VALUES ?ct { KINDS } ?cp a ?ct . ?u dcterms:spatial ?cp }
  FILTER EXISTS { ?u a sckg:UseCase }
}"""
# The facts of the candidates, given as VALUES rows (joined with the query above as a
# sub-query, pyoxigraph took 1.4 s on the shipped use cases).
_FACTS = """
SELECT ?u ?k ?v ?l WHERE {
  VALUES ?u { CANDIDATES }
  { ?u dcterms:title ?l BIND("title" AS ?k) }
  UNION { ?u dcterms:spatial ?v BIND("place" AS ?k)
          OPTIONAL { ?v ?lp ?l VALUES ?lp { LABELS } FILTER(isLiteral(?l)) } }
  UNION { ?u dcterms:spatial/sckg:sizeClass ?v BIND("size" AS ?k) }
  UNION { ?u dcterms:spatial ?v FILTER EXISTS { ?v a sckg:District } BIND("district" AS ?k) }
  UNION { ?u dcterms:spatial ?s . ?s sckg:nutsRegion ?v FILTER EXISTS { ?s a sckg:State }
          BIND("land" AS ?k) }
  UNION { ?u dcterms:spatial/sckg:within ?s . ?s sckg:nutsRegion ?v
          FILTER EXISTS { ?s a sckg:State } BIND("land" AS ?k) }
  UNION { ?u sckg:sector ?v BIND("sector" AS ?k) }
  UNION { ?u sckg:curationStatus ?v BIND("status" AS ?k) }
  UNION { ?u sckg:runsOn ?v BIND("platform" AS ?k) }
  UNION { ?u sckg:runsOn/sckg:hasComponent ?v BIND("component" AS ?k) }
  UNION { ?u sckg:solutionType ?v BIND("solution" AS ?k) }
  UNION { ?u sckg:runsOn/sckg:capability ?v BIND("capability" AS ?k) }
  UNION { ?u sckg:runsOn/sckg:hasComponent/sckg:capability ?v BIND("capability" AS ?k) }
  UNION { ?u sckg:feeds ?v FILTER(?v != ?u && EXISTS { ?v a sckg:UseCase }) BIND("flow" AS ?k) }
  UNION { ?v sckg:feeds ?u FILTER(?v != ?u && EXISTS { ?v a sckg:UseCase }) BIND("flow" AS ?k) }
}"""


def _values(terms: list[str]) -> str:
    return " ".join(IRI(t).n3() for t in terms)


def _prefix(vocab: Vocabulary) -> str:
    return f"PREFIX sckg: <{vocab.ns}>\nPREFIX dcterms: <{DCTERMS}>\n"


def _query(profile: Profile, vocab: Vocabulary, choices: Choices) -> str:
    lands = [profile.land.nuts] if profile.land else []
    if profile.land and profile.neighbours:
        lands += sorted(NEIGHBOURS[profile.land.nuts])
    sizes = [choices.sizes[profile.size].iri] if profile.size in choices.sizes else []
    kinds = [vocab.term("District")] if profile.size == KREIS else []
    sectors = [choices.sectors[s].iri for s in profile.sectors]
    text = _CANDIDATES.replace("SECTORS", _values(sectors))
    text = text.replace("LANDS", _values([NUTS + code for code in lands]))
    return _prefix(vocab) + text.replace("SIZES", _values(sizes)).replace("KINDS", _values(kinds))


def candidates(
    store: Store, vocab: Vocabulary, profile: Profile, choices: Choices
) -> dict[str, Facts]:
    """Every real use case sharing a sector of interest, the Land (or, when asked, a
    neighbouring Land) or the size class, with the facts the ranking reads (two queries)."""
    iris = [row["u"].value for row in store.select(_query(profile, vocab, choices))]
    found: dict[str, Facts] = {iri: Facts(iri) for iri in iris}
    if not iris:
        return found
    query = _FACTS.replace("CANDIDATES", _values(iris)).replace("LABELS", LABELS)
    for row in store.select(_prefix(vocab) + query):
        facts = found[row["u"].value]
        kind = row["k"].value
        label = row.get("l")
        if kind == "title" and isinstance(label, Literal):
            facts.titles.setdefault(label.lang or "", label.value)
            continue
        value = row["v"].value
        facts.values.setdefault(kind, set()).add(value)
        if isinstance(label, Literal):
            facts.labels.setdefault(value, {}).setdefault(label.lang or "", label.value)
    return found


def rank(profile: Profile, facts: Facts, choices: Choices) -> list[Met]:
    """The factors ``facts`` meets for ``profile``, in the order of :data:`FACTORS`."""
    met = [
        _size(profile, facts, choices),
        *_land(profile, facts),
        _sectors(profile, facts, choices),
        _builds_on(profile, facts, choices),
        _reviewed(facts),
        _flows(facts),
    ]
    return [m for m in met if m is not None]


def _met(code: str, matches: int, de: str, en: str) -> Met:
    factor = FACTOR[code]
    return Met(factor, factor.weight * (matches if factor.per else 1), de, en)


def _size(profile: Profile, facts: Facts, choices: Choices) -> Met | None:
    if profile.size == KREIS and facts.get("district"):
        return _met("size", 1, "ebenfalls ein Landkreis", "also a district (Landkreis)")
    if profile.size and profile.size in facts.slugs("size"):
        size = choices.sizes[profile.size]
        return _met(
            "size",
            1,
            f"gleiche Größenklasse ({size.label('de')})",
            f"same size class ({size.label('en')})",
        )
    return None


def _land(profile: Profile, facts: Facts) -> list[Met]:
    if profile.land is None:
        return []
    codes = {n.removeprefix(NUTS) for n in facts.get("land")}
    if profile.land.nuts in codes:
        return [
            _met(
                "land",
                1,
                f"gleiches Land ({profile.land.de})",
                f"same Land ({profile.land.en})",
            )
        ]
    near = sorted(codes & NEIGHBOURS[profile.land.nuts]) if profile.neighbours else []
    if not near:
        return []
    lands = [LAND_BY_NUTS[code] for code in near]
    return [
        _met(
            "neighbour",
            1,
            "Nachbarland (" + ", ".join(x.de for x in lands) + ")",
            "neighbouring Land (" + ", ".join(x.en for x in lands) + ")",
        )
    ]


def _sectors(profile: Profile, facts: Facts, choices: Choices) -> Met | None:
    shared = [s for s in profile.sectors if s in facts.slugs("sector")]
    if not shared:
        return None
    de = ", ".join(choices.sectors[s].label("de") for s in shared)
    en = ", ".join(choices.sectors[s].label("en") for s in shared)
    n = len(shared)
    return _met(
        "sectors",
        n,
        f"teilt {n} {'Sektor' if n == 1 else 'Sektoren'}: {de}",
        f"shares {n} {'sector' if n == 1 else 'sectors'}: {en}",
    )


def relies_on(facts: Facts) -> set[str]:
    """Which of :data:`HAVES` a use case relies on: a platform it runs on, a sensor network (its
    solution type, or field devices or communication on its platform), an open-data portal."""
    found = set()
    if facts.get("platform"):
        found.add("platform")
    if (
        facts.slugs("solution") & SENSOR_SOLUTIONS
        or facts.slugs("capability") & SENSOR_CAPABILITIES
    ):
        found.add("sensors")
    if facts.slugs("solution") & PORTAL_SOLUTIONS:
        found.add("portal")
    return found


def _builds_on(profile: Profile, facts: Facts, choices: Choices) -> Met | None:
    haves = [h for h in profile.haves if h in relies_on(facts)]
    components = [c for c in profile.components if c in facts.slugs("component")]
    if not haves and not components:
        return None
    de = [HAVES[h]["de"] for h in haves] + [choices.components[c].label("de") for c in components]
    en = [HAVES[h]["en"] for h in haves] + [choices.components[c].label("en") for c in components]
    return _met(
        "builds-on",
        len(de),
        "baut auf Vorhandenem auf: " + ", ".join(de),
        "builds on what you have: " + ", ".join(en),
    )


def _reviewed(facts: Facts) -> Met | None:
    if "reviewed" not in facts.slugs("status"):
        return None
    return _met("reviewed", 1, "redaktionell geprüft", "reviewed by the curators")


def _flows(facts: Facts) -> Met | None:
    n = len(facts.get("flow"))
    if not n:
        return None
    return _met(
        "flows",
        1,
        f"belegte Datenflüsse mit {n} "
        + ("anderem Anwendungsfall" if n == 1 else "anderen Anwendungsfällen"),
        f"sourced data flows with {n} other {'use case' if n == 1 else 'use cases'}",
    )


def orientation(store: Store, vocab: Vocabulary, profile: Profile, choices: Choices) -> Orientation:
    """The ranked answer for ``profile``: highest score first, then by identifier; the first
    :data:`TOP` with what they needed."""
    found = candidates(store, vocab, profile, choices)
    own = sorted(
        iri for iri, f in found.items() if profile.place and profile.place.iri in f.get("place")
    )
    matches = []
    for iri, facts in found.items():
        if iri in own:
            continue
        met = rank(profile, facts, choices)
        if sum(m.points for m in met):
            matches.append(Match(facts, met))
    matches.sort(key=lambda m: (-m.score, m.iri))
    for match in matches[:TOP]:
        match.needs = needs(store, vocab, match.iri, profile.sectors)
    return Orientation(profile, matches, len(found), own)


def size_label(profile: Profile, choices: Choices, lang: str) -> str:
    """The name of the profile's size class (or "Landkreis") in ``lang``; "" when unknown."""
    if profile.size == KREIS:
        return KREIS_LABEL[lang if lang in KREIS_LABEL else "en"]
    choice = choices.sizes.get(profile.size)
    return choice.label(lang) if choice else ""
