"""The small trained tagger classifiers (open/closed questions, reflections).

Trained by ``scripts/train_taggers.py`` on AnnoMI (see
``models/taggers/MODEL_CARD.md``): TF-IDF word and character n-grams plus a few
context features, logistic regression (the defensive model averaged with a
complement naive Bayes).  The artifact is one ``.npz`` of plain arrays, read by
:mod:`models.linear_text` without scikit-learn.  The feature functions here are the
single definition both training and inference use.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pipeline.errors import ModelNotAvailableError

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent / "taggers" / "annomi_taggers.npz"
QUESTION_MODEL = "annomi-questions-lr@3"
REFLECTION_MODEL = "annomi-reflections-lr@3"
DEFENSIVE_MODEL = "dialoog-defensive-lr@7"

_SENT = re.compile(r"(?<=[.?!])\s+")
_WORD = re.compile(r"[a-z']+")
_STOP = frozenset(
    "i you the a an and to of it that is was in for on be have do so my me your it's i'm just "
    "like um uh yeah know but not with this what are they he she we at as or if".split()
)


def _sentences(text: str) -> list[str]:
    return [p for p in _SENT.split(text.strip()) if p.strip()]


def mark_sentences(text: str) -> str:
    """The text with a ``__F_<first word>`` marker before each sentence."""
    out = []
    for s in _sentences(text):
        first = s.split()[0].lower().strip(",.-—\"'")
        out.append(f"__F_{first} {s}")
    return " ".join(out)


def question_sentences(text: str) -> str:
    """The question sentences of a turn: those with "?", else the last one."""
    sents = _sentences(text)
    return " ".join([s for s in sents if "?" in s] or sents[-1:])


def question_focus(text: str) -> str:
    """:func:`question_sentences`, marked (the open/closed model's text input)."""
    return mark_sentences(question_sentences(text))


def context_features(text: str, prev: str) -> list[float]:
    """Overlap with the other speaker's previous turn, "?", length."""
    a = set(_WORD.findall(text.lower())) - _STOP
    b = set(_WORD.findall(prev.lower())) - _STOP
    overlap = len(a & b) / max(1, len(a))
    n = min(len(text.split()), 60) / 60
    return [3.0 * overlap, 3.0 * float("?" in text), 3.0 * n, 3.0 * float(text.strip().endswith("?"))]


def question_input(text: str, hint: str = "") -> str:
    """Model input for open/closed: the question sentences plus the rules' verdict tokens."""
    return f"{question_focus(text)} {hint}".strip()


def reflection_input(text: str, hint: str = "") -> str:
    """Model input for reflections: the marked turn plus the rules' tokens."""
    return f"{mark_sentences(text)} {hint}".strip()


#: Clause and stance markers for the defensive model (v6): the words of a clause after
#: "but" / "maar", the word after a negation, and who the turn is about.
_BUT = frozenset("but however though although yet maar echter alleen toch".split())
_NEG = frozenset("not no never nothing nobody none n't niet geen nooit niks niets niemand".split())
_PRON = {"we": "we", "our": "we", "us": "we", "ours": "we", "wij": "we", "ons": "we", "onze": "we",
         "you": "you", "your": "you", "jullie": "you", "u": "you", "uw": "you", "je": "you", "jouw": "you",
         "they": "they", "them": "they", "their": "they", "zij": "they", "ze": "they", "hun": "they",
         "i": "i", "my": "i", "me": "i", "ik": "i", "mijn": "i"}
_TOK = re.compile(r"[\w']+|[.?!;:,]")


def defensive_marks(text: str) -> str:
    """Marker tokens for the defensive model: ``__B_<w>`` for the words of a clause after
    "but"/"maar" (up to the next sentence end), ``__N_<w>`` for the word after a negation,
    ``__P_<we|you|they|i>`` for each person referred to, ``__Q`` for a question mark."""
    toks = [t.lower() for t in _TOK.findall(text.replace("n't", " n't"))]
    out: list[str] = []
    in_but = False
    for i, t in enumerate(toks):
        if t in ".?!;":
            in_but = False
            continue
        if t in _BUT:
            in_but = True
            continue
        if in_but and t != ",":
            out.append(f"__B_{t}")
        if t in _NEG and i + 1 < len(toks) and toks[i + 1] not in ".?!;:,":
            out.append(f"__N_{toks[i + 1]}")
        if t in _PRON:
            out.append(f"__P_{_PRON[t]}")
    if "?" in toks:
        out.append("__Q")
    return " ".join(dict.fromkeys(out))


def defensive_input(text: str, marks: bool = False) -> str:
    """The defensive model's input: the turn, with :func:`defensive_marks` appended when
    the artifact was trained so."""
    return f"{text} {defensive_marks(text)}".strip() if marks else text


class AveragedModel:
    """The weighted mean of several fitted classifiers' probabilities on the same features (the
    v6 defensive model: logistic regression + complement naive Bayes); a model without
    ``predict_proba`` (a linear SVM) counts with a logistic of its decision value."""

    def __init__(self, models: Sequence, weights: Sequence[float] | None = None) -> None:
        self.models = list(models)
        self.weights = list(weights) if weights is not None else [1.0] * len(self.models)
        self.classes_ = self.models[0].classes_

    def predict_proba(self, X):
        import numpy as np

        total = None
        for m, w in zip(self.models, self.weights):
            if hasattr(m, "predict_proba"):
                p = m.predict_proba(X)
            else:
                z = 1.0 / (1.0 + np.exp(-2.0 * m.decision_function(X)))
                p = np.column_stack([1 - z, z])
            total = w * p if total is None else total + w * p
        return total / sum(self.weights)


class TaggerClassifier(Protocol):
    """What the tagger needs from a trained classifier (``hints``: rule tokens, see
    :meth:`pipeline.tagging.rule_facts.RuleFacts.question_hint`)."""

    def open_proba(self, texts: Sequence[str], hints: Sequence[str]) -> list[float]: ...

    def reflection_proba(self, texts: Sequence[str], prev: Sequence[str], hints: Sequence[str]) -> list[float]: ...

    def complex_proba(self, texts: Sequence[str]) -> list[float]: ...

    def defensive_proba(self, texts: Sequence[str]) -> list[float]: ...

    def defensive_category(self, texts: Sequence[str]) -> list[str]: ...

    def defensive_threshold_for(self, language: str, evidence: bool = True) -> float: ...

    @property
    def reflection_threshold(self) -> float: ...


class LinearTaggerClassifier:
    """The exported artifact (:mod:`models.linear_text`): TF-IDF + linear models, numpy only."""

    def __init__(self, bundle: dict) -> None:
        self._b = bundle
        self.reflection_threshold = float(bundle.get("reflection_threshold", 0.5))
        self.defensive_threshold = float(bundle.get("defensive_threshold", 0.5))
        self.defensive_thresholds = {k: float(v) for k, v in (bundle.get("defensive_thresholds") or {}).items()}
        self.defensive_thresholds_plain = {
            k: float(v) for k, v in (bundle.get("defensive_thresholds_without_evidence") or {}).items()}
        self.meta = bundle.get("meta", {})

    def open_proba(self, texts: Sequence[str], hints: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return self._b["question"].proba_of("open", [question_input(t, h) for t, h in zip(texts, hints)])

    def reflection_proba(self, texts: Sequence[str], prev: Sequence[str], hints: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return self._b["reflection"].proba_of(
            True, [reflection_input(t, h) for t, h in zip(texts, hints)],
            [context_features(t, p) for t, p in zip(texts, prev)])

    def defensive_threshold_for(self, language: str, evidence: bool = True) -> float:
        """The defensive model's threshold for ``language`` (per language where trained so);
        ``evidence=False``: for a turn without an evidence word (higher; > 1 means never)."""
        if not evidence:
            return self.defensive_thresholds_plain.get(language, 1.01)
        return self.defensive_thresholds.get(language, self.defensive_threshold)

    def defensive_proba(self, texts: Sequence[str]) -> list[float]:
        """P(defensive) per text; empty when the artifact has no defensive model."""
        if not texts or "defensive" not in self._b:
            return []
        marks = bool(self._b.get("defensive_marks", False))
        return self._b["defensive"].proba_of(True, [defensive_input(t, marks) for t in texts])

    def defensive_category(self, texts: Sequence[str]) -> list[str]:
        """The most likely defensive category per (defensive) text."""
        if not texts or "defensive_category" not in self._b:
            return []
        return [str(c) for c in self._b["defensive_category"].predict(list(texts))]

    def complex_proba(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return self._b["reflection_kind"].proba_of("complex", [mark_sentences(t) for t in texts])


@functools.lru_cache(maxsize=4)
def load_tagger_classifier(path: str | None = None) -> LinearTaggerClassifier:
    """Load (once) the trained artifact; :class:`ModelNotAvailableError` if it is missing."""
    p = Path(path) if path else DEFAULT_PATH
    if not p.is_file():
        raise ModelNotAvailableError(
            f"tagger model {p} not found — run: python scripts/train_taggers.py "
            "(needs ../shared/data/annomi/annomi_train.csv), or use the rules only"
        )
    from models.linear_text import load_bundle

    log.debug("loading tagger classifier %s", p)
    try:
        return LinearTaggerClassifier(load_bundle(p))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelNotAvailableError(
            f"tagger model {p} cannot be read ({exc}) — retrain it: python scripts/train_taggers.py") from exc
