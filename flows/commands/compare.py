"""`dialoog compare RESULTS`: meetings side by side, as an HTML page plus CSV and Excel tables."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

log = logging.getLogger("dialoog")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare analysed meetings (lesson status, indicators, groups, change over time)",
        description="Read the report.json of every meeting in an output folder of `dialoog analyze`/`batch` "
        "and write compare.html, compare_*.csv and compare.xlsx.",
    )
    p.add_argument("results", metavar="RESULTS", help="output folder with one subfolder (report.json) per meeting")
    p.add_argument("--by", choices=("pilot", "company", "supplier"), default="pilot", help="group distributions by (default: pilot)")
    p.add_argument("--out", metavar="DIR", help="where to write the comparison (default: RESULTS/compare)")
    p.add_argument("--lang", choices=("en", "nl"), default="en", help="language of the comparison page (default: en)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.compare import compare, load_results, write_comparison

    frame = load_results(args.results)
    cmp = compare(frame, by=args.by)
    out = Path(args.out) if args.out else Path(args.results) / "compare"
    paths = write_comparison(cmp, out, lang=args.lang)
    for skipped in cmp.skipped:
        log.warning("skipped %s (unreadable report.json)", skipped)
    print(f"compared {len(cmp.meetings)} meetings; wrote {paths['html']}")
    for key, path in paths.items():
        if key != "html":
            print(f"  {path}")
    return 0
