"""Give diarized speakers (``SPEAKER_00`` …) the names of the meeting's participants.

With enrolment embeddings (a few seconds of a participant's voice): Hungarian
assignment on cosine similarity, a pair kept only above ``MIN_SIMILARITY``.
Without: participants in manifest order are given to speakers in order of first
speech, with a warning (roles may then be wrong; check or use ``--role``).
The diarizer's label stays reachable as an alias of the participant, so
``--role SPEAKER_01=supplier`` keeps working.  Pure: nothing loads audio here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from pipeline.types import Meeting, Utterance

log = logging.getLogger(__name__)

MIN_SIMILARITY = 0.6


def match_by_enrolment(speaker_emb: Mapping[str, np.ndarray], enrol_emb: Mapping[str, np.ndarray],
                       min_similarity: float = MIN_SIMILARITY) -> dict[str, str]:
    """Speaker label → participant name by cosine similarity (optimal one-to-one assignment)."""
    from scipy.optimize import linear_sum_assignment

    spk, names = list(speaker_emb), list(enrol_emb)
    if not spk or not names:
        return {}
    a = np.stack([_unit(speaker_emb[s]) for s in spk])
    b = np.stack([_unit(enrol_emb[n]) for n in names])
    sim = a @ b.T
    rows, cols = linear_sum_assignment(-sim)
    out = {}
    for r, c in zip(rows, cols):
        if sim[r, c] >= min_similarity:
            out[spk[r]] = names[c]
        else:
            log.warning("speaker %s matches no enrolment clip well (best %s, cosine %.2f); left unnamed",
                        spk[r], names[c], sim[r, c])
    return out


def match_by_order(speakers: Sequence[str], meeting: Meeting) -> dict[str, str]:
    """Speakers in order of first speech ↔ participants in manifest order (a guess; warns)."""
    names = [p.name for p in meeting.participants]
    mapping = dict(zip(speakers, names))
    if mapping:
        # Roles, not names, in the log: logs are not pseudonymised.
        roles = {p.name: p.role for p in meeting.participants}
        log.warning("no enrolment clips: speakers named by order of first speech (%s); check the roles "
                    "or set them with --role SPEAKER_00=buyer …",
                    ", ".join(f"{s}→participant {i} ({roles[n]})" for i, (s, n) in enumerate(mapping.items(), 1)))
    return mapping


def apply_names(utterances: Sequence[Utterance], meeting: Meeting,
                mapping: Mapping[str, str]) -> tuple[tuple[Utterance, ...], Meeting]:
    """Rename speakers, set roles, and record each diarizer label as the participant's alias."""
    parts = []
    for p in meeting.participants:
        labels = tuple(s for s, n in mapping.items() if n == p.name and s not in p.aliases)
        parts.append(replace(p, aliases=p.aliases + labels) if labels else p)
    new_meeting = replace(meeting, participants=tuple(parts))
    out = []
    for u in utterances:
        name = mapping.get(u.speaker, u.speaker)
        out.append(replace(u, speaker=name, role=new_meeting.role_of(name)))
    return tuple(out), new_meeting


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    return v / max(float(np.linalg.norm(v)), 1e-12)
