"""Train the small tagger classifiers on AnnoMI and write the artifact + scores.

    nice python scripts/train_taggers.py [--data ../shared/data/annomi/annomi_train.csv]
                                         [--out models/taggers/annomi_taggers.npz]

Reproducible: a fixed group split by transcript (seed 13, 20 % of transcripts
held out).  The shipped model is trained on the training transcripts only, so
the held-out scores it reports (written to ``models/taggers/scores.json``) are on
transcripts it never saw; ``scripts/eval_taggers.py`` uses the same split.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.tagger_classifier import (  # noqa: E402
    context_features, mark_sentences, question_input, reflection_input,
)
from pipeline.tagging.tagger import TagInput, parse_all  # noqa: E402

log = logging.getLogger("train_taggers")
SEED = 13
HELD_OUT_SHARE = 0.2


def default_data() -> Path:
    base = Path(os.environ.get("DIALOOG_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    return base / "annomi" / "annomi_train.csv"


def load_annomi(path: Path):
    import pandas as pd

    d = pd.read_csv(path).sort_values(["transcript_id", "utterance_id"]).reset_index(drop=True)
    d["text"] = d["text"].fillna("").astype(str)
    g = d.groupby("transcript_id")
    d["prev"] = g["text"].shift(1).fillna("")
    d["prev_speaker"] = g["interlocutor"].shift(1).fillna("")
    d["prev_other"] = np.where(d["prev_speaker"] != d["interlocutor"], d["prev"], "")
    return d


def split_transcripts(ids) -> tuple[set, set]:
    """The fixed group split: (train transcript ids, held-out transcript ids)."""
    ids = sorted(set(int(i) for i in ids))
    rng = np.random.default_rng(SEED)
    held = set(rng.choice(ids, size=max(1, round(len(ids) * HELD_OUT_SHARE)), replace=False).tolist())
    return set(ids) - held, held


def vectorizer(chars: bool = True):
    """Word 1–3-grams, plus character 2–5-grams when ``chars`` (the question model;
    for reflections they added nothing in group CV and cost 4× the time)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    parts = [TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, min_df=2, max_features=40000)]
    if chars:
        parts.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=3,
                                     max_features=40000))
    return make_union(*parts)


def lr(C: float = 1.0):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced")


def refl_matrix(vec, texts, prev, hints, fit: bool):
    import scipy.sparse as sp

    T = [reflection_input(t, h) for t, h in zip(texts, hints)]
    A = vec.fit_transform(T) if fit else vec.transform(T)
    F = sp.csr_matrix(np.array([context_features(t, p) for t, p in zip(texts, prev)]))
    return sp.hstack([A, F]).tocsr()


def annomi_negatives(annomi):
    """800 AnnoMI client turns that are not sustain talk (>= 5 words): extra negatives."""
    return annomi[(annomi.interlocutor == "client") & (annomi.client_talk_type != "sustain")
                  & (annomi.text.str.split().str.len() >= 5)].sample(800, random_state=SEED)


def train_defensive(annomi):
    """The defensive model (v5; v6: averaged with a complement naive Bayes): trained on every
    author's defensive sets (``AUTHORS`` in ``scripts/defensive_cv.py``: the dev sets, the former
    evaluation sets v2–v5, and newer authors' sets), AnnoMI client turns and question-set
    statements as extra negatives; the variant ``SHIPPED`` (chosen there by nested leave-one-author-out CV).  The two
    thresholds per language are chosen on leave-one-author-out predictions of all authors
    (rules + gate + model); the reported figures are the nested leave-one-author-out ones
    (thresholds chosen without the held-out author)."""
    from sklearn.metrics import f1_score

    from scripts.defensive_cv import (
        SHIPPED, VARIANTS, Data, choose_thresholds, combine, fit_model, load_author_sets, nested_cv, oof_probs,
        report,
    )

    var = VARIANTS[SHIPPED]
    sets, statements = load_author_sets()
    data = Data(sets, statements, list(annomi_negatives(annomi).text))
    authors = sorted(set(data.author))
    oof = oof_probs(data, authors, var)
    idx = np.arange(len(data.y))
    th = choose_thresholds(data, idx, oof, var)
    out: dict = {"defensive_variant": SHIPPED, "defensive_authors": {a: int((data.author == a).sum()) for a in authors},
                 "defensive_thresholds": {lg: t[0] for lg, t in th.items()},
                 "defensive_thresholds_without_evidence": {lg: t[1] for lg, t in th.items()}}
    nested = nested_cv(data, var, authors)
    for lg, r in report(data, nested["pred"], authors).items():
        out[f"defensive_loao_{lg}"] = r
        k = data.lang == lg
        out[f"defensive_model_only_f1_{lg}_loao"] = round(float(f1_score(data.y[k], oof[k] >= th[lg][0])), 4)
        out[f"defensive_rules_plus_model_f1_{lg}_loao_fixed_thresholds"] = round(
            float(f1_score(data.y[k], combine(data, idx[k], oof[k], *th[lg], var))), 4)
    v, m = fit_model(data, authors, var)
    # category: word + character n-grams on the defensive rows (it only runs on the turns found defensive)
    pos = np.flatnonzero(data.y)
    texts, cats, who = data.sets.text.to_numpy()[pos], data.sets.category.to_numpy()[pos], data.author[pos]
    hits = 0
    for a in authors:
        te_ = who == a
        cv_ = vectorizer()
        cm_ = lr(1.0).fit(cv_.fit_transform(texts[~te_]), cats[~te_])
        hits += int((cm_.predict(cv_.transform(texts[te_])) == cats[te_]).sum())
    out["defensive_category_model_accuracy_loao"] = round(hits / max(1, len(pos)), 4)
    cv = vectorizer()
    cm = lr(1.0).fit(cv.fit_transform(texts), cats)
    return out, {"defensive": (v, m), "defensive_category": (cv, cm),
                 "defensive_marks": bool(var.marks),
                 "defensive_threshold": float(np.mean([t[0] for t in th.values()])),
                 "defensive_thresholds": {lg: t[0] for lg, t in th.items()},
                 "defensive_thresholds_without_evidence": {lg: t[1] for lg, t in th.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "taggers" / "annomi_taggers.npz")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import sklearn
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    d = load_annomi(args.data)
    th = d[d["interlocutor"] == "therapist"].copy()
    facts = parse_all([TagInput(t, "en") for t in th.text])
    th["qhint"] = [f.question_hint() for f in facts]
    th["rhint"] = [f.reflection_hint() for f in facts]
    train_ids, held_ids = split_transcripts(d["transcript_id"])
    tr, te = th[th.transcript_id.isin(train_ids)], th[th.transcript_id.isin(held_ids)]
    scores: dict = {"train_transcripts": len(train_ids), "held_out_transcripts": sorted(held_ids)}

    # open / closed on turns that hold a question
    qtr, qte = tr[tr.question.notna()], te[te.question.notna()]
    qvec = vectorizer()
    qm = lr(1.0).fit(qvec.fit_transform([question_input(t, h) for t, h in zip(qtr.text, qtr.qhint)]), qtr.question)
    qp = qm.predict(qvec.transform([question_input(t, h) for t, h in zip(qte.text, qte.qhint)]))
    scores["question_open_closed_macro_f1"] = round(float(f1_score(qte.question, qp, average="macro")), 4)
    scores["question_n_train"], scores["question_n_held_out"] = len(qtr), len(qte)

    # reflection vs not (all therapist turns), threshold chosen on the training split by group CV
    from sklearn.model_selection import GroupKFold

    ytr = tr.reflection.notna().to_numpy()
    oof = np.zeros(len(tr))
    for a, b in GroupKFold(5).split(tr, ytr, tr.transcript_id):
        v = vectorizer(chars=False)
        m = lr(1.0).fit(refl_matrix(v, tr.text.iloc[a].tolist(), tr.prev_other.iloc[a].tolist(),
                                    tr.rhint.iloc[a].tolist(), True), ytr[a])
        oof[b] = m.predict_proba(refl_matrix(v, tr.text.iloc[b].tolist(), tr.prev_other.iloc[b].tolist(),
                                             tr.rhint.iloc[b].tolist(), False))[:, 1]
    grid = np.arange(0.3, 0.8, 0.05)
    thr = float(max(grid, key=lambda t: f1_score(ytr, oof >= t)))
    rvec = vectorizer(chars=False)
    rm = lr(1.0).fit(refl_matrix(rvec, tr.text.tolist(), tr.prev_other.tolist(), tr.rhint.tolist(), True), ytr)
    rp = rm.predict_proba(refl_matrix(rvec, te.text.tolist(), te.prev_other.tolist(), te.rhint.tolist(),
                                      False))[:, 1] >= thr
    yte = te.reflection.notna().to_numpy()
    p, r, f, _ = precision_recall_fscore_support(yte, rp, average="binary")
    scores.update(reflection_threshold=round(thr, 3), reflection_precision=round(float(p), 4),
                  reflection_recall=round(float(r), 4), reflection_f1=round(float(f), 4))

    # simple / complex among reflections
    ktr, kte = tr[tr.reflection.notna()], te[te.reflection.notna()]
    kvec = vectorizer(chars=False)
    km = lr(1.0).fit(kvec.fit_transform([mark_sentences(t) for t in ktr.text]), ktr.reflection)
    kp = km.predict(kvec.transform([mark_sentences(t) for t in kte.text]))
    scores["reflection_kind_macro_f1"] = round(float(f1_score(kte.reflection, kp, average="macro")), 4)

    # defensive vs not, and category (EN + NL, one model): every author's defensive sets plus
    # AnnoMI client turns that are not sustain talk as extra negatives; thresholds and scores by
    # leave-one-author-out (scripts/defensive_cv.py).
    dscores, dparts = train_defensive(d)
    scores.update(dscores)

    meta = {"sklearn": sklearn.__version__, "seed": SEED, "data": args.data.name, "scores": scores}
    bundle = {"question": (qvec, qm), "reflection": (rvec, rm), "reflection_kind": (kvec, km),
              "reflection_threshold": thr, **dparts, "meta": meta}
    from models.linear_export import save_bundle

    save_bundle(bundle, args.out)  # numpy arrays, read without scikit-learn (models/linear_text.py)
    from pipeline.fileio import write_text_atomic

    write_text_atomic(args.out.parent / "scores.json", json.dumps(scores, indent=2) + "\n")
    log.info("wrote %s (%.1f MB)", args.out, args.out.stat().st_size / 1e6)
    log.info("%s", json.dumps({k: v for k, v in scores.items() if k != "held_out_transcripts"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
