"""Writing output files safely: atomically, with the user's permissions, and never over an input.

Every file the planner writes (plan files and exports) goes through :func:`atomic_output`:
the content is written to a temporary file beside the target and renamed over it only once
complete, so a crash, a full disk or a cancelled export never leaves a half-written file and
never damages the one being replaced.

The temporary file's name carries the writer's host and process id
(``.NAME.HOST-PID-RANDOM.partial.EXT``). A writer killed outright (``kill -9``, power cut)
cannot remove it, so the next save or open in that folder removes such leftovers once the
process that wrote them is gone (or, for another host's or an older format's leftovers,
once they are a day old). Files not matching that pattern are never touched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

#: Leftovers of another host, or of no known process, are removed after this many seconds.
STALE_AFTER_S = 24 * 3600

_PARTIAL = re.compile(
    r"^\..+\.(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]{8}\.partial(\.[A-Za-z0-9]+)?"
    r"(-journal|-wal|-shm)?$"
)
#: The temporary names of earlier versions (``.STEM-XXXXXXXX.partial.gpkg``, no process id).
_LEGACY_PARTIAL = re.compile(r"^\..+-[A-Za-z0-9_]{8}\.partial\.gpkg(-journal|-wal|-shm)?$")
_SIDECARS = ("-journal", "-wal", "-shm")
#: What the disk said, in words a planner understands.
_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


class OutputError(OSError):
    """An output file could not be written; the message names the user's file, not a temporary.

    The file that was there before (if any) is unchanged.
    """


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def partial_path(target: str | os.PathLike[str]) -> Path:
    """A fresh temporary name beside ``target`` (same extension), marked with host and pid."""
    path = Path(target)
    return path.with_name(
        f".{path.stem}.{_host_tag()}-{os.getpid()}-{secrets.token_hex(4)}.partial{path.suffix}"
    )


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except (OSError, OverflowError):
        return False
    return True


def remove_stale_partials(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files dead writers left in ``folder``; return what was removed.

    Only files named by :func:`partial_path` (or by earlier versions) are considered, and
    only when their writer is gone: a process of this host that no longer runs, or a file
    older than :data:`STALE_AFTER_S`. Errors are ignored: this is housekeeping.
    """
    removed: list[Path] = []
    host = _host_tag()
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or ".partial" not in name:
            continue
        match = _PARTIAL.match(name)
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_S
            if match is not None:
                same_host = match["host"] == host
                stale = old or (same_host and not _process_alive(int(match["pid"])))
            else:
                stale = old and _LEGACY_PARTIAL.match(name) is not None
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _final_mode(target: Path) -> int:
    """The mode of the file being replaced, or what a new file gets under the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def output_error(target: Path, exc: BaseException, tmp: Path | None = None) -> OutputError:
    """An :class:`OutputError` for ``target`` from ``exc``, with temporary names replaced."""
    reason = _reason(exc)
    if tmp is not None:
        reason = reason.replace(str(tmp), str(target)).replace(tmp.name, target.name)
    code = exc.errno if isinstance(exc, OSError) else None
    kept = "the previous file is unchanged" if target.exists() else "nothing was written"
    error = OutputError(code or 0, f"{target}: could not be written: {reason}; {kept}")
    error.filename = str(target)
    return error


def _remove(tmp: Path) -> None:
    for path in (tmp, *(Path(f"{tmp}{s}") for s in _SIDECARS)):
        with contextlib.suppress(OSError):
            path.unlink()


def _is_disk_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("disk" in text or "full" in text)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` only on success.

    The temporary file does not exist yet: the caller creates it (some writers, GDAL's
    among them, refuse to write into an existing empty file). On success it is flushed to
    disk, given the mode of the file it replaces (or ``0o666`` less the umask for a new
    file) and renamed over ``path``. On any failure it is removed and ``path`` is left as
    it was.

    Raises
    ------
    OutputError
        When the disk refuses the write (full, read-only, no permission): the message
        names ``path`` and says the previous file is unchanged.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(target, exc) from exc
    remove_stale_partials(target.parent)
    tmp = partial_path(target)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(errno.ENOENT, "the writer produced no file", str(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _final_mode(target))
        os.replace(tmp, target)
        _sync_folder(target.parent)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, OutputError) or not _is_disk_error(exc):
            raise
        raise output_error(target, exc, tmp) from exc


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file: through symlinks, hard links or ``..``."""
    pa, pb = Path(a), Path(b)
    with contextlib.suppress(OSError):
        if pa.exists() and pb.exists():
            return os.path.samefile(pa, pb)
    try:
        return pa.resolve() == pb.resolve()
    except (OSError, RuntimeError):
        return os.path.abspath(pa) == os.path.abspath(pb)


__all__ = [
    "OutputError",
    "atomic_output",
    "output_error",
    "partial_path",
    "remove_stale_partials",
    "same_file",
]
