"""v5 rule classes written to generalise to new authors (broad, the same in both
languages): what the speaker's side does after "but", offers to send, apologies and
welcome (model gate), and broader question classes (inverted wh-question inside a
turn, indefinite subject, "please tell" addressed to the listener, "share with us")."""

from __future__ import annotations

import pytest

from pipeline.tagging.tagger import TagInput, parse_all, tag_items


def _facts(text: str, lang: str):
    (f,) = parse_all([TagInput(text, lang, "supplier")])
    return f


@pytest.mark.parametrize(("text", "lang"), [
    ("the housing is the contractor's responsibility but we go there every week to check", "en"),
    ("That is the government's job; I'll send you the wage scale.", "en"),
    ("Dat is de verantwoordelijkheid van het bureau, maar wij controleren elke maand de loonstroken.", "nl"),
    ("Het minimumloon stelt de overheid vast; ik stuur je de loonschaal.", "nl"),
])
def test_own_action_after_but_and_offers_cancel_a_deflection(text, lang):
    f = _facts(text, lang)
    assert f.vetoed and f.defensive is None
    (t,) = tag_items([TagInput(text, lang, "supplier")])
    assert t.defensive is None          # the veto blocks the model too


@pytest.mark.parametrize(("text", "lang"), [
    # the same openings without the speaker's own action stay deflections (hard negatives of the veto)
    ("The housing is the contractor's responsibility, not ours.", "en"),
    ("That is the government's job, so take it up with them.", "en"),
    ("Dat is de verantwoordelijkheid van het bureau.", "nl"),
])
def test_deflection_without_own_action_stays(text, lang):
    f = _facts(text, lang)
    assert not f.vetoed and f.defensive is not None and f.defensive[0] == "deflection"


@pytest.mark.parametrize(("text", "lang"), [
    ("We are sorry this happened, we did not handle it well.", "en"),
    ("You're welcome to come and look around anytime.", "en"),
    ("We have our own responsibility here, whatever the agency does.", "en"),
    ("het spijt me dat dit gebeurd is we hebben het niet goed aangepakt", "nl"),
    ("Ge zijt altijd welkom om eens rond te kijken.", "nl"),
    ("Van die kosten wisten wij niks. Als dat klopt, moet dat worden rechtgezet.", "nl"),
])
def test_apology_welcome_and_owning_block_a_model_only_call(text, lang):
    f = _facts(text, lang)
    assert f.owned and f.defensive is None
    (t,) = tag_items([TagInput(text, lang, "supplier")])
    assert t.defensive is None


@pytest.mark.parametrize(("text", "lang", "category"), [
    # an apology before "but" is ritual: the rule still decides
    ("I'm sorry, but that is simply not true.", "en", "denial"),
    ("Het spijt me, maar dat is gewoon niet waar.", "nl", "denial"),
])
def test_ownership_never_cancels_a_rule(text, lang, category):
    (t,) = tag_items([TagInput(text, lang, "supplier")])
    assert t.defensive is not None and t.defensive.label == category
    assert t.defensive.source == f"rules.defensive.{lang}@7"


@pytest.mark.parametrize(("text", "is_question"), [
    ("has anything changed since our last call", True),
    ("Nothing has changed since our last call.", False),
    ("you mentioned the migrant workers from nepal how did they end up at the plant", True),
    ("we explained to the workers how the bonus is calculated", False),
    ("that is how we did it last year", False),
    ("Please tell me about the committee", True),
    ("Please tell the owner we appreciate the openness.", False),
    ("Share with us how you prepared the workers for the inspection, if you would.", True),
    ("you still pay them weekly yeah", True),
    ("they are paid weekly yeah", False),
])
def test_broader_question_classes(text, is_question):
    (t,) = tag_items([TagInput(text, "en", "buyer")])
    assert (t.question is not None) is is_question


def test_share_with_us_is_open():
    (t,) = tag_items([TagInput("Share with us how you prepared the workers for the inspection.", "en", "buyer")])
    assert t.question is not None and t.question.label == "open"


@pytest.mark.parametrize(("text", "lang", "category"), [
    ("can we move on to the order forecast", "en", "stonewalling"),
    ("It gets a bit warm in August, but the workers are used to it.", "en", "minimisation"),
    ("Kunnen we verder met de forecast?", "nl", "stonewalling"),
    ("Het wordt in augustus wat warm bij de strijkrollen, maar daar zijn ze aan gewend.", "nl", "minimisation"),
])
def test_steering_away_and_normalising(text, lang, category):
    f = _facts(text, lang)
    assert f.defensive is not None and f.defensive[0] == category


@pytest.mark.parametrize(("text", "lang"), [
    # moving on after agreeing, or getting used to a new system, is not defensive
    ("Thanks, that is clear; I will send the figures tomorrow.", "en"),
    ("The new scanners took a while, but the team is getting the hang of them.", "en"),
    ("Dank je, dan stuur ik morgen de cijfers.", "nl"),
])
def test_steering_and_normalising_hard_negatives(text, lang):
    assert _facts(text, lang).defensive is None


@pytest.mark.parametrize(("text", "lang"), [
    # v5: third-party mentions that were deflection rules (precision < 0.6 over six authors)
    ("The dormitories are managed by the landlord, and we check them every month.", "en"),
    ("Our certificate covers the main factory, not the two subcontractors.", "en"),
    ("We hebben een certificaat, maar daarmee zijn we er niet.", "nl"),
])
def test_bare_third_party_or_certificate_mentions_are_no_rule(text, lang):
    assert _facts(text, lang).defensive is None


@pytest.mark.parametrize(("text", "lang", "vetoed"), [
    # v5: honest not-knowing is a veto, "I don't know where this comes from" is not
    ("I don't know the exact figure, HR has it.", "en", True),
    ("Honestly I don't know where this comes from, nobody paid any fee.", "en", False),
    ("Ik weet niet hoeveel het precies is.", "nl", True),
    ("Ik weet niet waar dit vandaan komt, niemand heeft iets betaald.", "nl", False),
    # "as far as we are concerned" is no concern
    ("We are concerned about the overtime in the peak.", "en", True),
    ("As far as we are concerned there is simply no issue with freedom of association here.", "en", False),
])
def test_not_knowing_and_concern_vetoes_are_narrower(text, lang, vetoed):
    assert _facts(text, lang).vetoed is vetoed


def test_an_apology_before_but_does_not_block_the_model():
    assert not _facts("I'm sorry, but I don't think it's fair you bring this up now.", "en").owned
    assert _facts("I'm sorry this happened to the workers.", "en").owned


@pytest.mark.parametrize(("text", "owned"), [
    # v5: Dutch counterparts of English gate classes (agreeing, admitting, honest not-knowing)
    ("Jullie hebben een punt. Als wij de prijs niet verhogen, gaan de lonen ook niet omhoog.", True),
    ("je hebt gelijk we hebben die leverancier nooit bezocht", True),
    ("geen idee eigenlijk of die visser een contract heeft dat zouden we moeten vragen", True),
    ("Ik zal eerlijk zijn, wij controleren hun werktijden niet.", True),
    ("Ik had je die audit al veel eerder moeten sturen.", True),
    # hard negatives: the buyer side "should have", a defensive "u heeft geen punt"-less turn
    ("Dan had u eerst met ons moeten bellen voordat u naar de pers ging.", False),
    ("Dat is de verantwoordelijkheid van het bureau, niet van ons.", False),
])
def test_dutch_gate_classes(text, owned):
    assert _facts(text, "nl").owned is owned


@pytest.mark.parametrize(("text", "lang", "label"), [
    # v5: a closing "!" makes an exclamation, not a question
    ("How hard it must be to run a farm in this heat!", "en", None),
    ("Wat moet het zwaar zijn om in die hitte te werken!", "nl", None),
    ("How hard is it to run a farm in this heat?", "en", "open"),
    # a wh-clause as subject
    ("Who pays the fee is the key issue here.", "en", None),
    ("Which factory it is doesn't matter for this discussion.", "en", None),
    ("what happens after a complaint is filed", "en", "open"),
    # requests to elaborate
    ("Talk me through what happened on the night of the fire.", "en", "open"),
    ("Say more about what you mean by culture on the floor.", "en", "open"),
    # Dutch: "hoe dan ook" (anyway), a wh-clause picked up by "dat", formal requests without "?"
    ("hoe dan ook we komen in maart terug", "nl", None),
    ("Waar die mensen slapen, dat wil ik zelf zien.", "nl", None),
    ("Als vakbond willen we graag horen hoe jullie inkoopafdeling de prijs bepaalt.", "nl", "open"),
    ("geachte heer mogen wij ervan uitgaan dat de documenten vrijdag worden aangeleverd", "nl", "closed"),
])
def test_question_classes_v5(text, lang, label):
    (t,) = tag_items([TagInput(text, lang, "buyer")])
    assert (t.question.label if t.question else None) == label
