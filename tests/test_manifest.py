"""The meeting manifest: loading, validation messages, --role overrides and role assignment."""

from __future__ import annotations

import logging
import os

import pytest

from pipeline.errors import InputError
from pipeline.ingest import read_transcript
from pipeline.manifest import Manifest, apply_roles, assign_roles, find_manifest, load_manifest, slugify
from pipeline.types import Meeting, Participant, Transcript, Utterance

YAML = """\
id: companyB-call1
pilot: SER pilot India 2021
company: Company B
supplier: Supplier B
date: 2021-05-12
language: en
channel: Teams
kind: introduction
late_start_min: 45
transcript: transcript.vtt
participants:
  - name: Sanne de Vries
    role: buyer
    organisation: Company B
    function: CSR specialist
    aliases: [Sanne]
    decision_maker: false
  - name: Ünal Kaya
    role: Supplier
    organisation: Supplier B
notes: first call
"""

TOML = """\
id = "companyB-call1"
pilot = "SER pilot India 2021"
company = "Company B"
supplier = "Supplier B"
date = 2021-05-12
language = "en"
channel = "Teams"
kind = "introduction"
late_start_min = 45
transcript = "transcript.vtt"
notes = "first call"

[[participants]]
name = "Sanne de Vries"
role = "buyer"
organisation = "Company B"
function = "CSR specialist"
aliases = ["Sanne"]
decision_maker = false

[[participants]]
name = "Ünal Kaya"
role = "supplier"
organisation = "Supplier B"
"""

VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sanne>Welcome.</v>\n\n"
       "00:00:02.500 --> 00:00:04.000\n<v Ünal Kaya>Thank you.</v>\n\n"
       "00:00:04.500 --> 00:00:05.000\n<v Priya>Hello.</v>\n")


def _folder(tmp_path, manifest_name="meeting.yaml", text=YAML):
    (tmp_path / "transcript.vtt").write_text(VTT, encoding="utf-8")
    path = tmp_path / manifest_name
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path, text, name="meeting.yaml") -> InputError:
    path = _folder(tmp_path, name, text)
    with pytest.raises(InputError) as info:
        load_manifest(path)
    assert str(path) in str(info.value)
    return info.value


def test_yaml_and_toml_give_the_same_manifest(tmp_path):
    yaml_m = load_manifest(_folder(tmp_path / "y" if (tmp_path / "y").mkdir() is None else None))
    toml_m = load_manifest(_folder(tmp_path / "t" if (tmp_path / "t").mkdir() is None else None, "meeting.toml", TOML))
    assert isinstance(yaml_m, Manifest)
    m = yaml_m.meeting
    assert (m.id, m.date, m.language, m.late_start_min, m.kind) == ("companyB-call1", "2021-05-12", "en", 45.0, "introduction")
    assert m.participants[0] == Participant("Sanne de Vries", "buyer", "Company B", "CSR specialist", ("Sanne",),
                                            None, False)
    assert m.participants[1].role == "supplier"  # roles are case-insensitive
    assert yaml_m.transcript == tmp_path / "y" / "transcript.vtt" and yaml_m.media is None
    assert m.source == str(yaml_m.transcript)
    assert toml_m.meeting == Meeting(**{**{f: getattr(m, f) for f in m.__dataclass_fields__},
                                        "source": str(toml_m.transcript)})


def test_find_manifest(tmp_path):
    assert find_manifest(tmp_path) is None
    (tmp_path / "meeting.toml").write_text('id = "x"\n')
    assert find_manifest(tmp_path) == tmp_path / "meeting.toml"
    (tmp_path / "meeting.yml").write_text("id: x\n")
    assert find_manifest(tmp_path) == tmp_path / "meeting.yml"  # YAML first
    (tmp_path / "call.vtt").write_text(VTT)
    assert find_manifest(tmp_path / "call.vtt") == tmp_path / "meeting.yml"  # next to a file


def test_typo_in_a_key_suggests_the_right_one(tmp_path):
    err = _error(tmp_path, YAML.replace("participants:", "particpants:"))
    assert str(err).endswith("unknown key 'particpants' — did you mean 'participants'?")
    err = _error(tmp_path, YAML.replace("    function:", "    fuction:"))
    assert "participants[1]: unknown key 'fuction'" in err.problem and "'function'" in err.hint


def test_unknown_role_lists_the_valid_roles(tmp_path):
    err = _error(tmp_path, YAML.replace("role: Supplier", "role: suplier"))
    assert "unknown role 'suplier'" in err.problem and "Ünal Kaya" in err.problem
    assert "did you mean 'supplier'?" in err.hint
    assert all(r in err.hint for r in ("buyer", "supplier", "cso", "union", "other"))
    err = _error(tmp_path, YAML.replace("role: Supplier", "role: ngo"))
    assert "valid roles: buyer, supplier, cso, union, other" in err.hint


@pytest.mark.parametrize("change,words", [
    (("id: companyB-call1\n", ""), "no 'id'"),
    (("id: companyB-call1", "id: Company B / call 1"), "e.g. id: company-b-call-1"),
    (("    role: buyer\n", ""), "has no role"),
    (("Ünal Kaya", "Sanne de Vries"), "participant name 'Sanne de Vries' is given twice"),
    (("aliases: [Sanne]", "aliases: [Ünal Kaya]"), "'Ünal Kaya' is given twice"),
    (("language: en", "language: fr"), "unknown language"),
    (("date: 2021-05-12", "date: 12 May"), "'date' must be a date"),
    (("late_start_min: 45", "late_start_min: soon"), "late_start_min"),
    (("notes: first call", "notes: [a, b]"), "'notes' must be text"),
    (("participants:\n", "participants:\n  - Priya\n"), "'Priya' is a bare name"),
    (("transcript: transcript.vtt", "transcript: missing.vtt"), "does not exist"),
    (("transcript: transcript.vtt", "transcript: ../transcript.vtt"), "outside the manifest's folder"),
    (("transcript: transcript.vtt", "transcript: /etc/passwd"), "absolute path"),
    (("language: en", "language: [en"), "not valid YAML at line"),
])
def test_validation_messages(tmp_path, change, words):
    err = _error(tmp_path, YAML.replace(*change))
    assert words in str(err)
    assert err.hint


def test_participants_must_be_a_list(tmp_path):
    err = _error(tmp_path, "id: x\nparticipants: Sanne\n")
    assert "'participants' must be a list" in err.problem


def test_empty_or_non_mapping_manifest(tmp_path):
    assert "empty" in _error(tmp_path, "\n# nothing\n\n").problem
    assert "empty" in _error(tmp_path, "").problem
    assert "mapping" in _error(tmp_path, "- id: x\n").problem


def test_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.vtt"
    outside.write_text(VTT)
    folder = tmp_path / "meeting"
    folder.mkdir()
    os.symlink(outside, folder / "linked.vtt")
    err = _error(folder, YAML.replace("transcript: transcript.vtt", "transcript: linked.vtt"))
    assert "leads outside" in err.problem
    # a link that stays inside the folder is fine
    os.symlink(folder / "transcript.vtt", folder / "inside.vtt")
    (folder / "meeting.yaml").write_text(YAML.replace("transcript: transcript.vtt", "transcript: inside.vtt"))
    assert load_manifest(folder / "meeting.yaml").transcript == folder / "inside.vtt"


def test_toml_errors_too(tmp_path):
    err = _error(tmp_path, TOML.replace('role = "buyer"', 'role = "byer"'), "meeting.toml")
    assert "did you mean 'buyer'?" in err.hint
    err = _error(tmp_path, 'id = "x"\ncompany = Company B\n', "meeting.toml")
    assert "not valid TOML" in err.problem


def test_apply_roles_overrides_and_adds():
    meeting = Meeting(id="m", participants=(Participant("Sanne de Vries", "buyer", aliases=("Sanne",)),
                                            Participant("Raj", "other")))
    out = apply_roles(meeting, ["raj = Supplier", "SANNE=cso", "SPEAKER_01=union", "Ms  Li=other"])
    assert [(p.name, p.role) for p in out.participants] == [
        ("Sanne de Vries", "cso"), ("Raj", "supplier"), ("SPEAKER_01", "union"), ("Ms Li", "other")]
    assert meeting.participants[1].role == "other"  # the input is not changed
    assert apply_roles(meeting, []) == meeting


@pytest.mark.parametrize("arg,words", [("Raj supplier", "has no '='"), ("Raj=vendor", "unknown role"),
                                       ("=buyer", "no name")])
def test_apply_roles_errors(arg, words):
    with pytest.raises(InputError) as info:
        apply_roles(Meeting(id="m"), [arg])
    assert words in info.value.problem and "buyer" in str(info.value)


def _transcript(meeting, speakers):
    utts = tuple(Utterance(id=f"u{i:04d}", speaker=s, start=i, end=i + 0.5, text="x")
                 for i, s in enumerate(speakers, start=1))
    return Transcript(meeting=meeting, utterances=utts)


def test_assign_roles_warns_once_per_unknown_speaker_and_for_silent_participants(caplog):
    meeting = Meeting(id="m", participants=(Participant("Sanne de Vries", "buyer", aliases=("Sanne",)),
                                            Participant("Raj", "supplier"), Participant("Mute Person", "cso")))
    t = _transcript(meeting, ["sanne", "Raj", "Stranger", "Stranger", "Raj"])
    with caplog.at_level(logging.WARNING, logger="pipeline.manifest"):
        out = assign_roles(t)
    assert [(u.speaker, u.role) for u in out.utterances] == [
        ("Sanne de Vries", "buyer"), ("Raj", "supplier"), ("Stranger", "unknown"), ("Stranger", "unknown"),
        ("Raj", "supplier")]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("'Stranger'" in m for m in messages) == 1
    assert sum("'Mute Person'" in m and "never speaks" in m for m in messages) == 1
    assert len(messages) == 2
    assert t.utterances[0].speaker == "sanne"  # the input is not changed


def test_assign_roles_without_participants_warns_once(caplog):
    with caplog.at_level(logging.WARNING, logger="pipeline.manifest"):
        out = assign_roles(_transcript(Meeting(id="m"), ["A", "B", "A"]))
    assert {u.role for u in out.utterances} == {"unknown"}
    assert len(caplog.records) == 1 and "--role" in caplog.records[0].getMessage()


def test_assign_roles_on_an_empty_transcript():
    t = _transcript(Meeting(id="m", participants=(Participant("A", "buyer"),)), [])
    assert assign_roles(t).utterances == ()


def test_manifest_meeting_through_ingest(tmp_path, caplog):
    manifest = load_manifest(_folder(tmp_path))
    meeting = apply_roles(manifest.meeting, ["Priya=cso"])
    with caplog.at_level(logging.WARNING):
        t = read_transcript(manifest.transcript, meeting)
    assert [(u.speaker, u.role) for u in t.utterances] == [
        ("Sanne de Vries", "buyer"), ("Ünal Kaya", "supplier"), ("Priya", "cso")]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_slugify():
    assert slugify("Company B – call 1 (Ünal)") == "company-b-call-1-unal"
    assert slugify("///") == "meeting"
