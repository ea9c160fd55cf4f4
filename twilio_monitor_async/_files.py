"""Files an export or a follow writes: never followed through a symlink, never shared by two
writers, never silently replaced, and checkpoints replaced atomically.

A checkpoint is written to a temporary file beside it, fsynced, then renamed over it, so a crash
leaves the old contents or the new, never half of either. An output file is opened without
following a symlink (``O_NOFOLLOW``), created exclusively (``O_EXCL``) unless the caller asked to
overwrite or resume it, and held under an exclusive lock for as long as it is written, so a second
export to the same file is refused instead of interleaving its bytes with the first.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Literal

from .errors import TwilioMonitorError

__all__ = [
    "CheckpointError",
    "OutputFileError",
    "atomic_write",
    "check_folder",
    "open_output",
    "refuse_existing",
]

if sys.platform != "win32":
    import fcntl

#: How an output file is opened: created (refused if it exists), overwritten, or continued.
OpenMode = Literal["new", "overwrite", "resume"]
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class OutputFileError(TwilioMonitorError, OSError):
    """An output file cannot be written: its folder is missing, it exists, it is a symlink, or
    another writer holds it. ``path`` names the file."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(f"{os.fspath(path)}: {message}")
        self.path = os.fspath(path)


class CheckpointError(TwilioMonitorError, ValueError):
    """A checkpoint cannot be used: unreadable, damaged, or describing other data."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(f"checkpoint {os.fspath(path)}: {message}")
        self.path = os.fspath(path)


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over ``path``.

    The temporary file is created 0600 (``mkstemp``) and the rename replaces a symlink at
    ``path`` rather than writing through it."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_folder(path: str | os.PathLike[str]) -> None:
    """Refuse, before anything is sent, an output whose folder is missing or not writable."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise OutputFileError(path, f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputFileError(path, f"the folder {folder} is not writable")


_EXISTS = "already exists; pass --resume to continue it or --force to replace it"


def refuse_existing(path: str | os.PathLike[str]) -> None:
    """Refuse ``path`` if anything (a file, a link, even a dangling one) is there."""
    if os.path.lexists(path):
        raise OutputFileError(path, _EXISTS)


def open_output(
    path: str | os.PathLike[str], mode: OpenMode, *, private: bool = False
) -> IO[bytes]:
    """Open ``path`` for writing, locked for this writer alone, never through a symlink.

    ``new`` refuses an existing file; ``overwrite`` empties it (once the lock is held);
    ``resume`` keeps its bytes. ``private`` creates the file 0600 (it holds request details).
    """
    check_folder(path)
    flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    if mode == "new":
        flags |= os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600 if private else 0o644)
    except FileExistsError:
        raise OutputFileError(path, _EXISTS) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP or Path(path).is_symlink():
            raise OutputFileError(
                path, "is a symbolic link; refusing to write through it"
            ) from None
        raise
    try:
        _lock(fd, path)
        if private:
            os.fchmod(fd, 0o600)
        if mode == "overwrite":
            os.ftruncate(fd, 0)
        return os.fdopen(fd, "r+b")
    except BaseException:
        os.close(fd)
        raise


def _lock(fd: int, path: str | os.PathLike[str]) -> None:
    if sys.platform == "win32":  # pragma: no cover - no advisory locks there
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutputFileError(path, "another export is writing it") from None
