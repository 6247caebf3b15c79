"""How long runs report what they are doing: silent by default, bars on a terminal.

The build and validation take a :class:`Progress` and call :meth:`~Progress.step` around each
step and :meth:`~Progress.bar` around loops over files or chunks. The command line passes a
:class:`TerminalProgress` when stderr is a terminal, so logs and CI output stay quiet.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

Advance = Callable[[int], None]


class Progress:
    """Reports nothing."""

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        yield

    @contextlib.contextmanager
    def bar(self, name: str, total: int) -> Iterator[Advance]:
        yield lambda n=1: None


class TerminalProgress(Progress):
    """A line per step with its duration, and a tqdm bar for loops (on ``stream``)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        print(f"… {name}", file=self.stream, flush=True)
        yield
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=self.stream, flush=True)

    @contextlib.contextmanager
    def bar(self, name: str, total: int) -> Iterator[Advance]:
        from tqdm import tqdm

        with tqdm(total=total, desc=f"  {name}", file=self.stream, leave=False) as bar:
            yield bar.update
