"""Retired entities: deleted ones answer 410 Gone, renamed ones 301 to their new IRI.

The list lives in ``usecases/.retired.yaml`` (a hidden file: the build does not read it as
curated data) and changes in the same commit as the files that retire an entity::

    - id: usecase/old-name
      retired: 2026-12-03
      replacedBy: usecase/new-name     # only for a rename
      commit: 1a2b3c…                  # the last commit in which the entity still existed

``commit`` cannot name the retiring commit itself (its hash depends on the file), so it names
the one before: the version a tombstone page can point to. An entity that is created again
(a revert, a new proposal with the same id) leaves the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from kg.config import Settings

PATH = "usecases/.retired.yaml"


@dataclass(frozen=True)
class Retired:
    """One retired entity."""

    id: str
    retired: date
    replaced_by: str | None
    commit: str | None


def load(settings: Settings) -> dict[str, Retired]:
    """The retired entities of the project by id (``usecase/foo``); empty without the file.

    A chain of renames (a → b, then b → c) is followed, so ``replaced_by`` names the end of
    the chain (which may itself be deleted: then it answers 410)."""
    path = settings.project / PATH
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    return dict(_load(path, stat.st_mtime_ns, stat.st_size, stat.st_ino))


@lru_cache(maxsize=8)
def _load(path: Path, mtime: int, size: int, inode: int) -> tuple[tuple[str, Retired], ...]:
    """The list as read from ``path`` (cached until the file changes: a page asks for every
    request that finds nothing)."""
    entries = {entry.id: entry for entry in parse(path.read_text(encoding="utf-8"))}
    return tuple((key, _followed(entry, entries)) for key, entry in entries.items())


def parse(text: str) -> list[Retired]:
    data = yaml.safe_load(text) or []
    entries = []
    for item in data:
        when = item.get("retired")
        entries.append(
            Retired(
                id=str(item["id"]),
                retired=when if isinstance(when, date) else date.fromisoformat(str(when)),
                replaced_by=item.get("replacedBy"),
                commit=item.get("commit"),
            )
        )
    return entries


def updated(
    text: str | None,
    retire: dict[str, str | None],
    revive: set[str],
    commit: str | None,
    today: date | None = None,
) -> str:
    """The text of the list after retiring ``retire`` (id → replacing id or None) and taking
    ``revive`` off it. Entries are kept in their order; new ones are appended."""
    today = today or date.today()
    entries = [e for e in parse(text or "") if e.id not in revive and e.id not in retire]
    entries += [Retired(key, today, to, commit) for key, to in sorted(retire.items())]
    return dump(entries)


def dump(entries: list[Retired]) -> str:
    items = []
    for entry in entries:
        item: dict[str, object] = {"id": entry.id, "retired": entry.retired.isoformat()}
        if entry.replaced_by:
            item["replacedBy"] = entry.replaced_by
        if entry.commit:
            item["commit"] = entry.commit
        items.append(item)
    header = (
        "# Retired entities (kg/curation/retired.py): deleted ones answer 410 Gone, renamed\n"
        "# ones 301 to replacedBy. Written by publishing; not read as curated data.\n"
    )
    return header + (
        yaml.safe_dump(items, allow_unicode=True, sort_keys=False) if items else "[]\n"
    )


def _followed(entry: Retired, entries: dict[str, Retired]) -> Retired:
    """``entry`` forwarded to the end of its chain of renames; a chain that comes back to
    where it began (only a hand edit makes one) forwards nowhere: 410, not a redirect loop."""
    seen = {entry.id}
    target = entry.replaced_by
    while target is not None and target in entries and entries[target].replaced_by:
        if target in seen:
            target = None
            break
        seen.add(target)
        target = entries[target].replaced_by
    if target in seen:
        target = None
    return Retired(entry.id, entry.retired, target, entry.commit)
