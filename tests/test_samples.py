"""The sample meetings in data/sample/ and their generator scripts/make_samples.py."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SCRIPT_DIR = SAMPLE_DIR / "scripts"
SCRIPT_IDS = sorted(p.stem for p in SCRIPT_DIR.glob("*.yaml"))
# Folders of the written (scripted) meetings; the generated recording in audio-call has its own tests.
SAMPLE_FOLDERS = sorted(p for p in SAMPLE_DIR.iterdir() if p.is_dir() and (p / "transcript.vtt").exists())
ASSIGNABLE_ROLES = {"buyer", "supplier", "cso", "union", "other"}
_VOICE = re.compile(r"^<v ([^>]+)>(.*)</v>$")
_TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")
_CUE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/\d+-\d+$")


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_samples = _load_generator()


def _seconds(groups: tuple[str, ...]) -> float:
    h, m, s, ms = (int(g) for g in groups)
    return h * 3600 + m * 60 + s + ms / 1000


def _cues(vtt: str) -> list[tuple[str, float, float, str, str]]:
    """(cue id, start, end, speaker, text) for every cue of a Teams-style VTT."""
    blocks = [b.split("\n") for b in vtt.strip().split("\n\n")]
    assert blocks[0] == ["WEBVTT"]
    cues = []
    for block in blocks[1:]:
        assert len(block) == 3, block
        timing = _TIMING.match(block[1])
        voice = _VOICE.match(block[2])
        assert timing and voice, block
        cues.append((block[0], _seconds(timing.groups()[:4]), _seconds(timing.groups()[4:]),
                     voice.group(1), voice.group(2)))
    return cues


def test_there_are_sample_scripts_and_each_has_a_folder():
    assert {"companyA-intro", "companyB-call1", "companyB-call2", "nl-leverancier-gesprek"} <= set(SCRIPT_IDS)
    assert {p.name for p in SAMPLE_FOLDERS} == set(SCRIPT_IDS)


def test_generator_is_deterministic(tmp_path):
    first = make_samples.build(tmp_path / "a")
    second = make_samples.build(tmp_path / "b")
    assert sorted(first) == SCRIPT_IDS
    for meeting_id in SCRIPT_IDS:
        assert first[meeting_id].read_bytes() == second[meeting_id].read_bytes()


def test_committed_transcripts_are_up_to_date():
    for meeting_id in SCRIPT_IDS:
        committed = (SAMPLE_DIR / meeting_id / "transcript.vtt").read_text(encoding="utf-8")
        fresh = make_samples.render_vtt(meeting_id, make_samples.load_script(SCRIPT_DIR / f"{meeting_id}.yaml"))
        assert committed == fresh, f"{meeting_id}: run scripts/make_samples.py"


def test_generator_never_writes_the_manifest(tmp_path):
    folder = tmp_path / "companyB-call1"
    folder.mkdir()
    manifest = folder / "meeting.yaml"
    manifest.write_text("id: hand-written\n", encoding="utf-8")
    make_samples.build(tmp_path, ids=["companyB-call1"])
    assert manifest.read_text(encoding="utf-8") == "id: hand-written\n"
    assert sorted(p.name for p in folder.iterdir()) == ["meeting.yaml", "transcript.vtt"]


@pytest.mark.parametrize("folder", SAMPLE_FOLDERS, ids=lambda p: p.name)
def test_sample_folder_is_complete_and_consistent(folder):
    for name in ("meeting.yaml", "transcript.vtt", "NOTES.md"):
        assert (folder / name).is_file(), f"{folder.name}: {name} missing"
    manifest = yaml.safe_load((folder / "meeting.yaml").read_text(encoding="utf-8"))
    assert manifest["id"] == folder.name
    assert manifest["language"] in {"en", "nl"}
    assert manifest["transcript"] == "transcript.vtt"
    speakers = {c[3] for c in _cues((folder / "transcript.vtt").read_text(encoding="utf-8"))}
    names = set()
    for p in manifest["participants"]:
        assert p["role"] in ASSIGNABLE_ROLES
        labels = {p["name"], *p.get("aliases", [])}
        names |= labels
        assert labels & speakers, f"{folder.name}: participant {p['name']} never speaks"
    assert speakers <= names, f"{folder.name}: speakers not in the manifest: {speakers - names}"
    assert {"buyer", "supplier"} <= {p["role"] for p in manifest["participants"]}


@pytest.mark.parametrize("meeting_id", SCRIPT_IDS)
def test_transcript_looks_like_teams(meeting_id):
    cues = _cues((SAMPLE_DIR / meeting_id / "transcript.vtt").read_text(encoding="utf-8"))
    turns = make_samples.load_script(SCRIPT_DIR / f"{meeting_id}.yaml")
    assert all(_CUE_ID.match(c[0]) for c in cues)
    assert len({c[0] for c in cues}) == len(cues)
    assert all(0 < end - start <= 12.5 for _, start, end, _, _ in cues)
    assert [c[1] for c in cues] == sorted(c[1] for c in cues)
    # every word of the script arrives, in order, and long turns were split
    assert " ".join(c[4] for c in cues).split() == " ".join(
        t["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for t in turns).split()
    assert len(cues) > len(turns)
    minutes = (cues[-1][2] - cues[0][1]) / 60
    assert 9 <= minutes <= 30, minutes


def test_pause_and_overlap_are_honoured():
    turns = [
        {"speaker": "A", "text": "What effect do you see?"},
        {"speaker": "B", "text": "Well, let me think.", "pause_before_s": 5.0},
        {"speaker": "A", "text": "Sorry, go on.", "overlap_s": 0.6},
    ]
    cues = _cues(make_samples.render_vtt("t", turns))
    assert cues[1][1] - cues[0][2] == pytest.approx(5.0, abs=0.002)
    assert cues[2][1] < cues[1][2]


def test_a_long_turn_is_split_into_short_cues():
    text = " ".join(f"Sentence number {i} has some words in it." for i in range(20))
    chunks = make_samples.split_cues(text, wpm=150)
    assert len(chunks) > 3
    assert " ".join(chunks).split() == text.split()
    assert all(len(c.split()) <= 150 * make_samples.MAX_CUE_S / 60 for c in chunks)


def test_bad_script_is_refused(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("- speaker: A\n  txt: hello\n", encoding="utf-8")
    with pytest.raises(make_samples.ScriptError):
        make_samples.load_script(bad)
