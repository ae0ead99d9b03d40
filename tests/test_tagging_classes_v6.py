"""v6 rule classes (broad, the same in both languages), with both polarities and hard
negatives: cooperative gate phrases (inviting the questions, candour, owning a failure,
an offer to connect, asking the buyer for help), rules for a source that wants to harm
"our name", "you think you know better", keeping it inside / "next point", "nobody ever
said anything"; Dutch question detection (fronted wh-clauses, concessive "… ook",
exclamations, "wat ons betreft", "zit het zo", a closing "hoor", "help me begrijpen",
"worden" first)."""

from __future__ import annotations

import pytest

from pipeline.tagging.tagger import TagInput, parse_all, tag_items


def _facts(text: str, lang: str):
    (f,) = parse_all([TagInput(text, lang, "supplier")])
    return f


@pytest.mark.parametrize(("text", "lang"), [
    ("Ask away, that's a normal question for a buyer.", "en"),
    ("Feel free to ask about the dormitories as well.", "en"),
    ("I'll be honest with you, the canteen is not good enough yet.", "en"),
    ("The late wages are on us, the payroll clerk was ill.", "en"),
    ("I can put you in touch with the recruiter in Kathmandu.", "en"),
    ("We will work on the shift plan before the season starts.", "en"),
    ("That accident should not have happened on our line.", "en"),
    ("It would help us if the forecast came a month earlier.", "en"),
    ("Vraag gerust door over de huisvesting.", "nl"),
    ("Dat is een terechte vraag over de uitzendkrachten.", "nl"),
    ("Bedankt dat u dit met ons deelt, daar gaan we mee aan de slag.", "nl"),
    ("Daar zijn we de mist in gegaan met de roosters.", "nl"),
    ("Dat ongeluk had niet mogen gebeuren.", "nl"),
    ("De telers buiten het keurmerk zijn een blinde vlek voor ons.", "nl"),
    ("Het ligt gevoelig, maar ik wil het er graag met jullie over hebben.", "nl"),
    ("Het zou ons helpen als jullie de orders eerder vastleggen.", "nl"),
])
def test_cooperative_classes_block_a_model_only_call(text, lang):
    f = _facts(text, lang)
    assert f.owned and f.defensive is None
    (t,) = tag_items([TagInput(text, lang, "supplier")])
    assert t.defensive is None


@pytest.mark.parametrize(("text", "lang"), [
    # the same words without the cooperative stance: no gate phrase
    ("You can ask whatever you want, the answer stays the same.", "en"),
    ("We will not change the shift plan.", "en"),
    ("Vraag het maar aan het bureau, niet aan ons.", "nl"),
    ("Ik wil het er niet over hebben.", "nl"),
])
def test_cooperative_classes_hard_negatives(text, lang):
    assert not _facts(text, lang).owned


@pytest.mark.parametrize(("text", "lang", "category"), [
    ("Those activists only want to damage our reputation with the brands.", "en", "counter_attack"),
    ("You visit one afternoon and you think you know the plantation better than we do.", "en", "counter_attack"),
    ("We keep that internal. Next point, please.", "en", "stonewalling"),
    ("We'd like to keep that to ourselves.", "en", "stonewalling"),
    ("Visitors come every month and nobody ever said anything about the toilets.", "en", "denial"),
    ("Die journalist wil onze naam zwartmaken, meer is het niet.", "nl", "counter_attack"),
    ("Jullie komen één dag kijken en denken het beter te weten.", "nl", "counter_attack"),
    ("Wat betalen jullie zelf eigenlijk aan de telers?", "nl", "counter_attack"),
    ("Dat houden we liever binnenskamers.", "nl", "stonewalling"),
    ("Volgend punt.", "nl", "stonewalling"),
    ("Ik heb mijn antwoord gegeven en daar laat ik het bij.", "nl", "stonewalling"),
    ("Er komen hier elk jaar auditors en niemand heeft ooit iets gezegd over de lonen.", "nl", "denial"),
])
def test_new_rule_classes_fire(text, lang, category):
    (t,) = tag_items([TagInput(text, lang, "supplier")])
    assert t.defensive is not None and t.defensive.label == category
    assert t.defensive.source == f"rules.defensive.{lang}@7"


@pytest.mark.parametrize(("text", "lang"), [
    # hard negatives of the new rules: the same words, no defensive stance
    ("The fire damaged our warehouse last year, so we rebuilt the exits.", "en"),
    ("Next week we send the new contracts.", "en"),
    ("Nobody has told us about the new rule yet, could you send it?", "en"),
    ("Wat jullie volgende week nodig hebben, sturen we vandaag.", "nl"),
    ("Het volgende punt op de lijst is de huisvesting, daar zijn we mee bezig.", "nl"),
    ("Niemand heeft ons het nieuwe protocol gestuurd, kunt u dat doen?", "nl"),
])
def test_new_rule_classes_hard_negatives(text, lang):
    assert _facts(text, lang).defensive is None


@pytest.mark.parametrize(("text", "is_question"), [
    ("Hoeveel mensen er in de barakken slapen, weet eigenlijk niemand precies.", False),
    ("Welke onderaannemers er op de route rijden, dat willen we samen uitzoeken.", False),
    ("Welke planning jullie ook kiezen, we passen ons aan.", False),
    ("Hoe vaak we dat al niet besproken hebben, zeg.", False),
    ("Wat ons betreft gaat de huisvesting voor.", False),
    ("O, zit het zo.", False),
    ("Dat klopt hoor.", False),
    ("Zeg maar gerust jij.", False),
    ("Even kijken, waar waren we gebleven.", False),
    ("Help me even begrijpen waarom de ploegen zijn omgezet.", True),
    ("worden de reiskosten vergoed of niet", True),
    ("wordt het loon per week uitbetaald", True),
    ("Hoeveel mensen slapen er in de barakken?", True),
    ("hoeveel mensen slapen er in de barakken", True),
])
def test_dutch_question_detection_v6(text, is_question):
    (t,) = tag_items([TagInput(text, "nl", "buyer")])
    assert (t.question is not None) is is_question


@pytest.mark.parametrize(("text", "is_question"), [
    ("I was wondering the same thing about the bonus.", False),
    ("Sometimes I wonder whether the audits change anything.", False),
    ("I wonder whether the audits changed anything for the pickers", True),
])
def test_english_musing_is_no_question(text, is_question):
    (t,) = tag_items([TagInput(text, "en", "buyer")])
    assert (t.question is not None) is is_question


@pytest.mark.parametrize(("text", "is_question", "label"), [
    # Dutch: requests, "hoelang", an inverted "hoe werkt dat" inside an ASR turn, "… of nog niet"
    ("Neem ons eens mee in de planning van de oogstploegen.", True, "open"),
    ("hoelang zitten de monteurs al in dat hotel", True, "closed"),
    ("en dat uitzendbureau in Breda hoe werkt dat precies met de lonen", True, "open"),
    ("is de kantine al aangepast of nog niet", True, "closed"),
    # hard negatives: rhetorical questions and asides, wh-clauses as subject, "hoe meer …, hoe …"
    ("Tja, wat moet ik zeggen, het seizoen was kort.", False, None),
    ("Wie had dat nou gedacht van die kleine kwekerij.", False, None),
    ("wie wil er nou geen goede huisvesting", False, None),
    ("Hoe langer de ploegen blijven, hoe beter ze het werk kennen.", False, None),
    ("waar die container precies staat weet ik niet", False, None),
    ("Hoelang de contracten lopen, verschilt per bureau.", False, None),
    ("Waarom de chauffeurs vertrekken, daar zoeken we zelf ook naar.", False, None),
    ("welke leverancier we ook nemen de audit blijft nodig", False, None),
])
def test_dutch_question_classes_v6(text, is_question, label):
    (t,) = tag_items([TagInput(text, "nl", "buyer")])
    assert (t.question is not None) is is_question
    if label:
        assert t.question.label == label


@pytest.mark.parametrize(("text", "is_question"), [
    # English: a wish to hear with an adverb, "maybe you can tell us", a trailing "no"
    ("we'd really like to hear how the night shift is organised", True),
    ("Maybe you can tell us how the recruitment fees are handled", True),
    ("you pay the drivers per trip no", True),
    # hard negatives: rhetorical questions and asides
    ("Who would have thought the mill would reopen so soon.", False),
    ("What else can I say, the harvest was poor.", False),
    ("Which reminds me, the auditor's report came in.", False),
    ("who doesn't want safer boats everyone does", False),
    ("What struck me was how young the pickers were.", False),
    ("Who signs the contract matters less to me than what is in it.", False),
    ("Any questions, just drop them in the chat.", False),
    ("they pay the drivers per trip no", False),
])
def test_english_question_classes_v6(text, is_question):
    (t,) = tag_items([TagInput(text, "en", "buyer")])
    assert (t.question is not None) is is_question
