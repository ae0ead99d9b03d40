"""Decoding recordings with PyAV: every listed format, stereo, bad files, limits."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("av")

from pipeline.audio.load import SAMPLE_RATE, channels_are_distinct, load_audio  # noqa: E402
from pipeline.errors import InputError  # noqa: E402
from tests._audio_util import tone, write_audio  # noqa: E402

FORMATS = [
    ("clip.wav", "pcm_s16le", 44100, None),
    ("clip.flac", "flac", 44100, None),
    ("clip.mp3", "libmp3lame", 44100, None),
    ("clip.m4a", "aac", 44100, None),
    ("clip.aac", "aac", 44100, "adts"),
    ("clip.mp4", "aac", 44100, None),
    ("clip.webm", "libopus", 48000, None),
    ("clip.ogg", "libopus", 48000, None),
    ("clip.opus", "libopus", 48000, None),
]


def _peak_hz(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.argmax(spec) * SAMPLE_RATE / x.size)


@pytest.mark.parametrize("name,codec,rate,fmt", FORMATS, ids=[f[0] for f in FORMATS])
def test_every_format_decodes_to_16k_mono(tmp_path, name, codec, rate, fmt):
    path = write_audio(tmp_path / name, tone(1.0, rate, 440.0), codec, rate, fmt)
    audio = load_audio(path)
    assert audio.sample_rate == SAMPLE_RATE and audio.channels == 1
    assert audio.samples.dtype == np.float32
    assert 0.9 < audio.duration_s < 1.2
    assert abs(_peak_hz(audio.mono()) - 440.0) < 10      # the signal survived resampling
    assert 0.2 < np.max(np.abs(audio.mono())) <= 1.0


def test_stereo_call_keeps_its_channels(tmp_path):
    left = tone(1.0, 44100, 300.0)
    right = tone(1.0, 44100, 700.0)
    audio = load_audio(write_audio(tmp_path / "call.wav", np.stack([left, right]), "pcm_s16le"))
    assert audio.channels == 2 and audio.source_channels == 2
    assert abs(_peak_hz(audio.samples[0]) - 300) < 10 and abs(_peak_hz(audio.samples[1]) - 700) < 10
    assert channels_are_distinct(audio)
    assert load_audio(tmp_path / "call.wav", keep_stereo=False).channels == 1


def test_duplicated_mono_is_not_distinct(tmp_path):
    x = tone(1.0, 44100, 300.0)
    audio = load_audio(write_audio(tmp_path / "dup.wav", np.stack([x, x]), "pcm_s16le"))
    assert audio.channels == 2 and not channels_are_distinct(audio)


def test_zero_byte_file_is_input_error_naming_it(tmp_path):
    p = tmp_path / "empty.m4a"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty.m4a"):
        load_audio(p)


def test_corrupt_file_is_input_error(tmp_path):
    p = tmp_path / "noise.mp3"
    p.write_bytes(np.random.default_rng(1).bytes(5000))
    with pytest.raises(InputError, match="noise.mp3"):
        load_audio(p)


def test_truncated_m4a_is_input_error(tmp_path):
    full = write_audio(tmp_path / "full.m4a", tone(2.0), "aac")
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(full.read_bytes()[:200])
    with pytest.raises(InputError, match="cut.m4a"):
        load_audio(cut)


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="nothere.wav"):
        load_audio(tmp_path / "nothere.wav")


def test_text_file_is_input_error(tmp_path):
    p = tmp_path / "notes.wav"
    p.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n")
    with pytest.raises(InputError):
        load_audio(p)


def test_longer_than_max_duration_is_refused(tmp_path):
    p = write_audio(tmp_path / "long.flac", tone(3.0), "flac")
    with pytest.raises(InputError, match="over the limit"):
        load_audio(p, max_duration_s=1.0)
    assert load_audio(p, max_duration_s=10).duration_s == pytest.approx(3.0, abs=0.05)


def test_silence_loads_as_silent(tmp_path):
    p = write_audio(tmp_path / "quiet.wav", np.zeros(44100, np.float32), "pcm_s16le")
    audio = load_audio(p)
    assert audio.is_silent and audio.duration_s == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("name,vcodec,acodec,rate", [("video.mp4", "mpeg4", "aac", 44100),
                                                     ("video.webm", "libvpx", "libopus", 48000)])
def test_audio_track_of_a_video_file(tmp_path, name, vcodec, acodec, rate):
    import av

    path = tmp_path / name
    sig = tone(1.0, rate, 440.0)[None, :]
    with av.open(str(path), "w") as out:
        v = out.add_stream(vcodec, rate=10)
        v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        a = out.add_stream(acodec, rate=rate)
        a.layout = "mono"
        for i in range(10):
            img = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 20, np.uint8), format="rgb24")
            for pkt in v.encode(img):
                out.mux(pkt)
        fs = a.codec_context.frame_size or 1024
        for i in range(0, sig.shape[1], fs):
            fr = av.AudioFrame.from_ndarray(np.ascontiguousarray(sig[:, i:i + fs]), format="fltp", layout="mono")
            fr.sample_rate = rate
            for pkt in a.encode(fr):
                out.mux(pkt)
        for s in (v, a):
            for pkt in s.encode(None):
                out.mux(pkt)
    audio = load_audio(path)
    assert 0.9 < audio.duration_s < 1.2 and abs(_peak_hz(audio.mono()) - 440) < 10
