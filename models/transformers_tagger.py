"""Optional transformers backend: zero-shot NLI over the rule-detected utterances.

Selected with ``TagOptions(backend="transformers", transformers_model=PATH_OR_NAME)``.
Any sequence-classification model fine-tuned for NLI works (its config names an
``entailment`` label), e.g. a multilingual XNLI model for Dutch and English.  The
rules still find the questions and cues; the model decides open/closed, whether a
supplier-side turn is defensive (and its category) and whether a buyer-side turn
is a reflection (and simple/complex).  transformers is imported lazily; a missing
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


class NLIScorer:
    """Entailment probability of (premise, hypothesis) pairs."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        transformers = require("transformers", "transformers", "the transformers backend")
        torch = require("torch", "transformers", "the transformers backend (torch)")
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(model)
            self.model = transformers.AutoModelForSequenceClassification.from_pretrained(model)
        except (OSError, ValueError) as exc:
            raise ModelNotAvailableError(
                f"transformers model {model!r} is not available offline ({type(exc).__name__}) — "
                "give a local folder with config.json, weights and tokenizer, or cache the model first"
            ) from exc
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.model.to(device).eval()
        labels = {str(v).lower(): int(k) for k, v in self.model.config.id2label.items()}
        entail = [i for name, i in labels.items() if name.startswith("entail")]
        if not entail:
            raise ModelNotAvailableError(
                f"transformers model {model!r} has no 'entailment' label (labels: {sorted(labels)}) — "
                "the transformers backend needs an NLI model"
            )
        self.entail = entail[0]
        self.source = transformers_source(model)

    def entailment(self, premises: Sequence[str], hypothesis: str) -> list[float]:
        import torch

        out: list[float] = []
        for i in range(0, len(premises), BATCH):
            chunk = list(premises[i:i + BATCH])
            enc = self.tokenizer(chunk, [hypothesis] * len(chunk), truncation=True, max_length=256,
                                 padding=True, return_tensors="pt").to(self.device)
            with torch.no_grad():
                logits = self.model(**enc).logits
            out += torch.softmax(logits, dim=-1)[:, self.entail].tolist()
        return out


@functools.lru_cache(maxsize=2)
def load_nli(model: str, device: str = "cpu") -> NLIScorer:
    return NLIScorer(model, device)


def apply_transformers(items, facts, q_label, d_tag, r_tag, options):
    """Replace the open/closed, defensive and reflection decisions by the NLI model's."""
    from pipeline.tagging.tagger import _role_ok

    if not options.transformers_model:
        raise ModelNotAvailableError(
            "backend 'transformers' needs TagOptions.transformers_model (a local path or a cached model name)"
        )
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
