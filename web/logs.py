"""Structured (JSON Lines) logs for production: one object per request and per message.

gunicorn calls its access logger with the request's atoms as the record's arguments;
:class:`JsonFormatter` writes them as properly escaped JSON instead of a format string, so a
user agent or a path containing quotes cannot break a line. gunicorn.conf.py wires it in.

A request path is the visitor's text: ``%0A``, ``%0D``, ``%C2%85`` or ``%E2%80%A8`` in it decode
to characters that end a line for some log reader. JSON escapes the first ones; the formatter
escapes the rest (``\u0085``, ``\u2028``, ``\u2029``), and :func:`printable` escapes all of
them for plain-text log messages, so one request is always exactly one line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

#: gunicorn access-log atoms → JSON field names.
ACCESS_FIELDS = {
    "h": "remote",
    "m": "method",
    "U": "path",
    "q": "query",
    "H": "protocol",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "f": "referer",
    "a": "agent",
    "p": "pid",
}
_NUMBERS = frozenset({"status", "bytes", "duration_ms"})
#: Line ends that JSON leaves as they are (``str.splitlines`` and many log readers split there).
_JSON_LINE_ENDS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def printable(text: str) -> str:
    """``text`` with every character that is not printable (line ends, controls) escaped as in
    a Python literal, for plain-text log messages."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escaped(c) for c in text)


def _escaped(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")


class JsonFormatter(logging.Formatter):
    """One JSON object per record; gunicorn access records become request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False).translate(_JSON_LINE_ENDS)


def access_fields(atoms: Mapping[str, object]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for atom, name in ACCESS_FIELDS.items():
        value = atoms.get(atom)
        if value in (None, "-", ""):
            continue
        if name in _NUMBERS:
            value = _number(value)
        fields[name] = value
    request_id = atoms.get("{x-request-id}i")
    if request_id not in (None, "-"):
        fields["request_id"] = request_id
    return fields


def _number(value: object) -> object:
    text = str(value)
    return int(text) if text.isdigit() else value


def logging_config(level: str = "info") -> dict:
    """A ``logging.config.dictConfig`` for gunicorn's ``logconfig_dict``: JSON to stdout/stderr."""
    json_formatter = {"()": "web.logs.JsonFormatter"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": json_formatter},
        "handlers": {
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "gunicorn.error": {"handlers": ["error"], "level": level.upper(), "propagate": False},
        },
        "root": {"handlers": ["error"], "level": level.upper()},
    }
