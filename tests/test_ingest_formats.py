"""The same conversation, in every format and encoding, reads into the same turns."""

from __future__ import annotations

import json
import math

import pytest

from pipeline.ingest import parse_bytes, read_transcript
from pipeline.types import Meeting, Participant
from tests._ingest_samples import BINARY_FORMATS, CONVERSATION, JOSE, SANNE, TEXT_FORMATS, TURNS, UNAL

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]
ALL_FORMATS = {**TEXT_FORMATS, **BINARY_FORMATS}


def _encode(text: str, encoding: str, crlf: bool = False) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode(encoding)


def _check_turns(transcript, precision):
    """Speakers, texts and (where the format has them) times of the expected turns."""
    utts = transcript.utterances
    assert [u.speaker for u in utts] == [CONVERSATION[t[0]][0] for t in TURNS]
    assert [u.text for u in utts] == [" ".join(CONVERSATION[i][3] for i in t) for t in TURNS]
    assert [u.id for u in utts] == [f"u{i:04d}" for i in range(1, len(TURNS) + 1)]
    assert [len(u.cues) for u in utts] == [len(t) for t in TURNS]
    starts = [u.start for u in utts]
    assert starts == sorted(starts)
    for u in utts:
        assert u.end >= u.start
    if precision == "ms":
        assert starts == [CONVERSATION[t[0]][1] for t in TURNS]
        assert [u.end for u in utts] == [CONVERSATION[t[-1]][2] for t in TURNS]
        assert [c for u in utts for c in u.cues] == [(s, e) for _, s, e, _ in CONVERSATION]
    elif precision == "s":
        assert starts == [float(math.floor(CONVERSATION[t[0]][1])) for t in TURNS]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("key", sorted(TEXT_FORMATS))
def test_text_formats_in_every_encoding(tmp_path, key, encoding):
    writer, fmt, precision = TEXT_FORMATS[key]
    data = _encode(writer(), encoding, crlf=encoding in ("cp1252", "utf-16"))
    name, cues = parse_bytes(data, name=f"meeting.{key}")
    assert name == fmt
    assert [c.speaker for c in cues] == [who for who, *_ in CONVERSATION]
    path = tmp_path / f"meeting.{key}"
    path.write_bytes(data)
    _check_turns(read_transcript(path), precision)


@pytest.mark.parametrize("key", sorted(ALL_FORMATS))
def test_every_format_gives_the_same_turns(tmp_path, key):
    writer, fmt, precision = ALL_FORMATS[key]
    data = writer()
    path = tmp_path / "Company B call 1.dat"  # the extension says nothing
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    transcript = read_transcript(path)
    assert transcript.source_format == fmt
    assert transcript.meeting.id == "company-b-call-1"
    assert transcript.meeting.source == str(path)
    _check_turns(transcript, precision)


@pytest.mark.parametrize("key", ["teams-vtt", "srt", "zoom-captions", "text"])
def test_old_mac_line_endings(key):
    writer, fmt, _ = TEXT_FORMATS[key]
    name, cues = parse_bytes(writer().replace("\n", "\r").encode("utf-8"))
    assert name == fmt and [c.text for c in cues] == [t for *_, t in CONVERSATION]


@pytest.mark.parametrize("key,suffix", [("teams-vtt", ".txt"), ("srt", ".vtt"), ("zoom-captions", ".srt"),
                                        ("whisper-json", ".txt"), ("teams-text", ".docx")])
def test_sniffing_ignores_a_wrong_extension(tmp_path, key, suffix):
    writer, fmt, _ = TEXT_FORMATS[key]
    path = tmp_path / f"transcript{suffix}"
    path.write_text(writer(), encoding="utf-8")
    assert read_transcript(path).source_format == fmt


def test_docx_named_txt_is_still_a_docx(tmp_path):
    writer, fmt, precision = BINARY_FORMATS["teams-docx"]
    path = tmp_path / "transcript.txt"
    path.write_bytes(writer())
    t = read_transcript(path)
    assert t.source_format == fmt
    _check_turns(t, precision)


def test_roles_and_language_come_from_the_meeting(tmp_path):
    writer, *_ = TEXT_FORMATS["teams-vtt"]
    path = tmp_path / "call.vtt"
    path.write_text(writer(), encoding="utf-8")
    meeting = Meeting(id="b1", language="en", participants=(
        Participant(SANNE, "buyer"), Participant("Ünal K.", "supplier", aliases=(UNAL,)), Participant(JOSE, "cso")))
    t = read_transcript(path, meeting)
    assert [u.role for u in t.utterances] == ["buyer", "supplier", "buyer", "supplier", "cso", "supplier", "buyer"]
    assert {u.speaker for u in t.utterances} == {SANNE, "Ünal K.", JOSE}  # the alias became the name
    assert {u.language for u in t.utterances} == {"en"}
    assert t.meeting.source == str(path) and t.meeting.id == "b1"


def test_transcript_json_round_trip(tmp_path):
    writer, *_ = TEXT_FORMATS["whisper-json"]
    src = tmp_path / "call.json"
    src.write_text(writer(), encoding="utf-8")
    meeting = Meeting(id="b1", pilot="SER India", participants=(
        Participant(SANNE, "buyer"), Participant(UNAL, "supplier"), Participant(JOSE, "cso", decision_maker=False)))
    first = read_transcript(src, meeting)
    assert all(u.words for u in first.utterances)
    again_path = tmp_path / "again.json"
    again_path.write_text(json.dumps(first.to_dict(), ensure_ascii=False), encoding="utf-8")
    again = read_transcript(again_path)  # the meeting stored in the JSON is used
    assert again.source_format == "dialoog-json"
    assert again.meeting.participants == meeting.participants and again.meeting.pilot == "SER India"
    fields = lambda t: [(u.id, u.speaker, u.role, u.start, u.end, u.text, u.words) for u in t.utterances]  # noqa: E731
    assert fields(again) == fields(first)
    # report.json shape: the transcript under a "transcript" key
    report_path = tmp_path / "report.json"
    report_path.write_text(json.dumps({"schema_version": "1.0", "transcript": first.to_dict()}), encoding="utf-8")
    assert fields(read_transcript(report_path)) == fields(first)


def test_whisperx_word_speakers_fill_a_missing_segment_speaker():
    _, cues = parse_bytes(json.dumps([
        {"start": 0.0, "end": 1.0, "text": "Hello there", "words": [
            {"word": "Hello", "start": 0.0, "end": 0.4, "speaker": "SPEAKER_01"},
            {"word": "there", "speaker": "SPEAKER_01"}]},  # WhisperX: no times for some words
    ]).encode())
    assert cues[0].speaker == "SPEAKER_01"
    assert [w.text for w in cues[0].words] == ["Hello"]


def test_zero_cue_transcripts_are_empty_not_errors(tmp_path):
    for name, data in [("a.vtt", "WEBVTT\n\nNOTE nothing said yet\n"), ("b.json", '{"segments": []}'),
                       ("c.json", "[]"), ("d.json", '{"utterances": []}')]:
        path = tmp_path / name
        path.write_text(data, encoding="utf-8")
        t = read_transcript(path)
        assert t.utterances == () and t.duration_s == 0.0


def test_teams_vtt_details():
    data = ("WEBVTT\nKind: captions\n\n"
            "1/0-0\n00:00:02.000 --> 00:00:03.000 align:start\n<v.loud Raj Patel>Fish &amp; <i>chips</i>&nbsp;ok</v>\n\n"
            "1/1-0\n00:00:01.000 --> 00:00:02.000\n<v Sanne>Hi</v>\n\n"
            "1/2-0\n00:00:04.000 --> 00:00:05.000\n<v Sanne>Yes.</v> <v Raj Patel>No.</v>\n")
    fmt, cues = parse_bytes(data.encode())
    assert fmt == "teams-vtt"
    assert [(c.speaker, c.text) for c in cues] == [
        ("Sanne", "Hi"), ("Raj Patel", "Fish & chips ok"), ("Sanne", "Yes."), ("Raj Patel", "No.")]
    assert cues[0].start == 1.0  # unordered cues are sorted


def test_text_speaker_lines_and_continuations():
    fmt, cues = parse_bytes("Notes, 12 May\nSanne: Hello,\nhow are you?\nRaj Patel:\nFine.\n".encode())
    assert fmt == "text-untimed"
    assert [(c.speaker, c.text) for c in cues] == [("Sanne", "Hello, how are you?"), ("Raj Patel", "Fine.")]
    assert cues[0].end == cues[1].start > 0  # back to back, estimated from word counts


def test_zoom_captions_with_clock_times_count_from_the_first_caption():
    data = b"[Sanne] 23:59:58\nGood evening.\n[Raj] 00:00:03\nHello.\n"
    fmt, cues = parse_bytes(data)
    assert fmt == "zoom-captions"
    assert [(c.speaker, c.start) for c in cues] == [("Sanne", 0.0), ("Raj", 5.0)]


def test_teams_system_lines_and_guest_names():
    data = ("Sanne de Vries started transcription\n\nSanne de Vries   0:03\nHello.\n"
            "Raj Patel (Guest)   0:05\nHi.\nSanne de Vries stopped transcription\n").encode()
    fmt, cues = parse_bytes(data)
    assert fmt == "teams-text-header"
    assert [(c.speaker, c.text) for c in cues] == [("Sanne de Vries", "Hello."), ("Raj Patel (Guest)", "Hi.")]


def test_plain_text_names_with_parentheses_and_stamp_after_name():
    fmt, cues = parse_bytes(b"Raj Patel (Supplier B): Hello.\nSanne (00:07): Hi.\n")
    assert fmt == "text-partly-timed"
    assert [(c.speaker, c.start) for c in cues] == [("Raj Patel (Supplier B)", 0.0), ("Sanne", 7.0)]


def test_stamp_lines_of_their_own_time_the_next_speaker_line():
    data = b"Call - Transcript\n00:00:00\nSanne: Hello.\nRaj: Hi there.\n00:05:00\nSanne: Five minutes later.\n"
    fmt, cues = parse_bytes(data)
    assert fmt == "text-partly-timed"
    assert [(c.speaker, c.start, c.text) for c in cues] == [
        ("Sanne", 0.0, "Hello."), ("Raj", 0.4, "Hi there."), ("Sanne", 300.0, "Five minutes later.")]


def test_plain_text_stamps_with_milliseconds_and_bare_stamps():
    fmt, cues = parse_bytes(b"(00:00:01.250) Sanne: Hello.\n00:00:02.5 Raj: Hi.\n")
    assert fmt == "text"
    assert [(c.speaker, c.start) for c in cues] == [("Sanne", 1.25), ("Raj", 2.5)]
