"""Benchmark: ingest + talk-time metrics on a 2-hour Teams transcript.

Generates a 2-hour, 4-speaker Teams WebVTT (≈ 2,400 cues), then times, side by
side, (a) a baseline that only reads and decodes the file and splits it into
lines, (b) ``read_transcript`` (sniff, parse, merge into turns), and
(c) ``compute_metrics``.  Reports the median of several runs.

    python benchmarks/bench_ingest_metrics.py [--hours 2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

SPEAKERS = ["Sanne de Vries", "Rajesh Kumar", "Anita Desai", "Pieter Jansen"]
WORDS = ("we would like to understand how the training could work for your workers and what "
         "effect you expect on production planning during the season").split()


def ts(t: float) -> str:
    ms = round(t * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    return f"{h:02d}:{m:02d}:{rem // 1000:02d}.{rem % 1000:03d}"


def make_vtt(hours: float, seed: int = 1) -> str:
    rnd = random.Random(seed)
    t, i, lines = 0.0, 0, ["WEBVTT", ""]
    spk = SPEAKERS[0]
    while t < hours * 3600:
        if rnd.random() < 0.55:
            spk = rnd.choice([s for s in SPEAKERS if s != spk])
        dur = rnd.uniform(0.8, 5.5)
        text = " ".join(rnd.choice(WORDS) for _ in range(max(1, int(dur * 2.5))))
        lines += [f"5d3a9c1e-{i // 7}/{i}-0", f"{ts(t)} --> {ts(t + dur)}", f"<v {spk}>{text}</v>", ""]
        t += dur + rnd.uniform(0.05, 1.2)
        i += 1
    return "\n".join(lines)


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import logging

    logging.disable(logging.WARNING)  # the generated speakers have no roles; that warning is expected
    from pipeline.ingest import read_transcript
    from pipeline.metrics import compute_metrics

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.vtt"
        path.write_text(make_vtt(args.hours), encoding="utf-8")
        base_t, lines = median_time(lambda: path.read_bytes().decode("utf-8").splitlines(), args.repeat)
        ingest_t, tr = median_time(lambda: read_transcript(path), args.repeat)
        metrics_t, _ = median_time(lambda: compute_metrics(tr), args.repeat)
    total = ingest_t + metrics_t
    print(f"transcript: {args.hours:g} h, {len(lines):,} lines, {len(tr.utterances):,} turns")
    print(f"baseline read+decode+split : {base_t * 1000:8.1f} ms")
    print(f"read_transcript            : {ingest_t * 1000:8.1f} ms  ({ingest_t / base_t:.0f}x baseline)")
    print(f"compute_metrics            : {metrics_t * 1000:8.1f} ms")
    print(f"ingest + metrics           : {total * 1000:8.1f} ms  (target: well under 1000 ms)")


if __name__ == "__main__":
    main()
