"""The context step: link each defensive response to what preceded it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.types import UtteranceTags

#: Roles whose turns can trigger a defensive response.
BUYER_SIDE = frozenset({"buyer", "cso"})


def previous_other_turns(texts: Sequence[str], speakers: Sequence[str]) -> list[str]:
    """For each turn, the text of the latest earlier turn by another speaker ("" if none)."""
    out: list[str] = []
    last_by_speaker: dict[str, str] = {}
    for text, speaker in zip(texts, speakers):
        other = [t for s, t in last_by_speaker.items() if s != speaker]
        out.append(other[-1] if other else "")
        last_by_speaker.pop(speaker, None)   # keep insertion order = recency
        last_by_speaker[speaker] = text
    return out


def preceding_trigger(index: int, ids: Sequence[str], roles: Sequence[str], speakers: Sequence[str]) -> str | None:
    """Id of the utterance a defensive response at ``index`` answers.

    The nearest earlier buyer-side utterance (buyer or CSO); when no roles are
    known, the nearest earlier utterance by another speaker.
    """
    for j in range(index - 1, -1, -1):
        if roles[j] in BUYER_SIDE:
            return ids[j]
    if not any(r in BUYER_SIDE for r in roles):
        for j in range(index - 1, -1, -1):
            if speakers[j] != speakers[index]:
                return ids[j]
    return None


def link_triggers(tags: Sequence[UtteranceTags], ids: Sequence[str], roles: Sequence[str],
                  speakers: Sequence[str]) -> tuple[UtteranceTags, ...]:
    """``tags`` with ``trigger`` set on every defensive tag (new values; inputs untouched)."""
    out = []
    for i, t in enumerate(tags):
        if t.defensive is not None:
            trig = preceding_trigger(i, ids, roles, speakers)
            t = replace(t, defensive=replace(t.defensive, trigger=trig))
        out.append(t)
    return tuple(out)
