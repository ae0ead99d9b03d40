"""Generate the sample audio meeting ``data/sample/audio-call/`` with espeak-ng voices.

Reproducible: the same espeak-ng gives the same bytes.  Writes
``recording.wav`` (16 kHz mono 16-bit), ``reference.rttm`` (who speaks when),
``reference.txt`` (the words, one turn per line) and ``meeting.yaml``.

Usage:  python scripts/make_sample_audio.py [--out data/sample/audio-call]
Needs the ``espeak-ng`` program (Debian/Ubuntu: ``apt install espeak-ng``).
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.fileio import write_bytes_atomic, write_text_atomic  # noqa: E402

SR = 16_000

#: name, role, organisation, function, espeak-ng voice, words per minute
PEOPLE = {
    "Sanne de Vries": ("buyer", "Company B", "CSR specialist", "en+f2", 140),
    "Ravi Kumar": ("supplier", "Supplier B", "General manager", "en-us+m3", 130),
    "Anita Rao": ("cso", "Local CSO", "Project lead", "en+f4", 145),
}

#: (speaker, text, pause before in seconds; negative = starts that much before the previous turn ends)
SCRIPT = [
    ("Sanne de Vries", "Good morning Ravi, thank you for making time for this call today.", 0.0),
    ("Ravi Kumar", "Good morning. Yes, of course. We are happy to talk with you.", 0.6),
    ("Sanne de Vries", "I would like to start with our agenda. First introductions, then the training programme.", 0.7),
    ("Anita Rao", "And I can explain how the dialogue training works in the factory.", 0.8),
    ("Ravi Kumar", "Our main worry is the pressure on production. The orders are very high this season.", 0.9),
    ("Sanne de Vries", "I understand. How many workers would take part in the first round?", 0.6),
    ("Ravi Kumar", "Maybe fifty workers from the sewing section.", 0.7),
    ("Anita Rao", "Yes.", -0.5),
    ("Anita Rao", "That is a good start. The sessions take two hours every month, and workers choose their own representatives.", 0.8),
    ("Sanne de Vries", "What would you need from us to make this work for your team?", 0.7),
    ("Ravi Kumar", "Please send us a written summary, so I can discuss it with the owner.", 0.9),
    ("Sanne de Vries", "I will send the summary by email this week. Thank you both.", 0.6),
]


def synthesise(text: str, voice: str, wpm: int) -> np.ndarray:
    """espeak-ng speech as 16 kHz float32, leading and trailing silence trimmed."""
    import av

    raw = subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "--stdout", text],
                         check=True, capture_output=True).stdout
    with av.open(io.BytesIO(raw)) as c:
        res = av.AudioResampler(format="flt", layout="mono", rate=SR)
        parts = [f.to_ndarray().reshape(-1) for fr in c.decode(audio=0) for f in res.resample(fr)]
        parts += [f.to_ndarray().reshape(-1) for f in res.resample(None)]
    x = np.concatenate(parts).astype(np.float32)
    loud = np.flatnonzero(np.abs(x) > 0.02)
    return x[loud[0]:loud[-1] + 1] if loud.size else x


def build(out: Path) -> None:
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is not installed (apt install espeak-ng)")
    clips, turns, t = [], [], 0.0
    prev_end = 0.0
    for speaker, text, pause in SCRIPT:
        role, org, fn, voice, wpm = PEOPLE[speaker]
        x = synthesise(text, voice, wpm)
        start = max(0.0, prev_end + pause) if turns else 0.5
        clips.append((int(round(start * SR)), x))
        end = start + x.size / SR
        turns.append((speaker, round(start, 3), round(end, 3), text))
        prev_end = max(prev_end, end)
    total = int(round((prev_end + 0.8) * SR))
    mix = np.zeros(total, np.float32)
    for at, x in clips:
        mix[at:at + x.size] += 0.6 * x
    rng = np.random.default_rng(0)
    mix += rng.normal(0, 0.002, mix.size).astype(np.float32)  # a little room noise
    pcm = (np.clip(mix, -1, 1) * 32767).astype("<i2").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm)
    write_bytes_atomic(out / "recording.wav", buf.getvalue())
    rttm = "".join(f"SPEAKER recording 1 {s:.3f} {e - s:.3f} <NA> <NA> {spk.replace(' ', '_')} <NA> <NA>\n"
                   for spk, s, e, _ in turns)
    write_text_atomic(out / "reference.rttm", rttm)
    write_text_atomic(out / "reference.txt", "".join(text + "\n" for _, _, _, text in turns))
    lines = ["id: sample-audio-call", "pilot: dialoog sample (synthetic voices)", "company: Company B",
             "supplier: Supplier B", "date: 2021-05-12", "language: en", "channel: Teams", "kind: introduction",
             "media: recording.wav", "participants:"]
    for name, (role, org, fn, voice, _) in PEOPLE.items():
        lines += [f"  - name: {name}", f"    role: {role}", f"    organisation: {org}", f"    function: {fn}",
                  f"    aliases: [{name.replace(' ', '_')}]"]
    lines.append("notes: Synthetic voices (espeak-ng); generated by scripts/make_sample_audio.py.")
    write_text_atomic(out / "meeting.yaml", "\n".join(lines) + "\n")
    print(f"wrote {out}: {total / SR:.1f} s, {len(turns)} turns")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "data" / "sample" / "audio-call")
    build(ap.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
