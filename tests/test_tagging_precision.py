"""Rules v2: tag questions and indirect questions (end anchor ``$``), question-word
statements, veto phrases for constructive supplier turns, and the lexical
evidence gate + per-language threshold for model-only defensive calls."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text
from pipeline.tagging.patterns import compile_phrase
from pipeline.tagging.tagger import TagInput, parse_all, tag_items


def test_end_anchor_compiles_and_only_matches_at_the_end():
    ph = compile_phrase("right $", lambda w: [w])
    assert ph.end_anchored and not ph.anchored and ph.patterns == (({"NORM": {"IN": ["right"]}},),)
    assert tag_text("the audit was in March right", "en", "buyer").question is not None
    assert tag_text("workers have the right to organise here", "en", "buyer").question is None


@pytest.mark.parametrize(("text", "lang"), [
    ("the audit was in March right", "en"),
    ("so the committee meets every two months is that correct", "en"),
    ("you have a grievance box at the gate don't you", "en"),
    ("that's the agency that also supplies the other factory isn't it", "en"),
    ("de audit was in maart toch", "nl"),
    ("dus het comité komt elke twee maanden bij elkaar klopt dat", "nl"),
    ("u heeft een klachtenbus bij de poort of niet", "nl"),
    ("dat is hetzelfde bureau als bij de andere fabriek hè", "nl"),
])
def test_tag_questions_without_question_mark_are_closed_questions(text, lang):
    q = tag_text(text, lang, "buyer").question
    assert q is not None and q.label == "closed"


@pytest.mark.parametrize(("text", "lang", "label"), [
    ("I'd be interested to know how the committee members are chosen", "en", "open"),
    ("we'd like to know more about the dormitory", "en", "open"),
    ("any idea how many of them are women", "en", "closed"),
    ("ik vroeg me af of de eigenaar later nog aansluit", "nl", "closed"),
    ("we willen graag meer weten over de slaapzaal", "nl", "open"),
    ("rekent het bureau kosten aan de werknemers", "nl", "closed"),
    ("met welk bureau werkt u", "nl", "closed"),
    ("kunt u iets zeggen over de wervingskosten", "nl", "open"),
])
def test_indirect_and_verb_first_questions(text, lang, label):
    q = tag_text(text, lang, "buyer").question
    assert q is not None and q.label == label


@pytest.mark.parametrize(("text", "lang"), [
    ("What we need is a clear picture of the recruitment process.", "en"),
    ("yes that's right", "en"),
    ("you're right about the agency", "en"),
    ("all right let's move on", "en"),
    ("Wat wij willen is een duidelijk beeld van de werving.", "nl"),
    ("hoe u dat aanpakt is natuurlijk aan u", "nl"),
    ("Waarom ik het vraag is dat we een klacht kregen.", "nl"),
])
def test_question_word_statements_and_acknowledgements_are_not_questions(text, lang):
    assert tag_text(text, lang, "buyer").question is None


@pytest.mark.parametrize(("text", "lang"), [
    ("We are a bit worried about production volumes next quarter.", "en"),
    ("Our main worry is the lead time, we might not make the deadline.", "en"),
    ("That's a fair point, we haven't looked at the subcontractors closely enough.", "en"),
    ("I don't know the exact figure, I'll find out.", "en"),
    ("It's not perfect, we know that.", "en"),
    ("We maken ons zorgen over de productie.", "nl"),
    ("Dat moet ik intern nagaan.", "nl"),
    ("Ik vraag het even na bij onze compliance officer.", "nl"),
    ("Dat is een terecht punt, we hebben de onderaannemers niet goed bekeken.", "nl"),
    ("Het is niet perfect, dat weten we.", "nl"),
    ("Ik zie het iets anders, maar ik loop graag de cijfers met u door.", "nl"),
])
def test_constructive_supplier_turns_are_vetoed(text, lang):
    (f,) = parse_all([TagInput(text, lang, "supplier")])
    assert f.vetoed
    assert tag_text(text, lang, "supplier").defensive is None


@pytest.mark.parametrize(("text", "lang"), [
    ("That is simply not true, we do not recognise these complaints.", "en"),
    ("Who told you this?", "en"),
    ("Dat is niet waar.", "nl"),
    ("Wie heeft u dat verteld?", "nl"),
])
def test_defensive_rules_still_fire(text, lang):
    assert tag_text(text, lang, "supplier").defensive is not None


@pytest.mark.parametrize(("text", "lang", "evidence"), [
    ("We had an audit last year, in March, by Bureau Veritas.", "en", False),
    ("We hebben vorig jaar een audit gehad.", "nl", False),
    ("The overtime is mostly in October and November.", "en", False),
    ("It was only a couple of hours, nothing serious.", "en", True),
    ("Het gaat maar om een paar mensen.", "nl", True),
    ("Dat is de verantwoordelijkheid van het bureau.", "nl", True),
])
def test_evidence_words(text, lang, evidence):
    (f,) = parse_all([TagInput(text, lang, "supplier")])
    assert f.evidence is evidence


class _AlwaysDefensive:
    """A fake classifier: every turn is defensive with probability ``p``; per language
    a threshold and a higher one for turns without an evidence word."""

    reflection_threshold = 0.5

    def __init__(self, p: float, thresholds: dict[str, tuple[float, float]]) -> None:
        self.p, self.thresholds = p, thresholds

    def defensive_proba(self, texts):
        return [self.p] * len(texts)

    def defensive_category(self, texts):
        return ["justification"] * len(texts)

    def defensive_threshold_for(self, language, evidence=True):
        return self.thresholds[language][0 if evidence else 1]


NO_EVIDENCE = "We hebben vorig jaar een audit gehad door Bureau Veritas."
EVIDENCE = "Alles is al volledig in orde bij ons, dus daar gaat het om."


@pytest.mark.parametrize(("p", "expected"), [
    (0.7, [None, None]),                  # below the nl threshold 0.8
    (0.85, [None, "justification"]),      # above it, but no evidence word: needs 0.9
    (0.95, ["justification", "justification"]),
])
def test_model_only_defensive_needs_evidence_or_a_higher_threshold(monkeypatch, p, expected):
    import pipeline.tagging.tagger as tagger

    monkeypatch.setattr(tagger, "_classifier", lambda: _AlwaysDefensive(p, {"en": (0.5, 0.6), "nl": (0.8, 0.9)}))
    tags = tag_items([TagInput(NO_EVIDENCE, "nl", "supplier"), TagInput(EVIDENCE, "nl", "supplier")])
    assert [t.defensive.label if t.defensive else None for t in tags] == expected
    assert all(t.defensive.confidence == p for t in tags if t.defensive)


def test_veto_blocks_the_model_whatever_its_score(monkeypatch):
    import pipeline.tagging.tagger as tagger

    monkeypatch.setattr(tagger, "_classifier", lambda: _AlwaysDefensive(0.99, {"en": (0.5, 0.6), "nl": (0.5, 0.6)}))
    (t,) = tag_items([TagInput("We maken ons zorgen over de productie, dat is niet makkelijk.", "nl", "supplier")])
    assert t.defensive is None


def test_artifact_has_per_language_defensive_thresholds():
    from models.tagger_classifier import DEFAULT_PATH, load_tagger_classifier

    if not DEFAULT_PATH.is_file():
        pytest.skip("trained tagger artifact not present")
    clf = load_tagger_classifier()
    for lang in ("en", "nl"):
        assert 0.0 < clf.defensive_threshold_for(lang) <= clf.defensive_threshold_for(lang, evidence=False)
