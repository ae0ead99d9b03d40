"""What the rules say about one parsed utterance (before models and roles).

Reads the hits the ``dialoog_rules_v1`` component left on a spaCy ``Doc`` and
turns them into :class:`RuleFacts`: the question sentences with their rule
verdict, the defensive category, the reflection kind and the cues.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

#: Order of decision for open/closed within one question sentence (``open_first``:
#: requests to elaborate that contain a closed-looking phrase, "where are the biggest risks").
_QUESTION_ORDER = (("open_first", "open", True), ("closed_strong", "closed", True), ("open_strong", "open", True),
                   ("closed_weak", "closed", False), ("open_weak", "open", False))
#: Tie-break order when several defensive categories match.
DEFENSIVE_PRIORITY = ("counter_attack", "stonewalling", "deflection", "denial", "minimisation", "justification")
_VETOABLE = frozenset({"denial", "justification", "minimisation", "deflection"})


@dataclass(frozen=True, slots=True)
class QuestionSentence:
    text: str
    label: str | None       # open | closed | None (rules have no verdict)
    strong: bool
    has_mark: bool          # ends with / contains "?"
    span: str               # the phrase that decided


@dataclass(frozen=True, slots=True)
class RuleFacts:
    questions: tuple[QuestionSentence, ...]
    defensive: tuple[str, str] | None        # (category, span)
    reflection: tuple[str, str, bool] | None  # (kind, span, strong)
    cues: tuple[tuple[str, str], ...]        # (cue, span), in CUE_NAMES order of first match
    vetoed: bool = False                     # a "not defensive" phrase matched ("I need to check …")
    evidence: bool = False                   # a defensive evidence word matched (negation, "only", "who" …)
    owned: bool = False                      # an ownership/admission/cooperation phrase matched ("our mistake")

    @property
    def is_question(self) -> bool:
        return bool(self.questions)

    def question_hint(self) -> str:
        """The rules' verdicts as tokens for the trained classifier (``__R_open_S`` …)."""
        toks = [f"__R_{q.label or 'none'}_{'S' if q.strong else 'W'}" for q in self.questions]
        if self.questions:
            q = self.questions[-1]
            toks.append(f"__L_{q.label or 'none'}_{'S' if q.strong else 'W'}")
        return " ".join(toks)

    def reflection_hint(self) -> str:
        """The reflection rule verdict and whether it is a question, as tokens."""
        toks = []
        if self.reflection:
            toks.append(f"__RF_{self.reflection[0]}{'S' if self.reflection[2] else 'W'}")
        if self.questions:
            toks.append("__QQ")
        return " ".join(toks)


def read_facts(doc) -> RuleFacts:
    hits = doc._.dialoog_hits or []
    sents = list(doc.sents)
    by_sent: dict[int, dict[str, object]] = {}
    def_counts: Counter[str] = Counter()
    def_span: dict[str, str] = {}
    vetoed = evidence = owned = False
    refl: dict[str, str] = {}
    cues: dict[str, str] = {}
    for h in hits:
        span = doc[h.start:h.end].text
        if h.file == "questions":
            by_sent.setdefault(h.sent, {}).setdefault(h.label, span)
        elif h.file == "defensive":
            if h.label == "veto":
                vetoed = True
            elif h.label == "evidence":
                evidence = True
            elif h.label == "ownership":
                owned = True
            else:
                cat = h.label.split(".", 1)[1]
                def_counts[cat] += 1
                def_span.setdefault(cat, span)
        elif h.file == "reflections":
            refl.setdefault(h.label.split(".", 1)[-1], span)
        elif h.file == "cues":
            cues.setdefault(h.label.split(".", 1)[1], span)

    questions = []
    for i, sent in enumerate(sents):
        marks = by_sent.get(i, {})
        has_mark = "?" in sent.text
        # without "?", a ``statement`` phrase (a wh-clause as subject, an exclamation,
        # "why not, …") outweighs the question phrases; so does a closing "!" (v5)
        if not has_mark and ("question" not in marks or "statement" in marks or sent.text.rstrip().endswith("!")):
            continue
        label, strong, span = None, False, ""
        for key, lab, st in _QUESTION_ORDER:
            if key in marks:
                label, strong, span = lab, st, str(marks[key])
                break
        questions.append(QuestionSentence(sent.text, label, strong, has_mark, span))

    defensive = None
    if def_counts:
        cats = [c for c in def_counts if not (vetoed and c in _VETOABLE)]
        if cats:
            best = max(cats, key=lambda c: (def_counts[c], -DEFENSIVE_PRIORITY.index(c)))
            defensive = (best, def_span[best])

    reflection = None
    for kind in ("complex", "simple"):
        if kind in refl:
            reflection = (kind, refl[kind], True)
            break
    else:
        if "weak" in refl:
            reflection = ("simple", refl["weak"], False)
    return RuleFacts(tuple(questions), defensive, reflection, tuple(cues.items()), vetoed, evidence, owned)
