"""Mutation testing of the safety-critical modules with Cosmic Ray: per module, how many of the
small changes that look like real bugs the tests that concern that module catch.

Each module is mutated in a copy of the checkout of its own (the files ``git`` tracks plus the
untracked ones it does not ignore), under ``bench/out/mutation/<module>/``, so the checkout is
never touched, and each mutant is tested by running only the test files of :data:`TARGETS`
(``pytest -x``: the first failure kills it). A mutant is *killed* when the tests fail, *timed
out* when they run past the module's deadline (four times the unmutated run, at least 60 s;
counted as caught), *survived* when they pass, and *equivalent* when it is listed in
``bench/mutation-equivalent.toml`` with a reason (it cannot change behaviour; not run, not
counted). The score is caught ÷ (caught + survived)::

    python bench/mutation.py                    # every module, one after the other
    python bench/mutation.py --jobs 2 guard lex # two modules at a time, by name
    python bench/mutation.py --list             # the modules, their tests and mutant caps
    python bench/mutation.py --report           # the last run of every module, read back
    python bench/mutation.py --json bench/out/mutation.json --all conneg

The operators are Cosmic Ray's core set minus the redundant ones (each binary operator is
replaced by one counterpart, each comparison by its boundary and its negation; no variable
insertion or replacement). A module with more mutants than its cap is tested on a sample of
that many (seeded, the same every run; ``--all`` runs every one): the cap keeps the whole run
well under an hour on two cores. Needs the ``test`` extra (``cosmic-ray``).
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import random
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "mutation"
EQUIVALENT = ROOT / "bench" / "mutation-equivalent.toml"
BIN = Path(sys.executable).parent
SEED = 19


@dataclass(frozen=True)
class Target:
    """A module to mutate and the tests that concern it."""

    name: str
    module: str
    tests: tuple[str, ...]
    #: ``pytest -k`` expression narrowing ``tests`` to the ones that exercise the module.
    select: str = ""
    #: At most this many mutants are run (a seeded sample when there are more).
    cap: int = 120


TARGETS: tuple[Target, ...] = (
    Target("conneg", "web/conneg.py", ("tests/test_conneg.py",), "negotiate or alias or immutable"),
    Target(
        "lex",
        "kg/sparqllex.py",
        ("tests/test_sparqllex.py", "tests/test_guard.py", "tests/test_guard_fuzz.py"),
        cap=50,
    ),
    Target(
        "guard", "kg/sparql/guard.py", ("tests/test_guard.py", "tests/test_guard_fuzz.py"), cap=40
    ),
    Target(
        "yamlld",
        "kg/authoring/yamlld.py",
        ("tests/test_line_map.py", "tests/test_yamlld.py", "tests/test_bad_input.py"),
        "not shipped_corpus",
        cap=30,
    ),
    Target(
        "validate",
        "kg/build/validate.py",
        ("tests/test_validate_engines.py", "tests/test_line_map.py", "tests/test_bad_input.py"),
        "not shipped_corpus",
        cap=10,
    ),
    Target("sandbox", "kg/sparql/sandbox.py", ("tests/test_sandbox.py",), cap=8),
    Target(
        "consistency",
        "kg/build/reasoning/consistency.py",
        ("tests/test_reason.py",),
        "shipped_corpus_is_consistent or inverse_property or range_makes or maturity_levels",
        cap=12,
    ),
    Target(
        "incremental",
        "kg/build/incremental.py",
        ("tests/test_incremental.py",),
        "inverse_path or retyped or broken_file or one_file or lone_affected",
        cap=6,
    ),
    Target(
        "pipeline",
        "kg/build/pipeline.py",
        ("tests/test_build.py",),
        "not killed_build_leaves and not next_build_removes",
        cap=8,
    ),
    Target(
        "embedded",
        "kg/store/embedded.py",
        ("tests/test_build.py", "tests/test_store_contract.py"),
        "not remote and not oxigraph and not killed_build_leaves and not next_build_removes",
        cap=8,
    ),
    Target(
        "remote",
        "kg/store/remote.py",
        ("tests/test_remote_publish.py", "tests/test_store_contract.py"),
        cap=6,
    ),
)

#: Operators left out: Cosmic Ray replaces each binary operator by every other one and each
#: comparison by every other one; one counterpart (and, for comparisons, the boundary and the
#: negation) finds the same missing tests at a fraction of the cost.
KEPT_BINARY = {"Add_Sub", "Sub_Add", "Mul_Div", "Div_Mul", "FloorDiv_Mul", "Mod_FloorDiv"}
KEPT_BINARY |= {"BitOr_BitAnd", "BitAnd_BitOr", "LShift_RShift", "RShift_LShift"}
KEPT_COMPARISON = {"Eq_NotEq", "NotEq_Eq", "Is_IsNot", "IsNot_Is"}
KEPT_COMPARISON |= {"Lt_LtE", "Lt_GtE", "LtE_Lt", "LtE_Gt", "Gt_GtE", "Gt_LtE", "GtE_Gt", "GtE_Lt"}
KEPT_UNARY = {"Delete_Not", "Delete_USub", "USub_UAdd"}
LEFT_OUT = {"core/VariableInserter", "core/VariableReplacer"}


def kept(operator: str) -> bool:
    """Whether ``operator`` (``core/…``) is part of the run."""
    if operator in LEFT_OUT:
        return False
    for prefix, keep in (
        ("core/ReplaceBinaryOperator_", KEPT_BINARY),
        ("core/ReplaceComparisonOperator_", KEPT_COMPARISON),
        ("core/ReplaceUnaryOperator_", KEPT_UNARY),
    ):
        if operator.startswith(prefix):
            return operator.removeprefix(prefix) in keep
    return True


# -- equivalent mutants ---------------------------------------------------------------------
@dataclass(frozen=True)
class Equivalent:
    """A mutant that cannot change behaviour: module, operator, the mutated line (stripped)
    and, when the line holds several mutants of the operator, the line as the mutant reads."""

    module: str
    operator: str
    line: str
    why: str
    to: str = ""


def equivalents(path: Path = EQUIVALENT) -> list[Equivalent]:
    """The listed equivalent mutants; each must say why."""
    if not path.exists():
        return []
    listed = tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])
    found = [
        Equivalent(e["module"], e["operator"], e["line"].strip(), e["why"], e.get("to", "").strip())
        for e in listed
    ]
    for entry in found:
        if not entry.why.strip():
            raise SystemExit(f"{path}: {entry.module} {entry.line!r} has no reason")
    return found


def equivalent_for(
    listed: list[Equivalent], module: str, operator: str, source: str, mutant: Callable[[], str]
) -> Equivalent | None:
    """The entry listing this mutant; ``mutant`` gives the mutated line (computed on demand)."""
    for e in listed:
        same = e.module == module and e.operator == operator and e.line == source.strip()
        if same and (not e.to or e.to == mutant().strip()):
            return e
    return None


def mutated_line(text: str, spec) -> str:
    """The line of ``spec``'s mutation as the mutant reads."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    operator = get_operator(spec.operator_name)(**spec.operator_args)
    mutated = mutate_code(text, operator, spec.occurrence)
    return "" if mutated is None else mutated.splitlines()[spec.start_pos[0] - 1]


# -- one module -----------------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to the mutants of one module."""

    target: Target
    counts: Counter = field(default_factory=Counter)
    survivors: list[dict] = field(default_factory=list)
    total: int = 0
    baseline: float = 0.0
    seconds: float = 0.0
    error: str = ""

    @property
    def caught(self) -> int:
        return self.counts["killed"] + self.counts["timeout"]

    @property
    def score(self) -> float | None:
        judged = self.caught + self.counts["survived"]
        return self.caught / judged if judged else None


def copy_checkout(into: Path) -> None:
    """The checkout's files (tracked, and untracked but not ignored) copied into ``into``."""
    if into.exists():
        shutil.rmtree(into)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = into / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def test_command(target: Target) -> list[str]:
    command = [str(BIN / "python"), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += target.tests
    return [*command, "-k", target.select] if target.select else command


def environment(copy: Path) -> dict[str, str]:
    """The copy's ``kg`` and ``web`` first on the module path (also for the tests' own
    subprocesses), bytecode never cached (a mutant must not reuse another one's)."""
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    return env


def write_config(target: Target, folder: Path, timeout: float) -> Path:
    config = folder / "config.toml"
    command = " ".join(f"'{part}'" for part in test_command(target))
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{target.module}"\n'
        f"timeout = {timeout:.0f}\n"
        "excluded-modules = []\n"
        f'test-command = "{command}"\n'
        '[cosmic-ray.distributor]\nname = "local"\n',
        encoding="utf-8",
    )
    return config


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the annotations are, in a module that postpones their evaluation (PEP 563): a
    mutant inside one (``str | None`` → ``str & None``) is never run, so it is equivalent."""
    tree = ast.parse(source)
    postponed = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    if not postponed:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            found.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            found.append(node.returns)
    return [((a.lineno, a.col_offset), (a.end_lineno, a.end_col_offset)) for a in found]


def in_annotation(spans, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return any(low <= tuple(start) and tuple(end) <= high for low, high in spans)


def prepare(target: Target, folder: Path, run_all: bool, listed: list[Equivalent]) -> int:
    """Marks the session's left-out, equivalent and unsampled mutants as skipped; returns the
    number of mutants before sampling."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    text = (folder / "src" / target.module).read_text(encoding="utf-8")
    lines, spans = text.splitlines(), annotation_spans(text)
    with use_db(str(folder / "session.sqlite"), WorkDB.Mode.open) as db:
        chosen = {}
        for item in db.pending_work_items:
            spec = item.mutations[0]
            source = lines[spec.start_pos[0] - 1]
            if not kept(spec.operator_name):
                note = "left out"
            elif in_annotation(spans, spec.start_pos, spec.end_pos):
                note = "equivalent: an annotation, never evaluated (PEP 563)"
            elif same := equivalent_for(
                listed,
                target.module,
                spec.operator_name,
                source,
                functools.partial(mutated_line, text, spec),
            ):
                note = "equivalent: " + same.why
            else:
                chosen[item.job_id] = (spec.operator_name, spec.occurrence)
                continue
            db.set_result(
                item.job_id, WorkResult(output=note, worker_outcome=WorkerOutcome.SKIPPED)
            )
        sampled = set(chosen)
        if not run_all and len(chosen) > target.cap:
            # Sorted by what the mutant is (the job ids are random): the same sample every run.
            ordered = sorted(chosen, key=chosen.__getitem__)
            sampled = set(random.Random(SEED).sample(ordered, target.cap))
        skip = WorkResult(output="not sampled", worker_outcome=WorkerOutcome.SKIPPED)
        for job_id in chosen:
            if job_id not in sampled:
                db.set_result(job_id, skip)
        return len(chosen)


def collect(target: Target, folder: Path, outcome: Outcome, listed: list[Equivalent]) -> None:
    """Counts and survivors of the module's session; a survivor listed as equivalent since the
    run counts as equivalent."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    text = (folder / "src" / target.module).read_text(encoding="utf-8")
    lines = text.splitlines()
    with use_db(str(folder / "session.sqlite"), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            spec = item.mutations[0]
            note = result.output or ""
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                kind = "equivalent" if note.startswith("equivalent") else None
            elif result.worker_outcome != WorkerOutcome.NORMAL:
                kind = "incompetent"
            elif result.test_outcome == TestOutcome.SURVIVED and equivalent_for(
                listed,
                target.module,
                spec.operator_name,
                lines[spec.start_pos[0] - 1],
                functools.partial(mutated_line, text, spec),
            ):
                kind = "equivalent"
            elif result.test_outcome == TestOutcome.SURVIVED:
                kind = "survived"
                outcome.survivors.append(
                    {
                        "module": target.module,
                        "line": spec.start_pos[0],
                        "operator": spec.operator_name,
                        "source": lines[spec.start_pos[0] - 1].strip(),
                        "diff": result.diff or "",
                    }
                )
            elif result.test_outcome == TestOutcome.INCOMPETENT:
                kind = "incompetent"
            else:
                kind = "timeout" if note == "timeout" else "killed"
            if kind:
                outcome.counts[kind] += 1
        outcome.counts["not run"] = sum(1 for _ in db.pending_work_items)


def run_target(target: Target, run_all: bool, listed: list[Equivalent], log) -> Outcome:
    """Mutation-tests one module in its own copy of the checkout."""
    outcome = Outcome(target)
    folder = OUT / target.name
    folder.mkdir(parents=True, exist_ok=True)
    copy_checkout(folder / "src")
    env = environment(folder / "src")
    started = time.monotonic()
    base = subprocess.run(test_command(target), cwd=folder / "src", env=env, capture_output=True)
    outcome.baseline = time.monotonic() - started
    if base.returncode != 0:
        outcome.error = "the unmutated tests fail:\n" + base.stdout.decode()[-3000:]
        return outcome
    config = write_config(target, folder, max(60.0, 4 * outcome.baseline))
    session = folder / "session.sqlite"
    session.unlink(missing_ok=True)
    cosmic = [str(BIN / "cosmic-ray"), "--verbosity", "WARNING"]
    subprocess.run([*cosmic, "init", str(config), str(session)], cwd=folder / "src", check=True)
    outcome.total = prepare(target, folder, run_all, listed)
    log(f"{target.name}: {outcome.total} mutants, baseline {outcome.baseline:.1f} s")
    subprocess.run(
        [*cosmic, "exec", str(config), str(session)],
        cwd=folder / "src",
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    outcome.seconds = time.monotonic() - started
    collect(target, folder, outcome, listed)
    facts = {"checkout": checkout(), "seconds": outcome.seconds, "total": outcome.total}
    facts |= {"baseline": outcome.baseline, "ended": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"}
    (folder / "run.json").write_text(json.dumps(facts), encoding="utf-8")
    log(line(outcome))
    return outcome


def checkout() -> str:
    """The commit the copies are made from, marked when the working tree differs from it."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def sampled_from(folder: Path) -> int:
    """The number of mutants a session chose from (run, pending or left out of the sample)."""
    from cosmic_ray.work_db import WorkDB, use_db

    with use_db(str(folder / "session.sqlite"), WorkDB.Mode.open) as db:
        done = sum(
            1
            for _, result in db.completed_work_items
            if result.output == "not sampled" or result.worker_outcome.value != "skipped"
        )
        return done + sum(1 for _ in db.pending_work_items)


def stored(target: Target, listed: list[Equivalent]) -> Outcome | None:
    """The outcome of the module's last run, read back from its session (``--report``)."""
    folder = OUT / target.name
    if (folder / "run.json").exists():
        facts = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    elif (folder / "session.sqlite").exists():  # a run whose script was stopped: its counts
        facts = {"checkout": "?", "ended": "?", "seconds": 0, "baseline": 0}
        facts["total"] = sampled_from(folder)
    else:
        return None
    outcome = Outcome(target, total=facts["total"], baseline=facts["baseline"])
    outcome.seconds = facts["seconds"]
    outcome.error = f"{facts['checkout']}, {facts['ended']}"
    collect(target, folder, outcome, listed)
    return outcome


# -- report ---------------------------------------------------------------------------------
COLUMNS = ("killed", "timeout", "survived", "equivalent", "incompetent")


def line(outcome: Outcome) -> str:
    counts = " ".join(f"{c} {outcome.counts[c]}" for c in COLUMNS)
    score = outcome.score
    shown = "n/a" if score is None else f"{score:.0%}"
    return f"{outcome.target.module}: {shown} caught ({counts}; {outcome.seconds:.0f} s)"


def table(outcomes: list[Outcome]) -> str:
    rows = ["| module | mutants (run) | killed | timeout | survived | equivalent | score | s |"]
    rows.append("|---|---|---|---|---|---|---|---|")
    total: Counter = Counter()
    for o in outcomes:
        run = o.caught + o.counts["survived"] + o.counts["incompetent"]
        total.update(o.counts)
        total["mutants"] += o.total
        total["run"] += run
        shown = "error" if o.error else ("n/a" if o.score is None else f"{o.score:.1%}")
        rows.append(
            f"| {o.target.module} | {o.total} ({run}) | {o.counts['killed']} | "
            f"{o.counts['timeout']} | {o.counts['survived']} | {o.counts['equivalent']} | "
            f"{shown} | {o.seconds:.0f} |"
        )
    caught = total["killed"] + total["timeout"]
    judged = caught + total["survived"]
    score = f"{caught / judged:.1%}" if judged else "n/a"
    rows.append(
        f"| **all** | {total['mutants']} ({total['run']}) | {total['killed']} | "
        f"{total['timeout']} | {total['survived']} | {total['equivalent']} | **{score}** | |"
    )
    return "\n".join(rows)


def chosen_targets(names: list[str]) -> list[Target]:
    by_name = {t.name: t for t in TARGETS} | {t.module: t for t in TARGETS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(f"unknown module(s) {unknown}; known: {[t.name for t in TARGETS]}")
    return [by_name[n] for n in names] if names else list(TARGETS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="names or paths of TARGETS (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="modules mutated at the same time")
    parser.add_argument("--all", action="store_true", help="every mutant, not a capped sample")
    parser.add_argument("--list", action="store_true", help="print the modules and their tests")
    parser.add_argument("--json", type=Path, help="write the outcome and survivors here")
    parser.add_argument(
        "--report", action="store_true", help="print the last run of each module, run nothing"
    )
    args = parser.parse_args(argv)
    targets = chosen_targets(args.modules)
    if args.list:
        for t in targets:
            print(f"{t.name:12} {t.module:36} cap {t.cap:4}  {' '.join(test_command(t)[6:])}")
        return 0
    listed = equivalents()
    if args.report:
        found = [o for o in (stored(t, listed) for t in targets) if o is not None]
        for o in found:
            print(f"{o.target.module}: run of {o.error}")
            for s in o.survivors:
                print(f"  survived line {s['line']} {s['operator']}: {s['source']}")
            o.error = ""
        print("\n" + table(found))
        return 0
    commit = checkout()
    print(f"mutation run of {commit} at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(
            pool.map(
                lambda t: run_target(t, args.all, listed, lambda s: print(s, flush=True)), targets
            )
        )
    for o in outcomes:
        if o.error:
            print(f"\n{o.target.module}: {o.error}")
        for s in o.survivors:
            print(f"\nsurvived {s['module']}:{s['line']} {s['operator']}\n{s['diff']}")
    print("\n" + table(outcomes))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = [
            {
                "module": o.target.module,
                "mutants": o.total,
                **o.counts,
                "score": o.score,
                "seconds": round(o.seconds),
                "error": o.error,
                "survivors": o.survivors,
            }
            for o in outcomes
        ]
        args.json.write_text(json.dumps({"commit": commit, "modules": report}, indent=1))
    return 1 if any(o.error for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
