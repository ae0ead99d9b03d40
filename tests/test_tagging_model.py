"""The committed AnnoMI classifier: it loads, is small, and scores known cases sensibly."""

from __future__ import annotations

import pytest

from models.tagger_classifier import DEFAULT_PATH, DEFENSIVE_MODEL, load_tagger_classifier, question_focus
from pipeline.errors import ModelNotAvailableError
from pipeline.tagging import tag_text

pytestmark = pytest.mark.skipif(not DEFAULT_PATH.is_file(), reason="trained tagger artifact not present")


def test_artifact_is_small_and_loads():
    assert DEFAULT_PATH.stat().st_size < 5_000_000
    clf = load_tagger_classifier()
    assert 0.0 < clf.reflection_threshold < 1.0
    assert clf.meta["scores"]["held_out_transcripts"]  # the card's scores are on held-out transcripts


def test_open_and_closed_known_cases():
    from pipeline.tagging.tagger import TagInput, parse_all

    clf = load_tagger_classifier()
    texts = ["What would it take for you to feel ready to make that change?",
             "Okay. And on a typical day, how many drinks would you have?"]
    hints = [f.question_hint() for f in parse_all([TagInput(t, "en") for t in texts])]
    p = clf.open_proba(texts, hints)
    assert p[0] > 0.5 > p[1]


def test_reflection_known_cases():
    clf = load_tagger_classifier()
    prev = ["I just don't have time for the gym with the kids and work.", "I don't know."]
    p = clf.reflection_proba(["So it sounds like with the kids and your job, the gym feels impossible right now.",
                              "How many drinks do you have in a week?"], prev, ["", "__QQ"])
    assert p[0] > clf.reflection_threshold > p[1]
    k = clf.complex_proba(["It sounds like part of you wants to change, and part of you is afraid of losing your friends."])
    assert 0.0 <= k[0] <= 1.0


def test_model_decides_open_closed_where_rules_are_unsure():
    # no strong rule: the classifier decides, with its confidence and versioned name
    tag = tag_text("And your family, they know about it?", "en", role="buyer").question
    assert tag is not None and tag.source == "annomi-questions-lr@3"
    assert 0.5 <= tag.confidence <= 1.0


def test_question_focus_keeps_the_question_sentences():
    f = question_focus("Thanks for coming. How are things going? I saw your form.")
    assert "How are things going?" in f and "Thanks" not in f


def test_missing_artifact_raises_model_not_available(tmp_path):
    with pytest.raises(ModelNotAvailableError):
        load_tagger_classifier(str(tmp_path / "nope.joblib"))


def test_defensive_classifier_catches_paraphrases_the_rules_miss():
    clf = load_tagger_classifier()
    p_def, p_not = clf.defensive_proba([
        "Those are not our employees, they belong to the manpower agency.",
        "We can send you the payroll records for the last three months."])
    assert p_def >= clf.defensive_threshold > p_not
    (cat,) = clf.defensive_category(["Those are not our employees, they belong to the manpower agency."])
    assert cat in ("deflection", "denial", "justification", "counter_attack", "minimisation", "stonewalling")


def test_defensive_classifier_in_the_tagger_and_veto():
    # no rule covers this wording: the model decides, with its confidence
    tag = tag_text("Die mensen staan op de loonlijst van het bureau, niet op de onze.", "nl", role="supplier").defensive
    assert tag is not None and tag.source == DEFENSIVE_MODEL
    assert tag.confidence is not None and tag.label
    # a "need to check" phrase vetoes the model as well as the weaker rules
    assert tag_text("I need to check this with our management first.", "en", role="supplier").defensive is None
    # buyer turns are never defensive
    assert tag_text("Those are not our employees, they belong to the agency.", "en", role="buyer").defensive is None
