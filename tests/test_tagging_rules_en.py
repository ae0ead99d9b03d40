"""English rules: questions, open/closed, defensive categories, reflections (hand-made utterances)."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text


@pytest.mark.parametrize("text", [
    "How many workers are employed in the unit?",
    "how many workers are employed in the unit",            # ASR: no capital, no "?"
    "Do you have a grievance mechanism",
    "Could you tell me more about the committee",
    "So, who decides about the training",
    "Tell me how the planning works in peak season.",
    "I wonder how the workers experienced the change.",
    "Is there anyone else we should involve",
])
def test_questions_are_detected_with_and_without_question_mark(text):
    assert tag_text(text, "en").question is not None


@pytest.mark.parametrize("text", [
    "We have 350 workers in two shifts.",
    "What we want is a good relationship with you.",          # wh-word, but a statement
    "When we started in 2015 the volumes were smaller.",
    "How we organise this is up to you.",
    "Thank you for joining us today.",
    "",
])
def test_statements_are_not_questions(text):
    assert tag_text(text, "en").question is None


@pytest.mark.parametrize("text,label", [
    ("Could you tell me a bit more about how the committee works?", "open"),
    ("What do you think the training could bring for your factory?", "open"),
    ("How do workers usually raise a problem with their supervisor?", "open"),
    ("Why did the earlier training stop?", "open"),
    ("I wonder how your staff experienced the changes.", "open"),
    ("How many workers are employed at the unit?", "closed"),
    ("When can we expect your decision?", "closed"),
    ("Who decides about participation?", "closed"),
    ("Do you have a grievance mechanism in place?", "closed"),
    ("Would you prefer Teams or WhatsApp for the next call?", "closed"),
    ("How often does the committee meet?", "closed"),
])
def test_open_and_closed_questions(text, label):
    tag = tag_text(text, "en", role="buyer").question
    assert tag is not None and tag.label == label
    assert tag.source.startswith(("rules.questions.en@", "annomi-questions-lr@"))


@pytest.mark.parametrize("text,category", [
    ("We do not recognise these complaints.", "denial"),
    ("We don't recognize these complaints at all.", "denial"),
    ("That is simply not true, nobody works sixty hours here.", "denial"),
    ("Our systems are already in order.", "justification"),
    ("We passed the audit last year.", "justification"),
    ("That is the contractor's responsibility, not ours.", "deflection"),
    ("Those workers are hired through an agency, you should ask the agency.", "deflection"),
    ("Who told you this?", "counter_attack"),
    ("Where did you get this information from?", "counter_attack"),
    ("It concerns only one or two workers.", "minimisation"),
    ("It was an isolated incident.", "minimisation"),
    ("I can't comment on that.", "stonewalling"),
    ("I would rather not discuss that in this meeting.", "stonewalling"),
])
def test_defensive_categories(text, category):
    tag = tag_text(text, "en", role="supplier").defensive
    assert tag is not None, text
    assert tag.label == category
    assert tag.source.startswith("rules.defensive.en@")
    assert tag.span  # the phrase that fired


@pytest.mark.parametrize("text", [
    "I am worried about the pressure on production.",             # a concern
    "I need to check internally with the owner before I can say yes.",
    "We have 350 workers in two shifts.",                          # plain fact
    "I am not sure that is right, but let us look at the data together.",  # constructive disagreement
    "The committee meets once a month and has six members.",
    "It is true that we had some delays in paying overtime last year.",
])
def test_hard_negatives_are_not_defensive(text):
    assert tag_text(text, "en", role="supplier").defensive is None


def test_defensive_is_not_tagged_on_buyer_turns():
    text = "We do not recognise these complaints."
    assert tag_text(text, "en", role="buyer").defensive is None
    assert tag_text(text, "en", role="supplier").defensive is not None


@pytest.mark.parametrize("text", [
    "If I understand you correctly, the committee is your main channel for complaints.",
    "It sounds like you are worried that the training takes people off the line.",
])
def test_strong_reflection_phrases(text):
    tag = tag_text(text, "en", role="buyer").reflection
    assert tag is not None and tag.label in ("simple", "complex")


def test_reflection_not_on_supplier_turns():
    text = "If I understand you correctly, the committee is your main channel."
    assert tag_text(text, "en", role="supplier").reflection is None


def test_curly_apostrophes_are_normalised():
    tag = tag_text("We don’t recognise these complaints.", "en", role="supplier").defensive
    assert tag is not None and tag.label == "denial"


@pytest.mark.parametrize("text,expected", [
    ("So if workers are going out of the line for two, three hours, that is a big problem for the output.", True),
    ("Only the production, that we have to manage.", True),
    ("Yes, because stitching, really, we cannot take people out.", True),
    ("From January to April we are running full capacity, double shift.", True),
    ("We produce shirts and trousers for European brands.", False),
    ("After the health camp the absenteeism went down, we saw it in the numbers.", False),
])
def test_supplier_production_concern(text, expected):
    from pipeline.tagging import tag_text

    assert tag_text(text, "en", "supplier").has_cue("concern") is expected
