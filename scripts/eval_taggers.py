"""Score the taggers on AnnoMI's held-out transcripts and on supplier-meeting sets.

    python scripts/eval_taggers.py [--annomi PATH] [--sets DIR_OR_CSV ...] [--json OUT]

* AnnoMI: the transcripts ``scripts/train_taggers.py`` held out (listed in the
  artifact), scored with the whole default tagger (rules + model): open/closed
  macro-F1 on therapist turns labelled as questions, question detection recall
  there, reflection F1 on all therapist turns.
* Sets: CSV files with ``id,text,is_question,question`` (questions) or
  ``id,text,defensive,category`` (defensive responses); the language is taken
  from a ``lang`` column, else from ``_en``/``_nl`` in the file name, else
  detected. Defaults to ``data/dev``.  A predicted "no question" on a labelled
  question counts as a wrong open/closed label.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.options import TagOptions  # noqa: E402
from pipeline.tagging import detect_language  # noqa: E402
from pipeline.tagging.tagger import TagInput, tag_items  # noqa: E402

log = logging.getLogger("eval_taggers")


def _f1s(y_true, y_pred, labels):
    from sklearn.metrics import f1_score

    return round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4)


def bootstrap_ci(metric, *columns, n: int = 1000, seed: int = 7) -> list[float]:
    """95 % percentile bootstrap interval of ``metric(*columns)`` over resampled rows."""
    import numpy as np

    rng = np.random.default_rng(seed)
    cols = [np.asarray(c, dtype=object) for c in columns]
    m = len(cols[0])
    if m == 0:
        return [0.0, 0.0]
    vals = []
    for _ in range(n):
        idx = rng.integers(0, m, m)
        vals.append(metric(*[list(c[idx]) for c in cols]))
    return [round(float(np.percentile(vals, 2.5)), 4), round(float(np.percentile(vals, 97.5)), 4)]


def _acc(a, b) -> float:
    return sum(x == y for x, y in zip(a, b)) / max(1, len(a))


def eval_annomi(path: Path, options: TagOptions) -> dict:
    import numpy as np

    from models.tagger_classifier import load_tagger_classifier
    from scripts.train_taggers import load_annomi, split_transcripts

    d = load_annomi(path)
    clf = load_tagger_classifier()
    held = set(clf.meta.get("scores", {}).get("held_out_transcripts") or split_transcripts(d.transcript_id)[1])
    th = d[(d.interlocutor == "therapist") & d.transcript_id.isin(held)]
    items = [TagInput(t, "en", "buyer", p) for t, p in zip(th.text, th.prev_other)]
    tags = tag_items(items, options)
    q = th.question.fillna("").tolist()
    pred_q = [t.question.label if t.question else "" for t in tags]
    idx = [i for i, v in enumerate(q) if v]
    from sklearn.metrics import precision_recall_fscore_support

    y = np.array([bool(v) for v in th.reflection.fillna("")])
    yp = np.array([t.reflection is not None for t in tags])
    p, r, f, _ = precision_recall_fscore_support(y, yp, average="binary", zero_division=0)
    return {
        "transcripts": len(held), "therapist_turns": len(th), "questions": len(idx),
        "open_closed_macro_f1": _f1s([q[i] for i in idx], [pred_q[i] or "none" for i in idx], ["open", "closed"]),
        "question_detection_recall": round(sum(1 for i in idx if pred_q[i]) / max(1, len(idx)), 4),
        "reflection_precision": round(float(p), 4), "reflection_recall": round(float(r), 4),
        "reflection_f1": round(float(f), 4),
    }


def _lang(df, path: Path) -> list[str]:
    if "lang" in df.columns:
        return [str(x) for x in df["lang"]]
    for lang in ("en", "nl"):
        if f"_{lang}" in path.stem or path.stem.endswith(lang):
            return [lang] * len(df)
    return [detect_language(str(t)) for t in df["text"]]


def eval_set(path: Path, options: TagOptions) -> dict:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    langs = _lang(df, path)
    out: dict = {"file": str(path), "rows": len(df)}
    if "is_question" in df.columns:
        tags = tag_items([TagInput(t, lg, "buyer") for t, lg in zip(df.text, langs)], options)
        truth_q = [x.strip() in ("1", "true", "True", "yes") for x in df.is_question]
        pred_q = [t.question is not None for t in tags]
        out["question_detection_accuracy"] = round(sum(a == b for a, b in zip(truth_q, pred_q)) / max(1, len(df)), 4)
        out["question_detection_accuracy_ci95"] = bootstrap_ci(_acc, truth_q, pred_q)
        out["question_detection_errors"] = [
            {"id": df.id.iloc[i], "gold": "question" if truth_q[i] else "statement",
             "pred": "question" if pred_q[i] else "statement", "text": df.text.iloc[i]}
            for i in range(len(df)) if truth_q[i] != pred_q[i]]
        idx = [i for i, v in enumerate(df.question) if v.strip() in ("open", "closed")]
        gold = [df.question.iloc[i].strip() for i in idx]
        pred = [tags[i].question.label if tags[i].question else "none" for i in idx]
        out["open_closed_macro_f1"] = _f1s(gold, pred, ["open", "closed"])
        out["open_closed_macro_f1_ci95"] = bootstrap_ci(lambda a, b: _f1s(a, b, ["open", "closed"]), gold, pred)
        out["open_closed_errors"] = [
            {"id": df.id.iloc[i], "gold": g, "pred": p, "text": df.text.iloc[i]}
            for i, g, p in zip(idx, gold, pred) if g != p]
    if "defensive" in df.columns:
        from sklearn.metrics import f1_score

        tags = tag_items([TagInput(t, lg, "supplier") for t, lg in zip(df.text, langs)], options)
        truth = [x.strip() in ("1", "true", "True", "yes") for x in df.defensive]
        pred = [t.defensive is not None for t in tags]
        out["defensive_f1"] = round(float(f1_score(truth, pred, zero_division=0)), 4)
        out["defensive_f1_ci95"] = bootstrap_ci(
            lambda a, b: float(f1_score([bool(x) for x in a], [bool(x) for x in b], zero_division=0)), truth, pred)
        from sklearn.metrics import precision_score, recall_score

        out["defensive_precision"] = round(float(precision_score(truth, pred, zero_division=0)), 4)
        out["defensive_recall"] = round(float(recall_score(truth, pred, zero_division=0)), 4)
        pos = [i for i, v in enumerate(truth) if v]
        cat = [df.category.iloc[i].strip() for i in pos]
        pcat = [tags[i].defensive.label if tags[i].defensive else "none" for i in pos]
        out["category_accuracy"] = round(sum(a == b for a, b in zip(cat, pcat)) / max(1, len(pos)), 4)
        out["category_accuracy_ci95"] = bootstrap_ci(_acc, cat, pcat)
        hit = [(a, b) for a, b in zip(cat, pcat) if b != "none"]
        out["category_accuracy_when_detected"] = round(sum(a == b for a, b in hit) / max(1, len(hit)), 4)
        out["defensive_errors"] = [
            {"id": df.id.iloc[i], "gold": (df.category.iloc[i] or "-") if truth[i] else "-",
             "pred": tags[i].defensive.label if tags[i].defensive else "-", "text": df.text.iloc[i]}
            for i in range(len(df))
            if truth[i] != pred[i] or (truth[i] and tags[i].defensive and tags[i].defensive.label != df.category.iloc[i])]
    return out


def main(argv=None) -> int:
    import os

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    shared = Path(os.environ.get("DIALOOG_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    ap.add_argument("--annomi", type=Path, default=shared / "annomi" / "annomi_train.csv")
    ap.add_argument("--sets", type=Path, nargs="*", default=[ROOT / "data" / "dev"])
    ap.add_argument("--backend", default="rules")
    ap.add_argument("--transformers-model", default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write the scores here")
    ap.add_argument("--errors", action="store_true", help="list the misclassified rows")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    options = TagOptions(backend=args.backend, transformers_model=args.transformers_model)
    result: dict = {}
    if args.annomi.is_file():
        result["annomi_held_out"] = eval_annomi(args.annomi, options)
    files = [f for s in args.sets for f in (sorted(s.glob("*.csv")) if s.is_dir() else [s])]
    result["sets"] = [eval_set(f, options) for f in files]
    shown = result if args.errors else {
        **result, "sets": [{k: v for k, v in s.items() if not k.endswith("errors")} for s in result["sets"]]}
    sys.stdout.write(json.dumps(shown, indent=1, ensure_ascii=False) + "\n")
    if args.json:
        from pipeline.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
