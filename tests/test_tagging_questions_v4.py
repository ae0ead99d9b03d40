"""Question rules v4 (hand-made utterances, both polarities): requests without "?",
trailing "yes", "sorry which …", a wh-question after a comma, open requests that
looked closed ("Could you take us through …", "Mag ik vragen hoe …", "Waar lopen
jullie zoal tegenaan", "Welke bezwaren ziet u"), and statements that look like questions."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text


@pytest.mark.parametrize("text,lang,label", [
    ("help me understand how the bonus is calculated", "en", "open"),
    ("I was hoping you could explain how the shifts are planned.", "en", "open"),
    ("Describe for me a normal day on the line.", "en", "open"),
    ("the cooks are employed by you directly yes", "en", "closed"),
    ("sorry which month did the new manager start", "en", "closed"),
    ("so the trucks wait for hours, what does that mean for the drivers", "en", "open"),
    ("Could you take us through the steps after the audit?", "en", "open"),
    ("met hoeveel mensen werken jullie in de kas", "nl", "closed"),
    ("hoe zit dat met de huisvesting, kun je daar iets over vertellen", "nl", "open"),
    ("en als er een klacht is, hoe pakken jullie dat aan", "nl", "open"),
    ("ik ben wel benieuwd hoe de ploeg dat vond", "nl", "open"),
    ("dat busje naar het veld is dat gratis", "nl", "closed"),
    ("Waar lopen jullie zoal tegenaan?", "nl", "open"),
    ("Welke bezwaren ziet u bij een externe trainer?", "nl", "open"),
    ("Mag ik vragen hoe die kwestie is afgelopen?", "nl", "open"),
    ("Zou u willen delen wat er in die bijeenkomst naar voren kwam?", "nl", "open"),
])
def test_v4_questions(text, lang, label):
    q = tag_text(text, lang, role="buyer").question
    assert q is not None and q.label == label


@pytest.mark.parametrize("text,lang", [
    ("How many people will join depends on the plan.", "en"),
    ("Who does what is written in the terms of reference.", "en"),
    ("I was wondering about that too.", "en"),
    ("Right, right.", "en"),
    ("We said yes to the second audit.", "en"),
    ("they are paid every week yes", "en"),
    ("Well, yes.", "en"),
    ("Ga je gang.", "nl"),
    ("oké dan gaan we door naar het laatste punt", "nl"),
    ("Wat ons vooral dwarszit is dat we het via via hoorden.", "nl"),
    ("Of jullie de ondernemingsraad erbij betrekken, is aan jullie.", "nl"),
    ("Doe de groeten aan de ploeg.", "nl"),
])
def test_v4_statements_are_not_questions(text, lang):
    assert tag_text(text, lang, role="buyer").question is None
