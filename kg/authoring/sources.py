"""Find and read the curated files: YAML-LD, Turtle and RDF/XML, each with line numbers.

Curated input is untrusted: only regular files are read (a symbolic link, device or pipe is refused
without being followed or opened for reading), each within :class:`~kg.authoring.yamlld.Limits`; no
remote context is loaded and YAML anchors and aliases are refused (see :mod:`kg.authoring.yamlld`),
RDF/XML with a ``DOCTYPE`` is refused before any XML parser sees it, and every problem becomes a
:class:`~kg.report.Finding` that names the file and the line instead of an exception.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kg.authoring.languages import check_tag
from kg.authoring.vocabularies import DATA_MODEL, smart_data_models
from kg.authoring.yamlld import (
    DEFAULT_LIMITS,
    Context,
    Limits,
    Parsed,
    Problem,
    convert,
    load_context,
)
from kg.config import Settings
from kg.messages import message
from kg.namespaces import Vocabulary
from kg.progress import Progress
from kg.rdf import IRI, Literal, is_valid_iri, label_of
from kg.report import Finding

YAML_SUFFIXES = {".yaml", ".yml", ".jsonld", ".json"}
TURTLE_SUFFIXES = {".ttl"}
RDFXML_SUFFIXES = {".rdf", ".owl"}
READABLE_SUFFIXES = YAML_SUFFIXES | TURTLE_SUFFIXES | RDFXML_SUFFIXES
IGNORED_SUFFIXES = {".md"}
_IGNORED = tuple(IGNORED_SUFFIXES)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class SourceFile:
    """One curated file and what it says."""

    path: str  #: relative to the project, with forward slashes
    digest: str
    parsed: Parsed
    graph: str  #: IRI of the named graph that holds its triples
    findings: list[Finding] = field(default_factory=list)

    @cached_property
    def _first_lines(self) -> dict[tuple, int]:
        """First line of each (subject, predicate) and of each (subject,)."""
        first: dict[tuple, int] = {}
        for (s, p, _), line in self.parsed.lines.items():
            first.setdefault((s, p), line)
            first.setdefault((s,), line)
        return first

    def line_of(self, s: object, p: object | None = None, o: object | None = None) -> int:
        """The best line for a statement, a subject's field, or a subject."""
        if p is not None and o is not None and (s, p, o) in self.parsed.lines:
            return self.parsed.lines[(s, p, o)]
        if p is not None and (s, p) in self._first_lines:
            return self._first_lines[(s, p)]
        if isinstance(s, IRI) and s.value in self.parsed.defines:
            return self.parsed.defines[s.value]
        return self._first_lines.get((s,), 1)


def discover(usecases_dir: Path) -> list[Path]:
    """Every curated file below ``usecases_dir`` (hidden ones and notes left out), in a stable
    order: the order of their paths as strings."""
    return [Path(name) for name in discover_names(usecases_dir)]


def discover_names(usecases_dir: Path) -> list[str]:
    """:func:`discover` as path strings (100,000 ``Path`` objects cost seconds to sort).

    Links to folders are not followed but listed, so that reading them reports them. A folder
    that cannot be listed is left out, as :func:`os.walk` leaves it out. Read with
    :func:`os.scandir` alone: at 100,000 files, joining and splitting each name in Python took
    0.2-0.4 s of a build after one edit, this 0.1 s."""
    found: list[str] = []
    pending = [os.fspath(usecases_dir)]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()  # through a link, as os.walk tells folders
                except OSError:
                    is_dir = False
                if not is_dir:
                    if not name.lower().endswith(_IGNORED):
                        found.append(entry.path)
                elif entry.is_symlink():
                    found.append(entry.path)
                else:
                    pending.append(entry.path)
    return sorted(found)


def read_file(
    path: Path,
    project: Path,
    context: Context,
    vocab: Vocabulary,
    limits: Limits = DEFAULT_LIMITS,
) -> SourceFile:
    """Read one curated file into a :class:`SourceFile`; problems become findings.

    Blank nodes are named after the file's path, so they never clash with another file's and
    stay the same whichever other files are read with it (incremental builds read a few).
    """
    data, refused = read_regular(path, limits.file_bytes)
    return read_data(data, relative_path(path, project), context, vocab, limits, refused=refused)


def read_data(
    data: bytes,
    relative: str,
    context: Context,
    vocab: Vocabulary,
    limits: Limits = DEFAULT_LIMITS,
    *,
    refused: Problem | None = None,
) -> SourceFile:
    """A :class:`SourceFile` of ``data``, the bytes of the curated file ``relative`` (a path
    relative to the project) as they are or as a curator proposes them (kg.curation)."""
    path = Path(relative)
    if refused is None and len(data) > limits.file_bytes:
        data, refused = b"", Problem("file-too-large", 1, 1, params={"limit": limits.file_bytes})
    source = SourceFile(
        path=relative,
        digest=hashlib.sha256(data).hexdigest(),
        parsed=Parsed(),
        graph=vocab.graph("source/" + relative),
    )
    suffix = path.suffix.lower()
    if refused is not None:
        source.parsed.problems.append(refused)
    elif not data.strip():
        source.parsed.problems.append(Problem("empty-file", 1, 1))
    elif suffix not in READABLE_SUFFIXES:
        source.parsed.problems.append(
            Problem("unsupported-file", 1, 1, params={"suffix": suffix or path.name})
        )
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            source.parsed.problems.append(Problem("not-text", line, 1))
        else:
            if suffix in YAML_SUFFIXES:
                prefix = _bnode_prefix(relative)
                source.parsed = convert(
                    text, context, stem=path.stem, bnode_prefix=prefix, limits=limits
                )
            else:
                source.parsed = _read_rdf(text, data, suffix, context, limits)
    source.parsed.problems.extend(_unknown_data_models(source.parsed, vocab))
    source.findings = [_finding(source.path, p) for p in source.parsed.problems]
    return source


def _unknown_data_models(parsed: Parsed, vocab: Vocabulary) -> list[Problem]:
    """A ``dataModel`` that names no Smart Data Models entity type. Checked here, not by a
    shape: only the models the corpus names become concepts, so there is none to check
    against in the graph."""
    predicate, prefix = vocab.term("dataModel"), vocab.entity(DATA_MODEL, "")
    known = None
    problems = []
    for (_, p, o), line in parsed.lines.items():
        if p.value != predicate:
            continue
        known = smart_data_models() if known is None else known
        name = o.value[len(prefix) :] if isinstance(o, IRI) and o.value.startswith(prefix) else ""
        if name not in known:
            value = name or label_of(o)
            close = difflib.get_close_matches(name, known, n=3)
            hint = ", ".join(close) if close else "—"
            problems.append(
                Problem(
                    "unknown-data-model",
                    line,
                    1,
                    field="dataModel",
                    value=value,
                    params={"name": value, "close": hint},
                )
            )
    return problems


_KINDS = (
    (stat.S_ISLNK, "kind-symlink"),
    (stat.S_ISFIFO, "kind-fifo"),
    (stat.S_ISCHR, "kind-device"),
    (stat.S_ISBLK, "kind-device"),
    (stat.S_ISSOCK, "kind-socket"),
)


def read_regular(path: Path, max_bytes: int) -> tuple[bytes, Problem | None]:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes`` bytes, else no
    bytes and the problem. A link is never followed and nothing else is opened for reading:
    ``lstat`` decides first, and ``O_NOFOLLOW``, ``O_NONBLOCK`` and ``fstat`` hold even if the
    path is swapped in between."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        return b"", _not_regular(info.st_mode)
    if info.st_size > max_bytes:
        return b"", Problem("file-too-large", 1, 1, params={"limit": max_bytes})
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        return b"", _not_regular(stat.S_IFLNK)
    with open(fd, "rb", closefd=True) as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            return b"", _not_regular(mode)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after lstat
        return b"", Problem("file-too-large", 1, 1, params={"limit": max_bytes})
    return data, None


def _not_regular(mode: int) -> Problem:
    kind = next((code for test, code in _KINDS if test(mode)), "kind-other")
    return Problem("not-a-regular-file", 1, 1, params={"kind": message(kind)})


def limits_of(settings: Settings) -> Limits:
    """The reading limits the settings ask for (``KG_MAX_FILE_BYTES`` and the like)."""
    return Limits(
        file_bytes=settings.max_file_bytes,
        nodes=settings.max_file_nodes,
        literal=settings.max_literal_length,
    )


def unlinked(path: Path) -> Path:
    """``path`` made absolute, with the links among its folders resolved but not a link it
    names itself: ``usecases/x.yaml`` stays that file even when it is a link (which reading
    it then refuses)."""
    path = Path(os.path.abspath(path))
    return path.parent.resolve() / path.name


def relative_path(path: Path, project: Path) -> str:
    """``path`` relative to ``project`` with forward slashes (as files are named in findings
    and graphs), or as given when it lies outside."""
    return path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)


def _bnode_prefix(relative: str) -> str:
    return "f" + hashlib.sha1(relative.encode()).hexdigest()[:10]


def _finding(path: str, problem: Problem) -> Finding:
    return Finding(
        severity=problem.severity,
        file=path,
        line=problem.line,
        column=problem.column,
        field=problem.field,
        value=problem.value,
        message=problem.message,
        code=problem.code,
    )


def _read_rdf(text: str, data: bytes, suffix: str, context: Context, limits: Limits) -> Parsed:
    """Turtle or RDF/XML through rdflib, with each triple placed on its subject's line."""
    import rdflib  # imported here: only files in these formats need it

    from kg.bridge import from_rdflib

    parsed = Parsed()
    if suffix in RDFXML_SUFFIXES and (match := _DOCTYPE.search(data)):
        line = data[: match.start()].count(b"\n") + 1
        parsed.problems.append(Problem("doctype-refused", line, 1))
        return parsed
    graph = rdflib.Graph()
    fmt = "turtle" if suffix in TURTLE_SUFFIXES else "xml"
    try:
        graph.parse(data=text, format=fmt, publicID=context.base)
    except Exception as exc:  # rdflib raises many types for bad syntax; all mean the same here
        line = _line_in_message(str(exc))
        parsed.problems.append(Problem("rdf-syntax", line, 1, params={"problem": str(exc)}))
        return parsed
    if problem := _rdf_problem(graph, text, context, limits):
        parsed.problems.append(problem)
        return parsed
    lines = _subject_lines(text, graph)
    for s, p, o in graph:
        subject = from_rdflib(s)
        parsed.add(subject, IRI(str(p)), from_rdflib(o), lines.get(s, 1))  # type: ignore[arg-type]
        if isinstance(subject, IRI) and (s, rdflib.RDF.type, None) in graph:
            parsed.defines.setdefault(subject.value, lines.get(s, 1))
    parsed.problems.extend(_language_problems(parsed, context))
    return parsed


def _language_problems(parsed: Parsed, context: Context) -> list[Problem]:
    """A language tag of a Turtle or RDF/XML text that the site does not show or that names
    no language (the text is kept: the file is read as a whole or not at all)."""
    problems = []
    for (_, p, o), line in parsed.lines.items():
        if isinstance(o, Literal) and o.lang and (wrong := check_tag(o.lang)) is not None:
            field = context.field_of(p.value) or p.value
            problems.append(
                Problem(
                    wrong.code,
                    line,
                    1,
                    field=f"{field}.{o.lang}",
                    value=o.lang,
                    params=wrong.params,
                    severity=wrong.severity,
                )
            )
    return problems


def _rdf_problem(graph, text: str, context: Context, limits: Limits) -> Problem | None:
    """What rdflib accepts but a release cannot hold: an IRI N-Quads cannot carry (rdflib only
    warns about a space in one), more triples or a longer text than ``limits`` allow."""
    import rdflib

    if len(graph) > limits.nodes:
        return Problem("too-many-nodes", 1, 1, params={"limit": limits.nodes})
    for s, p, o in graph:
        if (iri := _invalid_iri((s, p, o))) is not None:
            line = _line_of_iri(text, iri, context.base)
            return Problem("bad-iri", line, 1, params={"iri": iri})
        if isinstance(o, rdflib.Literal) and len(o) > limits.literal:
            line = _subject_lines(text, graph, only=s).get(s, 1)
            field = context.field_of(str(p)) or str(p)
            params = {"length": len(o), "limit": limits.literal}
            return Problem("literal-too-long", line, 1, field=field, params=params)
    return None


def _invalid_iri(terms) -> str | None:
    """The first IRI among ``terms`` (and their datatypes) that N-Quads cannot carry."""
    import rdflib

    for term in terms:
        if isinstance(term, rdflib.Literal):
            iri = str(term.datatype) if term.datatype is not None else None
        else:
            iri = str(term) if isinstance(term, rdflib.URIRef) else None
        if iri is not None and not is_valid_iri(iri):
            return iri
    return None


def _line_of_iri(text: str, iri: str, base: str) -> int:
    """The first line that writes ``iri`` in full or relative to ``base``."""
    forms = [iri, iri[len(base) :]] if iri.startswith(base) else [iri]
    for number, line in enumerate(text.splitlines(), start=1):
        if any(f"<{form}>" in line for form in forms):
            return number
    return 1


def _line_in_message(text: str) -> int:
    match = re.search(r"line (\d+)", text)
    return int(match.group(1)) if match else 1


def _subject_lines(text: str, graph, only: object = None) -> dict:
    """First line on which each subject (or just ``only``) is written in full or as a prefixed
    name."""
    namespaces = [(str(ns), prefix) for prefix, ns in graph.namespaces()]
    lines: dict = {}
    source_lines = text.splitlines()
    for subject in set(graph.subjects()) if only is None else {only}:
        forms = [f"<{subject}>"]
        forms += [
            f"{prefix}:{subject[len(ns) :]}"
            for ns, prefix in namespaces
            if str(subject).startswith(ns) and prefix
        ]
        for number, line in enumerate(source_lines, start=1):
            if any(form in line for form in forms):
                lines[subject] = number
                break
    return lines


@dataclass
class Corpus:
    """All curated files of a project, read and cross-checked for duplicate identifiers."""

    files: list[SourceFile]
    context: Context

    @property
    def findings(self) -> list[Finding]:
        return [f for source in self.files for f in source.findings]

    def triples(self) -> Iterable[tuple]:
        for source in self.files:
            yield from source.parsed.triples

    @cached_property
    def _definitions(self) -> dict[str, SourceFile]:
        found: dict[str, SourceFile] = {}
        for source in self.files:
            for iri in source.parsed.defines:
                found.setdefault(iri, source)
        return found

    @cached_property
    def _subjects(self) -> dict[object, SourceFile]:
        found: dict[object, SourceFile] = {}
        for source in self.files:
            for s, _, _ in source.parsed.triples:
                found.setdefault(s, source)
        return found

    def file_stating(self, s: object, p: object, o: object | None) -> SourceFile | None:
        """The file that states ``(s, p, o)`` (or, without ``o``, gives ``s`` the field ``p``):
        an addition in another file than the definition answers for its own statements."""
        home = self.file_describing(s)
        if home is not None and _states(home, s, p, o):
            return home
        for source in self._adding.get(s, ()):
            if _states(source, s, p, o):
                return source
        return home

    @cached_property
    def _adding(self) -> dict[object, list[SourceFile]]:
        found: dict[object, list[SourceFile]] = {}
        for source in self.files:
            for iri in source.parsed.adds:
                found.setdefault(IRI(iri), []).append(source)
        return found

    def file_defining(self, iri: str) -> SourceFile | None:
        return self._definitions.get(iri)

    def file_describing(self, subject: object) -> SourceFile | None:
        """The file that defines ``subject``, else the first that says something about it."""
        if isinstance(subject, IRI) and subject.value in self._definitions:
            return self._definitions[subject.value]
        return self._subjects.get(subject)


def read_corpus(
    project: Path,
    vocab: Vocabulary,
    paths: Iterable[Path] | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Corpus:
    """Read every curated file of ``project`` (or just ``paths``) and check identity."""
    context = load_context(project / "ontology", vocab.base)
    files = list(paths) if paths is not None else discover(project / "usecases")
    sources = []
    with (progress or Progress()).bar("read", len(files)) as advance:
        for path in files:
            sources.append(read_file(path, project, context, vocab, limits))
            advance(1)
    return assemble(sources, context)


def assemble(sources: list[SourceFile], context: Context) -> Corpus:
    """The corpus of files already read, cross-checked for duplicate identifiers and for
    additions to identifiers no file defines (their findings are added to the files)."""
    _check_duplicates(sources)
    _check_additions(sources)
    return Corpus(sources, context)


def _states(source: SourceFile, s: object, p: object, o: object | None) -> bool:
    if o is not None and (s, p, o) in source.parsed.lines:
        return True
    return o is None and (s, p) in source._first_lines


def _check_additions(sources: list[SourceFile]) -> None:
    """An addition (an entry without ``type``) to an identifier no file defines."""
    defined = {iri for source in sources for iri in source.parsed.defines}
    for source in sources:
        source.findings.extend(addition_findings(source, defined))


def addition_findings(source: SourceFile, defined: set[str] | dict) -> list[Finding]:
    """Findings for the additions of ``source`` whose identifier is in neither ``defined``
    nor ``source`` itself."""
    adds = {i: n for i, n in source.parsed.adds.items() if i not in source.parsed.defines}
    return undefined_addition_findings(source.path, adds, defined)


def undefined_addition_findings(
    path: str, adds: dict[str, int], defined: set[str] | dict
) -> list[Finding]:
    """Findings for the additions ``adds`` (identifier → line) of the file ``path`` whose
    identifier is not in ``defined``."""
    return [
        Finding(
            severity="Violation",
            file=path,
            line=line,
            field="id",
            value=iri,
            code="addition-undefined",
            message=message("addition-undefined", id=iri),
        )
        for iri, line in adds.items()
        if iri not in defined
    ]


def _check_duplicates(sources: list[SourceFile]) -> None:
    """An identifier defined in several files: each of them gets a finding naming the others."""
    where: dict[str, list[tuple[str, int]]] = {}
    for source in sources:
        for iri, line in source.parsed.defines.items():
            where.setdefault(iri, []).append((source.path, line))
    by_path = {source.path: source for source in sources}
    for finding in duplicate_findings(where):
        by_path[finding.file].findings.append(finding)


def duplicate_findings(where: dict[str, list[tuple[str, int]]]) -> list[Finding]:
    """For each identifier defined at several places (file path, line), a finding at each
    place naming the others."""
    findings = []
    for iri, places in where.items():
        if len(places) < 2:
            continue
        for path, line in places:
            others = ", ".join(f"{o}:{n}" for o, n in places if o != path)
            findings.append(
                Finding(
                    severity="Violation",
                    file=path,
                    line=line,
                    field="id",
                    value=iri,
                    code="duplicate-id",
                    message=message("duplicate-id", other=others),
                )
            )
    return findings
