"""Soak benchmark of the pipeline itself: thousands of meetings in one process, flat memory, no leaked files.

One process analyses N small, varied, generated meetings one after the other
with the real pipeline (``pipeline.analyze.analyze_path``: ingest, tag, metrics,
lessons, HTML/Markdown/JSON reports), sampling its RSS, open file descriptors
and child processes every ``--every`` meetings.  (``benchmarks/bench_soak.py``
does the same for ``dialoog batch``: Prefect, the worker pool and the store.)

The "baseline" is the first sample after warm-up (10% of the meetings); the
result gives the last and the peak sample side by side with it, as ratios, plus
the absolute numbers.  Flat means: RSS ratio ≤ 1.10 and open files back to the
baseline at the end.

    python benchmarks/bench_soak_pipeline.py --meetings 5000
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TEMPLATE = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
<v Anna Visser>Welcome {n}. What would you like to talk about today?</v>

2
00:00:05.500 --> 00:00:11.000
<v Ravi Menon>Thank you. Meeting {n}: we have {k} complaints about overtime in the {w} unit.</v>

3
00:00:11.500 --> 00:00:15.000
<v Anna Visser>How do you see the situation with the workers?</v>

4
00:00:15.500 --> 00:00:24.000
<v Ravi Menon>We do not recognise these complaints. Our systems are in order, we passed the audit.</v>

5
00:00:24.500 --> 00:00:30.000
<v Anna Visser>So you feel the audit shows it is fine. Who decides about the overtime policy?</v>
"""
MANIFEST = """id: soak-{n:05d}
pilot: soak pilot {p}
company: Company S
supplier: Supplier {p}
date: 2021-05-{d:02d}
language: en
transcript: transcript.vtt
participants:
  - name: Anna Visser
    role: buyer
  - name: Ravi Menon
    role: supplier
"""
UNITS = ("knitting", "dyeing", "cutting", "packing", "finishing")


def make_meetings(root: Path, n: int) -> list[Path]:
    folders = []
    for i in range(n):
        d = root / f"m{i:05d}"
        d.mkdir(parents=True)
        (d / "meeting.yaml").write_text(MANIFEST.format(n=i, p=i % 7, d=1 + i % 28), encoding="utf-8")
        (d / "transcript.vtt").write_text(TEMPLATE.format(n=i, k=i % 13, w=UNITS[i % 5]), encoding="utf-8")
        folders.append(d)
    return folders


def _proc_stats(proc) -> tuple[float, int, int]:
    """(RSS MB, open fds, live children) of a psutil process and its descendants."""
    import psutil

    rss, fds, kids = 0, 0, 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            if p.status() == psutil.STATUS_ZOMBIE:
                continue
            rss += p.memory_info().rss
            fds += p.num_fds()
            kids += p is not proc
        except psutil.Error:
            continue
    return rss / 1e6, fds, kids


def run_pipeline(n: int, every: int, tmp: Path) -> dict:
    import psutil

    from pipeline.analyze import analyze_path

    logging.disable(logging.WARNING)
    folders = make_meetings(tmp / "in", n)
    me = psutil.Process()
    samples = []
    t0 = time.perf_counter()
    for i, folder in enumerate(folders, 1):
        analyze_path(folder, tmp / "out")
        if i % every == 0 or i == n:
            rss, fds, kids = _proc_stats(me)
            samples.append({"meetings": i, "rss_mb": round(rss, 1), "fds": fds, "children": kids,
                            "s": round(time.perf_counter() - t0, 1)})
            print(f"  {i:>6} meetings  rss {rss:7.1f} MB  fds {fds:4d}  children {kids}  {samples[-1]['s']:7.1f} s",
                  flush=True)
    reports = sum(1 for _ in (tmp / "out").glob("*/report.json"))
    return {"mode": "pipeline", "meetings": n, "reports": reports, "samples": samples,
            "seconds": round(time.perf_counter() - t0, 1)}


def verdict(result: dict) -> dict:
    samples = [s for s in result["samples"] if s["meetings"] >= max(1, result["meetings"] // 10)]
    if len(samples) < 2:
        return {"flat": None, "note": "too few samples"}
    base, last = samples[0], samples[-1]
    peak = max(s["rss_mb"] for s in samples)
    return {
        "baseline_at": base["meetings"], "baseline_rss_mb": base["rss_mb"], "end_rss_mb": last["rss_mb"],
        "peak_rss_mb": peak, "rss_ratio_end_vs_baseline": round(last["rss_mb"] / base["rss_mb"], 3),
        "rss_ratio_peak_vs_baseline": round(peak / base["rss_mb"], 3),
        "baseline_fds": base["fds"], "end_fds": last["fds"], "max_fds": max(s["fds"] for s in samples),
        "flat": last["rss_mb"] / base["rss_mb"] <= 1.10 and last["fds"] <= base["fds"] + 2,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meetings", type=int, default=5000)
    ap.add_argument("--every", type=int, default=250, help="sample every N meetings")
    ap.add_argument("--json", metavar="FILE", help="also write the result as JSON")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dialoog-soak-") as tmp:
        result = run_pipeline(args.meetings, args.every, Path(tmp))
    result["verdict"] = verdict(result)
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if result["verdict"].get("flat") is not False else 1


if __name__ == "__main__":
    sys.exit(main())
