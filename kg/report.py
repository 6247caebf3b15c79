"""Validation findings and their rendering as text, JSON and SARIF, in German or English."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.messages import counted

SEVERITIES = ("Violation", "Warning", "Info")

_LABELS = {
    "de": {
        "Violation": "Verstoß",
        "Warning": "Warnung",
        "Info": "Hinweis",
        "field": "Feld",
        "value": "Wert",
        "summary": "{v}, {w} in {f}",
        "ok": "Keine Verstöße.",
    },
    "en": {
        "Violation": "Violation",
        "Warning": "Warning",
        "Info": "Info",
        "field": "field",
        "value": "value",
        "summary": "{v}, {w} in {f}",
        "ok": "No violations.",
    },
}


@dataclass(frozen=True)
class Finding:
    """One problem in one curated file, with its message in both languages."""

    severity: str
    file: str
    line: int
    message: dict[str, str]
    field: str | None = None
    value: str | None = None
    column: int | None = None
    code: str = "shacl"
    focus: str | None = None

    def text(self, lang: str) -> str:
        labels = _LABELS[lang]
        where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        parts = [f"{where}: {labels[self.severity]}"]
        if self.field:
            parts.append(f"{labels['field']} '{self.field}'")
        if self.value is not None:
            parts.append(f"{labels['value']} '{self.value}'")
        return " – ".join(parts) + ": " + self.message.get(lang, self.message["en"])


class Report:
    """All findings of one validation run.

    Findings a build kept from an earlier one may be deferred (:meth:`defer`): counted at once,
    made into findings only when someone reads :attr:`findings` (at 100,000 use cases a
    build after one edit keeps about 400,000 warnings it would otherwise decode for a count).
    """

    def __init__(self, findings: Iterable[Finding] = (), files: int = 0) -> None:
        self._findings = list(findings)
        self._deferred: list[Callable[[], Iterable[Finding]]] = []
        self._deferred_counts: Counter[str] = Counter()
        self.files = files

    @property
    def findings(self) -> list[Finding]:
        while self._deferred:
            self._findings.extend(self._deferred.pop(0)())
        self._deferred_counts.clear()
        return self._findings

    @findings.setter
    def findings(self, findings: list[Finding]) -> None:
        self._findings = list(findings)
        self._deferred.clear()
        self._deferred_counts.clear()

    @property
    def loaded(self) -> list[Finding]:
        """The findings held now, without the deferred ones."""
        return self._findings

    def defer(self, counts: dict[str, int], load: Callable[[], Iterable[Finding]]) -> None:
        """Add findings that ``load`` makes when they are read; ``counts`` (by severity) is
        how many it will make."""
        self._deferred.append(load)
        self._deferred_counts.update(counts)

    def extend(self, findings: Iterable[Finding]) -> None:
        self._findings.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(sorted(self.findings, key=lambda f: (f.file, f.line, f.column or 0)))

    def count(self, severity: str) -> int:
        held = sum(1 for f in self._findings if f.severity == severity)
        return held + self._deferred_counts[severity]

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0

    def only(self, files: set[str]) -> Report:
        return Report([f for f in self.findings if f.file in files], len(files))

    def text(self, lang: str = "en") -> str:
        lines = [f.text(lang) for f in self]
        summary = _LABELS[lang]["summary"].format(
            v=counted(self.count("Violation"), "violation")[lang],
            w=counted(self.count("Warning"), "warning")[lang],
            f=counted(self.files, "file")[lang],
        )
        lines.append(summary if self.findings else _LABELS[lang]["ok"] + " " + summary)
        return "\n".join(lines)

    def json(self, lang: str = "en", elsewhere: Report | None = None) -> str:
        """The findings as JSON; with ``elsewhere``, the counts of another report (the files
        not asked about) under ``elsewhere``."""
        items = []
        for f in self:
            item = asdict(f)
            item["text"] = f.message.get(lang, f.message["en"])
            items.append(item)
        body = {
            "conforms": self.conforms,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "files": self.files,
            "findings": items,
        }
        if elsewhere is not None:
            body["elsewhere"] = {
                "violations": elsewhere.count("Violation"),
                "warnings": elsewhere.count("Warning"),
                "files": elsewhere.files,
            }
        return json.dumps(body, ensure_ascii=False, indent=2)

    def sarif(self, lang: str = "en") -> str:
        """SARIF 2.1.0, which code-review tools show inline in the changed file."""
        levels = {"Violation": "error", "Warning": "warning", "Info": "note"}
        rules: dict[str, dict] = {}
        results = []
        for f in self:
            rules.setdefault(f.code, {"id": f.code})
            location = {
                "physicalLocation": {
                    "artifactLocation": {"uri": Path(f.file).as_posix()},
                    "region": {
                        "startLine": f.line,
                        **({"startColumn": f.column} if f.column else {}),
                    },
                }
            }
            results.append(
                {
                    "ruleId": f.code,
                    "level": levels[f.severity],
                    "message": {"text": f.text(lang)},
                    "locations": [location],
                }
            )
        doc = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "kg validate",
                            "informationUri": "https://w3id.org/sckg/",
                            "rules": list(rules.values()),
                        }
                    },
                    "results": results,
                }
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2)
