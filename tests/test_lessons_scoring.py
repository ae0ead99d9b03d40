"""The lesson scorer on hand-built, tagged transcripts."""

from __future__ import annotations

from dataclasses import replace

from pipeline.lessons import load_rubric, score_lessons
from pipeline.types import LESSON_STATUSES, Participant
from tests.report_builders import make_meeting, make_metrics, make_transcript, utt


def _score(utts, **meeting):
    t = make_transcript(utts, make_meeting(**meeting) if meeting else None)
    return {ls.id: ls for ls in score_lessons(t, make_metrics(t))}


def _ind(lesson, name):
    return next(i for i in lesson.indicators if i.name == name)


def test_empty_transcript_gives_eight_unobservable_lessons():
    t = make_transcript([])
    lessons = score_lessons(t, make_metrics(t))
    assert [ls.id for ls in lessons] == list(range(1, 9))
    assert all(ls.status == "not_observable" and ls.score is None for ls in lessons)
    assert all(ls.evidence == () and ls.observed for ls in lessons)
    assert set(LESSON_STATUSES) >= {ls.status for ls in lessons}


def test_buyer_talking_80_percent_needs_attention_with_evidence():
    utts = [
        utt(1, "Sanne", "buyer", 0, 400, "Let me explain the programme in detail."),
        utt(2, "Ravi", "supplier", 401, 451, "I see."),
        utt(3, "Sanne", "buyer", 452, 652, "And there is more."),
        utt(4, "Ravi", "supplier", 653, 703, "Okay, thank you."),
    ]
    ls = _score(utts)[7]
    talk = _ind(ls, "buyer_side_talk_share")
    assert abs(talk.value - 600 / 700) < 1e-3
    assert talk.status == "needs_attention"
    assert "u0001" in talk.evidence and "u0001" in ls.evidence
    assert _ind(ls, "longest_buyer_monologue").status == "needs_attention"
    assert _ind(ls, "one_sided_stretches").value == 2
    assert ls.status == "needs_attention"
    assert any("one-sided" in a for a in ls.advice)


def test_balanced_meeting_with_open_questions_and_reflections_is_good():
    utts = [
        utt(1, "Sanne", "buyer", 0, 10, "What do you think of the agenda?", question="open", cues=("invitation",)),
        utt(2, "Ravi", "supplier", 14, 40, "It looks fine, production is our worry."),
        utt(3, "Sanne", "buyer", 41, 48, "So production pressure worries you.", reflection="complex"),
        utt(4, "Sanne", "buyer", 48, 52, "", reflection="simple"),
        utt(5, "Ravi", "supplier", 53, 80, "Yes, the season is busy."),
        utt(6, "Sanne", "buyer", 81, 88, "How could a training fit in?", question="open"),
        utt(7, "Ravi", "supplier", 92, 120, "Maybe after the season."),
    ]
    ls = _score(utts)[7]
    assert _ind(ls, "buyer_side_talk_share").status == "good"
    assert _ind(ls, "open_question_share").value == 1.0
    assert _ind(ls, "reflections_per_question").value == 1.0
    assert _ind(ls, "reflections_per_question").status == "fair"
    assert _ind(ls, "wait_after_open_questions").value == 4.0
    assert _ind(ls, "early_invitation").value is True and _ind(ls, "early_invitation").evidence == ("u0001",)
    assert ls.status == "good" and ls.score >= 75


def test_score_is_weighted_mean_of_indicator_points():
    utts = [utt(1, "Sanne", "buyer", 0, 10, "Did you dismiss workers?", question="closed"),
            utt(2, "Ravi", "supplier", 10.5, 30, "No.")]
    ls = _score(utts)[7]
    rubric = load_rubric()
    points = dict(rubric.points)
    weights = {i.name: rubric.indicator(i.name).weight for i in ls.indicators}
    assert len(set(weights.values())) > 1, "lesson 7 weighs its core indicators more"
    scored = [(weights[i.name], points[i.status]) for i in ls.indicators if i.status in points]
    assert ls.score == round(sum(w * p for w, p in scored) / sum(w for w, _ in scored), 1)


def test_defensive_reply_with_trigger_puts_both_ids_in_lesson_8_evidence():
    utts = [
        utt(1, "Sanne", "buyer", 0, 10, "We were surprised by these complaints.", cues=("accusatory", "complaint")),
        utt(2, "Ravi", "supplier", 11, 20, "We do not recognise these complaints.", defensive="denial", trigger="u0001"),
    ]
    ls = _score(utts)[8]
    d = _ind(ls, "defensive_responses")
    assert d.value == 1 and d.evidence == ("u0001", "u0002")
    assert {"u0001", "u0002"} <= set(ls.evidence)
    assert _ind(ls, "accusatory_wording").evidence == ("u0001",)
    assert _ind(ls, "transparency_statement").value is False
    assert _ind(ls, "transparency_statement").status == "needs_attention"


def test_direct_sensitive_question_vs_underlying_question():
    utts = [
        utt(1, "Sanne", "buyer", 0, 5, "Did you dismiss workers?", question="closed", cues=("sensitive_topic",)),
        utt(2, "Ravi", "supplier", 6, 9, "Some."),
        utt(3, "Sanne", "buyer", 10, 15, "What impact did COVID have on your workforce?", question="open", cues=("underlying_question",)),
    ]
    ls = _score(utts)[8]
    assert _ind(ls, "direct_sensitive_questions").evidence == ("u0001",)
    assert _ind(ls, "underlying_questions").value == 1
    assert _ind(ls, "blunt_sensitive_topics").status == "fair"  # introduction: named once


def test_sensitive_topic_outside_introduction_is_info_only():
    utts = [utt(1, "Sanne", "buyer", 0, 5, "About the union…", cues=("sensitive_topic",)),
            utt(2, "Ravi", "supplier", 6, 9, "Yes.")]
    ls = _score(utts, kind="follow_up")[8]
    assert _ind(ls, "blunt_sensitive_topics").status == "info"


def test_lesson_6_complaints_and_programme_in_introduction_and_late_start():
    utts = [utt(1, "Sanne", "buyer", 0, 5, "complaints", cues=("complaint",)),
            utt(2, "Sanne", "buyer", 5, 9, "training", cues=("programme",)),
            utt(3, "Sanne", "buyer", 9, 12, "earlier programme", cues=("history",)),
            utt(4, "Ravi", "supplier", 13, 20, "we have no time for this", cues=("concern",))]
    ls = _score(utts, late_start_min=45)[6]
    assert _ind(ls, "complaints_and_programme").evidence == ("u0001", "u0002")
    assert _ind(ls, "supplier_concern_share").value == 1.0
    assert _ind(ls, "supplier_concern_share").evidence == ("u0004",)
    assert _ind(ls, "late_start_full_agenda").value is True
    assert ls.status == "needs_attention"
    rescheduled = utts + [utt(5, "Sanne", "buyer", 21, 25, "Shall we reschedule?", cues=("reschedule",))]
    assert _ind(_score(rescheduled, late_start_min=45)[6], "late_start_full_agenda").value is False
    assert _ind(_score(utts)[6], "late_start_full_agenda").status == "not_observable"


def test_lesson_5_uses_decision_maker_flags_and_mandate_questions():
    people = (Participant("Sanne", "buyer"), Participant("Ravi", "supplier", decision_maker=False))
    utts = [utt(1, "Sanne", "buyer", 0, 5, "Who else decides?", question="open", cues=("mandate_process",)),
            utt(2, "Ravi", "supplier", 6, 9, "The owner."),
            utt(3, "Sanne", "buyer", 10, 12, "I'll e-mail a summary.", cues=("written_followup",))]
    ls = _score(utts, participants=people)[5]
    assert _ind(ls, "supplier_decision_maker_present").value is False
    assert _ind(ls, "mandate_process_questions").status == "fair"
    assert _ind(ls, "written_summary_promised").evidence == ("u0003",)
    no_flags = _score(utts)[5]
    assert _ind(no_flags, "supplier_decision_maker_present").status == "not_observable"


def test_lessons_1_to_3_are_not_scored_but_report_observations():
    utts = [utt(1, "Sanne", "buyer", 0, 5, "How was your holiday?", cues=("small_talk",)),
            utt(2, "Ravi", "supplier", 6, 9, "We did a training with them before.", cues=("history",))]
    lessons = _score(utts)
    for i in (1, 2, 3):
        assert lessons[i].status == "not_observable" and lessons[i].score is None and lessons[i].observed
    assert _ind(lessons[2], "small_talk").evidence == ("u0001",)
    assert lessons[3].evidence == ("u0002",)


def test_no_roles_makes_buyer_indicators_not_observable_instead_of_good():
    utts = [utt(1, "A", "unknown", 0, 5, "hello", cues=("accusatory",)), utt(2, "B", "unknown", 6, 9, "hi")]
    lessons = _score(utts)
    assert _ind(lessons[8], "accusatory_wording").status == "not_observable"
    assert lessons[7].status == "not_observable"
    assert any("--role" in o for o in lessons[7].observed)


def test_user_rubric_changes_the_verdict(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("[lessons.7.indicators.buyer_side_talk_share]\ngood = 0.9\nfair = 0.95\n", encoding="utf-8")
    utts = [utt(1, "Sanne", "buyer", 0, 80), utt(2, "Ravi", "supplier", 81, 101)]
    t = make_transcript(utts)
    default = score_lessons(t, make_metrics(t))[6]
    custom = score_lessons(t, make_metrics(t), load_rubric(p))[6]
    assert _ind(default, "buyer_side_talk_share").status == "needs_attention"
    assert _ind(custom, "buyer_side_talk_share").status == "good"


def test_scoring_does_not_mutate_inputs():
    utts = [utt(1, "Sanne", "buyer", 0, 5, "x", question="open"), utt(2, "Ravi", "supplier", 6, 9, "y")]
    t = make_transcript(utts)
    m = make_metrics(t)
    before = (t.to_dict(), m.to_dict())
    score_lessons(t, m)
    assert (t.to_dict(), m.to_dict()) == before
    assert replace(t) == t


def test_lesson_4_notes_channel_and_asks_preference():
    utts = [utt(1, "Sanne", "buyer", 0, 5, "Can you hear me? The connection is bad.", question="closed", cues=("channel",)),
            utt(2, "Ravi", "supplier", 6, 9, "Barely."),
            utt(3, "Sanne", "buyer", 10, 14, "How do you prefer to be contacted?", question="open", cues=("preferred_channel",))]
    ls = _score(utts, channel="WhatsApp")[4]
    assert _ind(ls, "contact_channel").value == "WhatsApp" and _ind(ls, "contact_channel").status == "info"
    assert _ind(ls, "connection_trouble").evidence == ("u0001",)
    assert _ind(ls, "preferred_channel_asked").evidence == ("u0003",)
    assert ls.status == "good" and ls.score == 100
    assert _ind(_score(utts, channel="")[4], "contact_channel").status == "not_observable"
