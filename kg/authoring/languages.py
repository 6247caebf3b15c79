"""Language tags of curated texts: well-formed BCP 47, of a known language, and shown.

The site shows texts under ``de`` and ``en`` only (its pages and queries ask for exactly these
tags), so a text under ``en-GB`` or ``en-UK`` is published but shows as missing, and one under
``dee`` is no language at all. Which languages and regions exist comes from the Unicode CLDR
data that Babel ships (the same data the site's translations use).

>>> check_tag("en") is None
True
>>> check_tag("dee").code
'bad-language'
>>> check_tag("en-UK").params["hint"]["en"]
" Did you mean 'en-GB'?"
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.messages import message

#: The tags the site shows a text under.
SHOWN = ("de", "en")
#: language[-script][-region][-variant…] (BCP 47 ``langtag`` without extensions).
_TAG = re.compile(
    r"^(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)


@dataclass(frozen=True)
class TagProblem:
    """What is wrong with a tag: a message code of :mod:`kg.messages`, its severity (a
    Violation drops the text) and the message's parameters."""

    code: str
    severity: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Known:
    languages: frozenset[str]
    regions: frozenset[str]
    scripts: frozenset[str]
    #: lowercase language name (German or English) or deprecated code → code
    names: dict[str, str]
    region_aliases: dict[str, str]


@lru_cache(maxsize=1)
def _known() -> _Known:
    from babel import Locale
    from babel.core import get_global

    english, german = Locale("en"), Locale("de")
    languages = frozenset(k for k in english.languages if "_" not in k)
    names: dict[str, str] = {}
    for alias, code in get_global("language_aliases").items():
        if "_" not in alias and code in languages:
            names[alias.lower()] = code
    for locale in (english, german):
        for code, name in locale.languages.items():
            if code in languages:
                names.setdefault(name.lower(), code)
    region_aliases = {
        alias.upper(): targets[0]
        for alias, targets in get_global("territory_aliases").items()
        if targets and len(alias) == 2
    }
    return _Known(
        languages,
        frozenset(english.territories),
        frozenset(english.scripts),
        names,
        region_aliases,
    )


def check_tag(tag: str) -> TagProblem | None:
    """None for ``de`` and ``en`` (in any case); else what is wrong with ``tag``."""
    if tag.lower() in SHOWN:
        return None
    known = _known()
    match = _TAG.match(tag)
    language = match.group("language").lower() if match else ""
    if not match or language not in known.languages:
        return TagProblem("bad-language", "Violation", {"hint": _hint(_language_like(tag))})
    script, region = match.group("script"), match.group("region")
    if script and script.title() not in known.scripts:
        return TagProblem("bad-language-subtag", "Violation", _fix(language, script, ""))
    if region and region.upper() not in known.regions:
        alias = known.region_aliases.get(region.upper())
        suggestion = f"{language}-{alias}" if alias else ""
        return TagProblem("bad-language-subtag", "Violation", _fix(language, region, suggestion))
    if language in SHOWN:
        return TagProblem("language-variant", "Violation", {"tag": tag, "language": language})
    return TagProblem("language-not-shown", "Warning", {"tag": tag})


def _fix(language: str, subtag: str, suggestion: str) -> dict[str, object]:
    shown = language if language in SHOWN else "de, en"
    return {"subtag": subtag, "hint": _hint(suggestion), "shown": shown}


def _hint(suggestion: str) -> dict[str, str] | str:
    return message("did-you-mean", name=suggestion) if suggestion else ""


def _language_like(tag: str) -> str:
    """The tag the site shows that ``tag`` most likely means (``dee``, ``eng``, ``German``),
    or nothing."""
    known = _known()
    word = tag.strip().lower()
    if word in known.names and known.names[word] in SHOWN:
        return known.names[word]
    close = difflib.get_close_matches(word, SHOWN, n=1, cutoff=0.6)
    if close:
        return close[0]
    named = difflib.get_close_matches(word, list(known.names), n=1, cutoff=0.8)
    if named and known.names[named[0]] in SHOWN:
        return known.names[named[0]]
    return ""
