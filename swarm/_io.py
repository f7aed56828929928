"""Safe file output: atomic writes with the umask's mode, and names kept inside a folder."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator

__all__: list[str] = []


def umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)  # no /proc: the classic read-by-setting (not thread-safe)
    os.umask(old)
    return old


def file_mode() -> int:
    """The mode ``open(path, "w")`` would give a new file: 0666 without the umask's bits."""
    return 0o666 & ~umask()


def remove_quietly(*paths: str) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(p)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path in the target's folder; rename it into place on success.

    The file gets the mode a plain ``open(path, "w")`` would give it (the
    umask's, not ``mkstemp``'s 0600). On an exception the temporary file is
    removed and ``path`` is untouched.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        os.fchmod(fd, file_mode())
    finally:
        os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)


_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def safe_name(name: str, default: str = "scenario") -> str:
    """``name`` as one harmless file name: no folders, no leading dots, no odd characters.

    >>> safe_name("../../etc/x"), safe_name("/tmp/x"), safe_name("my plan (v2)")
    ('etc_x', 'tmp_x', 'my_plan_v2')
    """
    text = _UNSAFE.sub("_", str(name)).strip("._")
    return text[:100] or default


def inside(folder: str | os.PathLike, name: str) -> str:
    """``folder/name``, refused unless it really lies inside ``folder`` (symlinks resolved)."""
    folder = os.path.realpath(os.fspath(folder))
    path = os.path.realpath(os.path.join(folder, name))
    if os.path.commonpath([folder, path]) != folder or path == folder:
        raise ValueError(f"output name {name!r} would leave the output folder {folder}")
    return path


def check_folder(folder: str | os.PathLike, what: str = "--out") -> str:
    """Make sure ``folder`` is (or can become) a writable folder, before any work is done.

    Creates it if missing and writes and removes a small probe file, so a
    read-only or full disk is found now, not after a long simulation.
    Raises :class:`ValueError` in one line naming ``what``.
    """
    folder = os.fspath(folder)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ValueError(f"{what} {folder}: exists and is not a folder; give a folder")
    try:
        os.makedirs(folder, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe-", suffix=".part")
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            remove_quietly(probe)
    except OSError as err:
        raise ValueError(f"{what} {folder}: cannot write there ({err.strerror or err})") from None
    return folder
