"""Soak test: memory, open files and child processes over a long ``dialoog batch``.

    python benchmarks/bench_soak.py [--n 5000] [--workers 2] [--fake-cpu-ms MS] [--csv soak.csv]

Runs ``dialoog batch`` on an archive of N meetings (``make_archive.py``) in a
subprocess and samples, every second: RSS of the batch process and of all its
descendants (workers, the ephemeral Prefect server), open file descriptors of
the batch process, and the number of descendants.  Prints the samples'
summary: RSS in the first and last fifth of the run (flat = no leak), the
maximum, file handles at start/end, and whether any child outlived the batch.
``--fake-cpu-ms`` uses the fake analyser from ``tests/flows_fake.py``.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def sample(proc: psutil.Process) -> dict | None:
    try:
        kids = proc.children(recursive=True)
        rss = proc.memory_info().rss
        fds = proc.num_fds()
    except psutil.NoSuchProcess:
        return None
    kid_rss = 0
    for k in kids:
        try:
            kid_rss += k.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return {"rss_mb": rss / 2**20, "children_rss_mb": kid_rss / 2**20, "fds": fds, "children": len(kids),
            "kid_pids": {k.pid for k in kids}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--fake-cpu-ms", type=float, default=None)
    ap.add_argument("--csv", type=Path, default=None)
    ap.add_argument("--work", type=Path, default=None)
    a = ap.parse_args()
    from benchmarks.make_archive import make_archive

    work = a.work or Path(tempfile.mkdtemp(prefix="dialoog-soak-"))
    kind = make_archive(work / "archive", a.n, use_synthetic=a.fake_cpu_ms is not None)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if a.fake_cpu_ms is not None:
        env.update(DIALOOG_ANALYZER="tests.flows_fake:analyze", DIALOOG_FAKE_CPU_MS=str(a.fake_cpu_ms))
    cmd = [sys.executable, "-m", "flows.cli", "-q", "batch", str(work / "archive"), "--out", str(work / "out"),
           "--workers", str(a.workers)]
    t0 = time.perf_counter()
    # Output goes to files: a pipe nobody drains until the end fills up (64 KB of worker
    # warnings) and blocks the whole batch.
    out_f = open(work / "batch.stdout", "w+", encoding="utf-8")  # noqa: SIM115
    err_f = open(work / "batch.stderr", "w+", encoding="utf-8")  # noqa: SIM115
    p = subprocess.Popen(cmd, env=env, stdout=out_f, stderr=err_f, text=True)
    proc = psutil.Process(p.pid)
    rows, all_kids = [], set()
    while p.poll() is None:
        s = sample(proc)
        if s:
            all_kids |= s.pop("kid_pids")
            rows.append({"t_s": round(time.perf_counter() - t0, 1), **{k: round(v, 1) for k, v in s.items()}})
        time.sleep(1.0)
    p.wait()
    out_f.seek(0)
    err_f.seek(0)
    out, err = out_f.read(), err_f.read()
    out_f.close()
    err_f.close()
    time.sleep(2.0)
    survivors = [pid for pid in all_kids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    if a.csv:
        with open(a.csv, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    at = lambda frac: rows[min(len(rows) - 1, int(frac * len(rows)))]  # noqa: E731
    marks = (0.3, 0.5, 0.7, 0.9)
    print(f"archive {a.n} meetings ({kind}), --workers {a.workers}, exit {p.returncode}, {time.perf_counter() - t0:.0f} s")
    print(out.strip().splitlines()[0] if out.strip() else err[-2000:])
    print("at % of run:     " + "  ".join(f"{int(m * 100):>5}%" for m in marks) + "   (the first ~30% is start-up)")
    print("batch RSS MB:    " + "  ".join(f"{at(m)['rss_mb']:>6.0f}" for m in marks) + f"   max {max(r['rss_mb'] for r in rows):.0f}")
    print("children RSS MB: " + "  ".join(f"{at(m)['children_rss_mb']:>6.0f}" for m in marks)
          + f"   max {max(r['children_rss_mb'] for r in rows):.0f}")
    print("open fds:        " + "  ".join(f"{at(m)['fds']:>6}" for m in marks) + f"   max {max(r['fds'] for r in rows)}")
    print(f"children       max {max(r['children'] for r in rows)}  distinct over the run {len(all_kids)}  "
          f"alive after exit {len(survivors)}")


if __name__ == "__main__":
    main()
