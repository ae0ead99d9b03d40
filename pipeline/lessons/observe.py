"""Observations behind the lesson indicators: one small function per indicator.

Each observer reads the tagged transcript and the metrics and returns an
:class:`Obs` — the raw value, the utterance ids that show it, and (when the value
cannot be observed) a note saying why.  Judging the value against thresholds is
the rubric's job (:mod:`pipeline.lessons.rubric`), not this module's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline.lessons.rubric import Rubric
from pipeline.types import Metrics, Transcript, Utterance

#: Why an indicator could not be observed (English, Dutch); the keys are stable.
NOTES: dict[str, tuple[str, str]] = {
    "no_buyer": ("no speaker has a buyer-side role — assign roles in the manifest or with --role",
                 "geen spreker heeft een rol aan kopende zijde — wijs rollen toe in het manifest of met --role"),
    "no_supplier": ("no speaker has a supplier-side role — assign roles in the manifest or with --role",
                    "geen spreker heeft een rol aan leverancierszijde — wijs rollen toe in het manifest of met --role"),
    "no_questions": ("the buyer side asked no tagged questions", "de kopende partij stelde geen (herkende) vragen"),
    "no_waits": ("no buyer-side open question was followed by another speaker", "geen open vraag van de kopende partij werd door een ander beantwoord"),
    "no_sensitive": ("the buyer side raised no complaint or sensitive matter", "de kopende partij bracht geen klacht of gevoelige zaak ter sprake"),
    "no_flags": ("the manifest does not say who can decide (decision_maker)", "het manifest zegt niet wie beslissingsbevoegd is (decision_maker)"),
    "no_late_start": ("the manifest does not give late_start_min", "het manifest geeft geen late_start_min"),
    "not_introduction": ("only judged in introduction meetings (kind: introduction)", "alleen beoordeeld in introductiegesprekken (kind: introduction)"),
    "no_channel": ("the manifest does not name the channel (channel: Teams, WhatsApp, phone …)",
                   "het manifest noemt het kanaal niet (channel: Teams, WhatsApp, telefoon …)"),
    "empty": ("the transcript has no utterances", "het transcript bevat geen uitspraken"),
}


@dataclass(frozen=True, slots=True)
class Obs:
    value: float | int | bool | str | None
    evidence: tuple[str, ...] = ()
    #: A key of :data:`NOTES` when ``value`` is None (not observable).
    note: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    transcript: Transcript
    metrics: Metrics
    rubric: Rubric
    buyer: tuple[Utterance, ...]
    supplier: tuple[Utterance, ...]

    @classmethod
    def build(cls, transcript: Transcript, metrics: Metrics, rubric: Rubric) -> "Context":
        utts = transcript.utterances
        return cls(
            transcript, metrics, rubric,
            buyer=tuple(u for u in utts if u.role in rubric.buyer_side),
            supplier=tuple(u for u in utts if u.role in rubric.supplier_side),
        )

    @property
    def is_introduction(self) -> bool:
        return self.transcript.meeting.kind.strip().lower() == "introduction"

    def with_cue(self, name: str, utts: Iterable[Utterance] | None = None) -> tuple[str, ...]:
        return tuple(u.id for u in (self.transcript.utterances if utts is None else utts) if u.tags.has_cue(name))


def _count(ids: tuple[str, ...]) -> Obs:
    return Obs(len(ids), ids)


def _buyer_count(cue: str) -> Callable[[Context], Obs]:
    def observe(ctx: Context) -> Obs:
        if not ctx.buyer:
            return Obs(None, note="no_buyer")
        return _count(ctx.with_cue(cue, ctx.buyer))
    return observe


def _buyer_flag(cue: str) -> Callable[[Context], Obs]:
    def observe(ctx: Context) -> Obs:
        if not ctx.buyer:
            return Obs(None, note="no_buyer")
        ids = ctx.with_cue(cue, ctx.buyer)
        return Obs(bool(ids), ids)
    return observe


def _any_count(cue: str) -> Callable[[Context], Obs]:
    def observe(ctx: Context) -> Obs:
        if not ctx.transcript.utterances:
            return Obs(None, note="empty")
        return _count(ctx.with_cue(cue))
    return observe


# --------------------------------------------------------------------------- lesson 4


def contact_channel(ctx: Context) -> Obs:
    channel = ctx.transcript.meeting.channel.strip()
    return Obs(channel or None, note="" if channel else "no_channel")


# --------------------------------------------------------------------------- lesson 5


def decision_maker(ctx: Context) -> Obs:
    meeting = ctx.transcript.meeting
    flagged = [p for p in meeting.participants if p.role in ctx.rubric.supplier_side and p.decision_maker is not None]
    if not flagged:
        return Obs(None, note="no_flags")
    deciders = {p.name for p in flagged if p.decision_maker}
    first: dict[str, str] = {}
    for u in ctx.transcript.utterances:
        p = meeting.participant(u.speaker)
        if p is not None and p.name in deciders:
            first.setdefault(p.name, u.id)
    return Obs(bool(deciders), tuple(first.values()))


# --------------------------------------------------------------------------- lesson 6


def _topics(ctx: Context) -> dict[str, str]:
    """Topic cue → id of the first utterance that raised it."""
    wanted = set(ctx.rubric.param("topic_cues"))
    first: dict[str, str] = {}
    for u in ctx.transcript.utterances:
        for c in u.tags.cues:
            if c.label in wanted:
                first.setdefault(c.label, u.id)
    return first


def distinct_topics(ctx: Context) -> Obs:
    if not ctx.transcript.utterances:
        return Obs(None, note="empty")
    first = _topics(ctx)
    return Obs(len(first), tuple(first.values()))


def complaints_and_programme(ctx: Context) -> Obs:
    if not ctx.transcript.utterances:
        return Obs(None, note="empty")
    complaints, programme = ctx.with_cue("complaint"), ctx.with_cue("programme")
    both = bool(complaints and programme)
    return Obs(both, (complaints[0], programme[0]) if both else ())


def supplier_concern_share(ctx: Context) -> Obs:
    """Share of the supplier's turns that raise a concern (a worry taking over the call)."""
    if not ctx.supplier:
        return Obs(None, note="no_supplier")
    ids = ctx.with_cue("concern", ctx.supplier)
    return Obs(round(len(ids) / len(ctx.supplier), 4), ids)


def late_start_full_agenda(ctx: Context) -> Obs:
    late_min = ctx.transcript.meeting.late_start_min
    if late_min is None:
        return Obs(None, note="no_late_start")
    topics = _topics(ctx)
    rescheduled = ctx.with_cue("reschedule")
    late = late_min >= ctx.rubric.param("late_start_min")
    full = len(topics) >= ctx.rubric.param("full_agenda_topics")
    value = late and full and not rescheduled
    return Obs(value, rescheduled or (tuple(topics.values()) if value else ()))


# --------------------------------------------------------------------------- lesson 7


def _role_time(ctx: Context) -> tuple[float, float, float]:
    roles = ctx.metrics.roles
    buyer = sum(r.talk_time_s for r in roles if r.role in ctx.rubric.buyer_side)
    supplier = sum(r.talk_time_s for r in roles if r.role in ctx.rubric.supplier_side)
    return buyer, supplier, sum(r.talk_time_s for r in roles)


def _longest(utts: Iterable[Utterance], n: int = 3) -> tuple[str, ...]:
    return tuple(u.id for u in sorted(utts, key=lambda u: -u.duration)[:n])


def buyer_side_talk_share(ctx: Context) -> Obs:
    buyer, supplier, total = _role_time(ctx)
    if buyer <= 0:
        return Obs(None, note="no_buyer")
    if supplier <= 0:
        return Obs(None, note="no_supplier")
    return Obs(buyer / total, _longest(ctx.buyer))


def supplier_talk_share(ctx: Context) -> Obs:
    buyer, supplier, total = _role_time(ctx)
    if supplier <= 0:
        return Obs(None, note="no_supplier")
    return Obs(supplier / total, _longest(ctx.supplier))


def _buyer_questions(ctx: Context) -> list[Utterance]:
    return [u for u in ctx.buyer if u.tags.question is not None]


def open_question_share(ctx: Context) -> Obs:
    if not ctx.buyer:
        return Obs(None, note="no_buyer")
    qs = _buyer_questions(ctx)
    if not qs:
        return Obs(None, note="no_questions")
    closed = tuple(u.id for u in qs if u.tags.question.label != "open")
    return Obs((len(qs) - len(closed)) / len(qs), closed)


def reflections_per_question(ctx: Context) -> Obs:
    if not ctx.buyer:
        return Obs(None, note="no_buyer")
    refl = tuple(u.id for u in ctx.buyer if u.tags.reflection is not None)
    qs = _buyer_questions(ctx)
    if not qs and not refl:
        return Obs(None, note="no_questions")
    return Obs(len(refl) / max(1, len(qs)), refl)


def wait_after_open_questions(ctx: Context) -> Obs:
    if not ctx.buyer:
        return Obs(None, note="no_buyer")
    buyer_ids = {u.id for u in ctx.buyer}
    waits = [w for w in ctx.metrics.wait_times if w.after_kind == "open" and w.after_id in buyer_ids]
    if not waits:
        return Obs(None, note="no_waits")
    good = ctx.rubric.indicator("wait_after_open_questions")
    limit = good.good if good is not None and good.good is not None else 3.0
    short = tuple(w.after_id for w in waits if w.wait_s < limit)
    return Obs(sum(w.wait_s for w in waits) / len(waits), short)


def longest_buyer_monologue(ctx: Context) -> Obs:
    turns = [s for s in ctx.metrics.speakers if s.role in ctx.rubric.buyer_side]
    if not turns:
        return Obs(None, note="no_buyer")
    top = max(turns, key=lambda s: s.longest_turn_s)
    return Obs(top.longest_turn_s, (top.longest_turn_id,) if top.longest_turn_id else ())


def early_invitation(ctx: Context) -> Obs:
    if not ctx.buyer:
        return Obs(None, note="no_buyer")
    p = ctx.rubric.param
    limit = max(p("early_invitation_s"), p("early_invitation_share") * ctx.transcript.duration_s)
    ids = tuple(u.id for u in ctx.buyer if u.start <= limit and u.tags.has_cue("invitation"))
    return Obs(bool(ids), ids[:1])


def one_sided_stretches(ctx: Context) -> Obs:
    """Runs of buyer-side talk of at least ``stretch_min_s``, broken only by supplier backchannels."""
    if not ctx.buyer:
        return Obs(None, note="no_buyer")
    p = ctx.rubric.param
    side, back_s, min_s = set(ctx.rubric.buyer_side), p("backchannel_max_s"), p("stretch_min_s")
    starts: list[str] = []
    run: list[Utterance] = []

    def close() -> None:
        if run and run[-1].end - run[0].start >= min_s:
            starts.append(run[0].id)

    for u in ctx.transcript.utterances:
        if u.role in side:
            run.append(u)
        elif run and u.role in ctx.rubric.supplier_side and u.duration < back_s:
            continue  # "yes", "okay": the buyer side keeps the floor
        else:
            close()
            run = []
    close()
    return _count(tuple(starts))


# --------------------------------------------------------------------------- lesson 8


def direct_sensitive_questions(ctx: Context) -> Obs:
    if not ctx.buyer:
        return Obs(None, note="no_buyer")
    return _count(tuple(
        u.id for u in ctx.buyer
        if u.tags.question is not None and u.tags.question.label == "closed"
        and u.tags.has_cue("sensitive_topic") and not u.tags.has_cue("underlying_question")
    ))


def transparency_statement(ctx: Context) -> Obs:
    if not ctx.buyer:
        return Obs(None, note="no_buyer")
    raised = tuple(u.id for u in ctx.buyer if u.tags.has_cue("complaint") or u.tags.has_cue("sensitive_topic"))
    if not raised:
        return Obs(None, note="no_sensitive")
    said = ctx.with_cue("transparency", ctx.buyer)
    return Obs(bool(said), said or raised[:1])


def defensive_responses(ctx: Context) -> Obs:
    if not ctx.transcript.utterances:
        return Obs(None, note="empty")
    buyer_side = set(ctx.rubric.buyer_side)
    replies = [u for u in ctx.transcript.utterances if u.tags.defensive is not None and u.role not in buyer_side]
    ids = [i for u in replies for i in (u.tags.defensive.trigger, u.id) if i]
    return Obs(len(replies), tuple(dict.fromkeys(ids)))


#: Indicator name → observer.  Every indicator in the rubric has one.
OBSERVERS: dict[str, Callable[[Context], Obs]] = {
    "small_talk": _any_count("small_talk"),
    "history_references": _any_count("history"),
    "preferred_channel_asked": _buyer_flag("preferred_channel"),
    "contact_channel": contact_channel,
    "connection_trouble": _any_count("channel"),
    "mandate_process_questions": _buyer_count("mandate_process"),
    "written_summary_promised": _buyer_flag("written_followup"),
    "supplier_decision_maker_present": decision_maker,
    "distinct_topics": distinct_topics,
    "complaints_and_programme": complaints_and_programme,
    "late_start_full_agenda": late_start_full_agenda,
    "supplier_concern_share": supplier_concern_share,
    "buyer_side_talk_share": buyer_side_talk_share,
    "supplier_talk_share": supplier_talk_share,
    "open_question_share": open_question_share,
    "reflections_per_question": reflections_per_question,
    "wait_after_open_questions": wait_after_open_questions,
    "longest_buyer_monologue": longest_buyer_monologue,
    "early_invitation": early_invitation,
    "one_sided_stretches": one_sided_stretches,
    "acknowledgements": _buyer_count("acknowledgement"),
    "accusatory_wording": _buyer_count("accusatory"),
    "blunt_sensitive_topics": _buyer_count("sensitive_topic"),
    "direct_sensitive_questions": direct_sensitive_questions,
    "underlying_questions": _buyer_count("underlying_question"),
    "transparency_statement": transparency_statement,
    "defensive_responses": defensive_responses,
}
