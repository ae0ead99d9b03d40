"""Atomic, owner-only output (pipeline.fileio)."""

from __future__ import annotations

import os
import stat

import pytest

from pipeline.errors import InputError
from pipeline.fileio import atomic_path, ensure_dir, remove_stale_parts, write_bytes_atomic, write_text_atomic


def _mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_files_and_every_new_folder_are_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        target = write_text_atomic(tmp_path / "out" / "m1" / "report.json", "{}")
    finally:
        os.umask(old)
    assert _mode(target) == 0o600
    assert _mode(tmp_path / "out" / "m1") == 0o700
    assert _mode(tmp_path / "out") == 0o700  # the parent too: it lists the meetings


def test_failed_write_leaves_old_file_and_no_part(tmp_path):
    target = tmp_path / "report.html"
    write_text_atomic(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_bytes_and_replace(tmp_path):
    t = write_bytes_atomic(tmp_path / "a.bin", b"\x00\x01")
    write_bytes_atomic(t, b"\x02")
    assert t.read_bytes() == b"\x02" and _mode(t) == 0o600


def test_stale_parts_are_removed(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / ".report.json.abc.part").write_text("x")
    (tmp_path / "m" / "report.json").write_text("{}")
    assert remove_stale_parts(tmp_path) == 1
    assert [p.name for p in (tmp_path / "m").iterdir()] == ["report.json"]


def test_output_folder_that_is_a_file_is_bad_input(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(InputError, match="not a folder"):
        ensure_dir(tmp_path / "out")
    with pytest.raises(InputError, match="out: exists and is not a folder"):
        write_text_atomic(tmp_path / "out" / "m" / "report.md", "x")
