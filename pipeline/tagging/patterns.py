"""Rule files (YAML, one folder per language) and the phrase syntax they use.

A phrase is a space-separated list of words matched on spaCy's ``NORM``
(lower-cased, contractions expanded: ``don't`` matches ``do not``):

* ``a|b``  – either word (``recognise|recognize``); ``|`` binds single words only;
* ``(a b|c d)`` – either word sequence (``(in order|under control)``); groups and
  words mix: ``discuss|(go into)|comment``;
* ``word?`` / ``(a b)?`` – optional;
* ``!a|b`` – any one word except these;
* ``*``    – up to three arbitrary words;
* ``^``    – as the first item: only at the start of a sentence (after fillers
  such as "so", "okay", "um" that the rule file lists under ``fillers``);
* ``$``    – as the last item: only at the end of a sentence (trailing
  punctuation aside), e.g. tag questions ``isn't it $``.

Each phrase is compiled into spaCy ``Matcher`` token patterns; see
:func:`compile_phrase`.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputError

RULES_DIR = Path(__file__).resolve().parent / "rules"
LANGUAGES: tuple[str, ...] = ("en", "nl")
WILDCARD = {"OP": "{0,3}"}
_MAX_VARIANTS = 2000
_ITEM = re.compile(r"(?:\([^)]*\)|[^\s(])+")
_ALT = re.compile(r"\|(?![^(]*\))")


@dataclass(frozen=True, slots=True)
class Phrase:
    """One compiled phrase: its text, whether it is anchored, and its token patterns."""

    text: str
    anchored: bool
    patterns: tuple[tuple[dict[str, Any], ...], ...]
    end_anchored: bool = False


@functools.lru_cache(maxsize=None)
def load_rule_file(lang: str, name: str) -> dict[str, Any]:
    """The parsed rule file ``rules/<lang>/<name>.yaml``."""
    path = RULES_DIR / lang / f"{name}.yaml"
    if not path.is_file():
        raise InputError(f"no rule file {name!r} for language {lang!r}", path=path,
                         hint=f"languages with rules: {', '.join(LANGUAGES)}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or "name" not in data or "version" not in data:
        raise InputError("a rule file needs 'name' and 'version' keys", path=path,
                         hint="start the file with 'name: rules.<kind>.<lang>' and 'version: 1'")
    return data


def source_name(lang: str, name: str) -> str:
    """Versioned name of a rule file, as tags record it (``rules.defensive.en@1``)."""
    data = load_rule_file(lang, name)
    return f"{data['name']}@{data['version']}"


def compile_phrase(phrase: str, tokenize) -> Phrase:
    """Compile one phrase into Matcher patterns, with ``tokenize(str) -> [norms]``.

    Single-word alternatives become one token spec (``{"NORM": {"IN": [...]}}``);
    only word-sequence alternatives (``(a b|c)``, or a word that the tokenizer
    splits, like ``can't``) multiply the number of patterns.
    """
    items = _ITEM.findall(phrase)
    anchored = bool(items) and items[0] == "^"
    if anchored:
        items = items[1:]
    end_anchored = bool(items) and items[-1] == "$"
    if end_anchored:
        items = items[:-1]
    if not items:
        raise InputError(f"empty rule phrase {phrase!r}", hint="write at least one word")
    # each slot: a list of alternatives, each alternative a list of token specs
    slots: list[list[list[dict[str, Any]]]] = []
    for item in items:
        if item == "*":
            slots.append([[dict(WILDCARD)]])
            continue
        if item.startswith("!") and len(item) > 1:
            words = [n for w in item[1:].split("|") for n in tokenize(w)]
            slots.append([[{"NORM": {"NOT_IN": words}}]])
            continue
        optional = item.endswith("?") and len(item) > 1
        body = item[:-1] if optional else item
        alts = []
        for alt in _ALT.split(body):
            alt = alt.strip()
            inner = alt[1:-1] if alt.startswith("(") and alt.endswith(")") else alt
            alts += [a.strip() for a in inner.split("|")] if inner is not alt else [alt]
        alts = [a for a in alts if a]
        seqs = [tokenize(a) for a in alts]
        if all(len(q) == 1 for q in seqs):
            spec: dict[str, Any] = {"NORM": {"IN": sorted({q[0] for q in seqs})}}
            if optional:
                spec["OP"] = "?"
            slots.append([[spec]])
        else:
            options = [[{"NORM": n} for n in q] for q in seqs if q]
            slots.append(options + ([[]] if optional else []))
    patterns: list[tuple[dict[str, Any], ...]] = []
    for variant in itertools.islice(itertools.product(*slots), _MAX_VARIANTS):
        toks = [spec for part in variant for spec in part]
        while toks and toks[-1] == WILDCARD:
            toks.pop()
        while toks and toks[0] == WILDCARD:
            toks.pop(0)
        if toks and any(t.get("OP") != "?" for t in toks):
            patterns.append(tuple(toks))
    unique = {repr(p): p for p in patterns}
    return Phrase(phrase, anchored, tuple(unique.values()), end_anchored)
