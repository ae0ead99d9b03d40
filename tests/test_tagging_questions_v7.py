"""Question rules v7 (hand-made utterances, both polarities): imperative requests to
elaborate, wishes for the listener's view, "let me know which …", a question fronted by
a preposition, a closing "what would it be"; open vs closed for "what happens", "your take
on", ", in your view", "Thoughts?", "what's the average …"; and statements that look like them."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text


@pytest.mark.parametrize("text,label", [
    ("Talk to me about the housing for the drivers.", "open"),
    ("run us through how the night shift is staffed", "open"),
    ("Fill me in on what the auditors found last month.", "open"),
    ("Paint me a picture of the harvest season for the pickers.", "open"),
    ("Elaborate a bit on the bonus scheme, please.", "open"),
    ("I'd welcome your thoughts on the new shift pattern.", "open"),
    ("we'd be glad to hear how the training landed with the supervisors", "open"),
    ("The fees are a sore point, so maybe you can explain how they are refunded.", "open"),
    ("if you had to pick one risk for next season what would it be", "open"),
    ("What happens when a picker falls ill during the season?", "open"),
    ("What's your take on the new wage law?", "open"),
    ("Where do the delays come from, in your view?", "open"),
    ("Thoughts?", "open"),
    ("Let me know which day suits you for the call.", "closed"),
    ("from which agency were the drivers hired", "closed"),
    ("What's the average shift length at the depot?", "closed"),
])
def test_v7_questions(text, label):
    q = tag_text(text, "en", role="buyer").question
    assert q is not None and q.label == label


@pytest.mark.parametrize("text", [
    "How much the drivers earn depends on the number of drops.",
    "I wonder sometimes how we ever managed without the app.",
    "Talking to the drivers about it helped a lot.",
    "In which case we will postpone the visit.",
    "Expand the training to the second site next year.",
    "They ran us through the whole audit report last week.",
    "We welcomed the new inspectors in March.",
])
def test_v7_statements(text):
    assert tag_text(text, "en", role="buyer").question is None
