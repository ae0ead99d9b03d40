"""Numpy-only inference for the trained tagger classifiers (TF-IDF n-grams + linear heads).

The classifiers are trained with scikit-learn (``scripts/train_taggers.py``) and exported
by :mod:`models.linear_export` to one ``.npz`` file of plain arrays (no pickle).  This
module reproduces what the fitted objects compute — ``TfidfVectorizer`` (word or
``char_wb`` n-grams, sublinear tf, idf, l2 norm), ``FeatureUnion``, logistic regression
(binary or multinomial), complement naive Bayes, linear SVM and their weighted average —
so that tagging needs neither scikit-learn nor scipy: a ``dialoog`` command or a batch
worker starts about a second sooner, and loading the artifact runs no pickled code.
``tests/test_linear_text.py`` checks it against scikit-learn on real data.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Format of the exported artifact (bumped when the layout changes).
FORMAT = "dialoog-linear-text/1"
_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass
class NgramTfidf:
    """One fitted ``TfidfVectorizer``: ``analyzer`` "word" or "char_wb"."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    lowercase: bool = True
    token_pattern: str = r"(?u)\b\w\w+\b"
    sublinear_tf: bool = True
    norm: str | None = "l2"

    def __post_init__(self) -> None:
        if self.analyzer not in ("word", "char_wb"):
            raise ValueError(f"unsupported analyzer {self.analyzer!r}")
        if self.norm not in ("l2", None):
            raise ValueError(f"unsupported norm {self.norm!r}")
        self._tokens = re.compile(self.token_pattern).findall

    def terms(self, text: str) -> list[str]:
        """The n-grams of ``text`` exactly as scikit-learn's analyzer makes them."""
        if self.lowercase:
            text = text.lower()
        lo, hi = self.ngram_range
        if self.analyzer == "word":
            words = self._tokens(text)
            out = list(words) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(words)) + 1):
                out.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
            return out
        out = []
        for w in _WHITE_SPACES.sub(" ", text).split():
            w = f" {w} "
            size = len(w)
            for n in range(lo, hi + 1):
                if size <= n:  # a short word counts once, whole
                    out.append(w)
                    break
                out.extend(w[i:i + n] for i in range(size - n + 1))
        return out

    def transform_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, tf-idf values) of one text, l2-normalised."""
        vocab = self.vocabulary
        counts = Counter(j for t in self.terms(text) if (j := vocab.get(t)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        val = tf * self.idf[idx]
        if self.norm == "l2":
            n = math.sqrt(float(val @ val))
            if n > 0:
                val = val / n
        return idx, val


@dataclass
class LinearHead:
    """``kind`` "sigmoid": P(classes[1]) = σ(scale·(x·W[0] + b[0])) (binary logistic
    regression, scale 1; linear SVM, scale 2); "softmax": softmax(x·Wᵀ + b) (multinomial
    logistic regression; complement naive Bayes with W its feature log-probabilities)."""

    kind: str
    W: np.ndarray
    b: np.ndarray
    scale: float = 1.0
    weight: float = 1.0
    source: str = ""  # the scikit-learn class it was exported from

    def probabilities(self, z: np.ndarray) -> np.ndarray:
        """Class probabilities from the decision values ``z`` (texts × rows of ``W``)."""
        if self.kind == "sigmoid":
            p = 0.5 * (1.0 + np.tanh(0.5 * self.scale * z[:, 0]))  # the logistic, without overflow
            return np.column_stack([1.0 - p, p])
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


@dataclass
class LinearTextModel:
    """Vectorizers side by side (a ``FeatureUnion``), optional dense features after them,
    and the weighted mean of one or more heads' class probabilities."""

    vectorizers: list[NgramTfidf]
    heads: list[LinearHead]
    classes: list
    n_dense: int = 0

    def _features(self, text: str, dense: Sequence[float] | None) -> tuple[np.ndarray, np.ndarray]:
        idx_parts, val_parts, offset = [], [], 0
        for v in self.vectorizers:
            i, x = v.transform_one(text)
            idx_parts.append(i + offset)
            val_parts.append(x)
            offset += len(v.idf)
        if self.n_dense:
            if dense is None or len(dense) != self.n_dense:
                raise ValueError(f"this model needs {self.n_dense} dense features per text")
            idx_parts.append(np.arange(offset, offset + self.n_dense))
            val_parts.append(np.asarray(dense, dtype=np.float64))
        return np.concatenate(idx_parts), np.concatenate(val_parts)

    def predict_proba(self, texts: Sequence[str], dense: Sequence[Sequence[float]] | None = None) -> np.ndarray:
        """Class probabilities, one row per text (columns in ``classes`` order)."""
        n = len(texts)
        feats = [self._features(t, None if dense is None else dense[r]) for r, t in enumerate(texts)]
        rows = np.repeat(np.arange(n), [len(i) for i, _ in feats])
        idx = np.concatenate([i for i, _ in feats]) if n else np.zeros(0, dtype=np.int64)
        val = np.concatenate([v for _, v in feats]) if n else np.zeros(0)
        out = np.zeros((n, len(self.classes)))
        for h in self.heads:
            contrib = h.W[:, idx] * val
            z = np.column_stack([np.bincount(rows, weights=c, minlength=n) for c in contrib]) + h.b
            out += h.weight * h.probabilities(z)
        return out / sum(h.weight for h in self.heads)

    def proba_of(self, label, texts: Sequence[str], dense=None) -> list[float]:
        """P(``label``) per text."""
        k = self.classes.index(label)
        return [float(p[k]) for p in self.predict_proba(texts, dense)]

    def predict(self, texts: Sequence[str], dense=None) -> list:
        return [self.classes[int(np.argmax(p))] for p in self.predict_proba(texts, dense)]


def _split_terms(raw: np.ndarray) -> list[str]:
    text = raw.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def load_bundle(path: Path) -> dict:
    """The exported bundle: each model as a :class:`LinearTextModel`, the other entries
    (thresholds, flags, ``meta``) as written.  ``ValueError`` for a file of another format."""
    with np.load(path, allow_pickle=False) as z:
        spec = json.loads(z["__spec__"].tobytes().decode("utf-8"))
        if spec.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file (format {spec.get('format')!r})")
        bundle = dict(spec["values"])
        for name, m in spec["models"].items():
            vecs = []
            for i, v in enumerate(m["vectorizers"]):
                terms = _split_terms(z[f"{name}/vec{i}/terms"])
                vecs.append(NgramTfidf(
                    analyzer=v["analyzer"], ngram_range=tuple(v["ngram_range"]),
                    vocabulary=dict(zip(terms, range(len(terms)))), idf=z[f"{name}/vec{i}/idf"],
                    lowercase=v["lowercase"], token_pattern=v["token_pattern"],
                    sublinear_tf=v["sublinear_tf"], norm=v["norm"]))
            heads = [LinearHead(kind=h["kind"], W=z[f"{name}/head{j}/W"], b=z[f"{name}/head{j}/b"],
                                scale=h["scale"], weight=h["weight"], source=h.get("source", ""))
                     for j, h in enumerate(m["heads"])]
            bundle[name] = LinearTextModel(vecs, heads, list(m["classes"]), int(m.get("n_dense", 0)))
    return bundle
