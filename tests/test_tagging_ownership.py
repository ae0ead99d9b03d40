"""Defensive rules v4 (both languages), hand-made utterances, both polarities and hard
negatives: ownership / admission / cooperation phrases block a model-only call but
not a rule; new rule classes for rhetorical counter-questions, dismissive closers,
minimisation by proportion or duration and justification by an outside authority's
clean report; category fixes (deflection vs denial)."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text
from pipeline.tagging.tagger import TagInput, parse_all


def _facts(text, lang):
    return parse_all([TagInput(text, lang, "supplier")])[0]


@pytest.mark.parametrize("text,lang", [
    ("That was our fault, the night shift was not recorded.", "en"),
    ("The hostel belongs to a landlord, but the responsibility is ours.", "en"),
    ("HR has the figures, I will forward them.", "en"),
    ("Maybe we can join forces with the other brands on this.", "en"),
    ("We should have checked the agency's payslips more often.", "en"),
    ("Dat is onze fout geweest, de uren zijn niet goed geregistreerd.", "nl"),
    ("De auditor zei dat de registratie niet klopte, en daar had hij gelijk in.", "nl"),
    ("Dat is van onze kant niet handig gegaan.", "nl"),
    ("We hebben het uitzendbureau te weinig gecontroleerd.", "nl"),
    ("Misschien kunnen we samen optrekken met de brancheorganisatie.", "nl"),
    ("Van mij mag de vakbond vaker langskomen.", "nl"),
    ("Ons knelpunt is capaciteit, we zitten al aan de grens.", "nl"),
])
def test_ownership_phrases_are_marked_and_never_defensive(text, lang):
    f = _facts(text, lang)
    assert f.owned
    assert tag_text(text, lang, role="supplier").defensive is None


@pytest.mark.parametrize("text,lang,category", [
    # ownership blocks only the model: a rule still decides
    ("That is not our responsibility, the agency pays them; we should have known it earlier.", "en", "deflection"),
    ("Dat is niet onze verantwoordelijkheid, ons probleem is de prijs.", "nl", "deflection"),
])
def test_ownership_does_not_cancel_a_rule(text, lang, category):
    f = _facts(text, lang)
    assert f.owned and f.defensive is not None and f.defensive[0] == category


@pytest.mark.parametrize("text,lang", [
    # hard negatives: honest "eerlijk gezegd" stays neutral, so a denial after it still counts
    ("Eerlijk gezegd zie ik niet waar die klachten vandaan zouden kunnen komen.", "nl"),
])
def test_honestly_is_not_an_ownership_cue(text, lang):
    assert not _facts(text, lang).owned


@pytest.mark.parametrize("text,lang,category", [
    ("Have you ever been inside a tannery? Then how can you judge this?", "en", "counter_attack"),
    ("Are you accusing us of something?", "en", "counter_attack"),
    ("Maybe look at your own lead times first.", "en", "counter_attack"),
    ("Bent u ooit zelf in de fabriek geweest?", "nl", "counter_attack"),
    ("Beschuldigt u ons nu?", "nl", "counter_attack"),
    ("Mag ik eerst eens weten hoe jullie zelf met je leveranciers omgaan?", "nl", "counter_attack"),
    ("Mm. Okay. Are we done? I have a call.", "en", "stonewalling"),
    ("Schrijf maar op wat je wil.", "nl", "stonewalling"),
    ("Ja ja. Goed. Volgende.", "nl", "stonewalling"),
    ("Out of four thousand workers, two complaints, that's practically nothing.", "en", "minimisation"),
    ("The hostel is full only for a couple of weeks in spring.", "en", "minimisation"),
    ("Een paar uurtjes extra in de piek, dat hoort er nu eenmaal bij.", "nl", "minimisation"),
    ("The inspector came last month and found everything in order.", "en", "justification"),
    ("Your own auditor gave us a clean report.", "en", "justification"),
    ("De inspectie is in mei geweest en vond alles in orde.", "nl", "justification"),
    ("Wij volgen de cao tot op de letter.", "nl", "justification"),
    ("What you describe, that's not our factory.", "en", "denial"),
    ("Our head office decides the wages, we only produce.", "en", "deflection"),
    ("Dat is een kwestie voor de gemeente, niet voor ons.", "nl", "deflection"),
    ("Dat is de verantwoordelijkheid van het uitzendbureau, die staan niet bij ons op de loonlijst.", "nl",
     "deflection"),
])
def test_v4_rule_classes(text, lang, category):
    tag = tag_text(text, lang, role="supplier").defensive
    assert tag is not None and tag.label == category and tag.source.startswith("rules.defensive")


@pytest.mark.parametrize("text,lang", [
    # hard negatives near the new rules
    ("Have you received the payslips I sent?", "en"),
    ("Only four people work in the dye house, all adults on contract.", "en"),
    ("The inspector found two problems with the exits and we fixed both.", "en"),
    ("Heeft u de loonstroken ontvangen die ik stuurde?", "nl"),
    ("Kunt u ons een paar dagen geven? Ik wil eerst met de ploegleiders praten.", "nl"),
    ("Volgende week is de keuring, daarna pak ik dit op met de preventiemedewerker.", "nl"),
])
def test_v4_hard_negatives(text, lang):
    f = _facts(text, lang)
    assert f.defensive is None


def test_ownership_needs_the_supplier_side_only_for_tags():
    # a buyer saying "our mistake" gets no defensive tag in any case
    assert tag_text("That was our mistake.", "en", role="buyer").defensive is None
