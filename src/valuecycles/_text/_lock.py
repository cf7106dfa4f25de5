"""One writer at a time into a file: an advisory lock for read-modify-write.

A command that adds to a case (``import``, ``guide -o`` on an existing file,
``derive``, :func:`~valuecycles.io.add_to_document`) reads the file, changes
the data and writes it back. Two of them at once would each write what they
read plus their own additions, and one's additions would be lost. So each
holds :func:`locked_file` from before it reads until after it writes: a
second writer waits for the first (up to a timeout, then a clear
``file-busy`` problem), and then reads what the first wrote.

The lock is ``fcntl.flock`` on a small sidecar file beside the target,
``.NAME.lock`` (the target itself is replaced by each atomic write, so it
cannot carry the lock), removed again when the writer is done. It is
advisory: a program that does not take it (an editor) is not stopped, so the
writer also checks, before it writes, that the file is still the one it read
(``file-changed`` otherwise). The lock is
reentrant within a process, so a function that locks can call another that
locks the same file.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> case = folder / "case.yaml"
>>> _ = case.write_text("a: 1\\n")
>>> with locked_file(case) as locked:
...     text = locked.read_text()
...     locked.write(text + "b: 2\\n")
>>> case.read_text()
'a: 1\\nb: 2\\n'
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final

from valuecycles._text._formats import atomic_write, decode_text, read_bytes
from valuecycles.errors import Problem, ValidationError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: only the in-process lock
    fcntl = None  # type: ignore[assignment]

__all__ = ["DEFAULT_TIMEOUT", "LockedFile", "locked_file"]

#: How long a writer waits for another to finish, in seconds.
DEFAULT_TIMEOUT: Final = 30.0

Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> Stamp:
    """What tells one version of a file from another: inode, size, modification time."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class LockedFile:
    """A file held by :func:`locked_file`: read it, then write it back once or more.

    ``write`` refuses (``file-changed``) when the file was changed on disk
    since the lock was taken or since this holder last wrote it, by a
    program that does not take the lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp = _stamp(path)

    def read_bytes(self) -> bytes:
        """The file's bytes (a clear problem if it is missing or unreadable)."""
        return read_bytes(self.path)

    def read_text(self, *, keep_bom: bool = False) -> str:
        """The file's text, as UTF-8."""
        return decode_text(self.read_bytes(), os.fspath(self.path), keep_bom=keep_bom)

    def check_unchanged(self) -> None:
        """Raise ``file-changed`` if the file is not the one the lock found."""
        if _stamp(self.path) != self._stamp:
            name = os.fspath(self.path)
            raise ValidationError(
                [
                    Problem(
                        "$",
                        "file-changed",
                        f"{name} was changed by another program while this one was "
                        "adding to it; nothing was written (run the command again)",
                    )
                ],
                source=name,
            )

    def write(self, content: str | bytes | Callable[[Any], None]) -> None:
        """Write the file atomically, if it has not changed since it was read."""
        self.check_unchanged()
        if isinstance(content, str):
            content = content.encode("utf-8")
        atomic_write(self.path, content)
        self._stamp = _stamp(self.path)


class _Held:
    def __init__(self) -> None:
        self.guard = threading.RLock()
        self.depth = 0
        self.handle: IO[bytes] | None = None
        self.locked: LockedFile | None = None


_held: dict[str, _Held] = {}
_held_guard = threading.Lock()


def _lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


def _busy(path: Path, timeout: float) -> ValidationError:
    name = os.fspath(path)
    return ValidationError(
        [
            Problem(
                "$",
                "file-busy",
                f"{name} is being written by another process (it holds "
                f"{_lock_path(path).name}); waited {timeout:g} s. Try again when it is done",
            )
        ],
        source=name,
    )


def _open_lock(path: Path) -> IO[bytes]:
    lock = _lock_path(path)
    try:
        return open(lock, "ab")
    except OSError as exc:
        raise ValidationError(
            [
                Problem(
                    "$",
                    "unreadable",
                    f"cannot create the lock file {lock}: {exc.strerror or exc}",
                )
            ],
            source=os.fspath(path),
        ) from None


def _same_file(handle: IO[bytes], lock: Path) -> bool:
    try:
        return os.stat(lock).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False


def _acquire(path: Path, timeout: float) -> IO[bytes]:
    """The lock file, opened and locked.

    The holder removes the lock file before it lets go, so a waiter that
    then gets the lock checks that its file is still the one at the path,
    and starts again with the new one if not.
    """
    deadline = time.monotonic() + timeout
    pause = 0.002
    lock = _lock_path(path)
    handle = _open_lock(path)
    while True:
        try:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _same_file(handle, lock):
                return handle
            handle.close()  # the holder removed it: lock the new one
            handle = _open_lock(path)
            continue
        except BlockingIOError:
            pass
        except BaseException:
            handle.close()
            raise
        if time.monotonic() >= deadline:
            handle.close()
            raise _busy(path, timeout)
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _release(path: Path, handle: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.unlink(_lock_path(path))  # while still holding it: see _acquire
    handle.close()  # closing lets go of the flock


@contextlib.contextmanager
def locked_file(
    path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[LockedFile]:
    """Hold the advisory lock on ``path`` for a read-modify-write; yield a :class:`LockedFile`.

    Another process (or thread) that asks for the same file waits until
    this block ends, up to ``timeout`` seconds, then gets a
    :class:`~valuecycles.ValidationError` with the code ``file-busy``.
    Within one thread the lock is reentrant: an inner ``locked_file`` on the
    same file yields the same :class:`LockedFile`.
    """
    target = Path(path)
    key = os.path.realpath(target)
    with _held_guard:
        held = _held.setdefault(key, _Held())
    if not held.guard.acquire(timeout=timeout):
        raise _busy(target, timeout)
    try:
        if held.depth == 0:
            handle = _acquire(target, timeout)
            held.handle = handle
            held.locked = LockedFile(target)
        held.depth += 1
        assert held.locked is not None
        try:
            yield held.locked
        finally:
            held.depth -= 1
            if held.depth == 0:
                held_handle = held.handle
                held.handle = held.locked = None
                if held_handle is not None:
                    _release(target, held_handle)
    finally:
        held.guard.release()
