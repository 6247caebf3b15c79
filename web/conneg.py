"""Content negotiation: one pure function from (Accept, ``?format=``) to a format.

Werkzeug parses the Accept header (q-values, wildcards, specificity); this module only decides
among the formats a route offers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import NotAcceptable
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    """A representation a route can answer with."""

    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        wanted = name.strip().lower()
        return wanted in (self.media_type, self.extension, *self.aliases)

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media type, then the aliases that are media types (``application/json`` for
        JSON-LD): ``Accept`` may name any of them."""
        return (self.media_type, *(a for a in self.aliases if "/" in a))


def negotiate(
    accept: str | None,
    format_param: str | None,
    supported: Sequence[Format],
    default: Format | None = None,
) -> Format:
    """The format to answer with.

    ``?format=`` (an extension, alias or media type) wins over ``Accept``; q-values and
    wildcards in ``Accept`` are honoured, ties go to ``default`` (else the first supported
    format), and an absent ``Accept`` gets ``default``. ``Accept`` may also name a format by an
    alias that is a media type (``application/json`` for JSON-LD), ranked after the formats'
    own media types. Raises
    :class:`~werkzeug.exceptions.NotAcceptable` (406) when nothing fits.
    """
    fallback = default or supported[0]
    if format_param:
        for fmt in supported:
            if fmt.matches(format_param):
                return fmt
        raise NotAcceptable(f"format {format_param!r} is not offered here")
    if not accept or not accept.strip():
        return fallback
    parsed = parse_accept_header(accept, MIMEAccept)
    ordered = [fallback, *(f for f in supported if f != fallback)]
    offered: dict[str, Format] = {f.media_type: f for f in ordered}
    for fmt in ordered:
        for media_type in fmt.media_types[1:]:
            offered.setdefault(media_type, fmt)
    best = parsed.best_match(list(offered))
    if best is None:
        raise NotAcceptable(f"none of the offered types fits Accept: {accept}")
    return offered[best]
