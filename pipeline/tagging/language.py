"""Cheap language identification between English and Dutch (function words)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zà-ÿ']+")
_EN = frozenset(
    "the and is are you we they of to in that this it what how do does did have has with for not "
    "our your be was were can could would will there about which who when why i my me".split()
)
_NL = frozenset(
    "de het een en is zijn u jullie wij we ze van in dat dit wat hoe doet heeft hebben met voor "
    "niet ons onze uw er over welke wie wanneer waarom ik mijn mij je jij ook maar nog wel "
    "kunt kan zou wordt worden bij naar hoeveel waarom wanneer heb hebt bent zijn".split()
)


def language_evidence(text: str) -> int:
    """Dutch function words minus English ones in ``text`` (> 0 leans Dutch)."""
    en = nl = 0
    for w in _WORD.findall(text.lower()):
        en += w in _EN
        nl += w in _NL
    return nl - en


def detect_language(text: str) -> str:
    """``"en"`` or ``"nl"`` for ``text`` by counting function words; ``"en"`` when unsure."""
    return "nl" if language_evidence(text) > 0 else "en"
