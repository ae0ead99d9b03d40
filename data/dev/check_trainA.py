"""Consistency check for the trainA development sets (defensive11_*, questions6_*).

Run: /work/main/.venv/bin/python data/dev/check_trainA.py
Checks row counts, label/category consistency, id format, duplicates
(exact and after lower-casing and stripping punctuation), and the share of
ASR-like rows (all lower case, no . , ? ! ; : or double quotes).
"""
import csv
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATEGORIES = {"denial", "justification", "deflection", "counter_attack", "minimisation", "stonewalling"}


def norm(text):
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def is_asr(text):
    return text == text.lower() and not re.search(r"[.,?!;:\"]", text)


def check(name, prefix, label_col, cat_col, allowed, n_rows):
    rows = list(csv.DictReader(open(HERE / name, encoding="utf-8", newline="")))
    problems = []
    if len(rows) != n_rows:
        problems.append(f"{len(rows)} rows, expected {n_rows}")
    for i, r in enumerate(rows, 1):
        if r["id"] != f"{prefix}-{i:03d}":
            problems.append(f"bad id {r['id']} at row {i}")
        lab, cat = r[label_col], r[cat_col]
        if lab not in ("0", "1"):
            problems.append(f"{r['id']}: {label_col}={lab!r}")
        if (lab == "1") != (cat != ""):
            problems.append(f"{r['id']}: {label_col}={lab} but {cat_col}={cat!r}")
        if cat and cat not in allowed:
            problems.append(f"{r['id']}: unknown {cat_col} {cat!r}")
        if not r["text"].strip():
            problems.append(f"{r['id']}: empty text")
    for text, n in Counter(r["text"] for r in rows).items():
        if n > 1:
            problems.append(f"duplicate text x{n}: {text!r}")
    for text, n in Counter(norm(r["text"]) for r in rows).items():
        if n > 1:
            problems.append(f"near-duplicate x{n}: {text!r}")
    counts = Counter(r[cat_col] or "(none)" for r in rows)
    asr = sum(is_asr(r["text"]) for r in rows)
    print(f"{name}: {len(rows)} rows, positives {sum(r[label_col] == '1' for r in rows)}, "
          f"{dict(sorted(counts.items()))}, ASR-like {asr} ({asr / max(len(rows), 1):.0%})")
    if not 0.18 <= asr / max(len(rows), 1) <= 0.22:
        problems.append(f"ASR-like share {asr}/{len(rows)} outside 18-22%")
    for p in problems:
        print("  PROBLEM:", p)
    return not problems


ok = True
for lang in ("en", "nl"):
    ok &= check(f"defensive11_{lang}.csv", f"d11{lang}", "defensive", "category", CATEGORIES, 240)
    ok &= check(f"questions6_{lang}.csv", f"q6{lang}", "is_question", "question", {"open", "closed"}, 160)
sys.exit(0 if ok else 1)
