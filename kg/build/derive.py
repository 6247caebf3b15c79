"""The build's derivation rules: the SPARQL Update files in ``kg/build/rules/``, run in
file-name order on every new release (a full build) or again on small stores for what a change
touches (:mod:`kg.build.maintain`)."""

from __future__ import annotations

import hashlib
from functools import cache, partial
from pathlib import Path

from kg.namespaces import Vocabulary
from kg.store import interconnections
from kg.store.oxigraph import Update

RULES_DIR = Path(__file__).resolve().parent / "rules"


#: Rules the build derives in Python, by the same definition (kg/store/interconnections.py).
IN_PYTHON = {"50-interconnections.ru": interconnections.derive}


def rules(vocab: Vocabulary, *, sparql_only: bool = False) -> list[Update]:
    """The SPARQL Update rules in ``kg/build/rules/*.ru``, in file-name order, rebased.

    They run on each new release before it becomes visible and write what the build derives
    into the graph ``{base}graph/inferred``. Those in :data:`IN_PYTHON` are run as their
    Python version (unless ``sparql_only``), which derives the same quads faster.
    """
    found: list[Update] = []
    for path in sorted(RULES_DIR.glob("*.ru")):
        if path.name in IN_PYTHON and not sparql_only:
            found.append(partial(IN_PYTHON[path.name], vocab=vocab))
        else:
            found.append(vocab.rebase(path.read_text(encoding="utf-8")))
    return found


def rule_text(vocab: Vocabulary, name: str) -> str:
    """The SPARQL text of the rule file ``name``, rebased."""
    return vocab.rebase((RULES_DIR / name).read_text(encoding="utf-8"))


@cache
def rules_digest() -> str:
    """A hash over the text of every rule file the build runs (here and the reasoner's): an
    incremental build maintains what they derived, so an edited rule means a full build."""
    digest = hashlib.sha256()
    for path in sorted([*RULES_DIR.glob("*.ru"), *(RULES_DIR.parent / "reasoning").glob("*.ru")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
