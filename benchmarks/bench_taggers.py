"""Throughput of the default tagger path on one core, against simple baselines.

    python benchmarks/bench_taggers.py [--n 20000] [--repeat 3]

Utterances: the AnnoMI training file when ``../shared/data`` is there (real,
mixed-length turns), else the project's dev sets, repeated to ``--n``.  Reports
utterances/s (best of ``--repeat``) for:

* ``regex ?``        – a bare question-mark detector (``"?" in text``);
* ``spacy tokens``   – spaCy blank tokenisation alone;
* ``spacy+sent``     – blank pipeline + sentencizer;
* ``rules``          – the rule pipeline (tokens, sentences, all rule files);
* ``default``        – the whole default path (rules + AnnoMI classifiers), roles unknown;
* ``default+roles``  – same, with buyer/supplier roles (the classifiers run on buyer turns only).
"""

from __future__ import annotations

import argparse
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_texts(n: int) -> tuple[list[str], str]:
    import csv

    shared = Path(os.environ.get("DIALOOG_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    annomi = shared / "annomi" / "annomi_train.csv"
    if annomi.is_file():
        with open(annomi, encoding="utf-8") as fh:
            texts, what = [r["text"] for r in csv.DictReader(fh)], "AnnoMI turns"
    else:
        texts = []
        for f in sorted((ROOT / "data" / "dev").glob("*_en.csv")):
            with open(f, encoding="utf-8") as fh:
                texts += [r["text"] for r in csv.DictReader(fh)]
        what = "dev-set utterances"
    out = (texts * (n // max(1, len(texts)) + 1))[:n]
    return out, what


def best_rate(fn, n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return n / best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import spacy

    from pipeline.tagging.nlp import get_nlp
    from pipeline.tagging.tagger import TagInput, parse_all, tag_items

    texts, what = load_texts(args.n)
    words = sum(len(t.split()) for t in texts) / len(texts)
    q = re.compile(r"\?")
    blank = spacy.blank("en")
    sent = spacy.blank("en")
    sent.add_pipe("sentencizer")
    get_nlp("en")
    items = [TagInput(t, "en") for t in texts]
    roled = [TagInput(t, "en", "buyer" if i % 2 else "supplier") for i, t in enumerate(texts)]
    tag_items(items[:50])  # load the classifier once
    rows = [
        ("regex ?", lambda: [bool(q.search(t)) for t in texts]),
        ("spacy tokens", lambda: list(blank.tokenizer.pipe(texts, batch_size=256))),
        ("spacy+sent", lambda: list(sent.pipe(texts, batch_size=256))),
        ("rules", lambda: parse_all(items)),
        ("default", lambda: tag_items(items)),
        ("default+roles", lambda: tag_items(roled)),
    ]
    rates = {name: best_rate(fn, len(texts), args.repeat) for name, fn in rows}
    base = rates["spacy tokens"]
    print(f"{len(texts)} {what} (mean {words:.1f} words), one core, best of {args.repeat}")
    print(f"{'path':<15}{'utt/s':>12}{'x spacy tokens':>16}{'x regex ?':>12}")
    for name, r in rates.items():
        print(f"{name:<15}{r:>12,.0f}{r / base:>16.2f}{r / rates['regex ?']:>12.4f}")
    target = 2000
    print(f"default path {'meets' if rates['default'] >= target else 'MISSES'} the {target:,} utt/s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
