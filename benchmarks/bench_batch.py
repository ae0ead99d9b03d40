"""Orchestration overhead and scaling of ``dialoog batch``, side by side with a plain loop.

    python benchmarks/bench_batch.py [--n 1000] [--procs 2] [--repeat R] [--runs plain,batch,…] [--fake-cpu-ms MS] [--skip-dask]

Builds an archive of N meetings (``make_archive.py``; the samples, or synthetic
``Name: text`` meetings with the fake analyser), then times, each in a fresh
subprocess and output folder:

* ``plain loop`` — the same pipeline function per meeting (``flows.work``'s
  analyser: resolve → load → analyse → write report files) in a
  ``multiprocessing.Pool`` of P processes; no hashing, no store, no Prefect;
* ``dialoog batch --workers P`` (Prefect, process pool, store, skip logic);
* ``dialoog batch --workers 1``, ``--dask-local P`` and ``--dask-local 1`` (scaling; ``dask1``
  is not in the default runs);

repeated ``--repeat`` times, interleaved, and prints the medians, meetings/s,
the time inside the flow as the batch summary reports it, and the ratios (target: batch ≤ 1.25× plain loop;
``--dask-local 2`` ≥ 1.6× one worker).  ``--fake-cpu-ms`` uses the fake
analyser from ``tests/flows_fake.py`` burning that much CPU per meeting
(for when the real pipeline is not installed); the default is the real pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def plain_loop(root: str, out: str, procs: int) -> int:
    """The baseline: the same per-meeting pipeline call in a plain multiprocessing pool."""
    import multiprocessing as mp

    from flows.discover import MANIFEST_NAMES

    folders = sorted(dp for dp, _, fs in os.walk(root) if any(m in fs for m in MANIFEST_NAMES))
    with mp.get_context("spawn").Pool(procs) as pool:
        n = sum(pool.imap_unordered(_one, [(f, out) for f in folders], chunksize=8))
    return n


def _one(args) -> int:
    from flows.discover import MeetingItem
    from flows.work import _analyzer
    from pipeline.options import AnalyzeOptions

    folder, out = args
    _analyzer()(MeetingItem(source=folder, meeting_id=None, input_hash="", is_folder=True), out, AnalyzeOptions())
    return 1


def timed(cmd: list[str], env: dict) -> tuple[float, float | None]:
    """(wall seconds, seconds inside the flow as the batch summary reports them, or None)."""
    import re

    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    tail = r.stdout.strip().splitlines()
    print(f"    {tail[0] if tail else ''}", flush=True)
    m = re.search(r"— ([0-9.]+) s", tail[0]) if tail else None
    return dt, (float(m.group(1)) if m else None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--fake-cpu-ms", type=float, default=None)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--runs", default="plain,batch,plain1,batch1,dask,rerun",
                    help="which runs, comma-separated (default: all)")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp dir)")
    ap.add_argument("--repeat", type=int, default=1, help="repeat the runs, interleaved; report medians")
    ap.add_argument("--plain", nargs=3, metavar=("ROOT", "OUT", "PROCS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.plain:
        print(f"{plain_loop(a.plain[0], a.plain[1], int(a.plain[2]))} meetings")
        return

    from benchmarks.make_archive import make_archive

    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if a.fake_cpu_ms is not None:
        env.update(DIALOOG_ANALYZER="tests.flows_fake:analyze", DIALOOG_FAKE_CPU_MS=str(a.fake_cpu_ms))
    work = a.work or Path(tempfile.mkdtemp(prefix="dialoog-bench-"))
    root = work / "archive"
    kind = make_archive(root, a.n, use_synthetic=a.fake_cpu_ms is not None)
    print(f"archive: {a.n} meetings ({kind}); analyser: "
          f"{'fake, %.0f ms CPU each' % a.fake_cpu_ms if a.fake_cpu_ms is not None else 'real pipeline'}; "
          f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    py = sys.executable
    samples: dict[str, list[float]] = {}
    in_flow: dict[str, list[float]] = {}
    wanted = set(a.runs.split(","))

    def run(name: str, cmd: list[str], key: str) -> None:
        if key not in wanted:
            return
        print(f"  {name} …", flush=True)
        wall, flow_s = timed(cmd, env)
        samples.setdefault(name, []).append(wall)
        if flow_s is not None:
            in_flow.setdefault(name, []).append(flow_s)
        print(f"  {name}: {wall:.1f} s, {a.n / wall:.1f} meetings/s (load {os.getloadavg()[0]:.2f})", flush=True)

    P = a.procs
    batch = [py, "-m", "flows.cli", "-q", "batch", str(root), "--out"]
    for rep in range(a.repeat):  # interleaved repeats: load drifts affect every run alike
        w = work / f"rep{rep}"
        run(f"plain loop, {P} procs", [py, __file__, "--plain", str(root), str(w / "o-plain"), str(P)], "plain")
        run(f"batch --workers {P}", [*batch, str(w / "o-w"), "--workers", str(P)], "batch")
        run("plain loop, 1 proc", [py, __file__, "--plain", str(root), str(w / "o-plain1"), "1"], "plain1")
        run("batch --workers 1", [*batch, str(w / "o-w1")], "batch1")
        if not a.skip_dask:
            run(f"batch --dask-local {P}", [*batch, str(w / "o-d"), "--dask-local", str(P)], "dask")
            run("batch --dask-local 1", [*batch, str(w / "o-d1"), "--dask-local", "1"], "dask1")
        run(f"batch --workers {P}, rerun (all skipped)", [*batch, str(w / "o-w"), "--workers", str(P)], "rerun")
    runs = {k: statistics.median(v) for k, v in samples.items()}
    ratio = lambda a_, b_: runs[a_] / runs[b_] if a_ in runs and b_ in runs else None  # noqa: E731
    res = {
        "n": a.n, "procs": P, "archive": kind, "fake_cpu_ms": a.fake_cpu_ms, "repeat": a.repeat,
        "seconds_median": runs, "seconds_all": samples,
        "seconds_inside_flow_median": {k: statistics.median(v) for k, v in in_flow.items()},
        "overhead_ratio": ratio(f"batch --workers {P}", f"plain loop, {P} procs"),
        "overhead_ratio_1proc": ratio("batch --workers 1", "plain loop, 1 proc"),
        "scaling_workers": ratio("batch --workers 1", f"batch --workers {P}"),
        "scaling_dask_local": ratio("batch --workers 1", f"batch --dask-local {P}"),
        "scaling_dask_local_vs_dask_1": ratio("batch --dask-local 1", f"batch --dask-local {P}"),
        "scaling_plain": ratio("plain loop, 1 proc", f"plain loop, {P} procs"),
        "load_after": os.getloadavg()[0],
    }
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
