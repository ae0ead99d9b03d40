"""The rubric file: built-in content, user overrides and validation errors."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.lessons import load_rubric


def test_builtin_rubric_has_eight_lessons_each_indicator_anchored():
    r = load_rubric()
    assert [lr.id for lr in r.lessons] == list(range(1, 9))
    for lr in r.lessons:
        assert lr.text("title", "en") and lr.text("title", "nl") and lr.text("title", "nl") != lr.text("title", "en")
        for ind in lr.indicators:
            assert ind.anchor, ind.name
            if ind.rule != "info":
                assert ind.text("advice", "en") and ind.text("advice", "nl"), ind.name


def test_thresholds_from_the_issue():
    r = load_rubric()
    talk = r.indicator("buyer_side_talk_share")
    assert (talk.rule, talk.good) == ("max", 0.45) and "43" in talk.anchor
    oq = r.indicator("open_question_share")
    assert (oq.good, oq.fair) == (0.70, 0.50) and "MITI" in oq.anchor
    rq = r.indicator("reflections_per_question")
    assert (rq.good, rq.fair) == (2.0, 1.0)
    wait = r.indicator("wait_after_open_questions")
    assert wait.good == 3.0 and "Rowe" in wait.anchor


@pytest.mark.parametrize("value,expected", [(0.30, "good"), (0.45, "good"), (0.5, "fair"), (0.8, "needs_attention"), (None, "not_observable")])
def test_max_rule_judges_values(value, expected):
    assert load_rubric().indicator("buyer_side_talk_share").judge(value) == expected


def test_partial_user_rubric_is_laid_over_builtin(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text("[lessons.7.indicators.buyer_side_talk_share]\ngood = 0.5\nfair = 0.7\n", encoding="utf-8")
    r = load_rubric(p)
    ind = r.indicator("buyer_side_talk_share")
    assert (ind.good, ind.fair) == (0.5, 0.7)
    assert ind.anchor == load_rubric().indicator("buyer_side_talk_share").anchor  # untouched keys kept
    assert r.indicator("open_question_share").good == 0.70
    assert str(p) in r.identity


def test_typo_in_indicator_name_names_key_and_suggestion(tmp_path):
    p = tmp_path / "typo.toml"
    p.write_text("[lessons.7.indicators.buyer_talk_share]\ngood = 0.5\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rubric(p)
    msg = str(exc.value)
    assert "lessons.7.indicators.buyer_talk_share" in msg and "buyer_side_talk_share" in msg and str(p) in msg


def test_typo_in_field_name(tmp_path):
    p = tmp_path / "typo.toml"
    p.write_text("[lessons.7.indicators.open_question_share]\ngoood = 0.8\n", encoding="utf-8")
    with pytest.raises(InputError, match="did you mean 'good'"):
        load_rubric(p)


@pytest.mark.parametrize("body,fragment", [
    ("[lessons.7.indicators.open_question_share]\ngood = 'high'\n", "must be a number"),
    ("[lessons.7.indicators.open_question_share]\ngood = 0.3\nfair = 0.6\n", "good ≥ fair"),
    ("[lessons.7.indicators.buyer_side_talk_share]\nrule = 'less'\n", "is not a rule"),
    ("[roles]\nbuyer_side = ['boss']\n", "list of known roles"),
    ("[roles]\nbuyer_side = 'buyer'\n", "list of known roles"),
    ("[lessons.7.indicators]\nbuyer_side_talk_share = 0.5\n", "must be a table"),
    ("[lessons.7]\ntitle = 'Room'\n", "must be a table"),
    ("[lessons.7.indicators.open_question_share]\nweight = true\n", "must be a number"),
    ("[lessons.7.indicators.open_question_share]\nintroduction_only = 'yes'\n", "true or false"),
    ("[lessons.9]\ntitle = { en = 'x' }\n", "lessons.9"),
    ("[scoring]\nfair_from = 90\n", "fair_from"),
    ("[params]\ntopic_cues = ['gossip']\n", "cue names"),
    ("[lessons.7]\ntitle = { de = 'x' }\n", "lessons.7.title.de"),
    ("this is = = not toml", "not valid TOML"),
])
def test_invalid_user_rubric_raises_input_error(tmp_path, body, fragment):
    p = tmp_path / "bad.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=fragment):
        load_rubric(p)


def test_missing_rubric_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_rubric(tmp_path / "nope.toml")


def test_user_anchor_replaces_all_translations(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text('[lessons.7.indicators.buyer_side_talk_share]\nanchor = "Board decision 2024"\n', encoding="utf-8")
    ind = load_rubric(p).indicator("buyer_side_talk_share")
    assert ind.anchor == "Board decision 2024" and ind.text("anchors", "nl") == "Board decision 2024"
    assert load_rubric().indicator("buyer_side_talk_share").text("anchors", "nl").startswith("Gong Labs (2017), onderzoek")
