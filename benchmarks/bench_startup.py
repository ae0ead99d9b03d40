"""Start-up cost of a one-file command: ``dialoog tag`` on a two-row CSV, wall and CPU time.

    python benchmarks/bench_startup.py [--repeat 7] [--baseline OTHER_CHECKOUT]

Each run is a fresh process (``python -c "from flows.cli import main; main()" tag …``
with the checkout first on ``sys.path``), so the figure is what a CSR user waits for
before any tagging happens: imports, loading the rules and the trained models.  With
``--baseline`` the two checkouts run interleaved (A B A B …) and the report gives the
medians and their ratio, so machine load affects both alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = ("id,text,role\n1,Could you tell me more about the grievance committee?,buyer\n"
        "2,We passed the audit last year so this is not an issue.,supplier\n")


def run_once(root: Path, work: Path) -> tuple[float, float]:
    """(wall s, CPU s of the child) for one ``dialoog tag`` in checkout ``root``."""
    out = work / "out.jsonl"
    out.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(root)}
    code = "import sys; from flows.cli import main; sys.exit(main())"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, "tag", "--input", str(work / "in.csv"), "--output", str(out)],
                   cwd=root, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.read_text(encoding="utf-8").count("\n") != 2:
        raise SystemExit(f"{root}: dialoog tag did not write two rows")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--baseline", type=Path, help="another checkout to run side by side (e.g. a git worktree)")
    args = ap.parse_args(argv)
    roots = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "in.csv").write_text(ROWS, encoding="utf-8")
        for root in roots.values():  # warm the file cache once, not counted
            run_once(root, work)
        res: dict[str, list[tuple[float, float]]] = {k: [] for k in roots}
        for _ in range(args.repeat):
            for name, root in roots.items():
                res[name].append(run_once(root, work))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in res.items()}
    for k, (w, c) in med.items():
        print(f"{k:9s} {roots[k]}: median wall {w:.2f} s, CPU {c:.2f} s over {args.repeat} runs "
              f"(walls {', '.join(f'{w:.2f}' for w, _ in res[k])})")
    if args.baseline:
        print(f"ratio this/baseline: wall {med['this'][0] / med['baseline'][0]:.2f}, "
              f"CPU {med['this'][1] / med['baseline'][1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
