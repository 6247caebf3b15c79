"""Read model of a MIM's page (issue 20): the platforms that implement one OASC Minimal
Interoperability Mechanism, declared in a curated file or derived by the build from their
standards (``kg/build/rules/55-mims.ru``), and the use cases that run on them.

A platform's MIM is *declared* when a curated file's graph states ``sckg:implementsMim``, and
*derived* when only the graph of derived statements does; a declared MIM is never shown as
derived as well.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from kg.namespaces import Vocabulary
from kg.rdf import IRI
from kg.store.base import Store
from kg.views.datamodels import Labelled, labels

_PLATFORMS = """PREFIX sckg: <{ns}>
SELECT ?mim ?platform ?g ?usecase WHERE {{
  GRAPH ?g {{ ?platform sckg:implementsMim ?mim }}
  OPTIONAL {{ ?usecase sckg:runsOn ?platform . ?usecase a sckg:UseCase }}
}}"""


@dataclass
class MimPlatform:
    """One platform that implements the MIM."""

    iri: str
    declared: bool  #: stated in a curated file (else derived by the build)
    usecases: list[str] = field(default_factory=list)


@dataclass
class MimUsage(Labelled):
    """The platforms implementing one MIM and the use cases on them."""

    iri: str
    kind: str
    platforms: list[MimPlatform] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def usecases(self) -> list[str]:
        return sorted({u for p in self.platforms for u in p.usecases})

    def json(self, lang: str) -> dict[str, object]:
        """The JSON twin of the page."""
        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": self.label(self.iri, lang),
            "platforms": [
                {
                    "iri": p.iri,
                    "label": self.label(p.iri, lang),
                    "declared": p.declared,
                    "useCases": [{"iri": u, "label": self.label(u, lang)} for u in p.usecases],
                }
                for p in self.platforms
            ],
        }

    def csv(self, lang: str) -> str:
        """The CSV twin: one row per platform and use case on it (a platform without use cases
        has one row with an empty use case)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["platform", "platformTitle", "declared", "useCase", "useCaseTitle"])
        for p in self.platforms:
            for u in p.usecases or [""]:
                title = self.label(u, lang) if u else ""
                row = [p.iri, self.label(p.iri, lang), str(p.declared).lower(), u, title]
                writer.writerow(row)
        return out.getvalue()


def mim_usage(store: Store, vocab: Vocabulary, slug: str) -> MimUsage:
    """The platforms implementing ``{base}mim/{slug}``, declared ones first."""
    iri = vocab.entity("mim", slug)
    inferred = vocab.graph("inferred")
    declared: dict[str, bool] = {}
    users: dict[str, set[str]] = {}
    query = _PLATFORMS.format(ns=vocab.ns)
    for row in store.select(query, {"mim": IRI(iri)}):
        platform = row["platform"].value
        stated = row["g"].value != inferred
        declared[platform] = declared.get(platform, False) or stated
        users.setdefault(platform, set())
        if "usecase" in row:
            users[platform].add(row["usecase"].value)
    found = MimUsage(iri=iri, kind="mim")
    found.platforms = [
        MimPlatform(p, declared[p], sorted(users[p]))
        for p in sorted(declared, key=lambda p: (not declared[p], p))
    ]
    everything = {iri, *declared} | {u for us in users.values() for u in us}
    found.labels = labels(store, vocab, everything)
    return found
