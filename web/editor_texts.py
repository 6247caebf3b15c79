"""The SPARQL editor's own texts in German.

YASGUI (vendored, unchanged) speaks English. On German pages ``web/static/editor/editor.js``
replaces the texts it draws with these: exact texts first, then the patterns with numbers
(whose decimals get a comma). Variable names, query text and results are never touched.
"""

from __future__ import annotations

#: English text (a whole text node or attribute) → German.
EXACT_DE: dict[str, str] = {
    "Query": "Abfrage",
    "Settings": "Einstellungen",
    "Open settings": "Einstellungen öffnen",
    "Request method": "Anfragemethode",
    "Accept Headers": "Accept-Header",
    "Ask / Select": "ASK / SELECT",
    "Construct / Describe": "CONSTRUCT / DESCRIBE",
    "Arguments": "Parameter",
    "Header Arguments": "Header-Parameter",
    "Default Graphs": "Standardgraphen",
    "Named Graphs": "Benannte Graphen",
    "Table": "Tabelle",
    "Response": "Antwort",
    "Simple view": "Einfache Ansicht",
    "Ellipse": "Kürzen",
    "Page size:": "Zeilen je Seite:",
    "All": "Alle",
    "Close tab": "Reiter schließen",
    "Add tab": "Reiter hinzufügen",
    "Add a new tab": "Neuen Reiter hinzufügen",
    "Clear endpoint": "Endpunkt leeren",
    "Share query": "Abfrage teilen",
    "Run query": "Abfrage ausführen",
    "Shows Table view": "Zeigt die Tabelle",
    "Shows Response view": "Zeigt die Antwort",
    "Filter query results": "Ergebnisse filtern",
    "Download result": "Ergebnis herunterladen",
    "Download Results": "Ergebnis herunterladen",
    "View documentation of Table": "Dokumentation der Tabelle",
    "pagination": "Seiten",
    "First": "Erste Seite",
    "Previous": "Vorige Seite",
    "Next": "Nächste Seite",
    "Last": "Letzte Seite",
    "No data available in table": "Keine Ergebnisse",
    "No matching records found": "Keine passenden Ergebnisse",
}

#: (regular expression, German with $1, $2 … for its groups).
PATTERNS_DE: list[tuple[str, str]] = [
    (r"^(\d+) results? in ([\d.]+) seconds?$", "$1 Ergebnisse in $2 Sekunden"),
    (r"^Showing (\d+) to (\d+) of (\d+) entries$", "$1 bis $2 von $3 Ergebnissen"),
    (r"^Showing 0 to 0 of 0 entries$", "Keine Ergebnisse"),
    (r"^(.+): Activate to sort$", "$1: zum Sortieren aktivieren"),
    (r"^(.+): Activate to invert sorting$", "$1: Sortierung umkehren"),
    (r"^(.+): Activate to remove sorting$", "$1: Sortierung aufheben"),
]


def texts(lang: str) -> dict[str, object]:
    """What editor.js needs to speak ``lang``."""
    if lang != "de":
        return {"exact": {}, "patterns": []}
    return {"exact": EXACT_DE, "patterns": PATTERNS_DE}
