"""Pseudonymisation on hand-built transcripts (pipeline.pseudonymise)."""

from __future__ import annotations

import json
import stat

from pipeline.pseudonymise import first_names, pseudonymise, pseudonymise_with_map, write_pseudonym_map
from pipeline.types import AudioInfo, Meeting, Participant, Tag, Transcript, Utterance, UtteranceTags, Word

REAL_NAMES = ("Sanne", "de Vries", "Vries", "Rajesh", "Kumar", "Priya", "Sharma", "Meera")


def _meeting(**kw) -> Meeting:
    base = dict(
        id="companyB-call1",
        company="Company B",
        supplier="Supplier B",
        source="/home/sanne/meetings/rajesh-kumar/call with Rajesh.vtt",
        notes="Sanne prepared this call with Meera.",
        participants=(
            Participant("Sanne de Vries", "buyer", "Company B", "CSR specialist", aliases=("Sanne",), enrolment="voices/sanne.wav"),
            Participant("Rajesh Kumar", "supplier", "Supplier B", "owner", aliases=("Mr. Kumar", "SPEAKER_01")),
            Participant("Priya Sharma", "cso", "Local CSO", "coordinator"),
        ),
    )
    base.update(kw)
    return Meeting(**base)


def _u(i, speaker, start, text, role, words=(), tags=None):
    return Utterance(id=f"u{i:04d}", speaker=speaker, start=start, end=start + 5, text=text, role=role,
                     words=tuple(words), tags=tags or UtteranceTags())


def _transcript() -> Transcript:
    words = (Word(" Thank", 10.0, 10.3), Word(" you,", 10.3, 10.5), Word(" Sanne.", 10.5, 11.0))
    return Transcript(
        meeting=_meeting(),
        utterances=(
            _u(1, "Sanne de Vries", 0, "Welcome Rajesh, and thank you Priya for joining. I am Sanne de Vries.", "buyer"),
            _u(2, "SPEAKER_01", 10, "Thank you, Sanne.", "supplier", words=words),
            _u(3, "Priya Sharma", 20, "Mr. Kumar, Rajesh's workers told us that Meera Patel was dismissed.", "cso",
               tags=UtteranceTags(cues=(Tag("cue", "complaint", "t@1", span="Meera Patel was dismissed"),))),
            _u(4, "Sanne de Vries", 30, "SANNE here again: what did de Vries promise? Sannes notes say Ramesh will call.", "buyer"),
            _u(5, "Guest 7", 40, "I will mark the date in May, Priya.", "unknown"),
        ),
        source_format="teams-vtt",
        audio=AudioInfo(path="/data/rajesh/call-sanne.m4a", duration_s=50.0, sample_rate=16000, channels=1),
    )


def _all_text(t: Transcript) -> str:
    return json.dumps(t.to_dict(), ensure_ascii=False)


def test_no_real_name_survives_anywhere():
    out = pseudonymise(_transcript())
    blob = _all_text(out)
    for name in REAL_NAMES + ("Patel", "Ramesh", "sanne", "rajesh", "SANNE", "/home"):
        assert name not in blob, name


def test_speakers_get_role_labels_in_order_of_first_speech():
    out = pseudonymise(_transcript())
    assert [u.speaker for u in out.utterances] == ["Buyer 1", "Supplier 1", "CSO 1", "Buyer 1", "Speaker 1"]
    assert [p.name for p in out.meeting.participants] == ["Buyer 1", "Supplier 1", "CSO 1"]
    # roles still resolve from the pseudonymised manifest
    assert out.meeting.role_of("Supplier 1") == "supplier"
    assert all(p.aliases == () and p.enrolment is None for p in out.meeting.participants)


def test_text_mentions_are_replaced_consistently():
    out = pseudonymise(_transcript())
    u1, u2, u3, u4, u5 = (u.text for u in out.utterances)
    assert u1 == "Welcome Supplier 1, and thank you CSO 1 for joining. I am Buyer 1."
    assert u2 == "Thank you, Buyer 1."
    assert u3.startswith("Supplier 1, Supplier 1's workers told us that Person 1 was dismissed.")
    assert "Buyer 1 here again" in u4 and "did Buyer 1 promise" in u4 and "Buyer 1's notes" in u4
    assert "Person 2 will call" in u4
    # ordinary words that are also names stay
    assert u5 == "I will mark the date in May, CSO 1."


def test_words_tags_notes_source_and_audio_path():
    out = pseudonymise(_transcript())
    assert [w.text for w in out.utterances[1].words] == [" Thank", " you,", " Buyer 1."]
    assert out.utterances[1].words[2].start == 10.5
    assert out.utterances[2].tags.cues[0].span == "Person 1 was dismissed"
    # Meera is "Person 1" in the notes too: one pseudonym per person across the transcript
    assert out.meeting.notes == "Buyer 1 prepared this call with Person 1."
    assert out.meeting.source == "call with supplier-1.vtt"
    assert out.audio.path == "call-buyer-1.m4a"  # file name only, no folders


def test_meeting_id_is_kept_with_a_warning_when_it_carries_a_name(caplog):
    assert pseudonymise(_transcript()).meeting.id == "companyB-call1"
    assert not caplog.records
    t = _transcript()
    t2 = Transcript(meeting=_meeting(id="sanne-rajesh-2021"), utterances=t.utterances)
    assert pseudonymise(t2).meeting.id == "sanne-rajesh-2021"  # reports are filed under it
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "neutral id" in warnings[0].getMessage()
    assert "sanne" not in warnings[0].getMessage().lower()


def test_organisations_only_when_asked():
    t = _transcript()
    assert pseudonymise(t).meeting.company == "Company B"
    out = pseudonymise(t, organisations=True)
    assert out.meeting.company == "Buyer organisation" and out.meeting.supplier == "Supplier organisation"
    assert "Company B" not in _all_text(out) and "Local CSO" not in _all_text(out)


def test_input_not_mutated_and_deterministic():
    t = _transcript()
    before = _all_text(t)
    a, b = pseudonymise(t), pseudonymise(t)
    assert _all_text(t) == before
    assert a == b


def test_mapping_is_returned_not_embedded(tmp_path):
    out, mapping = pseudonymise_with_map(_transcript())
    assert mapping["Sanne de Vries"] == "Buyer 1" and mapping["Rajesh Kumar"] == "Supplier 1"
    assert mapping["Meera"] == "Person 1"
    target = write_pseudonym_map(mapping, tmp_path / "private" / "map.json")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["Priya Sharma"] == "CSO 1"


def test_shared_first_name_is_not_attributed_to_either():
    m = Meeting(id="m", participants=(Participant("Priya Sharma", "buyer"), Participant("Priya Nair", "supplier")))
    t = Transcript(meeting=m, utterances=(
        _u(1, "Priya Sharma", 0, "Priya, can you answer?", "buyer"),
        _u(2, "Priya Nair", 5, "Yes. Ms Sharma asked me.", "supplier"),
    ))
    out = pseudonymise(t)
    assert [u.speaker for u in out.utterances] == ["Buyer 1", "Supplier 1"]
    assert out.utterances[0].text == "Participant, can you answer?"
    assert out.utterances[1].text == "Yes. Ms Buyer 1 asked me."


def test_names_without_manifest_from_speaker_labels():
    t = Transcript(meeting=Meeting(id="m"), utterances=(
        _u(1, "Anouk Jansen", 0, "Hallo Youssef, fijn dat je er bent.", "unknown"),
        _u(2, "Youssef El Amrani", 5, "Dank je Anouk. Mevrouw Jansen heeft gebeld.", "unknown"),
    ))
    out = pseudonymise(t)
    blob = _all_text(out)
    for name in ("Anouk", "Jansen", "Youssef", "Amrani"):
        assert name not in blob, name
    assert out.utterances[0].text == "Hallo Speaker 2, fijn dat je er bent."
    # "bent"/"ben" (Dutch verb) untouched
    assert "bent" in out.utterances[0].text


def test_surname_after_a_title_is_a_person():
    t = Transcript(meeting=Meeting(id="m"), utterances=(
        _u(1, "A", 0, "Mr. Gupta and mevrouw Jansen met Dr Okonkwo. MR. ABC stays.", "unknown"),
        _u(2, "B", 5, "Gupta agreed.", "unknown"),
    ))
    out = pseudonymise(t)
    assert out.utterances[0].text == "Mr. Person 1 and mevrouw Person 2 met Dr Person 3. MR. ABC stays."
    t2 = Transcript(meeting=Meeting(id="m"), utterances=(_u(1, "A", 0, "It is in order, madam. We passed. Sir, Yes.", "unknown"),))
    assert pseudonymise(t2).utterances[0].text == "It is in order, madam. We passed. Sir, Yes."
    # once known as a surname, the name is replaced without the title too
    assert out.utterances[1].text == "Person 1 agreed."


def test_empty_transcript():
    t = Transcript(meeting=Meeting(id="m"), utterances=())
    assert pseudonymise(t) == t


def test_name_list_is_modest_and_multilingual():
    names = first_names()
    assert 300 < len(names) < 5000
    assert {"sanne", "rajesh", "priya", "james", "lakshmi"} <= names


def test_pseudonym_map_folder_gets_one_file_per_meeting(tmp_path):
    from pipeline.analyze import analyze_transcript
    from pipeline.options import AnalyzeOptions

    maps = tmp_path / "maps"  # no suffix: a folder, created owner-only
    for mid in ("m-one", "m-two"):
        t = _transcript()
        t = Transcript(meeting=_meeting(id=mid), utterances=t.utterances, source_format="teams-vtt")
        analyze_transcript(t, AnalyzeOptions(pseudonymise=True, pseudonym_map=str(maps)))
    files = sorted(p.name for p in maps.iterdir())
    assert files == ["m-one.pseudonyms.json", "m-two.pseudonyms.json"]
    assert stat.S_IMODE(maps.stat().st_mode) == 0o700
    assert json.loads((maps / "m-two.pseudonyms.json").read_text())["Rajesh Kumar"] == "Supplier 1"
