"""The exception family of the knowledge graph.

Every error the domain raises on purpose derives from :class:`KGError`; the web package turns
each kind into one HTTP answer in a single handler, and the command line into one exit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.report import Report


class KGError(Exception):
    """Base class of every error the knowledge graph raises on purpose."""

    #: HTTP status the web layer answers with.
    status: int = 500


class ConfigurationError(KGError):
    """A setting is missing, malformed or contradicts another one."""

    status = 500


class ValidationFailed(KGError):
    """Curated input has at least one Violation; the build stops and nothing is published."""

    status = 422

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"{report.count('Violation')} violation(s) in the curated files")


class QueryError(KGError):
    """A query is malformed, refused by the guard or failed in the store."""

    status = 400


class QueryRefused(QueryError):
    """A query was refused before it ran (length, nesting, SERVICE, foreign dataset, update)."""

    status = 400


class QueryTimeout(QueryError):
    """A query ran past its deadline and was stopped."""

    status = 503


@dataclass(frozen=True)
class Problem:
    """One bad value of a request: the field it came in, and what to do, in German and English."""

    field: str
    de: str
    en: str

    def text(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


class InvalidRequest(KGError):
    """The values of a request (a form of the site) are not what the graph knows; every
    :class:`Problem` is named, so a page can show each next to its field."""

    status = 400

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(" ".join(p.en for p in problems))


class NotFound(KGError):
    """There is nothing to describe at this IRI, or no named query of this name."""

    status = 404


class StoreUnavailable(KGError):
    """The triple store cannot be reached or holds no published release yet."""

    status = 503


class PublishFailed(KGError):
    """A release could not be published; the previous release stays served."""

    status = 500


class InconsistentGraph(ValidationFailed):
    """The curated data contradict the ontology (OWL inconsistency): a Violation like SHACL's.

    Its report names the resources, the files and the axiom involved, in German and English.
    """

    def __init__(self, report: Report) -> None:
        super().__init__(report)
        self.args = (f"{report.count('Violation')} contradiction(s) with the ontology",)


class ImportFailed(KGError):
    """A file to import does not have the layout it should (``kg import``)."""

    status = 422


class BilingualError(KGError):
    """An error whose message exists in German and English (:func:`kg.messages.message`);
    ``str()`` gives the English one, :meth:`text` the one in a language."""

    def __init__(self, texts: dict[str, str], **details: object) -> None:
        self.texts = texts
        self.details = details
        super().__init__(texts["en"])

    def text(self, lang: str) -> str:
        return self.texts.get(lang, self.texts["en"])


class AccountError(BilingualError):
    """An account cannot be created or changed: the name is taken or malformed, the role is
    unknown, the password too short, or there is no such account."""

    status = 400


class PermissionDenied(BilingualError):
    """The signed-in account may not do this: its role is too low, or a reviewer would approve
    their own proposal."""

    status = 403


class ConflictError(BilingualError):
    """A change collides with another: an open proposal on the same entity or file, or a file
    changed since the proposal was made. Nothing was written."""

    status = 409


class GitFailed(BilingualError, PublishFailed):
    """Publishing could not use git: the project is not a work tree, or a git command failed.
    Nothing was published."""

    status = 500
