"""Optional transformers backend: zero-shot NLI over the rule-detected utterances.

Selected with ``TagOptions(backend="transformers", transformers_model=PATH_OR_NAME)``.
Two kinds of sequence-classification model work, told apart by their labels:

* an **NLI** model (its config names an ``entailment`` label), e.g. a multilingual
  XNLI model for Dutch and English, zero-shot: the rules still find the questions
  and cues; the model decides open/closed, whether a supplier-side turn is
  defensive (and its category) and whether a buyer-side turn is a reflection
  (and simple/complex);
* an **open/closed question classifier** (labels ``open`` and ``closed``), e.g. one
  fine-tuned by ``scripts/finetune_questions.py``: the default path tags as usual
  and the model decides open/closed on every turn the rules find a question in.  transformers is imported lazily; a missing
install raises :class:`MissingDependencyError`, a model that is not available
offline :class:`ModelNotAvailableError`.  ``TagOptions.device`` (``cpu`` by
default, ``cuda`` or ``auto``) says where the model runs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import ModelNotAvailableError, require
from pipeline.types import DEFENSIVE_CATEGORIES, Tag

log = logging.getLogger(__name__)

H_OPEN = "This question invites the other person to explain in their own words."
H_CLOSED = "This question can be answered with yes, no or a short fact."
H_DEFENSIVE = "The speaker is being defensive."
H_CATEGORY = {
    "denial": "The speaker denies the problem.",
    "justification": "The speaker justifies themselves by pointing to their policies or audits.",
    "deflection": "The speaker says someone else is responsible.",
    "counter_attack": "The speaker questions the source or attacks the other side.",
    "minimisation": "The speaker says the problem is small.",
    "stonewalling": "The speaker refuses to talk about it.",
}
H_REFLECTION = "The speaker repeats or paraphrases what the other person said."
H_COMPLEX = "The speaker adds a guess about the other person's feelings or meaning."
THRESHOLD = 0.5
BATCH = 16


def transformers_source(model: str | None) -> str:
    name = Path(model).name if model else "none"
    return f"transformers-nli:{name}@1"


class _SequenceClassifier:
    """A local or cached sequence-classification model with its tokenizer, on ``device``."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        transformers = require("transformers", "transformers", "the transformers backend")
        torch = require("torch", "transformers", "the transformers backend (torch)")
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(model)
            self.model = transformers.AutoModelForSequenceClassification.from_pretrained(model)
        except (OSError, ValueError) as exc:
            raise _not_available(model, exc) from exc
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.model.to(device).eval()
        self.labels = {str(v).lower(): int(k) for k, v in self.model.config.id2label.items()}

    def _softmax(self, *texts: Sequence[str]) -> list[list[float]]:
        import torch

        out: list[list[float]] = []
        for i in range(0, len(texts[0]), BATCH):
            chunk = [list(t[i:i + BATCH]) for t in texts]
            enc = self.tokenizer(*chunk, truncation=True, max_length=256, padding=True,
                                 return_tensors="pt").to(self.device)
            with torch.no_grad():
                out += torch.softmax(self.model(**enc).logits, dim=-1).tolist()
        return out


class NLIScorer(_SequenceClassifier):
    """Entailment probability of (premise, hypothesis) pairs."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        super().__init__(model, device)
        entail = [i for name, i in self.labels.items() if name.startswith("entail")]
        if not entail:
            raise ModelNotAvailableError(_wrong_labels(model, self.labels))
        self.entail = entail[0]
        self.source = transformers_source(model)

    def entailment(self, premises: Sequence[str], hypothesis: str) -> list[float]:
        return [p[self.entail] for p in self._softmax(premises, [hypothesis] * len(premises))]


class QuestionClassifier(_SequenceClassifier):
    """A model fine-tuned to tell open from closed questions (labels ``open`` and ``closed``;
    ``scripts/finetune_questions.py`` makes one): P(open) per question text."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        super().__init__(model, device)
        if not {"open", "closed"} <= set(self.labels):
            raise ModelNotAvailableError(_wrong_labels(model, self.labels))
        self.source = f"transformers-questions:{Path(model).name}@1"

    def open_proba(self, texts: Sequence[str]) -> list[float]:
        o, c = self.labels["open"], self.labels["closed"]
        return [p[o] / (p[o] + p[c]) if p[o] + p[c] > 0 else 0.5 for p in self._softmax(texts)]


def _not_available(model: str, exc: Exception) -> ModelNotAvailableError:
    return ModelNotAvailableError(
        f"transformers model {model!r} is not available offline ({type(exc).__name__}) — "
        "give a local folder with config.json, weights and tokenizer, or cache the model first")


def _wrong_labels(model: str, labels: dict) -> str:
    return (f"transformers model {model!r} has labels {sorted(labels)} — the transformers backend needs an NLI "
            "model (an 'entailment' label) or an open/closed question classifier (labels 'open' and 'closed', "
            "e.g. from scripts/finetune_questions.py)")


@functools.lru_cache(maxsize=2)
def load_nli(model: str, device: str = "cpu") -> NLIScorer:
    return NLIScorer(model, device)


@functools.lru_cache(maxsize=2)
def load_question_classifier(model: str, device: str = "cpu") -> QuestionClassifier:
    return QuestionClassifier(model, device)


def model_kind(model: str) -> str:
    """``"nli"`` or ``"questions"``, from the model's labels (its config only)."""
    transformers = require("transformers", "transformers", "the transformers backend")
    try:
        cfg = transformers.AutoConfig.from_pretrained(model)
    except (OSError, ValueError) as exc:
        raise _not_available(model, exc) from exc
    labels = {str(v).lower() for v in (cfg.id2label or {}).values()}
    if any(x.startswith("entail") for x in labels):
        return "nli"
    if {"open", "closed"} <= labels:
        return "questions"
    raise ModelNotAvailableError(_wrong_labels(model, dict.fromkeys(labels)))


def apply_transformers(items, facts, q_label, d_tag, r_tag, options):
    """Replace the open/closed, defensive and reflection decisions by the NLI model's; with an
    open/closed question classifier, the default path tags and the model decides open/closed."""
    from pipeline.tagging.tagger import _apply_classifier, _apply_defensive_classifier, _role_ok

    if not options.transformers_model:
        raise ModelNotAvailableError(
            "backend 'transformers' needs TagOptions.transformers_model (a local path or a cached model name)"
        )
    if model_kind(options.transformers_model) == "questions":
        q_label, d_tag, r_tag = list(q_label), list(d_tag), list(r_tag)
        _apply_classifier(items, facts, q_label, r_tag)
        _apply_defensive_classifier(items, facts, d_tag)
        clf = load_question_classifier(options.transformers_model, options.device)
        qi = [i for i, f in enumerate(facts) if f.questions]
        from models.tagger_classifier import question_sentences

        for i, p in zip(qi, clf.open_proba([question_sentences(items[i].text) for i in qi])):
            q_label[i] = Tag("question", "open" if p >= 0.5 else "closed", clf.source, confidence=max(p, 1 - p),
                             span=q_label[i].span if q_label[i] is not None else "")
        return q_label, d_tag, r_tag
    nli = load_nli(options.transformers_model, options.device)
    src = nli.source
    q_label, d_tag, r_tag = list(q_label), list(d_tag), list(r_tag)

    qi = [i for i, f in enumerate(facts) if f.questions]
    if qi:
        texts = [items[i].text for i in qi]
        po, pc = nli.entailment(texts, H_OPEN), nli.entailment(texts, H_CLOSED)
        for i, a, b in zip(qi, po, pc):
            p = a / (a + b) if a + b > 0 else 0.5
            q_label[i] = Tag("question", "open" if p >= 0.5 else "closed", src, confidence=max(p, 1 - p))

    di = [i for i, it in enumerate(items) if _role_ok(it.language, "defensive", it.role)]
    if di:
        texts = [items[i].text for i in di]
        pd_ = nli.entailment(texts, H_DEFENSIVE)
        cats = {c: nli.entailment(texts, H_CATEGORY[c]) for c in DEFENSIVE_CATEGORIES}
        for k, (i, p) in enumerate(zip(di, pd_)):
            if p >= THRESHOLD:
                best = max(DEFENSIVE_CATEGORIES, key=lambda c: cats[c][k])
                d_tag[i] = Tag("defensive", best, src, confidence=p)
            else:
                d_tag[i] = None

    ri = [i for i, it in enumerate(items) if _role_ok(it.language, "reflections", it.role)]
    if ri:
        texts = [items[i].text for i in ri]
        pr, pk = nli.entailment(texts, H_REFLECTION), nli.entailment(texts, H_COMPLEX)
        for i, p, k in zip(ri, pr, pk):
            r_tag[i] = Tag("reflection", "complex" if k >= THRESHOLD else "simple", src, confidence=p) \
                if p >= THRESHOLD else None
    return q_label, d_tag, r_tag
