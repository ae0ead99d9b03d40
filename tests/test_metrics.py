import math

import pytest

from pipeline.metrics import compute_metrics, is_backchannel
from tests.builders import transcript, utt


def by_name(metrics):
    return {s.name: s for s in metrics.speakers}


def test_talk_time_equals_cue_durations_to_the_millisecond():
    # Ann's turn holds two cues with a gap: talk time counts the cues, not the gap.
    t = transcript([
        utt(1, "Ann", 0.000, 7.250, cues=[(0.000, 3.125), (3.600, 7.250)], role="buyer"),
        utt(2, "Bo", 7.480, 12.003, role="supplier"),
        utt(3, "Ann", 12.900, 14.321, role="buyer"),
    ])
    s = by_name(compute_metrics(t))
    assert s["Ann"].talk_time_s == pytest.approx(3.125 + 3.650 + 1.421, abs=5e-4)
    assert s["Bo"].talk_time_s == pytest.approx(4.523, abs=5e-4)
    assert s["Ann"].turns == 2 and s["Bo"].turns == 1
    assert s["Ann"].talk_share + s["Bo"].talk_share == pytest.approx(1.0)


def test_roles_aggregate_speakers_and_supplier_first_speech():
    t = transcript([
        utt(1, "Ann", 0, 10, role="buyer"),
        utt(2, "Cas", 10.5, 14, role="buyer"),
        utt(3, "Bo", 20, 25, role="supplier"),
    ])
    m = compute_metrics(t)
    roles = {r.role: r for r in m.roles}
    assert roles["buyer"].talk_time_s == pytest.approx(13.5)
    assert roles["buyer"].speakers == ("Ann", "Cas")
    assert roles["supplier"].talk_share == pytest.approx(5 / 18.5)
    assert m.time_to_supplier_s == 20
    assert m.speaker_switches == 2
    assert m.switches_per_min == pytest.approx(2 / (25 / 60))


def test_overlap_and_interruption_but_not_backchannel():
    t = transcript([
        utt(1, "Ann", 0, 10, "We would like to explain the programme in detail now"),
        utt(2, "Bo", 4, 5, "Yes."),                                   # backchannel inside Ann's turn
        utt(3, "Bo", 8.5, 12, "But our production cannot stop for this"),  # interruption
    ])
    m = compute_metrics(t)
    assert m.overlap_s == pytest.approx(1.0 + 1.5)
    assert [i.utterance_id for i in m.interruptions] == ["u0003"]
    assert m.interruptions[0].interrupted_id == "u0001"
    assert m.interruptions[0].overlap_s == pytest.approx(1.5)
    assert by_name(m)["Bo"].interruptions_made == 1


def test_small_overlap_at_turn_end_is_not_an_interruption():
    t = transcript([utt(1, "Ann", 0, 5, "A full sentence here"), utt(2, "Bo", 4.9, 8, "And my full answer here")])
    assert compute_metrics(t).interruptions == ()


def test_wait_time_after_questions():
    t = transcript([
        utt(1, "Ann", 0, 4, "What effect do you see on your workers?", question="open"),
        utt(2, "Bo", 7.5, 15, "Well, let me think about that"),
        utt(3, "Ann", 15.2, 17, "How many workers?", question="closed"),
        utt(4, "Bo", 17.4, 18, "About two hundred"),
    ])
    m = compute_metrics(t)
    waits = {w.after_id: w for w in m.wait_times}
    assert waits["u0001"].wait_s == pytest.approx(3.5) and waits["u0001"].after_kind == "open"
    assert waits["u0003"].wait_s == pytest.approx(0.4) and waits["u0003"].after_kind == "closed"
    assert waits["u0002"].after_kind == "turn"
    assert m.mean_wait_after_open_question_s == pytest.approx(3.5)
    assert m.mean_wait_after_question_s == pytest.approx((3.5 + 0.4) / 2)
    s = by_name(m)
    assert (s["Ann"].questions, s["Ann"].open_questions, s["Ann"].closed_questions) == (2, 1, 1)


def test_backchannel_does_not_end_the_wait():
    t = transcript([
        utt(1, "Ann", 0, 4, "Could you tell me more?", question="open"),
        utt(2, "Bo", 3.8, 4.2, "Mm-hmm"),
        utt(3, "Bo", 8, 12, "So the situation is this"),
    ])
    w = {w.after_id: w for w in compute_metrics(t).wait_times}["u0001"]
    assert w.next_id == "u0003" and w.wait_s == pytest.approx(4.0)


def test_silence_share_and_longest_turn():
    t = transcript([utt(1, "Ann", 0, 30), utt(2, "Bo", 40, 50), utt(3, "Ann", 60, 100)])
    m = compute_metrics(t)
    assert m.silence_share == pytest.approx(20 / 100)
    ann = by_name(m)["Ann"]
    assert ann.longest_turn_s == 40 and ann.longest_turn_id == "u0003"
    assert ann.wpm == pytest.approx(6 / (70 / 60))


def test_empty_transcript_gives_empty_metrics():
    m = compute_metrics(transcript([]))
    assert m.speakers == () and m.roles == () and m.turns == 0
    assert m.duration_s == 0 and m.silence_share == 0 and m.time_to_supplier_s is None
    assert m.mean_wait_after_question_s is None


@pytest.mark.parametrize("text,expected", [
    ("Yes.", True), ("okay, right", True), ("Ja, precies!", True), ("Mm-hmm", True),
    ("Yes, but the auditors never came", False), ("No, that is not true at all", False), ("", False),
])
def test_backchannels(text, expected):
    assert is_backchannel(text) is expected


def test_metrics_to_dict_is_json_ready():
    import json

    m = compute_metrics(transcript([utt(1, "Ann", 0, 1.23456), utt(2, "Bo", 2, 3)]))
    d = json.loads(json.dumps(m.to_dict()))
    assert d["speakers"][0]["talk_time_s"] == 1.235
    assert not math.isnan(d["silence_share"])
