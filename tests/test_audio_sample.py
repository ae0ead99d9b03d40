"""The sample audio meeting: the committed files agree with each other; the generator reproduces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import wave

import pytest

from tests._audio_util import REPO, SAMPLE


def test_committed_sample_files_are_consistent():
    from pipeline.audio.rttm import read_rttm

    with wave.open(str(SAMPLE / "recording.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        duration = w.getnframes() / 16000
    assert 55 <= duration <= 95 and (SAMPLE / "recording.wav").stat().st_size < 3_000_000
    turns = next(iter(read_rttm(SAMPLE / "reference.rttm").values()))
    lines = (SAMPLE / "reference.txt").read_text().splitlines()
    assert len(turns) == len(lines) >= 12
    assert all(0 <= t.start < t.end <= duration for t in turns)
    assert any(b.start < a.end for a, b in zip(turns, turns[1:]))     # one overlap
    import yaml

    m = yaml.safe_load((SAMPLE / "meeting.yaml").read_text())
    assert m["media"] == "recording.wav" and {p["role"] for p in m["participants"]} == {"buyer", "supplier", "cso"}
    names = {p["name"].replace(" ", "_") for p in m["participants"]}
    assert {t.speaker for t in turns} == names


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_generator_reproduces_the_sample(tmp_path):
    pytest.importorskip("av")
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample_audio.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, cwd=REPO)
    for name in ("reference.rttm", "reference.txt", "meeting.yaml"):
        assert (tmp_path / name).read_text() == (SAMPLE / name).read_text()
    assert (tmp_path / "recording.wav").stat().st_size == (SAMPLE / "recording.wav").stat().st_size
