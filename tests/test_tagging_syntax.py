"""Question rules v3 (both languages): syntax-based classes — wh-clauses used as
subject or adverbial are statements, verb-first questions with a noun subject,
clause starts after a short introduction and a comma, open requests that beat
closed-looking phrases, permission questions (hand-made utterances, both polarities)."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text


@pytest.mark.parametrize("text,lang", [
    # wh-clause as subject / adverbial, no inversion: a statement
    ("How the shifts are planned is up to the production manager.", "en"),
    ("When the season starts we hire about forty extra people", "en"),
    ("How many days they work depends on the orders", "en"),
    ("Who decides about the bonus is the general manager.", "en"),
    ("Which is why we asked the union to join.", "en"),
    # exclamations, "why not", "can I just say"
    ("How lovely to see everyone here.", "en"),
    ("Why not, we can do the next session on site.", "en"),
    ("Can I just say that we value this cooperation.", "en"),
    ("Hoe de roosters worden gemaakt bepaalt de productieleider.", "nl"),
    ("Wanneer het seizoen begint nemen we veertig mensen extra aan", "nl"),
    ("Hoeveel dagen ze werken hangt af van de orders", "nl"),
    ("Wie er over de bonus beslist, is de directeur.", "nl"),
    ("Wat fijn om iedereen hier te zien.", "nl"),
    ("Waarom niet, we kunnen de volgende sessie op locatie doen.", "nl"),
    # Dutch: after a fronted subordinate clause the main clause is verb-first, not a question
    ("Toen het seizoen begon, hebben we extra mensen aangenomen.", "nl"),
    ("Als de vakbond dat vraagt, gaan we het gesprek aan.", "nl"),
])
def test_wh_clauses_exclamations_and_fronted_clauses_are_statements(text, lang):
    assert tag_text(text, lang).question is None


@pytest.mark.parametrize("text,lang", [
    # verb-first with a noun subject, no "?"
    ("are temporary workers paid the same rate", "en"),
    ("do line leaders get the new handbook", "en"),
    ("krijgen uitzendkrachten hetzelfde uurloon", "nl"),
    ("mogen ploegleiders zelf overuren goedkeuren", "nl"),
    # the same question words that a statement uses, now as a question
    ("How many days do they work in the peak season", "en"),
    ("Hoeveel dagen werken ze in het hoogseizoen", "nl"),
    ("Nog vragen van uw kant", "nl"),
])
def test_verb_first_questions_with_a_noun_subject(text, lang):
    assert tag_text(text, lang).question is not None


@pytest.mark.parametrize("text,lang,label", [
    # a clause start after a name or a short introduction
    ("Ravi, what's your experience with the new canteen?", "en", "open"),
    ("From the management side, how do you see the committee?", "en", "open"),
    ("If that is the case, why did the night shift stop?", "en", "open"),
    ("Meera, wat is jouw ervaring met de nieuwe kantine?", "nl", "open"),
    ("Als dat zo is, waarom is de nachtdienst gestopt?", "nl", "open"),
    # open requests that beat closed-looking phrases
    ("Would you mind explaining how the piece rate is set?", "en", "open"),
    ("Where are the biggest problems for the workers at the moment?", "en", "open"),
    ("Waar zitten de grootste knelpunten voor de werknemers?", "nl", "open"),
    ("Zou u me mee kunnen nemen in hoe de planning werkt?", "nl", "open"),
    # permission and fact questions stay closed
    ("Is it okay if we send the minutes to the union?", "en", "closed"),
    ("What is the monthly salary of an operator?", "en", "closed"),
    ("Vindt u het goed als we het verslag naar de vakbond sturen?", "nl", "closed"),
    ("Wat is het uurloon van een inpakker?", "nl", "closed"),
    ("Zou u bereid zijn de auditrapporten te sturen?", "nl", "closed"),
    # line checks and "have you had any …" are yes/no; "is there anything we should …" invites
    ("Can you see my screen?", "en", "closed"),
    ("Have the workers had any accidents this year?", "en", "closed"),
    ("Hoort u mij?", "nl", "closed"),
    ("Heeft u dit jaar ongelukken gehad?", "nl", "closed"),
    ("Is there anything you would want us to prepare for the visit?", "en", "open"),
    ("Is er nog iets wat we voor het bezoek moeten voorbereiden?", "nl", "open"),
])
def test_open_closed_after_introductions_and_priorities(text, lang, label):
    tag = tag_text(text, lang, role="buyer").question
    assert tag is not None and tag.label == label
