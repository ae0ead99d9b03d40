"""Lesson cues, English and Dutch, with their role limits."""

from __future__ import annotations

import pytest

from pipeline.tagging import tag_text
from pipeline.types import CUE_NAMES

CASES = [
    ("en", "buyer", "What do you think would help your workers most?", "invitation"),
    ("en", "buyer", "Why didn't you inform us about this earlier?", "accusatory"),
    ("en", "buyer", "I am surprised, this does not match our experience at all.", "accusatory"),
    ("en", "buyer", "Is there a union at the factory?", "sensitive_topic"),
    ("en", "buyer", "We have been informed by a local organisation about long working hours.", "transparency"),
    ("en", "buyer", "Who else is involved in this decision?", "mandate_process"),
    ("en", "buyer", "How long will it take to discuss this internally?", "mandate_process"),
    ("en", "buyer", "To summarise, you will talk to the owner and we will wait.", "summary"),
    ("en", "buyer", "I will send you a written summary by e-mail.", "written_followup"),
    ("en", "supplier", "My concern is the pressure on production during peak season.", "concern"),
    ("en", "buyer", "On the agenda today are introductions and our policy.", "agenda"),
    ("en", "buyer", "We received anonymous complaints from workers.", "complaint"),
    ("en", "buyer", "We would like to propose a training programme.", "programme"),
    ("en", "buyer", "Good morning, how are you? How was your weekend?", "small_talk"),
    ("en", "supplier", "We had an earlier training with them in 2019 but it stopped.", "history"),
    ("en", "buyer", "You are breaking up, the connection is bad.", "channel"),
    ("en", "buyer", "How would you prefer to be contacted, Teams or WhatsApp?", "preferred_channel"),
    ("en", "buyer", "Since we started late, shall we reschedule to next week?", "reschedule"),
    ("en", "buyer", "Thank you for sharing that, it is very helpful.", "acknowledgement"),
    ("en", "buyer", "What impact did the pandemic have on your workforce?", "underlying_question"),
    ("nl", "buyer", "Wat vindt u zelf dat uw werknemers het meest zou helpen?", "invitation"),
    ("nl", "buyer", "Waarom heeft u ons dat niet eerder verteld?", "accusatory"),
    ("nl", "buyer", "Is er een vakbond actief in de fabriek?", "sensitive_topic"),
    ("nl", "buyer", "Wij zijn geïnformeerd over lange werktijden.", "transparency"),
    ("nl", "buyer", "Wie is er verder betrokken bij de beslissing?", "mandate_process"),
    ("nl", "buyer", "Samengevat gaat u met de eigenaar praten.", "summary"),
    ("nl", "buyer", "Ik stuur u per e-mail een samenvatting.", "written_followup"),
    ("nl", "supplier", "Ik maak me zorgen over de druk op de productie.", "concern"),
    ("nl", "buyer", "Op de agenda staan de kennismaking en ons beleid.", "agenda"),
    ("nl", "buyer", "We hebben anonieme klachten ontvangen.", "complaint"),
    ("nl", "buyer", "We willen graag een trainingsprogramma voorstellen, de training duurt zes maanden.", "programme"),
    ("nl", "buyer", "Goedemorgen, hoe gaat het met u?", "small_talk"),
    ("nl", "supplier", "In het verleden hebben we al een training gehad.", "history"),
    ("nl", "buyer", "Kunt u mij horen? De verbinding is slecht.", "channel"),
    ("nl", "buyer", "Welk kanaal heeft uw voorkeur, Teams of WhatsApp?", "preferred_channel"),
    ("nl", "buyer", "Zullen we het gesprek verzetten naar volgende week?", "reschedule"),
    ("nl", "buyer", "Dank u voor uw uitleg, dat is duidelijk.", "acknowledgement"),
    ("nl", "buyer", "Welke invloed had de pandemie op uw personeel?", "underlying_question"),
]


def test_every_cue_has_a_case_per_language():
    for lang in ("en", "nl"):
        assert {c for lg, _, _, c in CASES if lg == lang} == set(CUE_NAMES)


@pytest.mark.parametrize("lang,role,text,cue", CASES)
def test_cue_fires(lang, role, text, cue):
    tags = tag_text(text, lang, role=role)
    assert tags.has_cue(cue), [c.label for c in tags.cues]
    tag = tags.cue(cue)
    assert tag.source.startswith(f"rules.cues.{lang}@") and tag.span


@pytest.mark.parametrize("lang,text,cue", [
    ("en", "We have 350 workers in two shifts.", "sensitive_topic"),
    ("en", "The committee meets every month.", "complaint"),
    ("en", "Our factory makes cotton shirts.", "small_talk"),
    ("nl", "We hebben 350 werknemers in twee ploegen.", "sensitive_topic"),
    ("nl", "Het comité komt elke maand bij elkaar.", "complaint"),
])
def test_cue_does_not_fire_on_neutral_text(lang, text, cue):
    assert not tag_text(text, lang, role="buyer").has_cue(cue)


def test_role_limited_cues():
    # a buyer's invitation is not a supplier's; a supplier's concern is not the buyer's
    assert not tag_text("What do you think would help?", "en", role="supplier").has_cue("invitation")
    assert not tag_text("My concern is the pressure on production.", "en", role="buyer").has_cue("concern")
    assert tag_text("My concern is the pressure on production.", "en", role="unknown").has_cue("concern")


def test_cues_are_in_canonical_order_and_unique():
    tags = tag_text("Thank you for sharing. Who else is involved? We received complaints about the union.",
                    "en", role="buyer")
    labels = [c.label for c in tags.cues]
    assert labels == sorted(labels, key=CUE_NAMES.index) and len(labels) == len(set(labels))
