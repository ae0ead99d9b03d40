"""Benchmark: render and load time of the meeting report for a long meeting.

Generates tagged meetings of 150 (baseline), 1,500 (≈2 h, the target) and 3,000
utterances, times ``render_html`` / ``render_markdown`` (median of --repeat runs,
lessons scored once beforehand), and — with Debian chromium + chromedriver —
the browser load time (navigationStart → loadEventEnd, median of --repeat loads)
of the 1,500-utterance report against a plain baseline page holding the same
text without styles, charts or script.  Target: render and load each < 2 s.

    PYTHONPATH=. python benchmarks/bench_report.py [--repeat 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import html
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.report.html import render_html  # noqa: E402
from pipeline.report.markdown import render_markdown  # noqa: E402
from tests.report_builders import make_report, synthetic_meeting  # noqa: E402

SIZES = (150, 1500, 3000)
TARGET = 1500
BUDGET_S = 2.0


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def plain_page(report) -> str:
    rows = "".join(f"<p>{html.escape(u.speaker)}: {html.escape(u.text)}</p>" for u in report.transcript.utterances)
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>baseline</title></head><body>{rows}</body></html>"


def browser_load(paths: dict[str, Path], repeat: int) -> dict[str, float]:
    from tests.test_report_browser import CHROMEDRIVER, CHROMIUM, make_driver

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        print("browser: skipped (no /usr/bin/chromium or chromedriver)")
        return {}
    driver = make_driver(Path(tempfile.mkdtemp(prefix="bench-chrome-")))
    out = {}
    try:
        for name, path in paths.items():
            loads = []
            for _ in range(repeat):
                driver.get(path.as_uri())
                loads.append(driver.execute_script(
                    "const t = performance.timing; return (t.loadEventEnd - t.navigationStart) / 1000;"))
            out[name] = statistics.median(loads)
    finally:
        driver.quit()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    reports = {n: make_report(synthetic_meeting(n)) for n in SIZES}
    print(f"{'utterances':>10} {'html_s':>8} {'md_s':>8} {'html_MB':>8} {'html_vs_150':>12}")
    base = None
    for n, rep in reports.items():
        h = timed(lambda: render_html(rep), args.repeat)
        m = timed(lambda: render_markdown(rep), args.repeat)
        size = len(render_html(rep).encode()) / 1e6
        base = base or h
        print(f"{n:>10} {h:>8.3f} {m:>8.3f} {size:>8.2f} {h / base:>11.1f}x")
    if args.no_browser:
        return 0
    folder = Path(tempfile.mkdtemp(prefix="bench-report-"))
    rep = reports[TARGET]
    paths = {"report": folder / "report.html", "baseline": folder / "plain.html"}
    paths["report"].write_text(render_html(rep), encoding="utf-8")
    paths["baseline"].write_text(plain_page(rep), encoding="utf-8")
    loads = browser_load(paths, args.repeat)
    if loads:
        print(f"browser load, {TARGET} utterances: report {loads['report']:.3f} s, plain baseline {loads['baseline']:.3f} s, "
              f"ratio {loads['report'] / max(loads['baseline'], 1e-3):.1f}x, budget {BUDGET_S} s "
              f"({'OK' if loads['report'] < BUDGET_S else 'OVER'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
