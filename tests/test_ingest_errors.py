"""Bad transcript files give one clear InputError that names the file and the fix."""

from __future__ import annotations

import logging
import random

import pytest

from pipeline.errors import InputError
from pipeline.ingest import parse_bytes, read_transcript
from pipeline.options import IngestOptions


def _error(tmp_path, name: str, data: bytes, **kw) -> InputError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_transcript(path, **kw)
    assert str(path) in str(info.value)
    return info.value


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t", "\ufeff".encode("utf-8"), "\n".encode("utf-16")])
def test_empty_file(tmp_path, data):
    err = _error(tmp_path, "call.vtt", data)
    assert "file is empty" in err.problem


def test_binary_garbage_named_vtt(tmp_path):
    rng = random.Random(7)
    err = _error(tmp_path, "call.vtt", bytes(rng.randrange(256) for _ in range(4000)))
    assert "binary" in err.problem
    assert "WebVTT" in err.hint and "SubRip" in err.hint  # lists what dialoog reads


@pytest.mark.parametrize("data,what", [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
                                       (b"PK\x03\x04" + bytes(60), "ZIP"),
                                       (b"\x00\x00\x00\x20ftypM4A " + bytes(40), "recording")])
def test_known_non_transcripts_are_named(tmp_path, data, what):
    err = _error(tmp_path, "call.txt", data)
    assert what in err.problem


def test_unknown_text_format(tmp_path):
    err = _error(tmp_path, "notes.txt", b"We met the supplier today.\nThe call went well.\n")
    assert "not a transcript format" in err.problem
    assert "dialoog JSON" in err.hint and "Teams" in err.hint


@pytest.mark.parametrize("name,data", [
    ("a.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there\n\n00:00:03.000 --> 00:00:04.000\nHi\n"),
    ("a.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHello there\n"),
    ("a.json", b'{"segments": [{"start": 0, "end": 1, "text": "hi"}]}'),
])
def test_no_speaker_names(tmp_path, name, data):
    err = _error(tmp_path, name, data)
    assert "no speaker names" in err.problem
    assert "export" in err.hint and "Name: " in err.hint


def test_some_cues_without_speaker_are_unknown_speaker(caplog):
    data = (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sanne>Hello</v>\n\n"
            b"00:00:03.000 --> 00:00:04.000\nHi\n")
    with caplog.at_level(logging.WARNING):
        _, cues = parse_bytes(data)
    assert [c.speaker for c in cues] == ["Sanne", "Unknown speaker"]
    assert "1 of 2 cues have no speaker name" in caplog.text


@pytest.mark.parametrize("timing,words", [
    ("00:00:05.000 --> 00:00:04.000", "ends"),
    ("100:00:01.000 --> 100:00:02.000", "99 hours"),
    ("00:61:01.000 --> 00:62:02.000", "minutes"),
    ("00:00:61.000 --> 00:01:02.000", "seconds"),
    ("00:00:0x.000 --> 00:00:02.000", "bad timestamp"),
])
def test_bad_timestamps_name_the_line(tmp_path, timing, words):
    data = f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v A>ok</v>\n\n2\n{timing}\n<v B>no</v>\n".encode()
    err = _error(tmp_path, "call.vtt", data)
    assert "line 8" in err.problem and words in err.problem
    assert err.hint


def test_bad_timestamp_in_text_stamps(tmp_path):
    err = _error(tmp_path, "call.txt", b"[00:00:01] Sanne: hi\n[00:00:75] Raj: yes\n")
    assert "line 2" in err.problem


def test_bad_json_segment(tmp_path):
    err = _error(tmp_path, "call.json", b'{"segments": [{"start": 2, "end": 1, "text": "x", "speaker": "A"}]}')
    assert "segment 1" in err.problem
    err = _error(tmp_path, "call.json", b'{"segments": [{"end": 1, "text": "x", "speaker": "A"}]}')
    assert "no 'start'" in err.problem
    err = _error(tmp_path, "call.json", b'{"title": "not a transcript"}')
    assert "not a transcript" in err.problem and "segments" in err.hint


def test_too_large(tmp_path):
    err = _error(tmp_path, "call.txt", b"Sanne: hello\n" * 100, options=IngestOptions(max_bytes=1000))
    assert "too large" in err.problem and "max_bytes" in err.hint


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_transcript(tmp_path / "nope.vtt")
    with pytest.raises(InputError, match="folder"):
        read_transcript(tmp_path)


def test_parse_bytes_without_a_name_still_explains():
    with pytest.raises(InputError, match="file is empty"):
        parse_bytes(b"")
    with pytest.raises(InputError) as info:
        parse_bytes(b"", name="x.vtt")
    assert str(info.value).startswith("x.vtt: file is empty")
