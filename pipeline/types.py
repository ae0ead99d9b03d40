"""The domain types of dialoog, in one place.

Every stage of the pipeline is a function from one of these values to another
(``Transcript -> Transcript``, ``Transcript -> Metrics`` …); none mutates its
input.  All types are frozen, slotted dataclasses with a ``to_dict()`` that gives
plain JSON-ready data.  Times are seconds from the start of the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

SCHEMA_VERSION = "1.0"

Role = Literal["buyer", "supplier", "cso", "union", "other", "unknown"]
ROLES: tuple[str, ...] = ("buyer", "supplier", "cso", "union", "other", "unknown")
#: Roles a manifest or ``--role`` may assign (``unknown`` is what dialoog gives
#: a speaker nobody assigned).
ASSIGNABLE_ROLES: tuple[str, ...] = ROLES[:-1]

LessonStatus = Literal["good", "fair", "needs_attention", "not_observable"]
LESSON_STATUSES: tuple[str, ...] = ("good", "fair", "needs_attention", "not_observable")

QuestionKind = Literal["open", "closed"]
DefensiveCategory = Literal[
    "denial", "justification", "deflection", "counter_attack", "minimisation", "stonewalling"
]
DEFENSIVE_CATEGORIES: tuple[str, ...] = (
    "denial", "justification", "deflection", "counter_attack", "minimisation", "stonewalling",
)
ReflectionKind = Literal["simple", "complex"]

#: Lesson cues the taggers may put on an utterance (``UtteranceTags.cues``).
CUE_NAMES: tuple[str, ...] = (
    "invitation",        # buyer invites the supplier's input ("what do you think", agenda)
    "accusatory",        # evaluative or accusatory wording ("you should", "why didn't you")
    "sensitive_topic",   # sensitive topic named explicitly (union, dismissal, child labour …)
    "transparency",      # buyer states what it was told / the policy behind the question
    "mandate_process",   # question about mandate or internal process (who, how long, when)
    "summary",           # buyer summarises
    "written_followup",  # buyer promises a written summary / e-mail
    "concern",           # supplier raises a concern (production pressure …)
    "agenda",            # agenda / topics announced
    "complaint",         # complaints or grievances raised
    "programme",         # training / programme proposal
    "small_talk",        # rapport, informal talk
    "history",           # references to earlier programmes / shared history
    "channel",           # contact channel or connection trouble
    "preferred_channel", # asks how the other prefers to be contacted
    "reschedule",        # proposes to reschedule / late start acknowledged
    "acknowledgement",   # acknowledges / thanks the supplier for a contribution
    "underlying_question",  # asks about underlying circumstances rather than the fact
)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return value.to_dict() if hasattr(value, "to_dict") else {
            f.name: _plain(getattr(value, f.name)) for f in fields(value)
        }
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 3)
    return value


class _ToDict:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


# --------------------------------------------------------------------------- meeting


@dataclass(frozen=True, slots=True)
class Participant(_ToDict):
    """A person in the meeting, as the manifest or ``--role`` names them."""

    name: str
    role: str = "unknown"
    organisation: str = ""
    function: str = ""
    #: Other spellings the transcript may use ("Priya S.", "SPEAKER_01").
    aliases: tuple[str, ...] = ()
    #: Optional path (relative to the manifest) of a few seconds of this person's voice.
    enrolment: str | None = None
    #: Whether this person can decide for their organisation (lesson 5), if known.
    decision_maker: bool | None = None


@dataclass(frozen=True, slots=True)
class Meeting(_ToDict):
    """Facts about one meeting (from the manifest, the command line or defaults)."""

    id: str
    pilot: str = ""
    company: str = ""
    supplier: str = ""
    date: str | None = None
    #: ``en``, ``nl`` or ``auto`` (detect from the text).
    language: str = "auto"
    #: Teams, Zoom, WhatsApp, phone, on site …
    channel: str = ""
    #: ``introduction``, ``follow_up`` … (lesson 6 treats introductions specially).
    kind: str = ""
    #: Minutes the meeting started late, if known (lesson 6).
    late_start_min: float | None = None
    participants: tuple[Participant, ...] = ()
    #: The file the meeting came from (transcript or recording), as given.
    source: str = ""
    notes: str = ""

    def participant(self, speaker: str) -> Participant | None:
        """The participant a transcript speaker label refers to (name or alias, case-insensitive)."""
        key = speaker.strip().casefold()
        for p in self.participants:
            if p.name.casefold() == key or key in (a.casefold() for a in p.aliases):
                return p
        return None

    def role_of(self, speaker: str) -> str:
        p = self.participant(speaker)
        return p.role if p else "unknown"


# --------------------------------------------------------------------------- transcript


@dataclass(frozen=True, slots=True)
class Word(_ToDict):
    text: str
    start: float
    end: float
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class Cue(_ToDict):
    """One timed caption as an ingestion format gives it, before merging into turns."""

    speaker: str
    start: float
    end: float
    text: str
    #: Word timings where the format has them (Whisper / dialoog JSON).
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Tag(_ToDict):
    """One label on an utterance, with what produced it.

    ``source`` is the versioned name of the rule set or model
    (``rules.questions.en@1``, ``annomi-question-clf@1`` …); ``confidence`` is set
    where a model scores the tag; ``span`` is the text that triggered a rule.
    """

    kind: str
    label: str
    source: str
    confidence: float | None = None
    span: str = ""
    #: For defensive responses: id of the buyer utterance that preceded it.
    trigger: str | None = None


@dataclass(frozen=True, slots=True)
class UtteranceTags(_ToDict):
    """All tags of one utterance. Empty by default (untagged)."""

    question: Tag | None = None       # label: open | closed
    defensive: Tag | None = None      # label: one of DEFENSIVE_CATEGORIES
    reflection: Tag | None = None     # label: simple | complex
    cues: tuple[Tag, ...] = ()        # kind == "cue", label in CUE_NAMES

    def cue(self, name: str) -> Tag | None:
        return next((c for c in self.cues if c.label == name), None)

    def has_cue(self, name: str) -> bool:
        return self.cue(name) is not None

    @property
    def is_empty(self) -> bool:
        return not (self.question or self.defensive or self.reflection or self.cues)


@dataclass(frozen=True, slots=True)
class Utterance(_ToDict):
    """One speaker turn."""

    id: str
    speaker: str
    start: float
    end: float
    text: str
    language: str = ""
    role: str = "unknown"
    words: tuple[Word, ...] = ()
    #: The (start, end) of each caption cue merged into this turn.
    cues: tuple[tuple[float, float], ...] = ()
    tags: UtteranceTags = field(default_factory=UtteranceTags)

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def spoken_time(self) -> float:
        """Time actually covered by speech: the union of the cues, else start–end."""
        if not self.cues:
            return self.duration
        total, cur_s, cur_e = 0.0, None, None
        for s, e in sorted(self.cues):
            if cur_e is None or s > cur_e:
                if cur_e is not None:
                    total += cur_e - cur_s
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        if cur_e is not None:
            total += cur_e - cur_s
        return total


@dataclass(frozen=True, slots=True)
class AudioInfo(_ToDict):
    """Where a transcript came from when it came from audio."""

    path: str
    duration_s: float
    sample_rate: int
    channels: int
    asr_model: str = ""
    diarizer: str = ""
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Transcript(_ToDict):
    meeting: Meeting
    utterances: tuple[Utterance, ...]
    #: ``teams-vtt``, ``zoom-vtt``, ``srt``, ``audio`` …
    source_format: str = ""
    audio: AudioInfo | None = None

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speakers in order of first speech."""
        seen: dict[str, None] = {}
        for u in self.utterances:
            seen.setdefault(u.speaker, None)
        return tuple(seen)

    @property
    def duration_s(self) -> float:
        if self.audio is not None:
            return self.audio.duration_s
        return max((u.end for u in self.utterances), default=0.0)

    def by_id(self, utterance_id: str) -> Utterance:
        for u in self.utterances:
            if u.id == utterance_id:
                return u
        raise KeyError(utterance_id)


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True, slots=True)
class SpeakerMetrics(_ToDict):
    name: str
    role: str
    talk_time_s: float
    talk_share: float
    turns: int
    mean_turn_s: float
    longest_turn_s: float
    longest_turn_id: str | None
    words: int
    wpm: float
    questions: int = 0
    open_questions: int = 0
    closed_questions: int = 0
    interruptions_made: int = 0
    first_speech_s: float | None = None


@dataclass(frozen=True, slots=True)
class RoleMetrics(_ToDict):
    role: str
    talk_time_s: float
    talk_share: float
    turns: int
    words: int
    speakers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WaitTime(_ToDict):
    """The silence after an utterance before somebody else speaks."""

    after_id: str
    next_id: str
    wait_s: float
    #: ``open`` / ``closed`` when the utterance was a question, else ``turn``.
    after_kind: str
    speaker: str
    next_speaker: str


@dataclass(frozen=True, slots=True)
class Interruption(_ToDict):
    utterance_id: str      # the utterance that started inside another
    interrupted_id: str
    at_s: float
    overlap_s: float


@dataclass(frozen=True, slots=True)
class Metrics(_ToDict):
    duration_s: float
    speech_s: float
    silence_share: float
    overlap_s: float
    turns: int
    speaker_switches: int
    switches_per_min: float
    interruptions: tuple[Interruption, ...]
    wait_times: tuple[WaitTime, ...]
    mean_wait_after_question_s: float | None
    mean_wait_after_open_question_s: float | None
    time_to_supplier_s: float | None
    speakers: tuple[SpeakerMetrics, ...]
    roles: tuple[RoleMetrics, ...]


# --------------------------------------------------------------------------- lessons and report


@dataclass(frozen=True, slots=True)
class Indicator(_ToDict):
    """One observable measure behind a lesson score."""

    name: str
    value: float | int | bool | str | None
    status: str                    # good | fair | needs_attention | not_observable | info
    threshold: str = ""            # human-readable rule ("≤ 45% buyer talk share")
    anchor: str = ""               # where the threshold comes from
    evidence: tuple[str, ...] = ()  # utterance ids


@dataclass(frozen=True, slots=True)
class LessonScore(_ToDict):
    id: int
    title: str
    status: str
    score: float | None
    indicators: tuple[Indicator, ...]
    evidence: tuple[str, ...]
    advice: tuple[str, ...]
    observed: tuple[str, ...] = ()   # plain-language observations (lessons 1–3)


@dataclass(frozen=True, slots=True)
class Provenance(_ToDict):
    """What produced a report: versions of dialoog, its rule sets and models."""

    dialoog_version: str
    rubric: str = ""
    taggers: tuple[str, ...] = ()
    asr_model: str = ""
    diarizer: str = ""
    generated_at: str = ""


@dataclass(frozen=True, slots=True)
class MeetingReport(_ToDict):
    transcript: Transcript
    metrics: Metrics
    lessons: tuple[LessonScore, ...]
    provenance: Provenance
    schema_version: str = SCHEMA_VERSION
