"""Alignment of ASR words to speaker turns (pure)."""

from __future__ import annotations

from pipeline.audio.align import align, merge_turns
from pipeline.audio.segments import AsrResult, AsrSegment, SpeakerTurn
from pipeline.types import Word


def _asr(*segments: AsrSegment) -> AsrResult:
    return AsrResult(tuple(segments), "en", "fake")


def _seg(*words: tuple[str, float, float]) -> AsrSegment:
    ws = tuple(Word(t, s, e) for t, s, e in words)
    return AsrSegment(ws[0].start, ws[-1].end, " ".join(w.text for w in ws), ws)


def test_empty_inputs_give_no_utterances():
    assert align(_asr(), ()) == ()
    assert align(_asr(), (SpeakerTurn("SPEAKER_00", 0.0, 0.2),)) == ()


def test_speaker_change_mid_segment_splits_the_segment():
    seg = _seg(("Can", 0.0, 0.3), ("you", 0.3, 0.5), ("explain?", 0.5, 1.0), ("Yes,", 1.3, 1.6), ("sure.", 1.6, 2.0))
    turns = (SpeakerTurn("SPEAKER_00", 0.0, 1.1), SpeakerTurn("SPEAKER_01", 1.2, 2.1))
    utts = align(_asr(seg), turns)
    assert [(u.speaker, u.text) for u in utts] == [("SPEAKER_00", "Can you explain?"), ("SPEAKER_01", "Yes, sure.")]
    assert [u.id for u in utts] == ["u0001", "u0002"]
    assert all(isinstance(w, Word) for u in utts for w in u.words)


def test_word_straddling_a_boundary_goes_to_the_side_holding_most_of_it():
    seg = _seg(("alpha", 0.0, 0.5), ("straddle", 0.9, 1.5), ("omega", 1.6, 2.0))
    turns = (SpeakerTurn("A", 0.0, 1.0), SpeakerTurn("B", 1.0, 2.0))
    utts = align(_asr(seg), turns)
    assert [u.text for u in utts] == ["alpha", "straddle omega"]
    # and the other way round when most of the word lies in the first turn
    seg2 = _seg(("alpha", 0.0, 0.5), ("straddle", 0.6, 1.2), ("omega", 1.6, 2.0))
    assert [u.text for u in align(_asr(seg2), turns)] == ["alpha straddle", "omega"]


def test_overlapping_speech_stays_overlapping():
    seg = _seg(("I", 0.0, 0.2), ("think", 0.2, 0.6), ("we", 0.7, 0.9), ("should", 0.9, 1.3), ("go", 2.6, 3.0))
    back = _seg(("yes", 1.6, 1.9))
    turns = (SpeakerTurn("A", 0.0, 3.0), SpeakerTurn("B", 1.5, 2.0))
    utts = align(_asr(seg, back), turns)
    a, b = (next(u for u in utts if u.speaker == s) for s in ("A", "B"))
    assert a.text == "I think we should go" and b.text == "yes"
    assert b.start < a.end and b.end > a.start          # the turns overlap in time
    assert len(utts) == 2


def test_same_speaker_turns_merge_unless_someone_else_speaks_between():
    turns = (SpeakerTurn("A", 0.0, 1.0), SpeakerTurn("A", 1.5, 2.0), SpeakerTurn("B", 2.2, 2.5),
             SpeakerTurn("A", 2.7, 3.0))
    groups = merge_turns(turns)
    assert [[t.start for t in g] for g in groups] == [[0.0, 1.5], [2.2], [2.7]]
    words = _seg(("one", 0.1, 0.5), ("two", 1.6, 1.9), ("three", 2.25, 2.45), ("four", 2.75, 2.95))
    utts = align(_asr(words), turns)
    assert [(u.speaker, u.text) for u in utts] == [("A", "one two"), ("B", "three"), ("A", "four")]
    assert utts[0].cues == ((0.0, 1.0), (1.5, 2.0))      # speech spans, pause excluded
    assert utts[0].spoken_time == 1.5


def test_words_outside_every_turn_go_to_the_nearest():
    seg = _seg(("early", 0.0, 0.3), ("late", 5.0, 5.4))
    turns = (SpeakerTurn("A", 1.0, 2.0), SpeakerTurn("B", 3.0, 4.5))
    utts = align(_asr(seg), turns)
    assert [(u.speaker, u.text) for u in utts] == [("A", "early"), ("B", "late")]
    assert utts[0].start == 0.0 and utts[1].end == 5.4      # the utterance covers its words


def test_no_turns_means_one_speaker_per_segment():
    utts = align(_asr(_seg(("hello", 0.0, 0.5)), _seg(("again", 3.0, 3.5))), ())
    assert [(u.speaker, u.text, u.id) for u in utts] == [("SPEAKER_00", "hello", "u0001"), ("SPEAKER_00", "again", "u0002")]


def test_segments_without_word_times_are_used_whole():
    seg = AsrSegment(0.0, 2.0, "no word timing here")
    utts = align(_asr(seg), (SpeakerTurn("A", 0.0, 2.0),))
    assert utts[0].text == "no word timing here" and len(utts[0].words) == 1


def test_inputs_are_not_mutated():
    seg = _seg(("a", 0.0, 0.5))
    turns = [SpeakerTurn("A", 0.0, 1.0)]
    asr = _asr(seg)
    align(asr, turns)
    assert turns == [SpeakerTurn("A", 0.0, 1.0)] and asr.segments == (seg,)


def test_kmeans_and_clustering_separate_obvious_groups():
    import numpy as np

    from models.diarize.cluster import cluster, kmeans

    rng = np.random.default_rng(0)
    a = rng.normal([1, 0, 0], 0.05, (40, 3))
    b = rng.normal([0, 1, 0], 0.05, (30, 3))
    c = rng.normal([0, 0, 1], 0.05, (20, 3))
    x = np.vstack([a, b, c])
    truth = np.repeat([0, 1, 2], [40, 30, 20])
    for labels in (kmeans(x, 3), cluster(x), cluster(x, num_speakers=3), cluster(x, method="spectral")):
        # same partition up to renaming
        assert len(set(zip(labels, truth))) == 3 and len(set(labels)) == 3
    assert len(set(cluster(x, num_speakers=2))) == 2
    assert len(set(cluster(x, max_k=1))) == 1
    assert cluster(np.zeros((0, 3))).size == 0
