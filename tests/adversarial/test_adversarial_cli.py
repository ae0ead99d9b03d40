"""The adversarial corpus through ``dialoog analyze``: a clear error for each bad input.

Every case (see :mod:`tests.adversarial.corpus`) is generated into a temporary
folder; bad input must give exit status 2 and a one-line message that names the
file (or argument) and says what is wrong; nothing half-written remains.
"""

from __future__ import annotations

import importlib
import importlib.util
import tempfile
from pathlib import Path

import pytest

from .corpus import build_corpus, good_meeting
from .runner import problems, run_case, run_cli


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _has_attr(module: str, attr: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), attr)
    except ImportError:
        return False


PIPELINE_READY = all((
    _has_attr("pipeline.ingest", "read_transcript"), _has_attr("pipeline.manifest", "load_manifest"),
    _has_attr("pipeline.tagging", "tag_transcript"), _has_attr("pipeline.lessons", "score_lessons"),
    _has("pipeline.report.html"), _has("pipeline.report.markdown"),
))
AUDIO_READY = _has("models.speech")

with tempfile.TemporaryDirectory() as _tmp:
    CASES = build_corpus(Path(_tmp))
CASE_IDS = [c.name for c in CASES]

if not PIPELINE_READY:  # every part is on main: a missing one is a failure, not a skip
    raise ImportError("the analysis pipeline (ingest/manifest/tagging/lessons/report) is incomplete")


def needs_pipeline(test):
    return test


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    return {c.name: c for c in build_corpus(root)}


@needs_pipeline
@pytest.mark.parametrize("name", CASE_IDS)
def test_case_gives_clear_result(name, corpus, tmp_path):
    case = corpus[name]
    if case.kind == "audio":
        assert AUDIO_READY, "models.speech (the audio pipeline) is missing"
    out = tmp_path / "out"
    outcome = run_case(case, out)
    assert not problems(outcome, out), "\n".join(problems(outcome, out))


@needs_pipeline
def test_good_meeting_completes(tmp_path):
    folder = good_meeting(tmp_path / "in")
    status, stdout, stderr = run_cli(["analyze", str(folder), "--out", str(tmp_path / "out")])
    assert status == 0, stderr
    assert (tmp_path / "out" / "good-meeting" / "report.json").is_file()
