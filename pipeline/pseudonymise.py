"""Pseudonymisation: participant names out of every output (``--pseudonymise``).

:func:`pseudonymise` replaces, consistently across one transcript,

* every speaker label and every participant of the manifest by a role label
  (``Buyer 1``, ``Supplier 1``, ``CSO 1``, ``Speaker 1`` for an unknown role),
  numbered in order of first speech;
* those people's full names, aliases, first names and surnames wherever the
  text, the word timings, tag spans or the notes mention them (possessives
  included: ``Sanne's`` becomes ``Buyer 1's``);
* other people mentioned in the text whose first name is in the shipped name
  list (``data/names/first_names.txt``), with a following capitalised surname,
  by ``Person 1``, ``Person 2`` …;
* the source file: only its (pseudonymised) file name is kept, never the folder
  path (a home folder or a meeting folder often carries a name);
* not the meeting id: reports are filed, resumed and stored under it, so a
  warning asks the user to choose a neutral id when it contains a name;
* optionally (``organisations=True``) the buying and supplying organisations.

The mapping (real name -> pseudonym) never enters the transcript; callers that
want it use :func:`pseudonymise_with_map` and :func:`write_pseudonym_map`
(an owner-only file).  Pure function: the input transcript is not changed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path, PurePath

from pipeline.name_matching import NameReplacer, common_words, first_names, name_parts, title_surnames
from pipeline.types import Meeting, Participant, Tag, Transcript, UtteranceTags, Word

log = logging.getLogger(__name__)

#: The label a pseudonym starts with, per role.
ROLE_LABELS = {
    "buyer": "Buyer",
    "supplier": "Supplier",
    "cso": "CSO",
    "union": "Union",
    "other": "Other",
    "unknown": "Speaker",
}
def _assign_labels(transcript: Transcript) -> tuple[dict[str, str], dict[str, str]]:
    """(speaker label -> pseudonym, participant name -> pseudonym), numbered per role in order of first speech."""
    meeting = transcript.meeting
    counters: dict[str, int] = {}
    by_participant: dict[str, str] = {}
    by_speaker: dict[str, str] = {}

    def label_for(role: str) -> str:
        role = role if role in ROLE_LABELS else "other"
        counters[role] = counters.get(role, 0) + 1
        return f"{ROLE_LABELS[role]} {counters[role]}"

    for u in transcript.utterances:
        if u.speaker in by_speaker:
            continue
        p = meeting.participant(u.speaker)
        if p is not None:
            if p.name not in by_participant:
                by_participant[p.name] = label_for(p.role)
            by_speaker[u.speaker] = by_participant[p.name]
        else:
            by_speaker[u.speaker] = label_for(u.role or "unknown")
    for p in meeting.participants:
        if p.name not in by_participant:
            by_participant[p.name] = label_for(p.role)
    return by_speaker, by_participant


def _organisation_labels(meeting: Meeting) -> dict[str, str]:
    labels: dict[str, str] = {}
    if meeting.company:
        labels[meeting.company] = "Buyer organisation"
    if meeting.supplier:
        labels.setdefault(meeting.supplier, "Supplier organisation")
    n = 0
    for p in meeting.participants:
        if p.organisation and p.organisation not in labels:
            n += 1
            labels[p.organisation] = f"Organisation {n}"
    return labels


def _build_names(
    transcript: Transcript, by_speaker: dict[str, str], by_participant: dict[str, str], orgs: dict[str, str]
) -> dict[str, str]:
    """Every spelling of every known name (lower case) -> its pseudonym; ambiguous parts -> ``Participant``."""
    claims: dict[str, set[str]] = {}

    def claim(spelling: str, label: str) -> None:
        for part in name_parts(spelling):
            claims.setdefault(part.lower(), set()).add(label)

    for p in transcript.meeting.participants:
        label = by_participant[p.name]
        for spelling in (p.name, *p.aliases):
            claim(spelling, label)
    for speaker, label in by_speaker.items():
        claim(speaker, label)
    names = {key: (next(iter(labels)) if len(labels) == 1 else "Participant") for key, labels in claims.items()}
    for org, label in orgs.items():
        names.setdefault(" ".join(org.split()).lower(), label)
    return names


def id_has_name(meeting_id: str, names: Iterable[str]) -> bool:
    """Whether a meeting id contains one of ``names`` (lower case) as a word."""
    lowered = meeting_id.lower()
    tokens = {t for t in re.split(r"[\W_]+", lowered) if t}
    return any(
        (" " not in key and key in tokens) or (" " in key and key.replace(" ", "-") in lowered)
        for key in names
        if len(key) >= 3 and key not in common_words()
    )


def _pseudo_filename(path: str, replace: NameReplacer, names: dict[str, str]) -> str:
    """Only the file name, with names replaced (also in lower case and inside ``a-b_c`` file names)."""
    if not path:
        return path
    name = PurePath(path.replace("\\", "/")).name
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    pieces = re.split(r"([^\w]+|_)", stem)
    out = []
    for piece in pieces:
        key = piece.lower()
        if key in names and len(key) >= 2:
            out.append(re.sub(r"\s+", "-", names[key]).lower())
        elif key in first_names() and key not in common_words():
            out.append("person")
        else:
            out.append(piece)
    return replace("".join(out)) + dot + ext


def _pseudo_tag(tag: Tag | None, replace: NameReplacer) -> Tag | None:
    if tag is None or not tag.span:
        return tag
    return dataclasses.replace(tag, span=replace(tag.span))


def _pseudo_tags(tags: UtteranceTags, replace: NameReplacer) -> UtteranceTags:
    if tags.is_empty:
        return tags
    return UtteranceTags(
        question=_pseudo_tag(tags.question, replace),
        defensive=_pseudo_tag(tags.defensive, replace),
        reflection=_pseudo_tag(tags.reflection, replace),
        cues=tuple(_pseudo_tag(c, replace) for c in tags.cues),  # type: ignore[misc]
    )


def _pseudo_words(words: Iterable[Word], replace: NameReplacer) -> tuple[Word, ...]:
    out = []
    for w in words:
        core = w.text.strip()
        if not core:
            out.append(w)
            continue
        lead = w.text[: len(w.text) - len(w.text.lstrip())]
        trail = w.text[len(w.text.rstrip()):]
        new = replace(core)
        out.append(w if new == core else dataclasses.replace(w, text=lead + new + trail))
    return tuple(out)


def pseudonymise_with_map(
    transcript: Transcript, *, organisations: bool = False, name_list: bool = True
) -> tuple[Transcript, dict[str, str]]:
    """The pseudonymised transcript and the mapping (real name or label -> pseudonym).

    ``organisations``: also replace the buying/supplying organisations' names.
    ``name_list``: also replace people mentioned in the text whose first name is
    in the shipped list (``Person 1`` …).
    """
    meeting = transcript.meeting
    by_speaker, by_participant = _assign_labels(transcript)
    orgs = _organisation_labels(meeting) if organisations else {}
    names = _build_names(transcript, by_speaker, by_participant, orgs)
    persons: dict[str, str] = {}
    texts = [u.text for u in transcript.utterances] + [meeting.notes]
    surnames = title_surnames(texts) if name_list else frozenset()
    replace = NameReplacer(names, name_list=name_list, person_labels=persons, surnames=surnames - common_words())

    utterances = tuple(
        dataclasses.replace(
            u,
            speaker=by_speaker[u.speaker],
            text=replace(u.text),
            words=_pseudo_words(u.words, replace),
            tags=_pseudo_tags(u.tags, replace),
        )
        for u in transcript.utterances
    )
    participants = tuple(
        Participant(
            name=by_participant[p.name],
            role=p.role,
            organisation=orgs.get(p.organisation, p.organisation) if p.organisation else "",
            function=replace(p.function),
            aliases=(),
            enrolment=None,
            decision_maker=p.decision_maker,
        )
        for p in meeting.participants
    )
    new_meeting = dataclasses.replace(
        meeting,
        company=orgs.get(meeting.company, meeting.company),
        supplier=orgs.get(meeting.supplier, meeting.supplier),
        participants=participants,
        source=_pseudo_filename(meeting.source, replace, names),
        notes=replace(meeting.notes),
    )
    audio = transcript.audio
    if audio is not None:
        audio = dataclasses.replace(audio, path=_pseudo_filename(audio.path, replace, names))
    result = dataclasses.replace(transcript, meeting=new_meeting, utterances=utterances, audio=audio)

    mapping: dict[str, str] = {}
    for p in meeting.participants:
        mapping[p.name] = by_participant[p.name]
    for speaker, label in by_speaker.items():
        mapping.setdefault(speaker, label)
    for first, label in persons.items():
        mapping.setdefault(first.title(), label)
    mapping.update({org: label for org, label in orgs.items()})
    if id_has_name(meeting.id, names):
        # Reports are filed, resumed and stored under the id, so it is kept; the user is told.
        log.warning("meeting id of %s contains a participant's name and is kept as it is: "
                    "give the meeting a neutral id (id: in meeting.yaml, or --meeting-id)", new_meeting.source or "a meeting")
    log.info("pseudonymised %d speakers, %d participants, %d people mentioned",
             len(by_speaker), len(meeting.participants), len(persons))
    return result, mapping


def pseudonymise(transcript: Transcript, *, organisations: bool = False, name_list: bool = True) -> Transcript:
    """The transcript with every participant's and mentioned person's name replaced (see module doc)."""
    return pseudonymise_with_map(transcript, organisations=organisations, name_list=name_list)[0]


def write_pseudonym_map(mapping: dict[str, str], path: str | Path) -> Path:
    """Write the mapping to an owner-only JSON file (only when the user asks for it)."""
    from pipeline.fileio import write_text_atomic

    return write_text_atomic(path, json.dumps(dict(sorted(mapping.items())), ensure_ascii=False, indent=1) + "\n")


__all__ = ["ROLE_LABELS", "first_names", "common_words", "pseudonymise", "pseudonymise_with_map", "write_pseudonym_map"]
