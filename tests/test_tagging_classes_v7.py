"""v7 defensive rule and gate classes (broad, the same in both languages), with both
polarities and hard negatives: not speaking for others, "that's for X to decide",
"so-called", minimisation by comparison, closing the topic ("whatever", "said all there
is to say", "we'll look at it some day"), a source paid by competitors, "who asked you",
"but have you ever"; the gate: consent, asking for the document, an offer to send,
"still needs work", "I won't deny", thinking aloud, self-criticism; the narrowed vetoes
("but … yourselves" is not the speaker's own action, "I don't know what more you want"
is rhetorical)."""

from __future__ import annotations

import pytest

from pipeline.tagging.tagger import TagInput, parse_all, tag_items


def _facts(text: str, lang: str):
    (f,) = parse_all([TagInput(text, lang, "supplier")])
    return f


@pytest.mark.parametrize(("text", "lang", "category"), [
    ("The dyeing is done by the mill, I can't speak for their shifts.", "en", "deflection"),
    ("Overtime at the depot is for the logistics firm to decide.", "en", "deflection"),
    ("The real problem is the retailers, they squeeze every season.", "en", "deflection"),
    ("That report was funded by our competitors, everybody knows it.", "en", "counter_attack"),
    ("Who invited you to visit the workshop on a Sunday?", "en", "counter_attack"),
    ("Fine words, but have you ever actually run a spinning mill?", "en", "counter_attack"),
    ("Our canteen prices are low compared to the town.", "en", "minimisation"),
    ("Honestly, I think we've said all there is to say about the dormitory.", "en", "stonewalling"),
    ("Put it in an email, we'll look at it some day.", "en", "stonewalling"),
    ("The directors will not be available for such meetings.", "en", "stonewalling"),
    ("We've done our part, the rest is up to the mill.", "en", "justification"),
    ("There's nothing wrong with the way we pay the loaders.", "en", "justification"),
    ("Het verven doet de ververij, ik kan niet voor hun ploegen spreken.", "nl", "deflection"),
    ("Over de overuren in het depot heeft het transportbedrijf te beslissen.", "nl", "deflection"),
    ("Vraag dat maar aan de ververij, daar gaan wij niet over.", "nl", "deflection"),
    ("Dat rapport is betaald door een concurrent, dat weet iedereen.", "nl", "counter_attack"),
    ("Wie heeft jullie gevraagd om op zondag langs te komen?", "nl", "counter_attack"),
    ("Mooie woorden, maar hebben jullie ooit een spinnerij geleid?", "nl", "counter_attack"),
    ("Jullie vragen openheid, maar zelf laten jullie nooit jullie marges zien.", "nl", "counter_attack"),
    ("De prijzen in de kantine zijn laag vergeleken met de stad.", "nl", "minimisation"),
    ("Die hitte in de loods valt reuze mee.", "nl", "minimisation"),
    ("Over de slaapzalen hebben we het nu wel gehad.", "nl", "stonewalling"),
    ("Zal wel.", "nl", "stonewalling"),
    ("Stuur maar een mail, dan kijken we er ooit naar.", "nl", "stonewalling"),
    ("Die zogenaamde klachten over de slaapzalen, daar geloof ik niks van.", "nl", "denial"),
    ("Daar zit helemaal niks mis aan, zo betalen we de sjouwers.", "nl", "justification"),
    ("We hebben ons deel gedaan, de rest is aan de spinnerij.", "nl", "justification"),
])
def test_v7_rule_classes(text, lang, category):
    f = _facts(text, lang)
    assert f.defensive is not None and f.defensive[0] == category
    (t,) = tag_items([TagInput(text, lang, "supplier")])
    assert t.defensive is not None and t.defensive.label == category


@pytest.mark.parametrize(("text", "lang"), [
    # the same words in a cooperative or factual turn: no v7 rule fires
    ("I can speak for the dyeing unit, we pay the night shift extra.", "en"),
    ("The buyers decide the colours, we decide the shift plan.", "en"),
    ("Our competitors face the same audit, which is fair.", "en"),
    ("Have you received the payroll file I sent on Monday?", "en"),
    ("Canteen prices went up compared to last year, we are looking at a subsidy.", "en"),
    ("Ik kan voor de ververij spreken, we betalen de nachtploeg extra.", "nl"),
    ("Zal ik de loonlijst mailen?", "nl"),
    ("Dat zal wel lukken, we plannen het volgende week in.", "nl"),
    ("Vraag het gerust aan de ververij, ze weten ervan.", "nl"),
    ("We hebben het volgende week over de slaapzalen, met de ondernemingsraad erbij.", "nl"),
    ("Onze concurrenten krijgen dezelfde audit, dat is eerlijk.", "nl"),
])
def test_v7_rule_classes_hard_negatives(text, lang):
    assert _facts(text, lang).defensive is None


@pytest.mark.parametrize(("text", "lang"), [
    ("Could you send me the list of names? Then I can check each case.", "en"),
    ("The dormitory is certified, but the fire exits still need work.", "en"),
    ("I won't deny that the old manager cut corners there.", "en"),
    ("Let me think who in the office handles the contracts.", "en"),
    ("Our grievance box is not good enough, people do not trust it.", "en"),
    ("We pay half the training and you pay half. That works for us.", "en"),
    ("Zeker, dat mag u met uw collega's delen.", "nl"),
    ("Dat kan.", "nl"),
    ("Kunt u me die lijst mailen?", "nl"),
    ("De slaapzaal is gekeurd, maar aan de nooduitgangen moet nog werk gebeuren.", "nl"),
    ("Dat de vorige bedrijfsleider fouten maakte, ga ik niet ontkennen.", "nl"),
    ("Even denken wie op kantoor de contracten doet.", "nl"),
    ("Onze klachtenbus is niet goed genoeg, de mensen vertrouwen hem niet.", "nl"),
    ("Die controle moeten we eigenlijk zelf aanvragen.", "nl"),
])
def test_v7_gate_classes_block_a_model_only_call(text, lang):
    f = _facts(text, lang)
    assert (f.owned or f.vetoed) and f.defensive is None
    (t,) = tag_items([TagInput(text, lang, "supplier")])
    assert t.defensive is None


@pytest.mark.parametrize(("text", "lang"), [
    # the same words without the cooperative stance: no gate phrase
    ("You can send whatever you like, the answer stays the same.", "en"),
    ("The work is done, nothing more is needed.", "en"),
    ("Zeker niet, daar beginnen we niet aan.", "nl"),
    ("Dat kan niet, de orders zijn al weg.", "nl"),
    ("Het werk is gedaan, er hoeft niks meer te gebeuren.", "nl"),
])
def test_v7_gate_classes_hard_negatives(text, lang):
    f = _facts(text, lang)
    assert not f.owned and not f.vetoed


@pytest.mark.parametrize(("text", "lang", "vetoed"), [
    # "maar … zelf": a veto only when the speaker's own side acts
    ("Het uitzendbureau regelt de huisvesting, maar we gaan er zelf elke week langs.", "nl", True),
    ("Jullie willen cijfers, maar zelf geven jullie niks.", "nl", False),
    # "I don't know where/why" stays a veto against denial, "I don't know what more you want" is rhetorical
    ("We pay above the minimum, so I don't know what more you want.", "en", False),
    ("Wij betalen boven het minimum, dus ik weet niet wat jullie nog willen.", "nl", False),
    # discussing it internally first, now also with the board or the lawyer
    ("I need to check this with our lawyers before I answer.", "en", True),
    ("Dat moet ik eerst met het bestuur bespreken.", "nl", True),
])
def test_v7_veto_scope(text, lang, vetoed):
    assert _facts(text, lang).vetoed is vetoed


def test_v7_rule_files_are_version_7():
    from pipeline.tagging.patterns import load_rule_file

    for lang in ("en", "nl"):
        assert int(load_rule_file(lang, "defensive")["version"]) == 7
