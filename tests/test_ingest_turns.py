"""Merging caption cues into speaker turns."""

from __future__ import annotations

import pytest

from pipeline.ingest import cues_to_utterances
from pipeline.types import Cue, Meeting, Participant, Word

MEETING = Meeting(id="m", participants=(Participant("Sanne", "buyer", aliases=("S. de Vries",)),
                                        Participant("Raj", "supplier")))


def cue(speaker, start, end, text="x", words=()):
    return Cue(speaker=speaker, start=start, end=end, text=text, words=words)


@pytest.mark.parametrize("gap,merged", [(0.0, True), (0.5, True), (1.0, True), (1.001, False), (-0.3, True)])
def test_merge_gap_boundary(gap, merged):
    cues = [cue("Sanne", 0.0, 2.0, "a"), cue("Sanne", 2.0 + gap, 4.0 + gap, "b")]
    utts = cues_to_utterances(cues, MEETING, merge_gap_s=1.0)
    assert len(utts) == (1 if merged else 2)
    if merged:
        assert utts[0].text == "a b"
        assert utts[0].cues == ((0.0, 2.0), (2.0 + gap, 4.0 + gap))
        assert utts[0].end == 4.0 + gap


def test_gap_equal_to_the_limit_merges_despite_float_rounding():
    utts = cues_to_utterances([cue("Raj", 0.5, 1.14), cue("Raj", 2.14, 3.0)], MEETING, merge_gap_s=1.0)
    assert 2.14 - 1.14 > 1.0 and len(utts) == 1


def test_another_speaker_in_between_prevents_merging():
    utts = cues_to_utterances([cue("Sanne", 0, 1), cue("Raj", 1.1, 1.5), cue("Sanne", 1.6, 2)], MEETING)
    assert [u.speaker for u in utts] == ["Sanne", "Raj", "Sanne"]


def test_merge_gap_zero_keeps_gapped_cues_apart():
    utts = cues_to_utterances([cue("Raj", 0, 1), cue("Raj", 1.2, 2), cue("Raj", 2.0, 3)], MEETING, merge_gap_s=0.0)
    assert [u.cues for u in utts] == [((0, 1),), ((1.2, 2), (2.0, 3))]


def test_ids_in_time_order_roles_words_and_aliases():
    w1, w2 = Word("a", 5.0, 5.5), Word("b", 5.6, 6.0)
    cues = [cue("Raj", 9, 10, "later"), cue("S. de Vries", 5, 5.5, "a", (w1,)), cue("sanne", 5.6, 6, "b", (w2,)),
            cue("Visitor", 7, 8, "hi")]
    utts = cues_to_utterances(cues, MEETING)
    assert [(u.id, u.speaker, u.role, u.text) for u in utts] == [
        ("u0001", "Sanne", "buyer", "a b"), ("u0002", "Visitor", "unknown", "hi"), ("u0003", "Raj", "supplier", "later")]
    assert utts[0].words == (w1, w2)
    assert utts[0].spoken_time == pytest.approx(0.9)


def test_language_from_the_meeting():
    assert cues_to_utterances([cue("Raj", 0, 1)], MEETING)[0].language == ""  # auto → decided later
    nl = Meeting(id="m", language="nl")
    assert cues_to_utterances([cue("Raj", 0, 1)], nl)[0].language == "nl"


def test_empty_input_gives_no_turns():
    assert cues_to_utterances([], MEETING) == ()


def test_input_is_not_changed():
    cues = [cue("Raj", 1, 2), cue("Raj", 0, 1)]
    before = list(cues)
    cues_to_utterances(cues, MEETING)
    assert cues == before
