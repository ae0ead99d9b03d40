"""Defensive rules v3 (both languages): the stance after "but"/"so" counts, acknowledgements
and actions taken are vetoes, a bare mention of an agency or contractor is evidence only,
and new defensive rule classes (hand-made utterances, both polarities, hard negatives)."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text
from pipeline.tagging.tagger import TagInput, parse_all


@pytest.mark.parametrize("text,lang", [
    # a justification or deflection first, then a commitment / offer / taking it on oneself
    ("We passed the audit in May, but audits miss things, so we are open to this.", "en"),
    ("The dormitory is managed by a contractor, but we check it every week ourselves.", "en"),
    ("I am not the one who decides, but I will put it to the owner tomorrow.", "en"),
    ("The drivers come through an agency, but we pay them directly now.", "en"),
    ("De audit hebben we gehaald, maar een audit ziet niet alles, dus we staan ervoor open.", "nl"),
    ("Het hostel wordt door een aannemer beheerd, maar we controleren het elke week zelf.", "nl"),
    ("Ik beslis dat niet alleen, maar ik leg het morgen aan de eigenaar voor.", "nl"),
    ("Een hele week training lukt ons niet, maar een ochtend per maand zou kunnen.", "nl"),
    # acknowledgements, shared surprise, action taken, disagreement through the channel
    ("That's right, the cleaners were not in the survey.", "en"),
    ("Good that you raise this, the supervisors said something similar.", "en"),
    ("We have warned the contractor about the late payments.", "en"),
    ("Dat klopt, de schoonmakers zaten niet in het onderzoek.", "nl"),
    ("Goed dat u dit aankaart, de ploegleiders zeiden iets vergelijkbaars.", "nl"),
    ("Ik schrok er ook van, dus ik wil graag begrijpen wat er gebeurd is.", "nl"),
    ("We hebben de aannemer op de late betalingen aangesproken.", "nl"),
])
def test_constructive_stance_vetoes_defensive_tags(text, lang):
    assert tag_text(text, lang, role="supplier").defensive is None


@pytest.mark.parametrize("text,lang", [
    ("We used a labour agency for the packing line until last year.", "en"),
    ("Tot vorig jaar werkten we met een uitzendbureau voor de inpaklijn.", "nl"),
])
def test_a_bare_mention_of_an_agency_is_no_deflection_rule_and_no_evidence(text, lang):
    # v3 made it evidence instead of a rule; v5: agency/contractor words are found at least as
    # often in non-defensive turns (six authors), so they are no evidence either
    facts = parse_all([TagInput(text, lang, "supplier")])[0]
    assert facts.defensive is None and not facts.evidence


@pytest.mark.parametrize("text,lang,category", [
    # the acknowledgement comes first: the defence after "but" still counts
    ("I understand your concern, but our systems are already in order.", "en", "justification"),
    ("Yes, the contractor hires them, but that is not our responsibility.", "en", "deflection"),
    ("Ik begrijp uw zorg, maar onze systemen zijn al op orde.", "nl", "justification"),
    # "that is not true" is no acknowledgement; "there is no problem" is no "no problem!"
    ("No, that's just not right. Nobody was dismissed here.", "en", "denial"),
    ("Nee, dat klopt gewoon niet. Hier is niemand ontslagen.", "nl", "denial"),
    ("There is no problem with the overtime, every hour is paid.", "en", "denial"),
    # new rule classes
    ("You delayed the payments for months and now you come and ask about wages?", "en", "counter_attack"),
    ("Jullie hebben de betalingen uitgesteld en nu komen jullie vragen naar de lonen?", "nl", "counter_attack"),
    ("Write it in an email, then we will see.", "en", "stonewalling"),
    ("Mail het maar, dan zien we wel.", "nl", "stonewalling"),
    ("We have four audits a year, if there was a problem they would have found it.", "en", "justification"),
    ("We hebben vier audits per jaar, als er iets mis was hadden ze het wel gevonden.", "nl", "justification"),
    ("We respect every law here, so there cannot be a problem.", "en", "justification"),
    ("We houden ons aan alle regels, dus er kan geen probleem zijn.", "nl", "justification"),
    ("Look at the other mills in this district, they are much worse.", "en", "deflection"),
    ("Kijk maar bij de andere bedrijven in de regio, daar is het veel erger.", "nl", "deflection"),
])
def test_defensive_rule_classes_v3(text, lang, category):
    tag = tag_text(text, lang, role="supplier").defensive
    assert tag is not None and tag.label == category and tag.source.startswith("rules.defensive.")
