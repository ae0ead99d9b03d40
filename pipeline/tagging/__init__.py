"""Dialogue taggers: questions (open/closed), defensive responses, reflections and
lesson cues, in English and Dutch.

Public API::

    tag_transcript(transcript, options=TagOptions()) -> Transcript
    tag_text(text, language="en", role=None) -> UtteranceTags
    tagger_sources() -> tuple[str, ...]
    detect_language(text) -> "en" | "nl"

See ``docs/taggers.md`` for what each tag means and how to extend the rules.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.errors import InputError
from pipeline.options import TagOptions
from pipeline.tagging.context import link_triggers, previous_other_turns
from pipeline.tagging.language import detect_language
from pipeline.tagging.patterns import LANGUAGES, source_name
from pipeline.tagging.tagger import TagInput, tag_items
from pipeline.types import Transcript, UtteranceTags

__all__ = ["detect_language", "tag_text", "tag_transcript", "tagger_sources", "resolve_language", "TagInput",
           "tag_items"]


def resolve_language(requested: str | None, text: str) -> str:
    """``requested`` when it is ``en``/``nl``; detected from ``text`` when ``auto``/empty."""
    lang = (requested or "auto").strip().lower()
    if lang == "auto":
        return detect_language(text)
    if lang not in LANGUAGES:
        raise InputError(f"unsupported language {requested!r}", hint="use en, nl or auto")
    return lang


def tag_text(text: str, language: str = "en", role: str | None = None) -> UtteranceTags:
    """Tags of one utterance on its own (no context)."""
    lang = resolve_language(language, text)
    return tag_items([TagInput(text or "", lang, role or "unknown")])[0]


def tag_transcript(transcript: Transcript, options: TagOptions = TagOptions()) -> Transcript:
    """A new transcript whose utterances carry their tags; defensive tags get their trigger."""
    utts = transcript.utterances
    if not utts:
        return transcript
    requested = options.language if options.language != "auto" else transcript.meeting.language
    whole = resolve_language(requested, " ".join(u.text for u in utts[:200]))
    previous = previous_other_turns([u.text for u in utts], [u.speaker for u in utts])
    langs = [u.language if (requested in (None, "", "auto") and u.language in LANGUAGES) else whole for u in utts]
    items = [TagInput(u.text, lang, u.role or "unknown", prev) for u, lang, prev in zip(utts, langs, previous)]
    tags = tag_items(items, options)
    tags = link_triggers(tags, [u.id for u in utts], [u.role for u in utts], [u.speaker for u in utts])
    new = tuple(replace(u, tags=t, language=u.language or lang) for u, t, lang in zip(utts, tags, langs))
    return replace(transcript, utterances=new)


def tagger_sources(options: TagOptions = TagOptions()) -> tuple[str, ...]:
    """Versioned names of the rule sets and models the taggers use."""
    names = [source_name(lang, f) for lang in LANGUAGES
             for f in ("questions", "defensive", "reflections", "cues")]
    if options.backend == "transformers":
        from models.transformers_tagger import transformers_source

        names.append(transformers_source(options.transformers_model))
    else:
        from models.tagger_classifier import DEFAULT_PATH, DEFENSIVE_MODEL, QUESTION_MODEL, REFLECTION_MODEL

        if DEFAULT_PATH.is_file():
            names += [QUESTION_MODEL, REFLECTION_MODEL, DEFENSIVE_MODEL]
    return tuple(names)
