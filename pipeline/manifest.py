"""The meeting manifest (``meeting.yaml`` / ``meeting.yml`` / ``meeting.toml``) and speaker roles.

A manifest sits next to a transcript or recording and says what the meeting
was and who is who (see docs/formats.md for every key).  It is validated once,
here, with errors that name the key and suggest the fix.  ``--role NAME=ROLE``
arguments are applied on top with :func:`apply_roles`; :func:`assign_roles`
gives every utterance its speaker's role.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.types import ASSIGNABLE_ROLES, ROLES, Meeting, Participant, Transcript

log = logging.getLogger(__name__)

#: File names :func:`find_manifest` looks for, in this order.
MANIFEST_NAMES: tuple[str, ...] = ("meeting.yaml", "meeting.yml", "meeting.toml")
#: Keys a manifest may have.
MANIFEST_KEYS: tuple[str, ...] = (
    "id", "pilot", "company", "supplier", "date", "language", "channel", "kind",
    "late_start_min", "transcript", "media", "participants", "notes",
)
#: Keys a participant may have.
PARTICIPANT_KEYS: tuple[str, ...] = (
    "name", "role", "organisation", "function", "aliases", "decision_maker", "enrolment",
)
LANGUAGES: tuple[str, ...] = ("en", "nl", "auto")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TEXT_KEYS = ("pilot", "company", "supplier", "channel", "kind", "notes")


@dataclass(frozen=True, slots=True)
class Manifest:
    """A loaded, validated manifest: the meeting, and the files it names (absolute)."""

    meeting: Meeting
    transcript: Path | None
    media: Path | None
    #: The manifest file itself.
    path: Path


# --------------------------------------------------------------------------- helpers


def slugify(text: str, default: str = "meeting") -> str:
    """A safe meeting id from any text: ``"Company B – call 1"`` → ``"company-b-call-1"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100].strip("-")
    return slug or default


def _closest(word: str, options: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word.lower(), options, n=1, cutoff=0.6)
    return found[0] if found else None


def _check_keys(data: Mapping, allowed: Sequence[str], where: str, path: Path | None) -> None:
    for key in data:
        if key in allowed:
            continue
        guess = _closest(str(key), allowed)
        hint = f"did you mean '{guess}'?" if guess else f"valid keys: {', '.join(allowed)}"
        raise InputError(f"{where}unknown key '{key}'", path=path, hint=hint)


def check_role(role: Any, where: str, path: Path | None = None, allowed: Sequence[str] = ASSIGNABLE_ROLES) -> str:
    """The role, lower-cased, or an :class:`InputError` listing the valid roles."""
    value = str(role).strip().lower() if isinstance(role, str) else ""
    if value in allowed:
        return value
    guess = _closest(value, allowed) if value else None
    valid = f"valid roles: {', '.join(allowed)}"
    raise InputError(f"{where}unknown role {role!r}", path=path,
                     hint=f"did you mean '{guess}'? {valid}" if guess else valid)


def _text(value: Any, key: str, path: Path | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"'{key}' must be text, not {type(value).__name__}", path=path,
                         hint=f"write it as {key}: some text")
    return str(value).strip()


def _inside(base: Path, value: Any, key: str, path: Path | None) -> Path:
    """``base / value``, refusing absolute paths, ``..`` and links that lead out of ``base``."""
    hint = f"put the file in the manifest's folder and give its name, e.g. {key}: transcript.vtt"
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"'{key}' must be a file name", path=path, hint=hint)
    rel = Path(value.strip())
    if rel.is_absolute() or rel.drive or value.strip().startswith(("/", "\\", "~")):
        raise InputError(f"'{key}' is an absolute path ({value}); it must be relative to the manifest's folder",
                         path=path, hint=hint)
    if ".." in rel.parts:
        raise InputError(f"'{key}' ({value}) points outside the manifest's folder", path=path, hint=hint)
    target = base / rel
    root = base.resolve()
    if not target.resolve().is_relative_to(root):
        raise InputError(f"'{key}' ({value}) is a link that leads outside the manifest's folder",
                         path=path, hint="copy the file into the folder instead of linking to it")
    if not target.is_file():
        raise InputError(f"'{key}' names a file that does not exist: {value}", path=path,
                         hint="check the spelling, or put the file next to the manifest")
    return target


# --------------------------------------------------------------------------- meeting from data


def _participant(item: Any, i: int, base: Path | None, path: Path | None, lenient: bool) -> Participant:
    where = f"participants[{i}]: "
    if isinstance(item, str):
        raise InputError(f"{where}'{item}' is a bare name", path=path,
                         hint=f"write it as '- name: {item}' with 'role: …' on the next line")
    if not isinstance(item, Mapping):
        raise InputError(f"{where}must be a mapping with name and role", path=path,
                         hint="e.g. '- name: Sanne de Vries' and 'role: buyer'")
    _check_keys(item, tuple(f.name for f in fields(Participant)) if lenient else PARTICIPANT_KEYS, where, path)
    name = _text(item.get("name"), "name", path)
    if not name:
        raise InputError(f"{where}has no name", path=path, hint="add 'name: …' as it appears in the transcript")
    where = f"participant '{name}': "
    if "role" not in item and not lenient:
        raise InputError(f"{where}has no role", path=path,
                         hint=f"add 'role: …' (one of {', '.join(ASSIGNABLE_ROLES)})")
    role = check_role(item.get("role", "unknown"), where, path, ROLES if lenient else ASSIGNABLE_ROLES)
    aliases = item.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, (str, int)) for a in aliases):
        raise InputError(f"{where}'aliases' must be a list of names", path=path, hint="e.g. aliases: [Sanne, S. de Vries]")
    decision_maker = item.get("decision_maker")
    if decision_maker is not None and not isinstance(decision_maker, bool):
        raise InputError(f"{where}'decision_maker' must be true or false", path=path, hint="write decision_maker: true")
    enrolment = item.get("enrolment")
    if enrolment is not None:
        if base is not None:
            _inside(base, enrolment, "enrolment", path)
        enrolment = str(enrolment).strip()
    return Participant(
        name=" ".join(name.split()), role=role,
        organisation=_text(item.get("organisation"), "organisation", path),
        function=_text(item.get("function"), "function", path),
        aliases=tuple(" ".join(str(a).split()) for a in aliases if str(a).strip()),
        enrolment=enrolment, decision_maker=decision_maker,
    )


def _participants(raw: Any, base: Path | None, path: Path | None, lenient: bool) -> tuple[Participant, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, (list, tuple)):
        raise InputError("'participants' must be a list", path=path,
                         hint="write each participant as '- name: …' with 'role: …' below it")
    people = tuple(_participant(item, i, base, path, lenient) for i, item in enumerate(raw, start=1))
    seen: dict[str, int] = {}
    for i, p in enumerate(people):
        for label in (p.name, *p.aliases):
            key = label.casefold()
            if seen.get(key, i) != i:
                other = people[seen[key]].name
                what = "participant name" if label == p.name and other == p.name else "name"
                raise InputError(f"the {what} '{label}' is given twice (for '{other}' and '{p.name}')", path=path,
                                 hint="give every participant a different name and aliases of their own")
            seen[key] = i
    return people


def meeting_from_mapping(data: Any, *, path: Path | None = None, base: Path | None = None,
                         lenient: bool = False) -> Meeting:
    """A validated :class:`Meeting` from manifest data.

    ``base`` is the folder that ``enrolment`` paths are relative to (None: not checked).
    ``lenient`` accepts what ``Meeting.to_dict()`` writes (``source``, role ``unknown``)
    and is used for the meeting inside dialoog's own JSON.
    """
    if not isinstance(data, Mapping):
        raise InputError("the manifest must be a mapping of keys to values", path=path,
                         hint="start with a line like 'id: companyB-call1'")
    allowed = tuple(f.name for f in fields(Meeting)) if lenient else MANIFEST_KEYS
    _check_keys(data, allowed, "", path)
    raw_id = data.get("id")
    meeting_id = _text(raw_id, "id", path)
    if not meeting_id:
        raise InputError("the manifest has no 'id'", path=path, hint="add a line like 'id: companyB-call1'")
    if not _ID.match(meeting_id):
        raise InputError(f"id '{meeting_id}' may only contain letters, digits, '.', '_' and '-'", path=path,
                         hint=f"e.g. id: {slugify(meeting_id)}")
    date = data.get("date")
    if isinstance(date, (_dt.date, _dt.datetime)):
        date = (date.date() if isinstance(date, _dt.datetime) else date).isoformat()
    elif date is not None:
        try:
            date = _dt.date.fromisoformat(str(date).strip()).isoformat()
        except ValueError:
            raise InputError(f"'date' must be a date like 2021-05-12, not {date!r}", path=path,
                             hint="write date: YYYY-MM-DD") from None
    language = str(data.get("language") or "auto").strip().lower()
    if language not in LANGUAGES:
        raise InputError(f"unknown language {data.get('language')!r}", path=path,
                         hint=f"valid languages: {', '.join(LANGUAGES)} (auto = detect from the text)")
    late = data.get("late_start_min")
    if late is not None and (isinstance(late, bool) or not isinstance(late, (int, float)) or late < 0):
        raise InputError(f"'late_start_min' must be a number of minutes ≥ 0, not {late!r}", path=path,
                         hint="e.g. late_start_min: 45")
    return Meeting(
        id=meeting_id, date=date, language=language,
        late_start_min=float(late) if late is not None else None,
        participants=_participants(data.get("participants"), base, path, lenient),
        source=_text(data.get("source"), "source", path) if lenient else "",
        **{k: _text(data.get(k), k, path) for k in _TEXT_KEYS},
    )


# --------------------------------------------------------------------------- files


def find_manifest(folder: str | Path) -> Path | None:
    """The manifest in ``folder`` (or next to the file ``folder``), if any."""
    base = Path(folder)
    if base.is_file():
        base = base.parent
    found = [base / n for n in MANIFEST_NAMES if (base / n).is_file()]
    if len(found) > 1:
        log.warning("%s has several manifests (%s); using %s", base, ", ".join(p.name for p in found), found[0].name)
    return found[0] if found else None


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("manifest not found", path=path, hint="check the path") from None
    except UnicodeDecodeError:
        raise InputError("the manifest is not UTF-8 text", path=path, hint="save it again as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read the manifest ({exc.strerror})", path=path) from None
    if not text.strip():
        raise InputError("the manifest is empty", path=path, hint="add at least a line like 'id: companyB-call1'")
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML ({exc})", path=path,
                             hint="quote text values, e.g. company = \"Company B\"") from None
    from pipeline.yamlio import YAMLError, safe_load

    try:
        return safe_load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(f"not valid YAML{where}: {problem}", path=path,
                         hint="check the indentation, and quote values that contain ':' or '#'") from None


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest (YAML, or TOML for ``.toml``)."""
    p = Path(path).absolute()
    if p.is_dir():
        found = find_manifest(p)
        if found is None:
            raise InputError("no meeting.yaml, meeting.yml or meeting.toml in this folder", path=p,
                             hint="write a manifest (see docs/formats.md)")
        p = found
    data = _read(p)
    if data is None or data == {}:
        raise InputError("the manifest is empty", path=p, hint="add at least a line like 'id: companyB-call1'")
    meeting = meeting_from_mapping(data, path=p, base=p.parent)
    transcript = _inside(p.parent, data["transcript"], "transcript", p) if data.get("transcript") is not None else None
    media = _inside(p.parent, data["media"], "media", p) if data.get("media") is not None else None
    source = transcript or media
    if source is not None:
        meeting = replace(meeting, source=str(source))
    return Manifest(meeting=meeting, transcript=transcript, media=media, path=p)


# --------------------------------------------------------------------------- roles


_ROLE_HINT = f"write NAME=ROLE with ROLE one of {', '.join(ASSIGNABLE_ROLES)}, e.g. --role 'Raj Patel=supplier'"


def apply_roles(meeting: Meeting, role_args: Sequence[str]) -> Meeting:
    """``NAME=ROLE`` pairs (``--role``) applied on top of the manifest.

    Names match participants and aliases case-insensitively; a name not in the
    manifest (a speaker label such as ``SPEAKER_01`` included) becomes a new participant.
    """
    people = list(meeting.participants)
    for arg in role_args:
        if not isinstance(arg, str) or "=" not in arg:
            raise InputError(f"--role {arg!r} has no '='", hint=_ROLE_HINT)
        name, role = (part.strip() for part in arg.rsplit("=", 1))
        name = " ".join(name.split())
        if not name:
            raise InputError(f"--role {arg!r} has no name before '='", hint=_ROLE_HINT)
        role = check_role(role, f"--role {arg!r}: ")
        key = name.casefold()
        for i, p in enumerate(people):
            if p.name.casefold() == key or key in (a.casefold() for a in p.aliases):
                people[i] = replace(p, role=role)
                break
        else:
            people.append(Participant(name=name, role=role))
    return replace(meeting, participants=tuple(people))


def assign_roles(transcript: Transcript) -> Transcript:
    """Every utterance gets its speaker's role from ``transcript.meeting`` (speaker
    labels that are aliases become the participant's name).

    A speaker the meeting does not know gets role ``unknown`` and one warning;
    a participant who never speaks gets a warning too.
    """
    meeting = transcript.meeting
    utterances = []
    unknown: dict[str, None] = {}
    spoken: set[str] = set()
    for u in transcript.utterances:
        p = meeting.participant(u.speaker)
        speaker, role = (p.name, p.role) if p else (u.speaker, "unknown")
        if p:
            spoken.add(p.name)
        else:
            unknown.setdefault(u.speaker, None)
        utterances.append(u if (u.speaker, u.role) == (speaker, role) else replace(u, speaker=speaker, role=role))
    if unknown and not meeting.participants:
        log.warning("meeting %s: no roles given, so all %d speakers (%s) have role 'unknown' — "
                    "add a meeting.yaml with participants or pass --role 'NAME=buyer'",
                    meeting.id, len(unknown), ", ".join(unknown))
    else:
        for speaker in unknown:
            log.warning("meeting %s: speaker %r is not among the participants, so their role is 'unknown' — "
                        "add them to meeting.yaml (or as an alias) or pass --role '%s=supplier'",
                        meeting.id, speaker, speaker)
    if transcript.utterances:
        for p in meeting.participants:
            if p.name not in spoken:
                log.warning("meeting %s: participant %r (%s) never speaks in the transcript — "
                            "check the spelling or add the transcript's label to 'aliases'",
                            meeting.id, p.name, p.role)
    return replace(transcript, utterances=tuple(utterances))
