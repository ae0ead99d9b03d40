"""Dutch rules: questions, open/closed, defensive categories, reflections (hand-made utterances)."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text


@pytest.mark.parametrize("text", [
    "Hoeveel werknemers heeft de fabriek?",
    "hoeveel werknemers heeft de fabriek",                  # ASR: geen vraagteken
    "Heeft u een klachtenmechanisme",
    "Kunt u iets meer vertellen over het comité",
    "Wie beslist er over de training",
    "Vertel eens hoe de planning werkt in het hoogseizoen.",
    "Ik ben benieuwd hoe de werknemers dat hebben ervaren.",
])
def test_dutch_questions_detected(text):
    assert tag_text(text, "nl").question is not None


@pytest.mark.parametrize("text", [
    "We hebben 350 werknemers in twee ploegen.",
    "Wat we willen is een goede relatie met u.",
    "Toen we in 2015 begonnen waren de volumes kleiner.",
    "Dank u wel dat u vandaag aansluit.",
])
def test_dutch_statements_not_questions(text):
    assert tag_text(text, "nl").question is None


@pytest.mark.parametrize("text,label", [
    ("Kunt u iets meer vertellen over hoe het comité werkt?", "open"),
    ("Wat denkt u dat de training kan opleveren?", "open"),
    ("Hoe ziet u de rol van de werknemers hierin?", "open"),
    ("Waarom is de eerdere training gestopt?", "open"),
    ("Welke invloed had de pandemie op uw personeel?", "open"),
    ("Hoeveel werknemers heeft de fabriek?", "closed"),
    ("Wanneer kunnen we uw beslissing verwachten?", "closed"),
    ("Wie beslist er over deelname?", "closed"),
    ("Heeft u een klachtenmechanisme?", "closed"),
    ("Heeft u liever Teams of WhatsApp?", "closed"),
    ("Hoe vaak komt het comité bij elkaar?", "closed"),
])
def test_dutch_open_closed(text, label):
    tag = tag_text(text, "nl", role="buyer").question
    assert tag is not None and tag.label == label
    assert tag.source.startswith("rules.questions.nl@")


@pytest.mark.parametrize("text,category", [
    ("Wij herkennen deze klachten niet.", "denial"),
    ("Die klachten herkennen we helemaal niet.", "denial"),
    ("Onze systemen zijn al op orde.", "justification"),
    ("We hebben de audit vorig jaar doorstaan.", "justification"),
    ("Dat is de verantwoordelijkheid van de aannemer.", "deflection"),
    ("Daar gaan wij niet over.", "deflection"),
    ("Wie heeft u dat verteld?", "counter_attack"),
    ("Waar heeft u die informatie vandaan?", "counter_attack"),
    ("Het gaat maar om één of twee werknemers.", "minimisation"),
    ("Dat valt wel mee.", "minimisation"),
    ("Daar kan ik niets over zeggen.", "stonewalling"),
    ("Geen commentaar.", "stonewalling"),
])
def test_dutch_defensive_categories(text, category):
    tag = tag_text(text, "nl", role="supplier").defensive
    assert tag is not None, text
    assert tag.label == category
    assert tag.source.startswith("rules.defensive.nl@")


@pytest.mark.parametrize("text", [
    "Ik maak me zorgen over de druk op de productie.",
    "Dat moet ik eerst intern nagaan met de eigenaar.",
    "We hebben 350 werknemers in twee ploegen.",
    "Ik weet niet zeker of dat klopt, maar laten we samen naar de cijfers kijken.",
    "Het comité komt één keer per maand bij elkaar.",
])
def test_dutch_hard_negatives(text):
    assert tag_text(text, "nl", role="supplier").defensive is None


@pytest.mark.parametrize("text,kind", [
    ("Als ik u goed begrijp is het comité uw belangrijkste kanaal.", "simple"),
    ("Het klinkt alsof u bang bent dat de training de productie stillegt.", "complex"),
    ("Dus het comité is uw belangrijkste kanaal voor klachten.", "simple"),
])
def test_dutch_reflections(text, kind):
    tag = tag_text(text, "nl", role="buyer").reflection
    assert tag is not None and tag.label == kind
    assert tag.source.startswith("rules.reflections.nl@")


@pytest.mark.parametrize("text", [
    "Dus u heeft driehonderd werknemers?",          # a question, not a reflection
    "We hebben 350 werknemers.",
    "Dank u wel voor uw tijd.",
])
def test_dutch_non_reflections(text):
    assert tag_text(text, "nl", role="buyer").reflection is None
