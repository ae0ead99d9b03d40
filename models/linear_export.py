"""Export fitted scikit-learn tagger models to the numpy-only format of
:mod:`models.linear_text` (used by ``scripts/train_taggers.py``; needs scikit-learn).

A bundle is a dict: ``(vectorizer, model)`` pairs become models, JSON-able values
(thresholds, flags, ``meta``) are kept as they are.  A vectorizer is a fitted
``TfidfVectorizer`` or a ``FeatureUnion`` of them; a model is a ``LogisticRegression``,
``ComplementNB``/``MultinomialNB``, ``LinearSVC`` or an ``AveragedModel`` of those.
Anything else is refused with a ``TypeError`` rather than exported wrongly.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models.linear_text import FORMAT


def _vectorizers(vec) -> list:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    parts = [t for _, t in vec.transformer_list] if isinstance(vec, FeatureUnion) else [vec]
    for t in parts:
        if not isinstance(t, TfidfVectorizer):
            raise TypeError(f"cannot export a {type(t).__name__} (only TfidfVectorizer)")
        p = t.get_params()
        if p["tokenizer"] or p["preprocessor"] or p["stop_words"] or p["strip_accents"] or p["binary"] \
                or not p["use_idf"] or callable(p["analyzer"]) or p["analyzer"] not in ("word", "char_wb"):
            raise TypeError(f"cannot export a TfidfVectorizer with these settings: {p}")
    return parts


def _heads(model) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB, MultinomialNB
    from sklearn.svm import LinearSVC

    from models.tagger_classifier import AveragedModel

    if isinstance(model, AveragedModel):
        out = []
        for m, w in zip(model.models, model.weights):
            (spec, W, b), = _heads(m)
            out.append(({**spec, "weight": float(w)}, W, b))
        return out
    n_classes = len(model.classes_)
    if isinstance(model, LogisticRegression | LinearSVC):
        W, b = np.asarray(model.coef_, dtype=np.float64), np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))
        if n_classes == 2:
            scale = 1.0 if isinstance(model, LogisticRegression) else 2.0
            return [({"kind": "sigmoid", "scale": scale, "weight": 1.0, "source": type(model).__name__}, W, b)]
        if isinstance(model, LinearSVC):
            raise TypeError("cannot export a multi-class LinearSVC")
        return [({"kind": "softmax", "scale": 1.0, "weight": 1.0, "source": type(model).__name__}, W, b)]
    if isinstance(model, ComplementNB):
        b = model.class_log_prior_ if n_classes == 1 else np.zeros(n_classes)
        return [({"kind": "softmax", "scale": 1.0, "weight": 1.0, "source": type(model).__name__},
                 model.feature_log_prob_.astype(np.float64), b)]
    if isinstance(model, MultinomialNB):
        return [({"kind": "softmax", "scale": 1.0, "weight": 1.0, "source": type(model).__name__},
                 model.feature_log_prob_.astype(np.float64),
                 np.asarray(model.class_log_prior_, dtype=np.float64))]
    raise TypeError(f"cannot export a {type(model).__name__}")


def _plain(x):
    """Numpy scalars and bools as Python values (for JSON)."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def export_arrays(bundle: dict) -> dict[str, np.ndarray]:
    """The bundle as named arrays (what :func:`save_bundle` writes)."""
    arrays: dict[str, np.ndarray] = {}
    spec: dict = {"format": FORMAT, "models": {}, "values": {}}
    for name, value in bundle.items():
        if not (isinstance(value, tuple) and len(value) == 2 and hasattr(value[1], "predict_proba")):
            spec["values"][name] = _plain(value)
            continue
        vec, model = value
        vspecs = []
        n_text = 0
        for i, t in enumerate(_vectorizers(vec)):
            terms = sorted(t.vocabulary_, key=t.vocabulary_.__getitem__)
            if any("\n" in s for s in terms):
                raise TypeError(f"{name}: a vocabulary term holds a newline")
            arrays[f"{name}/vec{i}/terms"] = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)
            arrays[f"{name}/vec{i}/idf"] = np.asarray(t.idf_, dtype=np.float64)
            n_text += len(terms)
            p = t.get_params()
            vspecs.append({"analyzer": p["analyzer"], "ngram_range": list(p["ngram_range"]),
                           "lowercase": bool(p["lowercase"]), "token_pattern": p["token_pattern"],
                           "sublinear_tf": bool(p["sublinear_tf"]), "norm": p["norm"]})
        hspecs = []
        for j, (h, W, b) in enumerate(_heads(model)):
            arrays[f"{name}/head{j}/W"], arrays[f"{name}/head{j}/b"] = W, b
            hspecs.append(h)
        n_dense = arrays[f"{name}/head0/W"].shape[1] - n_text
        if n_dense < 0:
            raise TypeError(f"{name}: the model has fewer features than its vectorizers")
        spec["models"][name] = {"vectorizers": vspecs, "heads": hspecs, "n_dense": int(n_dense),
                                "classes": _plain(list(model.classes_))}
    arrays["__spec__"] = np.frombuffer(json.dumps(spec, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    return arrays


def save_bundle(bundle: dict, path: Path) -> None:
    """Write the bundle to ``path`` (``.npz``, compressed) atomically."""
    from pipeline.fileio import atomic_path

    arrays = export_arrays(bundle)
    with atomic_path(Path(path)) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
