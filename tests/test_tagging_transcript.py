"""tag_transcript: trigger linking, purity, languages, empty input, sources."""

from __future__ import annotations

from dataclasses import replace

from pipeline.tagging import detect_language, tag_text, tag_transcript, tagger_sources
from pipeline.types import Meeting, Transcript, Utterance


def _t(rows, language="auto"):
    return Transcript(Meeting(id="m", language=language), tuple(
        Utterance(f"u{i:04d}", spk, float(i), float(i) + 1, text, role=role)
        for i, (spk, role, text) in enumerate(rows, 1)))


def test_defensive_response_is_linked_to_preceding_buyer_utterance():
    t = _t([("Sanne", "buyer", "We received complaints about overtime from workers."),
            ("Priya", "supplier", "Okay."),
            ("Priya", "supplier", "We do not recognise these complaints."),
            ("Ravi", "cso", "Could you tell me more?"),
            ("Priya", "supplier", "Who told you this?")])
    out = tag_transcript(t)
    d1, d2 = out.utterances[2].tags.defensive, out.utterances[4].tags.defensive
    assert d1 is not None and d1.trigger == "u0001"
    assert d2 is not None and d2.label == "counter_attack" and d2.trigger == "u0004"
    assert out.utterances[1].tags.defensive is None


def test_without_roles_the_trigger_is_the_previous_other_speaker():
    t = _t([("A", "unknown", "Why are there so many complaints?"),
            ("B", "unknown", "Hmm."),
            ("B", "unknown", "That is not true.")])
    out = tag_transcript(t)
    assert out.utterances[2].tags.defensive.trigger == "u0001"


def test_input_is_not_mutated_and_tags_are_filled():
    t = _t([("Sanne", "buyer", "How many workers do you have?")])
    before = t.to_dict()
    out = tag_transcript(t)
    assert t.to_dict() == before and t.utterances[0].tags.is_empty
    assert out.utterances[0].tags.question.label == "closed"
    assert out is not t


def test_empty_transcript_gives_empty_result():
    t = _t([])
    assert tag_transcript(t).utterances == ()
    assert tag_text("").is_empty


def test_language_from_meeting_and_detection():
    nl_rows = [("Sanne", "buyer", "Kunt u iets meer vertellen over het comité en hoe de werknemers het ervaren?"),
               ("Priya", "supplier", "Die klachten herkennen wij niet.")]
    out = tag_transcript(_t(nl_rows))  # auto → Dutch detected
    assert out.utterances[0].language == "nl"
    assert out.utterances[1].tags.defensive.source.startswith("rules.defensive.nl@")
    forced = tag_transcript(_t(nl_rows, language="en"))  # the meeting says English: no Dutch rules run
    assert forced.utterances[0].language == "en"
    d = forced.utterances[1].tags.defensive
    assert d is None or "nl@" not in d.source
    assert detect_language("Wij herkennen deze klachten niet.") == "nl"
    assert detect_language("We do not recognise these complaints.") == "en"


def test_reflection_uses_the_other_speakers_previous_turn():
    t = _t([("Priya", "supplier", "The workers committee is where people bring their complaints."),
            ("Sanne", "buyer", "So the committee is your main channel for complaints.")])
    out = tag_transcript(t)
    assert out.utterances[1].tags.reflection is not None


def test_tagger_sources_are_versioned():
    names = tagger_sources()
    assert "rules.defensive.en@7" in names and "rules.questions.nl@6" in names
    assert all("@" in n for n in names)


def test_utterance_language_is_kept():
    t = _t([("Sanne", "buyer", "Hoeveel werknemers heeft u?")])
    t = replace(t, utterances=(replace(t.utterances[0], language="nl"),))
    assert tag_transcript(t).utterances[0].tags.question.source.startswith("rules.questions.nl@")


def test_previous_other_turns():
    from pipeline.tagging.context import previous_other_turns

    got = previous_other_turns(["a1", "b1", "b2", "a2", "c1"], ["A", "B", "B", "A", "C"])
    assert got == ["", "a1", "a1", "b2", "a2"]


def test_long_informing_turn_is_not_taken_for_a_reflection():
    """The AnnoMI reflection model only decides on paraphrase-length turns."""
    from pipeline.tagging.tagger import REFLECTION_MAX_WORDS
    from pipeline.types import Meeting, Participant, Transcript, Utterance

    informing = ("So we are working in a project together with a Dutch organisation and a local organisation, "
                 "which has developed a training programme for factories about the dialogue between management "
                 "and workers, in several sessions over some months, and the costs of the trainers are covered.")
    assert len(informing.split()) > REFLECTION_MAX_WORDS
    meeting = Meeting(id="m", language="en", participants=(Participant("B", "buyer"), Participant("S", "supplier")))
    utts = (
        Utterance("u0001", "S", 0, 5, "We already have a works committee and a suggestion box for the workers.", "en", "supplier"),
        Utterance("u0002", "B", 6, 30, informing, "en", "buyer"),
        Utterance("u0003", "B", 31, 34, "So the committee is your main channel for now.", "en", "buyer"),
    )
    from pipeline.tagging import tag_transcript

    tagged = tag_transcript(Transcript(meeting, utts))
    assert tagged.utterances[1].tags.reflection is None
    assert tagged.utterances[2].tags.reflection is not None
