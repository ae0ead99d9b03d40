"""Atomic, private file output: nothing half-written is ever left behind.

Every output file is written to a temporary file in the same folder and renamed
into place, so a reader (or a batch resumed after a crash) sees either the old
file or the complete new one.  Files and folders are created owner-only
(meetings are confidential).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_dir(path: str | Path) -> Path:
    """Create ``path`` (and any missing parents) owner-only; return it.

    ``Path.mkdir(parents=True, mode=…)`` gives the *parents* default permissions,
    so a new ``out/`` would list the meeting folders to every user: each missing
    level is created here with :data:`DIR_MODE`.  Existing folders are left as they are.
    """
    p = Path(path)
    missing = []
    q = p
    while not q.exists() and q != q.parent:
        missing.append(q)
        q = q.parent
    if not q.is_dir():
        from pipeline.errors import InputError

        raise InputError("exists and is not a folder", path=q, hint="choose another output folder (--out)")
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=DIR_MODE)
    return p


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    ensure_dir(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, FILE_MODE)
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def write_text_atomic(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding=encoding, newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def write_bytes_atomic(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def remove_stale_parts(folder: str | Path) -> int:
    """Delete ``.*.part`` files a killed run left behind; return how many."""
    n = 0
    for p in Path(folder).rglob(".*.part"):
        with contextlib.suppress(OSError):
            p.unlink()
            n += 1
    return n
