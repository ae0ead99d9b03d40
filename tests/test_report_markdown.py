"""The Markdown meeting report: content and escaping."""

from __future__ import annotations

import re

from pipeline.report.markdown import md, render_markdown
from tests.report_builders import NASTY, make_meeting, make_report, make_transcript, synthetic_meeting, utt


def test_md_escapes_html_and_markdown_syntax():
    out = md('<img src=x onerror=alert(1)> [x](javascript:alert(1)) *b* `c` | d\nnext')
    assert "<" not in out and ">" not in out
    assert "](" not in out and "\\[x\\]\\(javascript:alert\\(1\\)\\)" in out
    assert "\\*b\\*" in out and "\\`c\\`" in out and "\\|" in out and "\n" not in out


def test_report_has_no_raw_html_from_data_and_no_data_links():
    t = synthetic_meeting(80, nasty=True)
    t = make_transcript(t.utterances, make_meeting(id=NASTY, participants=t.meeting.participants))
    text = render_markdown(make_report(t))
    assert "<script" not in text
    html_tags = set(re.findall(r"<([a-zA-Z]+)", text))
    assert html_tags <= {"a"}  # only our own anchors
    assert all(re.fullmatch(r'<a id="u\d{4}"></a>', m) for m in re.findall(r"<a [^>]*></a>", text))
    for target in re.findall(r"\]\(([^)]*)\)", text):  # every real Markdown link is an evidence link
        assert re.fullmatch(r"#u\d{4}", target), target


def test_scorecard_lists_lessons_with_evidence_links():
    utts = [utt(1, "Sanne", "buyer", 0, 400, "Long talk"), utt(2, "Ravi", "supplier", 401, 410, "ok")]
    text = render_markdown(make_report(make_transcript(utts)))
    assert "### 7\\. Give the supplier room" in text and "Needs attention" in text
    assert "[u0001](#u0001)" in text and '<a id="u0001"></a>' in text


def test_dutch_markdown():
    text = render_markdown(make_report(synthetic_meeting(20)), lang="nl")
    assert text.startswith("# Gespreksrapport") and "Geannoteerd transcript" in text


def test_markdown_layout_does_not_depend_on_the_text():
    from hypothesis import given, settings, strategies as st

    def render(text: str) -> str:
        utts = [utt(1, text, "buyer", 0, 5, text, question="open"), utt(2, "Ravi", "supplier", 6, 9, text)]
        return render_markdown(make_report(make_transcript(utts, make_meeting(company=text, participants=()))))

    pipe = re.compile(r"(?<!\\)\|")  # a table pipe: not escaped

    def shape(doc: str) -> list[str]:
        # the markup skeleton of each line: its first two characters and its count of table pipes
        return [line[:2] + "|" + str(len(pipe.findall(line))) for line in doc.splitlines()]

    baseline = shape(render("hello"))

    @settings(max_examples=40, deadline=None)
    @given(st.text(min_size=1, max_size=80).filter(lambda x: x.strip() and x.strip() != "Ravi"))
    def check(text):
        doc = render(text)
        assert shape(doc) == baseline
        assert set(re.findall(r"<([a-zA-Z]+)", doc)) <= {"a"}

    check()
