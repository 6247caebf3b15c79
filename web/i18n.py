"""German and English: Flask-Babel, the language choice, and the catalogue compiled at start.

The language is ``?lang=`` when given (and then remembered in a cookie for the visit), else the
cookie, else the best match of ``Accept-Language``, else English. The catalogue ships as
``web/translations/<lang>/LC_MESSAGES/messages.po`` and is compiled into a private folder when
the app starts, so a plain ``pip install -e .`` needs no build step.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, g, request
from flask_babel import Babel, format_date, format_decimal, gettext

LANGUAGES = ("en", "de")
DEFAULT = "en"
COOKIE = "lang"
SOURCE = Path(__file__).resolve().parent / "translations"


def init(app: Flask) -> None:
    """Compile the catalogues, set up Flask-Babel and the language of every request."""
    folder = compile_catalogues(SOURCE)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(folder)
    Babel(app, locale_selector=current_language)
    app.before_request(_choose)
    app.after_request(_remember)
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.filters["num"] = number
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["literal"] = literal


def number(value: object) -> str:
    """A number the reader's way (``1.234`` in German, ``1,234`` in English)."""
    try:
        return format_decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


def day(value: object) -> str:
    """An ISO date (or the date of an ISO timestamp) the reader's way (``14.05.2026``)."""
    text = str(value or "")
    try:
        return format_date(date.fromisoformat(text[:10]), "medium")
    except ValueError:
        return text


def compile_catalogues(source: Path) -> Path:
    """Every ``.po`` below ``source`` compiled to ``.mo`` in a temporary folder (removed at
    exit)."""
    target = Path(tempfile.mkdtemp(prefix="sckg-i18n-"))
    atexit.register(shutil.rmtree, target, True)
    for po in source.glob("*/LC_MESSAGES/*.po"):
        out = target / po.relative_to(source).with_suffix(".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name)
        with out.open("wb") as handle:
            write_mo(handle, catalogue)
    return target


def _asked() -> str | None:
    wanted = request.args.get("lang", "")
    return wanted if wanted in LANGUAGES else None


def current_language() -> str:
    """The language of this request (see the module documentation)."""
    cached = g.get("lang")
    if cached:
        return cached
    chosen = _asked() or request.cookies.get(COOKIE)
    if chosen not in LANGUAGES:
        chosen = request.accept_languages.best_match(LANGUAGES) or DEFAULT
    return chosen


def _choose() -> None:
    g.lang = current_language()


def _remember(response: Response) -> Response:
    asked = _asked()
    if asked and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, samesite="Lax", httponly=True)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {
    _XSD + t
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
    )
}


def literal(term: object) -> str:
    """A literal's value the reader's way: dates and numbers in the page's language, booleans
    as yes or no; any other value as it is."""
    value = getattr(term, "value", str(term))
    datatype = getattr(term, "datatype", "") or ""
    try:
        if datatype in _NUMBERS:
            return format_decimal(
                float(value) if "." in value or "e" in value.lower() else int(value)
            )
        if datatype == _XSD + "date":
            return format_date(date.fromisoformat(value), "medium")
        if datatype == _XSD + "dateTime":
            return format_date(date.fromisoformat(value[:10]), "medium")
        if datatype == _XSD + "gYearMonth":
            return format_date(date.fromisoformat(value[:7] + "-01"), "MMMM y")
        if datatype == _XSD + "boolean":
            return gettext("yes") if value.strip() in ("true", "1") else gettext("no")
    except (ValueError, ArithmeticError):
        pass
    return value
