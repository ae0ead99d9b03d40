"""Combine rules, the trained classifiers and (optionally) a transformers model
into :class:`~pipeline.types.UtteranceTags`.

Default path (``TagOptions(backend="rules")``):
* questions: spaCy rules find question sentences (with or without "?"); a strong
  rule decides open/closed; otherwise, in English, the AnnoMI classifier decides
  (with its confidence); otherwise the weak rule, else "closed".
* defensive: rules per category (supplier-side roles only).
* reflections: English — the AnnoMI classifier or a strong rule; Dutch — rules.
* cues: rules.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.options import TagOptions
from pipeline.tagging.nlp import get_nlp
from pipeline.tagging.patterns import load_rule_file, source_name
from pipeline.tagging.rule_facts import RuleFacts, read_facts
from pipeline.types import CUE_NAMES, Tag, UtteranceTags

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TagInput:
    """One utterance as the tagger needs it."""

    text: str
    language: str = "en"
    role: str = "unknown"
    previous: str = ""   # the other side's preceding turn (context for reflections)


def _classifier():
    from models.tagger_classifier import load_tagger_classifier
    from pipeline.errors import ModelNotAvailableError

    try:
        return load_tagger_classifier()
    except ModelNotAvailableError as exc:
        log.warning("%s; falling back to rules only", exc)
        return None


def _role_ok(lang: str, file: str, role: str, allowed: Sequence[str] | None = None) -> bool:
    roles = allowed if allowed is not None else load_rule_file(lang, file).get("roles", [])
    return not roles or role in roles


def _cue_roles(lang: str) -> dict[str, list[str]]:
    return {k: (v.get("roles") or []) for k, v in load_rule_file(lang, "cues")["cues"].items()}


#: Longest utterance text the rules read (spaCy refuses > 1,000,000 characters; nobody says 100,000 in one turn).
MAX_TAG_CHARS = 100_000
#: spaCy's affix search is quadratic in a run of punctuation ("??????…"): runs are cut to 16 characters.
_PUNCT_RUN = re.compile(r"[^\w\s]{17,}")


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    if len(text) > MAX_TAG_CHARS:
        text = text[:MAX_TAG_CHARS]
    return _PUNCT_RUN.sub(lambda m: m.group(0)[:16], text)


def parse_all(items: Sequence[TagInput]) -> list[RuleFacts]:
    """Run the spaCy rule pipelines (batched per language) and read the facts."""
    facts: list[RuleFacts | None] = [None] * len(items)
    for lang in sorted({it.language for it in items}):
        idx = [i for i, it in enumerate(items) if it.language == lang]
        nlp = get_nlp(lang)
        for i, doc in zip(idx, nlp.pipe((_normalise(items[i].text) for i in idx), batch_size=256)):
            facts[i] = read_facts(doc)
    return facts  # type: ignore[return-value]


def tag_items(items: Sequence[TagInput], options: TagOptions = TagOptions()) -> list[UtteranceTags]:
    """Tags for each item, in order (no trigger linking; see :mod:`pipeline.tagging.context`)."""
    if not items:
        return []
    facts = parse_all(items)
    q_label: list[Tag | None] = [None] * len(items)
    d_tag: list[Tag | None] = [None] * len(items)
    r_tag: list[Tag | None] = [None] * len(items)

    for i, (it, f) in enumerate(zip(items, facts)):
        lang = it.language
        if f.questions:
            qs = f.questions[-1]
            strong = next((q for q in reversed(f.questions) if q.strong), None)
            if strong is not None:
                q_label[i] = Tag("question", strong.label, source_name(lang, "questions"), span=strong.span)
            elif qs.label is not None:
                q_label[i] = Tag("question", qs.label, source_name(lang, "questions"), span=qs.span)
            else:
                q_label[i] = Tag("question", "closed", source_name(lang, "questions"), span=qs.text)
        if f.defensive and _role_ok(lang, "defensive", it.role):
            d_tag[i] = Tag("defensive", f.defensive[0], source_name(lang, "defensive"), span=f.defensive[1])
        if f.reflection and _role_ok(lang, "reflections", it.role):
            kind, span, strong = f.reflection
            if strong or not f.questions:
                r_tag[i] = Tag("reflection", kind, source_name(lang, "reflections"), span=span)

    if options.backend == "transformers":
        from models.transformers_tagger import apply_transformers

        q_label, d_tag, r_tag = apply_transformers(items, facts, q_label, d_tag, r_tag, options)
    else:
        _apply_classifier(items, facts, q_label, r_tag)
        _apply_defensive_classifier(items, facts, d_tag)

    out = []
    for i, (it, f) in enumerate(zip(items, facts)):
        cue_roles = _cue_roles(it.language)
        src = source_name(it.language, "cues")
        cues = tuple(Tag("cue", name, src, span=span) for name, span in
                     sorted(f.cues, key=lambda c: CUE_NAMES.index(c[0]))
                     if name in CUE_NAMES and _role_ok(it.language, "cues", it.role, cue_roles.get(name, [])))
        out.append(UtteranceTags(question=q_label[i], defensive=d_tag[i], reflection=r_tag[i], cues=cues))
    return out


def _apply_classifier(items, facts, q_label, r_tag) -> None:
    """English: let the trained classifier decide open/closed where no strong rule did,
    and decide reflections (a strong rule still counts)."""
    en = [i for i, it in enumerate(items) if it.language == "en"]
    if not en:
        return
    clf = _classifier()
    if clf is None:
        return
    from models.tagger_classifier import QUESTION_MODEL, REFLECTION_MODEL

    ask = [i for i in en if facts[i].questions and not any(q.strong for q in facts[i].questions)]
    for i, p in zip(ask, clf.open_proba([items[i].text for i in ask], [facts[i].question_hint() for i in ask])):
        label = "open" if p >= 0.5 else "closed"
        q_label[i] = Tag("question", label, QUESTION_MODEL, confidence=max(p, 1 - p))
    refl = [i for i in en if _role_ok("en", "reflections", items[i].role) and any(c.isalnum() for c in items[i].text)]
    probs = clf.reflection_proba([items[i].text for i in refl], [items[i].previous for i in refl],
                                 [facts[i].reflection_hint() for i in refl])
    hits = [i for i, p in zip(refl, probs)
            if p >= clf.reflection_threshold and (facts[i].reflection is not None or _reflects(items[i]))]
    kinds = dict(zip(hits, clf.complex_proba([items[i].text for i in hits])))
    prob = dict(zip(refl, probs))
    for i in refl:
        rule = r_tag[i]
        if i in kinds:
            pk = kinds[i]
            label = rule.label if rule is not None and rule.source.startswith("rules") and rule.label == "complex" \
                else ("complex" if pk >= 0.5 else "simple")
            r_tag[i] = Tag("reflection", label, REFLECTION_MODEL, confidence=prob[i], span=rule.span if rule else "")
        elif rule is not None and not _strong_reflection(facts[i]):
            r_tag[i] = None


def _apply_defensive_classifier(items, facts, d_tag) -> None:
    """Both languages: where no rule fired and no veto phrase matched, the defensive
    classifier may tag the turn above its per-language threshold; a turn without
    any lexical evidence (the rule file's ``evidence`` words) needs the higher
    per-language threshold for plain statements.  An ``ownership`` phrase (v4:
    "our mistake", "daar had hij gelijk in", "misschien kunnen we samen …")
    blocks the model but not a rule."""
    ask = [i for i, it in enumerate(items)
           if d_tag[i] is None and not facts[i].vetoed and not facts[i].owned
           and _role_ok(it.language, "defensive", it.role) and len(it.text.split()) >= 3]
    if not ask:
        return
    clf = _classifier()
    if clf is None:
        return
    from models.tagger_classifier import DEFENSIVE_MODEL

    probs = clf.defensive_proba([items[i].text for i in ask])
    hits = [(i, p) for i, p in zip(ask, probs)
            if p >= clf.defensive_threshold_for(items[i].language, facts[i].evidence)]
    cats = clf.defensive_category([items[i].text for i, _ in hits])
    for (i, p), cat in zip(hits, cats):
        d_tag[i] = Tag("defensive", cat, DEFENSIVE_MODEL, confidence=p)


#: A model-only reflection must be no longer than a paraphrase.  The AnnoMI-trained
#: model otherwise takes much of a buyer's informing for reflections (AnnoMI
#: therapists rarely inform at length).  40 words: AnnoMI held-out reflection F1
#: 0.697 → 0.702, precision 0.615 → 0.638 (scripts/eval_taggers.py).
REFLECTION_MAX_WORDS = 40


def _reflects(item) -> bool:
    return len(item.text.split()) <= REFLECTION_MAX_WORDS


def _strong_reflection(f: RuleFacts) -> bool:
    return f.reflection is not None and f.reflection[2]
