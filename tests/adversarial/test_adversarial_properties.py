"""Property-based tests: every parser either parses or raises dialoog's own InputError.

Never another exception, never a hang (see ``guards.no_hang``), and what a
parser accepts is sane (finite, ordered times; ids in order).  Example counts
come from the Hypothesis profile (``HYPOTHESIS_PROFILE=ci``: 200, derandomised).
Parsers that are not on this branch yet are skipped.
"""

from __future__ import annotations

import importlib
import math
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.types import Cue, Meeting, Participant, Transcript, UtteranceTags

from .guards import result_or_input_error
from .strategies import any_transcript_bytes, manifest_dict, role_args, toml_junk, transcript_names, yaml_junk


def _get(module: str, attr: str):
    try:
        return getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None


def needs(module: str, attr: str):
    """The parser under test must exist: a missing one fails collection instead of skipping."""
    if _get(module, attr) is None:
        raise ImportError(f"{module}.{attr} is missing")
    return lambda test: test


def _need(module: str, attr: str):
    return _get(module, attr)


def _finite_ordered(start: float, end: float) -> None:
    assert math.isfinite(start) and math.isfinite(end), (start, end)
    assert 0 <= start <= end, (start, end)


# ---------------------------------------------------------------- transcripts


@needs("pipeline.ingest", "parse_bytes")
@given(data=any_transcript_bytes, name=transcript_names)
@example(data=b"", name="t.vtt")
@example(data=b"\x00" * 64, name="t.vtt")
@example(data=b"\x89PNG\r\n\x1a\n" + bytes(range(256)), name="t.vtt")
@example(data=b"PK\x03\x04garbage", name="t.docx")
@example(data=b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\n<v A>end before start</v>\n", name="t.vtt")
@example(data=b"WEBVTT\n\n120:00:00.000 --> 121:00:00.000\n<v A>hours over 99</v>\n", name="t.vtt")
@example(data=b"\xff\xfeW\x00E\x00B\x00", name="t.vtt")
def test_parse_bytes_parses_or_raises_input_error(data: bytes, name: str) -> None:
    parse_bytes = _need("pipeline.ingest", "parse_bytes")
    out = result_or_input_error(parse_bytes, data, name)
    if isinstance(out, InputError):
        return
    fmt, cues = out
    assert isinstance(fmt, str) and fmt
    for cue in cues:
        assert isinstance(cue, Cue)
        assert isinstance(cue.speaker, str) and isinstance(cue.text, str)
        _finite_ordered(cue.start, cue.end)


@needs("pipeline.ingest", "read_transcript")
@given(data=any_transcript_bytes, suffix=st.sampled_from([".vtt", ".srt", ".json", ".txt", ".docx", ".sbv"]))
def test_read_transcript_parses_or_names_the_file(data: bytes, suffix: str) -> None:
    read_transcript = _need("pipeline.ingest", "read_transcript")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"meeting{suffix}"
        path.write_bytes(data)
        out = result_or_input_error(read_transcript, path)
        if isinstance(out, InputError):
            assert path.name in str(out), f"error does not name the file: {out}"
            return
    assert isinstance(out, Transcript)
    ids = [u.id for u in out.utterances]
    assert ids == [f"u{i:04d}" for i in range(1, len(ids) + 1)]
    starts = [u.start for u in out.utterances]
    assert starts == sorted(starts)
    for u in out.utterances:
        _finite_ordered(u.start, u.end)


# ---------------------------------------------------------------- manifests


def _manifest_text(value) -> str:
    if isinstance(value, str):
        return value
    return yaml.safe_dump(value, allow_unicode=True)


@needs("pipeline.manifest", "load_manifest")
@given(doc=st.one_of(manifest_dict, yaml_junk), name=st.sampled_from(["meeting.yaml", "meeting.yml", "meeting.toml"]))
@example(doc={"id": "m", "transcript": "../../etc/passwd"}, name="meeting.yaml")
@example(doc={"id": "m", "transcript": "/etc/passwd"}, name="meeting.yaml")
@example(doc={"id": "m", "media": "../outside.wav"}, name="meeting.yaml")
@example(doc={"id": "m", "transcript": "link.vtt"}, name="meeting.yaml")
@example(doc={"id": "m", "participants": [{"name": "A", "role": "suplier"}]}, name="meeting.yaml")
@example(doc={"id": "m", "transcrpt": "t.vtt"}, name="meeting.yaml")
def test_load_manifest_parses_or_raises_input_error(doc, name: str) -> None:
    load_manifest = _need("pipeline.manifest", "load_manifest")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "meeting"
        folder.mkdir()
        (folder / "t.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v A>hi</v>\n")
        (root / "outside.wav").write_bytes(b"RIFF")
        (folder / "link.vtt").symlink_to(root / "outside.wav")
        path = folder / name
        path.write_text(_manifest_text(doc), encoding="utf-8")
        out = result_or_input_error(load_manifest, path)
        if isinstance(out, InputError):
            assert name in str(out), f"error does not name the manifest: {out}"
            return
        assert isinstance(out.meeting, Meeting) and out.meeting.id
        for target in (out.transcript, out.media):
            if target is not None:
                assert Path(target).resolve().is_relative_to(folder.resolve()), f"escapes the folder: {target}"


@needs("pipeline.manifest", "apply_roles")
@given(args=st.lists(role_args, max_size=5))
@example(args=["Sanne=buyer", "Sanne=supplier"])
@example(args=["=buyer"])
@example(args=["Sanne"])
@example(args=["Sanne=suplier"])
def test_apply_roles_parses_or_raises_input_error(args: list[str]) -> None:
    apply_roles = _need("pipeline.manifest", "apply_roles")
    meeting = Meeting(id="m", participants=(Participant("Sanne", "buyer"),))
    out = result_or_input_error(apply_roles, meeting, args)
    if isinstance(out, InputError):
        return
    assert isinstance(out, Meeting)
    from pipeline.types import ROLES

    assert all(p.role in ROLES for p in out.participants)


# ---------------------------------------------------------------- rubric files


@needs("pipeline.lessons", "load_rubric")
@given(text=toml_junk)
def test_load_rubric_parses_or_raises_input_error(text: str) -> None:
    load_rubric = _need("pipeline.lessons", "load_rubric")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "my-rubric.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out = result_or_input_error(load_rubric, path)
        if isinstance(out, InputError):
            assert path.name in str(out), f"error does not name the rubric file: {out}"


# ---------------------------------------------------------------- taggers (``dialoog tag`` input)


@pytest.fixture(scope="module")
def warm_taggers():
    """Load the tagging models once, outside the time guard and Hypothesis' deadline."""
    tag_text = _need("pipeline.tagging", "tag_text")
    if tag_text is not None:
        for lang in ("en", "nl"):
            tag_text("Is this loaded?", language=lang)


@needs("pipeline.tagging", "tag_text")
@given(text=st.text(max_size=400), language=st.sampled_from(["en", "nl"]),
       role=st.sampled_from([None, "buyer", "supplier", "unknown"]))
@example(text="why " * 5000, language="en", role="buyer")
@example(text="?" * 10_000, language="nl", role="supplier")
def test_tag_text_never_fails(warm_taggers, text: str, language: str, role) -> None:
    tag_text = _need("pipeline.tagging", "tag_text")
    out = result_or_input_error(tag_text, text, language=language, role=role, seconds=10)
    assert isinstance(out, UtteranceTags)


# ---------------------------------------------------------------- recordings


def _wav_bytes(seconds: float = 0.5, rate: int = 16000) -> bytes:
    import io
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00\xff\xff" * int(seconds * rate / 2))
    return buf.getvalue()


_WAV = _wav_bytes()


@needs("pipeline.audio.load", "load_audio")
@settings(max_examples=100)
@given(data=st.one_of(
    st.binary(max_size=4096),
    st.integers(0, len(_WAV)).map(lambda n: _WAV[:n]),                      # truncated anywhere
    st.tuples(st.integers(0, len(_WAV) - 1), st.binary(min_size=1, max_size=64)).map(
        lambda t: _WAV[:t[0]] + t[1] + _WAV[t[0] + len(t[1]):]),             # corrupted in place
), suffix=st.sampled_from([".wav", ".mp3", ".m4a", ".ogg", ".webm"]))
@example(data=_WAV[:34] + b"\x00" + _WAV[35:], suffix=".wav")   # bits per sample 0: no decoder (found by this test)
@example(data=_WAV[:20] + b"\xff\xff" + _WAV[22:], suffix=".wav")  # unknown format tag
def test_load_audio_decodes_or_raises_input_error(data: bytes, suffix: str) -> None:
    load_audio = _need("pipeline.audio.load", "load_audio")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"rec{suffix}"
        path.write_bytes(data)
        out = result_or_input_error(load_audio, path, max_duration_s=60, seconds=20)
        if isinstance(out, InputError):
            assert path.name in str(out), f"error does not name the recording: {out}"
            return
    assert out.samples.ndim == 2 and out.channels in (1, 2)
    assert out.duration_s <= 61
    import numpy as np

    assert np.isfinite(out.samples).all()


# ---------------------------------------------------------------- ``dialoog tag`` input files

_csv_like = st.one_of(
    st.binary(max_size=2048),
    st.lists(st.lists(st.text(max_size=20), max_size=4), max_size=6).map(
        lambda rows: "\n".join(",".join(r) for r in [["id", "text", "lang", "role"], *rows]).encode("utf-8")),
    st.lists(st.dictionaries(st.sampled_from(["id", "text", "lang", "role", "speaker", "x"]),
                             st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.integers(), max_size=2)),
                             max_size=5), max_size=6).map(
        lambda objs: "\n".join(__import__("json").dumps(o) for o in objs).encode("utf-8")),
)


@needs("pipeline.tagging.table_io", "read_rows")
@given(data=_csv_like, suffix=st.sampled_from([".csv", ".jsonl", ".json", ".txt"]))
@example(data=b'id,text\n1,"unclosed quote\n', suffix=".csv")
@example(data=b"\xff\xfe\x00\x00", suffix=".csv")
@example(data=b'{"id": 1}\n', suffix=".jsonl")
def test_tag_input_reads_or_raises_input_error(data: bytes, suffix: str) -> None:
    read_rows = _need("pipeline.tagging.table_io", "read_rows")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"rows{suffix}"
        path.write_bytes(data)
        out = result_or_input_error(read_rows, path)
        if isinstance(out, InputError):
            assert path.name in str(out), f"error does not name the input: {out}"
            return
    assert isinstance(out, list)
    for row in out:
        assert isinstance(row.get("id"), str) and isinstance(row.get("text"), str)
