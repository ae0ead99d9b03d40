"""Property: whatever the names and text, pseudonymisation removes every participant name."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.pseudonymise import pseudonymise
from pipeline.types import Meeting, Participant, Transcript, Utterance

from .guards import no_hang

FILLER = ["the", "plan", "we", "will", "talk", "about", "overtime", "ok", "yes", "and", "said", "Hello", "Why"]
# Invented names that are no English/Dutch word: a rare consonant pair plus letters.
name_token = st.builds(lambda a, b: ("Zq" + a + b).capitalize(), st.text("aeiou", min_size=1, max_size=3),
                       st.text("bdfklmnprstvw", min_size=1, max_size=4))
person = st.tuples(name_token, name_token)
ROLES = ["buyer", "supplier", "cso", "union", "other"]


@st.composite
def meetings(draw):
    people = draw(st.lists(person, min_size=1, max_size=4, unique_by=lambda p: p[0] + p[1]))
    roles = [draw(st.sampled_from(ROLES)) for _ in people]
    participants = tuple(Participant(f"{f} {s}", r, aliases=(f,) if draw(st.booleans()) else ())
                         for (f, s), r in zip(people, roles))
    utterances = []
    for i in range(draw(st.integers(0, 8))):
        who = draw(st.sampled_from(participants))
        words = []
        for _ in range(draw(st.integers(0, 12))):
            kind = draw(st.integers(0, 5))
            if kind == 0:
                f, s = draw(st.sampled_from(people))
                form = draw(st.sampled_from(["{f}", "{s}", "{f} {s}", "{f}'s", "{s}’s", "{F}", "{f},", "({s})"]))
                words.append(form.format(f=f, s=s, F=f.upper()))
            else:
                words.append(draw(st.sampled_from(FILLER)))
        label = draw(st.sampled_from([who.name, who.name.upper(), who.name.split()[0]]))
        utterances.append(Utterance(f"u{i + 1:04d}", label, i * 5.0, i * 5.0 + 4, " ".join(words), role=who.role))
    return Transcript(Meeting(id="m", participants=participants, notes=" ".join(p.name for p in participants)),
                      tuple(utterances)), people


@given(meetings())
def test_no_participant_name_survives(case):
    transcript, people = case
    with no_hang(5):
        out = pseudonymise(transcript)
    blob = " ".join([u.text for u in out.utterances] + [u.speaker for u in out.utterances]
                    + [p.name for p in out.meeting.participants] + [out.meeting.notes])
    for f, s in people:
        for token in (f, s):
            assert not re.search(re.escape(token), blob, re.IGNORECASE), (token, blob)
    for u in out.utterances:
        assert re.fullmatch(r"(Buyer|Supplier|CSO|Union|Other|Speaker) \d+", u.speaker)
    # filler words are untouched, in order
    for a, b in zip(transcript.utterances, out.utterances):
        keep = [w for w in a.text.split() if w in FILLER]
        assert [w for w in b.text.split() if w in FILLER] == keep
    assert pseudonymise(transcript) == out
