"""The rule-file syntax, the rule files themselves, and the fast matcher vs spaCy's Matcher."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.tagging.nlp import RULE_FILES, get_nlp
from pipeline.tagging.patterns import LANGUAGES, compile_phrase, load_rule_file, source_name
from pipeline.tagging.token_matcher import TokenMatcher
from pipeline.types import CUE_NAMES, DEFENSIVE_CATEGORIES


def _tok(word):
    return [t.norm_ for t in get_nlp("en").tokenizer(word)]


def _matches(phrase, text, lang="en"):
    nlp = get_nlp(lang)
    m = TokenMatcher()
    m.add("k", compile_phrase(phrase, lambda w: [t.norm_ for t in nlp.tokenizer(w)]).patterns)
    return [(s, e) for _, s, e in m([t.norm_ for t in nlp.make_doc(text)])]


def test_alternatives_optional_wildcard_and_groups():
    assert _matches("we do not recognise|recognize", "We don't recognize it")        # contraction via NORM
    assert _matches("not a big? deal", "not a deal") and _matches("not a big? deal", "not a big deal")
    assert _matches("who * told", "who has actually told") and not _matches("who * told", "who a b c d told")
    assert _matches("(in order|under control)", "all is under control")
    assert not _matches("(in order|under control)", "in control")
    assert _matches("how !many|much", "how do") and not _matches("how !many|much", "how many")
    # single words and word groups mix in one slot
    assert _matches("rather not discuss|(go into)|comment", "I'd rather not go into that")
    assert _matches("rather not discuss|(go into)|comment", "rather not comment")
    assert not _matches("rather not discuss|(go into)|comment", "rather not go")


def test_empty_phrase_is_an_input_error():
    with pytest.raises(InputError):
        compile_phrase("^", _tok)


def test_anchored_phrases_only_match_at_sentence_start():
    doc = get_nlp("en")("So, how many workers do you have? Tell me.")
    labels = {(h.label, h.sent) for h in doc._.dialoog_hits if h.file == "questions"}
    assert ("closed_strong", 0) in labels
    doc = get_nlp("en")("I know what you mean about it.")
    assert not any(h.label == "question" for h in doc._.dialoog_hits)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rule_files_are_complete_and_versioned(lang):
    for name in RULE_FILES:
        data = load_rule_file(lang, name)
        assert data["name"] == f"rules.{name}.{lang}"
        assert "@" in source_name(lang, name)
    assert set(load_rule_file(lang, "defensive")["categories"]) == set(DEFENSIVE_CATEGORIES)
    assert set(load_rule_file(lang, "cues")["cues"]) == set(CUE_NAMES)


@pytest.mark.parametrize("lang,texts", [
    ("en", ["We do not recognise these complaints, who told you this?",
            "So, could you tell me more about how the committee works",
            "It is only one or two workers and that is the contractor's responsibility.",
            "I wonder how many people are involved, and when can we come back to this?"]),
    ("nl", ["Die klachten herkennen we niet, wie heeft u dat verteld?",
            "Kunt u iets meer vertellen over hoe het comité werkt",
            "Het gaat maar om een paar werknemers en dat ligt bij de aannemer."]),
])
def test_fast_matcher_equals_spacy_matcher(lang, texts):
    from spacy.matcher import Matcher

    nlp = get_nlp(lang)
    comp = nlp.get_pipe("dialoog_rules_v1")
    ref = Matcher(nlp.vocab)
    for key, patterns in comp.patterns.items():
        ref.add(key, patterns)
    for text in texts:
        doc = nlp.make_doc(text)
        want = {(nlp.vocab.strings[k], s) for k, s, _ in ref(doc)}
        got = {(k, s) for k, s, _ in comp.matcher(doc.to_array("NORM").tolist())}
        assert got == want and got
