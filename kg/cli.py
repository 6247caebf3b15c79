"""The `kg` command line: validate, build, query, stats, audit, user.

Settings come from the defaults, then ``KG_*`` environment variables, then these flags.
Exit codes: 0 success, 1 the curated files have a Violation, 2 a usage or settings error,
3 any other failure (store, query).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__, config
from kg.errors import (
    AccountError,
    BilingualError,
    ConfigurationError,
    KGError,
    StoreUnavailable,
    ValidationFailed,
)
from kg.messages import counted, message
from kg.namespaces import Vocabulary
from kg.rdf import IRI, BNode, Term
from kg.store.base import Row

if TYPE_CHECKING:
    from kg.views.datamodels import Possible
    from kg.views.portal import PortalCatalogue

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    settings: config.Settings | None = None
    try:
        settings = config.load(
            project=getattr(args, "project", None),
            store=getattr(args, "store", None),
            base_iri=getattr(args, "base_iri", None),
            lang=getattr(args, "lang", None),
        )
        return int(args.run(args, settings) or EXIT_OK)
    except ValidationFailed as exc:
        print(exc.report.text(settings.lang), *_notes(exc), sep="\n", file=sys.stderr)
        return EXIT_INVALID
    except (ConfigurationError, AccountError) as exc:
        print(f"kg: {_text(exc, settings)}", *_notes(exc), sep="\n", file=sys.stderr)
        return EXIT_USAGE
    except KGError as exc:
        print(f"kg: {_text(exc, settings)}", *_notes(exc), sep="\n", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _text(exc: KGError, settings: config.Settings | None) -> str:
    """The error's message, in the language of the settings when it has both."""
    if isinstance(exc, BilingualError):
        return exc.text(settings.lang if settings else "en")
    return str(exc)


def _notes(exc: BaseException) -> list[str]:
    """What a command added to an error on its way out (``add_note``)."""
    return list(getattr(exc, "__notes__", []))


def _common() -> argparse.ArgumentParser:
    """Options every command accepts, before or after its name."""
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--project", type=Path, help="project folder (KG_PROJECT, default .)")
    common.add_argument("--base-iri", help="IRI base (KG_BASE_IRI)")
    common.add_argument("--lang", choices=["de", "en"], help="message language (KG_LANG)")
    common.add_argument("--store", help="store folder or SPARQL server URL (KG_STORE)")
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="kg", description=__doc__.splitlines()[0], parents=[common]
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, parents=[common])
        sub.set_defaults(run=run)
        return sub

    p = command("validate", cmd_validate, "validate curated files in the corpus context")
    p.add_argument("paths", nargs="*", type=Path, help="files to report on (default: all)")
    p.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    p.add_argument(
        "--engine",
        choices=["sparql", "pyshacl"],
        default="sparql",
        help="SHACL engine: the shapes compiled to SPARQL (fast) or pyshacl (the reference)",
    )

    p = command("build", cmd_build, "validate and publish into the store")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--no-reason", action="store_true", help="skip OWL reasoning (quick edits)")
    p.add_argument("--full", action="store_true", help="rebuild everything instead of what changed")

    p = command("explain", cmd_explain, "why the inferred facts about a resource hold")
    p.add_argument("iri", help="an IRI, kind/slug (usecase/…) or prefixed name (sector:energy)")

    p = command("query", cmd_query, "run a named query (or a .rq file)")
    p.add_argument("name", nargs="?", help="query name in queries/ or a .rq file; none lists")
    p.add_argument("--param", action="append", default=[], metavar="K=V")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")

    p = command("answers", cmd_answers, "compute the named queries' default pages for the release")
    p.add_argument("--quiet", action="store_true", help="print nothing but failures")

    p = command("serve", cmd_serve, "serve the site and the SPARQL endpoint")
    p.add_argument("--host", help="address to listen on (KG_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (KG_PORT, default 5000)")

    p = command("stats", cmd_stats, "counts of the published graph")
    p.add_argument("--format", choices=["table", "json"], default="table")

    p = command("audit", cmd_audit, "what the corpus still lacks: sources, places, texts")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = command("import", cmd_import, "import official reference data into a curated file")
    p.add_argument("kind", choices=["gv100ad"], help="gv100ad: the municipalities of Destatis")
    p.add_argument("file", type=Path, help="the GV100AD text file (GV100AD_DDMMYYYY.txt)")
    p.add_argument(
        "--population-year",
        type=int,
        required=True,
        help="year the population figures refer to (stated in Destatis's description)",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="curated file to write (default usecases/shared/places-gv100ad.yaml)",
    )

    p = command("suggest", cmd_suggest, "codes for datasetType, dataModel, mims or capabilities")
    p.add_argument(
        "field",
        choices=["datasetType", "dataModel", "mims", "capabilities"],
        help="the field to fill in",
    )
    p.add_argument("words", nargs="+", help="words to look for (German or English)")
    p.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")

    p = command("possible", cmd_possible, "use cases the data a municipality publishes feeds")
    given = p.add_mutually_exclusive_group(required=True)
    given.add_argument("--types", help="Musterdatenkatalog codes, comma-separated")
    given.add_argument(
        "--catalogue", help="DCAT catalogue of an open-data portal: a file, or an http(s) URL"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = command("export", cmd_export, "write dumps (N-Quads, Turtle, JSON-LD) with SHA-256")
    p.add_argument("--out", type=Path, help="folder for the dumps (default: in the store folder)")

    p = command("user", cmd_user, "accounts of curators, reviewers and admins")
    _user_commands(p, common)
    return parser


def _user_commands(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    roles = ["curator", "reviewer", "admin"]
    stdin_help = "read the password from one line of standard input instead of asking twice"
    p = actions.add_parser("add", parents=[common], help="create an account (asks the password)")
    p.add_argument("name")
    p.add_argument("--role", choices=roles, required=True, help="curator, reviewer or admin")
    p.add_argument("--password-stdin", action="store_true", help=stdin_help)
    actions.add_parser("list", parents=[common], help="every account with its role")
    p = actions.add_parser("remove", parents=[common], help="remove an account")
    p.add_argument("name")
    p = actions.add_parser("password", parents=[common], help="set a new password")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help=stdin_help)
    p = actions.add_parser("role", parents=[common], help="give an account another role")
    p.add_argument("name")
    p.add_argument("role", choices=roles)


def cmd_validate(args: argparse.Namespace, settings: config.Settings) -> int:
    """The findings of the named files (or of all), then those of the rest as a count."""
    from kg.build.pipeline import check_focused

    paths = [_curated_path(p, settings) for p in args.paths] or None
    progress = _progress(args.format != "text")
    focused = check_focused(settings, paths, progress=progress, engine=args.engine)
    report, rest, lang = focused.own, focused.rest, settings.lang
    if args.format == "json":
        print(report.json(lang, elsewhere=rest))
    elif args.format == "sarif":
        print(report.sarif(lang))
    else:
        print(report.text(lang))
        if rest is not None:
            print(_elsewhere(rest, lang))
    return EXIT_OK if report.conforms else EXIT_INVALID


def _elsewhere(rest, lang: str) -> str:
    """One line on the files not asked about: how many findings of each severity."""
    violations = rest.count("Violation")
    counts = {
        "violations": counted(violations, "violation"),
        "warnings": counted(rest.count("Warning"), "warning"),
        "files": counted(rest.files, "other-file"),
    }
    text = message("validate-elsewhere", **counts)[lang]
    if violations:
        text += message("validate-elsewhere-blocks")[lang]
    return text


def _curated_path(given: Path, settings: config.Settings) -> Path:
    """``given`` as an absolute path, if it names a curated file of the project: it exists,
    lies under ``usecases/`` and has a suffix the reader accepts (a link stays a link, so
    that reading it reports it). Anything else is a usage error, not "no violations"."""
    from kg.authoring.sources import READABLE_SUFFIXES, unlinked

    path = unlinked(given)
    folder = unlinked(settings.usecases_dir)
    params = {"path": str(given), "folder": f"{folder}{os.sep}"}
    if not os.path.lexists(path):
        raise ConfigurationError(message("validate-missing", **params)[settings.lang])
    if path.is_dir() and not path.is_symlink():
        raise ConfigurationError(message("validate-folder", **params)[settings.lang])
    if not path.is_relative_to(folder):
        raise ConfigurationError(message("validate-outside", **params)[settings.lang])
    if path.suffix.lower() not in READABLE_SUFFIXES:
        suffixes = ", ".join(sorted(READABLE_SUFFIXES))
        text = message("validate-suffix", suffixes=suffixes, **params)[settings.lang]
        raise ConfigurationError(text)
    return path


def cmd_build(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.build.pipeline import build

    progress = _progress(args.quiet)
    try:
        result = build(settings, progress=progress, no_reason=args.no_reason, full=args.full)
    except BaseException as exc:  # any failure (even Ctrl-C) ends with what is still served
        exc.add_note(_what_is_served(settings))
        raise
    warnings = result.report.count("Warning")
    if not args.quiet:
        seconds = result.timings.get("total", 0.0)
        release = result.release
        if result.mode == "unchanged":
            print(f"nothing changed since release {release.id} ({release.quads} quads)")
        else:
            how = {"full": "files read", "incremental": "files and entities validated again"}[
                result.mode
            ]
            print(
                f"published release {release.id}: {release.quads} quads from "
                f"{result.report.files} files ({result.validated} {how}) in {seconds:.1f} s "
                f"({warnings} warnings; `kg validate` lists them)"
            )
    return EXIT_OK


def _what_is_served(settings: config.Settings) -> str:
    """After a failed build: which release the site still serves (nothing was published), or
    that the store cannot say right now."""
    from kg.store import open_store

    try:
        served = open_store(settings).release()
    except (KGError, OSError) as exc:
        return message("build-failed-unknown", reason=exc)[settings.lang]
    if served is None:
        return message("build-failed-nothing-served")[settings.lang]
    return message("build-failed-served", release=served.id)[settings.lang]


def _progress(quiet: bool):
    """Bars and step timings on a terminal; nothing in logs, pipes and CI."""
    from kg.progress import Progress, TerminalProgress

    return TerminalProgress() if not quiet and sys.stderr.isatty() else Progress()


def cmd_explain(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.authoring.ontology import OntologyFiles
    from kg.build.explain import explain_iri, render, resolve
    from kg.build.reasoning.axioms import read_axioms
    from kg.store import open_store

    vocab = settings.vocab
    iri = resolve(args.iri, vocab)
    axioms = read_axioms(OntologyFiles(settings.ontology_dir, vocab).tbox)
    justified = explain_iri(open_store(settings), vocab, axioms, iri)
    print(render(iri, justified, vocab, settings.lang))
    return EXIT_OK


def cmd_query(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.sparql.queries import QueryCatalogue
    from kg.store import QueryKind, open_store

    catalogue = QueryCatalogue(settings.queries_dir, settings.vocab)
    if not args.name:
        for query in catalogue:
            params = " ".join(f"--param {p.name}=…" for p in query.params)
            print(f"{query.name:32} {query.in_lang('title', settings.lang)}  {params}".rstrip())
        return EXIT_OK
    query = catalogue.load(args.name)
    given = dict(_key_value(item) for item in args.param)
    query = query.specialised(given, settings.vocab)
    bindings = query.bindings(given, settings.vocab)
    store = open_store(settings)
    if query.kind is QueryKind.SELECT:
        rows = store.select(query.text, bindings)
        print(_render_rows(rows, _variables(query.text, rows), args.format, settings.vocab))
    elif query.kind is QueryKind.ASK:
        print(json.dumps(store.ask(query.text, bindings)))
    else:
        triples = store.construct(query.text, bindings)
        rows = [{"subject": s, "predicate": p, "object": o} for s, p, o in triples]
        print(_render_rows(rows, ["subject", "predicate", "object"], args.format, settings.vocab))
    return EXIT_OK


def cmd_answers(args: argparse.Namespace, settings: config.Settings) -> int:
    """Compute the answers of the named queries' default pages for the served release into its
    shared answer file (kg/sparql/answers.py), through one query worker with the endpoint's
    deadline and row cap; what is there already is not computed again."""
    from kg.sparql.answers import SharedAnswers, answers_folder, default_answers, warm
    from kg.sparql.queries import QueryCatalogue
    from kg.sparql.sandbox import QueryPool
    from kg.store import open_store

    store = open_store(settings)
    release = store.release()
    if release is None:
        raise StoreUnavailable("nothing is published yet; run `kg build` first")

    def served() -> str | None:
        now = store.release()
        return now.id if now else None

    wanted = default_answers(QueryCatalogue(settings.queries_dir, settings.vocab))
    pool = QueryPool(settings, size=1)
    try:
        done = warm(
            SharedAnswers(answers_folder(settings)),
            release.id,
            wanted,
            lambda item: pool.run(item.task(settings.max_rows)),
            current=served,
        )
    finally:
        pool.close()
    if not args.quiet:
        for name, seconds in done.seconds.items():
            print(f"{name:40} {seconds:8.3f} s")
        print(
            f"release {release.id}: {len(done.seconds)} queries computed in {done.total:.2f} s, "
            f"{done.present} answers already there"
        )
    for name, error in done.failed.items():
        print(f"{name}: {error}", file=sys.stderr)
    if done.stopped:
        print("stopped: another release is served now", file=sys.stderr)
    return EXIT_FAILED if done.failed or done.stopped else EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: config.Settings) -> int:
    from werkzeug.serving import run_simple

    from web import create_app

    settings = settings.replace(host=args.host, port=args.port)
    app = create_app(settings=settings)
    print(f"serving http://{settings.host}:{settings.port}/ (Ctrl-C stops)", file=sys.stderr)
    run_simple(settings.host, settings.port, app, threaded=True)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.store import open_store
    from kg.views.stats import LABELS, statistics

    figures = statistics(open_store(settings), settings.vocab)
    if args.format == "json":
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(LABELS[k][settings.lang]) for k in figures)
        for name, value in figures.items():
            print(f"{LABELS[name][settings.lang]:<{width}}  {value:>8}")
    return EXIT_OK


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep:
        raise ConfigurationError(f"--param expects K=V, got {item!r}")
    return key.strip(), value


def _variables(text: str, rows: list[Row]) -> list[str]:
    seen: list[str] = []
    for row in rows:
        seen.extend(k for k in row if k not in seen)
    return seen


def _cell(term: Term | None, vocab: Vocabulary, compact: bool) -> str:
    if term is None:
        return ""
    if isinstance(term, IRI) and compact:
        for prefix, ns in vocab.prefixes.items():
            if term.value.startswith(ns) and len(term.value) > len(ns):
                return f"{prefix}:{term.value[len(ns) :]}"
        return f"<{term.value}>"
    if isinstance(term, BNode):
        return str(term)
    return term.value


def _render_rows(rows: list[Row], names: list[str], fmt: str, vocab: Vocabulary) -> str:
    if fmt == "json":
        return json.dumps(
            [{k: _cell(v, vocab, False) for k, v in row.items()} for row in rows],
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([[_cell(row.get(n), vocab, False) for n in names] for row in rows])
        return buffer.getvalue().rstrip("\n")
    table = [names] + [[_cell(row.get(n), vocab, True) for n in names] for row in rows]
    widths = [min(60, max(len(r[i]) for r in table)) for i in range(len(names))]
    lines = [
        "  ".join(c[:60].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)


def cmd_audit(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.curation.audit import audit

    result = audit(settings.project, settings.vocab)
    print(result.json(settings.lang) if args.format == "json" else result.text(settings.lang))
    return EXIT_INVALID if result.blocking else EXIT_OK


def cmd_import(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.authoring.gv100ad import GENERATED, Known, convert, decode, write
    from kg.authoring.sources import discover, read_corpus

    out = args.out or settings.project / "usecases" / "shared" / GENERATED
    others = [p for p in discover(settings.project / "usecases") if p.resolve() != out.resolve()]
    corpus = read_corpus(settings.project, settings.vocab, others)
    known = Known.from_triples(corpus.triples(), settings.vocab)
    lines = decode(args.file.read_bytes()).splitlines()
    imported = convert(lines, known, args.population_year)
    write(imported, out)
    towns = sum(1 for p in imported.places if p["type"] == "Municipality")
    print(
        f"{out}: {towns:,} municipalities and {imported.kreise:,} Kreise written "
        f"(reference date {imported.date}); {imported.skipped:,} municipalities the corpus "
        "already has were left to the curators"
    )
    return EXIT_OK


def cmd_suggest(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.authoring.vocabularies import (
        MUSTERDATENKATALOG,
        SCHEME_FIELDS,
        read_musterdatenkatalog,
        scheme_suggestions,
        suggest,
    )

    templates = read_musterdatenkatalog(settings.ontology_dir / MUSTERDATENKATALOG)
    concepts = None
    if args.field in SCHEME_FIELDS:
        concepts = scheme_suggestions(settings.ontology_dir, args.field)
    words = " ".join(args.words)
    found = suggest(args.field, words, templates, limit=args.limit, concepts=concepts)
    if not found:
        print(message("suggest-none", field=args.field)[settings.lang], file=sys.stderr)
        return EXIT_INVALID
    for s in found:
        label = s.label_de if settings.lang == "de" else s.label_en
        print(f"{s.code}\t{label}\t{s.detail}")
    return EXIT_OK


def cmd_possible(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.authoring.vocabularies import MUSTERDATENKATALOG, read_musterdatenkatalog
    from kg.authoring.yamlld import FOREIGN_CODES
    from kg.store import open_store
    from kg.views.datamodels import possible
    from kg.views.portal import read_catalogue

    vocab, lang, catalogue = settings.vocab, settings.lang, None
    if args.catalogue:
        data, name, media_type = _catalogue_bytes(args.catalogue, lang)
        templates = read_musterdatenkatalog(settings.ontology_dir / MUSTERDATENKATALOG)
        catalogue = read_catalogue(data, templates, vocab, name=name, media_type=media_type)
        types = catalogue.types
    else:
        codes = [c for c in args.types.replace(" ", ",").split(",") if c]
        if bad := [c for c in codes if not FOREIGN_CODES["dataset-type/"].match(c)]:
            raise ConfigurationError(f"--types: {bad[0]!r} is no Musterdatenkatalog code")
        types = [vocab.entity("dataset-type", c) for c in codes]
    answer = possible(open_store(settings), vocab, types)
    if args.json:
        found = answer.json(lang)
        if catalogue is not None:
            found["catalogue"] = catalogue.json(lambda iri: answer.label(iri, lang))
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        print(_possible_text(answer, catalogue, lang))
    if not types:
        print(message("possible-no-types")[lang], file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


#: The largest catalogue ``kg possible --catalogue URL`` reads, and how long it waits.
FETCH_LIMIT, FETCH_TIMEOUT = 5_000_000, 30


def _catalogue_bytes(source: str, lang: str) -> tuple[bytes, str, str]:
    """The bytes of a catalogue file, or of an http(s) URL the user named (with a timeout and
    at most one byte over the size the reader accepts), with its name and media type."""
    from urllib.parse import urlsplit

    if "://" in source and not source.startswith(("http://", "https://")):
        raise ConfigurationError(f"--catalogue: only files and http(s) URLs, not {source}")
    try:
        if "://" not in source:
            with open(source, "rb") as handle:
                return handle.read(FETCH_LIMIT + 1), Path(source).name, ""
        data, media_type = _fetch(source)
    except OSError as exc:  # urllib's errors are OSErrors too
        reason = getattr(exc, "reason", None) or exc.strerror or exc
        raise KGError(message("catalogue-unreadable", source=source, reason=reason)[lang]) from None
    return data, urlsplit(source).path.rsplit("/", 1)[-1], media_type


def _fetch(url: str) -> tuple[bytes, str]:
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "application/rdf+xml, text/turtle"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        return response.read(FETCH_LIMIT + 1), response.headers.get("Content-Type", "")


def _possible_text(answer: Possible, catalogue: PortalCatalogue | None, lang: str) -> str:
    lines = []
    if catalogue is not None:
        recognised = sum(1 for d in catalogue.datasets if d.recognised)
        lines.append(
            message("possible-catalogue", datasets=len(catalogue.datasets), recognised=recognised)[
                lang
            ]
        )
        for d in catalogue.datasets:
            lines.append(f"  {d.title(lang)}  <{d.iri}>")
            for r in d.recognised:
                how = message("possible-title" if r.judgement else "possible-declared")[lang]
                lines.append(f"    → {answer.label(r.type, lang)} ({how})")
            if not d.recognised:
                lines.append(f"    – {message('possible-unrecognised')[lang]}")
        lines.append("")
    lines.append(message("possible-usecases", count=len(answer.usecases))[lang])
    for e in answer.usecases:
        lines.append(f"  {answer.label(e.usecase, lang)}  <{e.usecase}>")
        covered = ", ".join(answer.label(t, lang) for t in e.covered)
        lines.append(f"    {message('possible-covered')[lang]}: {covered}")
        missing = ", ".join(answer.label(t, lang) for t in e.missing)
        nothing = message("possible-nothing-missing")[lang]
        lines.append(f"    {message('possible-missing')[lang]}: {missing or nothing}")
        models = sorted({answer.label(m, lang) for ms in e.models.values() for m in ms})
        if models:
            lines.append(f"    {message('possible-models')[lang]}: {', '.join(models)}")
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.exports.export import export
    from kg.store import open_store

    dumps = export(settings, open_store(settings), args.out)
    print(f"release {dumps.release}: dumps in {dumps.folder}")
    for f in dumps.files:
        print(f"{f.name:16} {f.size:>12,} bytes  sha256 {f.sha256}")
    return EXIT_OK


def cmd_user(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.curation.accounts import Accounts

    accounts, name, lang = Accounts(settings), getattr(args, "name", ""), settings.lang
    if args.action == "list":
        everyone = accounts.all()
        for account in everyone:
            print(f"{account.name:32} {account.role}")
        if not everyone:
            print(message("user-none")[lang], file=sys.stderr)
        return EXIT_OK
    if args.action == "add":
        password = _new_password(args, name, lang)
        accounts.add(name, password, args.role)
        print(message("user-added", name=name, role=args.role)[lang])
    elif args.action == "password":
        if accounts.get(name) is None:  # say so before asking for a password
            raise AccountError(message("account-missing", name=name))
        accounts.set_password(name, _new_password(args, name, lang))
        print(message("user-password-set", name=name)[lang])
    elif args.action == "role":
        accounts.set_role(name, args.role)
        print(message("user-role-set", name=name, role=args.role)[lang])
    else:
        accounts.remove(name)
        print(message("user-removed", name=name)[lang])
    return EXIT_OK


def _new_password(args: argparse.Namespace, name: str, lang: str) -> str:
    """The password from one line of standard input, or asked twice without echo."""
    from getpass import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass(message("password-prompt", name=name)[lang])
    if getpass(message("password-again")[lang]) != first:
        raise AccountError(message("password-mismatch"))
    return first


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
