"""Prefect's fixed and per-task cost, to size the batch flow's task granularity.

    python benchmarks/bench_prefect_overhead.py [--tasks 200]

Measures, in this process: the first flow run (starts the ephemeral API server
unless PREFECT_API_URL is set), an empty flow run, and T trivial tasks submitted
to a ThreadPoolTaskRunner — giving the per-task overhead.  The batch flow uses
one task per chunk of up to 25 meetings, so the per-meeting cost is this / 25.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.runtime import prepare_prefect  # noqa: E402

prepare_prefect()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402


@task(cache_policy=NO_CACHE)
def noop(x: int) -> int:
    return x


@flow
def many(n: int) -> float:
    t0 = time.perf_counter()
    futures = [noop.submit(i) for i in range(n)]
    [f.result() for f in futures]
    return time.perf_counter() - t0


@flow
def empty() -> None:
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=200)
    a = ap.parse_args()
    t0 = time.perf_counter()
    empty()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    empty()
    flow_run = time.perf_counter() - t0
    inside = many(a.tasks)
    print(f"first flow run (server start-up included): {first:.2f} s")
    print(f"empty flow run: {flow_run * 1000:.0f} ms")
    print(f"{a.tasks} trivial tasks: {inside:.2f} s → {inside / a.tasks * 1000:.1f} ms per task; "
          f"per meeting at 25 meetings/task: {inside / a.tasks / 25 * 1000:.2f} ms")


if __name__ == "__main__":
    main()
