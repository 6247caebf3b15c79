"""A build's temporary files: one folder per build, removed when the build ends, and whatever a
killed build left behind removed when the next one starts.

The N-Quads of a new release, what the rules derived and the like live in
``<work>/tmp/<id>/`` (``<work>`` is the store folder, or ``var/`` beside a remote store). While
a build (or ``kg validate``) runs, it holds an exclusive ``flock`` on ``<work>/tmp/<id>.lock``,
which the kernel releases when the process ends, however it ends. So a folder whose lock
nobody holds belongs to a process that is gone: :func:`sweep` removes it, and every
:class:`Scratch` sweeps before it makes its own folder. A build that is still running keeps its
lock and its files, so two builds (or a build and ``kg validate``) never remove each other's.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from pathlib import Path
from types import TracebackType

FOLDER = "tmp"


class Scratch:
    """The temporary folder of one build: ``with Scratch(work) as scratch: …``."""

    def __init__(self, work: Path) -> None:
        self.work = Path(work)  #: the build's lasting work folder (state, caches)
        root = self.work / FOLDER
        root.mkdir(parents=True, exist_ok=True)
        self.removed = sweep(root)  #: folders of ended builds this one removed
        name = uuid.uuid4().hex[:16]
        self._lock_path = root / f"{name}.lock"
        # lock first, folder second: a folder that exists has its lock held while it is in use
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fd: int | None = fd
        self.folder = root / name
        self.folder.mkdir()
        self._count = 0

    def path(self, suffix: str, stem: str = "part") -> Path:
        """A new file name in the folder (the file is not created)."""
        self._count += 1
        return self.folder / f"{stem}-{self._count}{suffix}"

    def close(self) -> None:
        """Remove the folder and give up the lock (folder first, so a folder never outlives
        its lock file)."""
        if self._fd is None:
            return
        shutil.rmtree(self.folder, ignore_errors=True)
        self._lock_path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> Scratch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def sweep(root: Path) -> list[Path]:
    """Remove the folders in ``root`` whose lock no process holds; the removed folders.

    A lock without a folder is left alone: it may belong to a build that has just taken it
    and is about to make its folder."""
    removed = []
    for lock in sorted(root.glob("*.lock")):
        folder = lock.with_suffix("")
        if not folder.is_dir():
            continue
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:  # another build swept it just now
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its build is running
            shutil.rmtree(folder, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(folder)
        finally:
            os.close(fd)
    return removed
