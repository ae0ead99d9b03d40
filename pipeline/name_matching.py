"""Finding people's names in text, for pseudonymisation (:mod:`pipeline.pseudonymise`).

Data: ``data/names/first_names.txt`` (common first names, EN/NL/Indian …) and
``data/names/common_words.txt`` (names that are also ordinary words or surname
particles, which are only taken for a name when capitalised and known).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "names"

#: Machine speaker labels ("SPEAKER_01", "Speaker 2", "spk1", "Guest") carry no name.
_MACHINE_LABEL = re.compile(r"^(?:speaker|spk|spreker|guest|gast|unknown|onbekend)?[\s_-]*\d*$", re.IGNORECASE)
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
_WORD_CHARS = r"[^\W_]"
#: A capitalised word after one of these is a surname ("Mr. Gupta", "mevrouw Jansen").
_TITLE_ABBREVIATIONS = ("mr", "mrs", "ms", "mx", "dr", "prof", "mevr", "dhr", "smt")   # may end in "."
_TITLE_WORDS = ("miss", "sir", "mevrouw", "meneer", "heer", "shri", "sri", "kumari")  # never end in "."
#: First words of the pseudonyms themselves: never taken for a name.
_LABEL_WORDS = frozenset({"Buyer", "Supplier", "CSO", "Union", "Other", "Speaker", "Person", "Participant", "Organisation"})
_TITLE_SURNAME = re.compile(
    rf"(?<!{_WORD_CHARS})(?:(?:{'|'.join(_TITLE_ABBREVIATIONS)})\.?|{'|'.join(_TITLE_WORDS)})"
    rf"[ \t]+([A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*)", re.IGNORECASE)


def title_surnames(texts: Iterable[str]) -> frozenset[str]:
    """Capitalised words written after a title ("Mr. Gupta", "mevrouw Jansen"), lower case."""
    found: set[str] = set()
    for text in texts:
        for m in _TITLE_SURNAME.finditer(text):
            word = m.group(1)
            if word[:1].isupper() and word.upper() != word and word not in _LABEL_WORDS:
                found.add(word.lower())
    return frozenset(found)


def _read_list(name: str) -> frozenset[str]:
    words: set[str] = set()
    for line in (_DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        words.update(w.lower() for w in line.split())
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The shipped list of common first names (lower case)."""
    return _read_list("first_names.txt")


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Names that are also ordinary words or name particles (lower case)."""
    return _read_list("common_words.txt")


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _split_possessive(token: str) -> tuple[str, str]:
    """``("Priya", "'s")`` for ``Priya's``; ``(token, "")`` otherwise."""
    if len(token) > 2 and token[-2] in "'’" and token[-1] in "sS":
        return token[:-2], token[-2:]
    return token, ""


class NameReplacer:
    """Replaces known names (and listed first names) in text, in one pass."""

    def __init__(self, names: dict[str, str], *, name_list: bool, person_labels: dict[str, str],
                 surnames: frozenset[str] = frozenset()) -> None:
        # names: lower-case name or name part -> pseudonym
        self.names = names
        self.name_list = name_list
        self.persons = person_labels  # lower-case first name -> "Person N" (grows as met)
        self.stop = common_words()
        self.listed = first_names() if name_list else frozenset()
        self.surnames = surnames - frozenset(names)
        alternatives = sorted(names, key=len, reverse=True)
        if alternatives:
            body = "|".join(r"\s+".join(re.escape(part) for part in a.split()) for a in alternatives)
            self._known = re.compile(
                rf"(?<!{_WORD_CHARS})(?P<name>{body})(?P<poss>['’]s|['’](?!\w)|s(?!{_WORD_CHARS}))?(?!{_WORD_CHARS})",
                re.IGNORECASE,
            )
        else:
            self._known = None
        self._token = re.compile(rf"(?<!{_WORD_CHARS})[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*")

    def _known_sub(self, m: re.Match[str]) -> str:
        found = m.group("name")
        key = " ".join(found.split()).lower()
        poss = m.group("poss") or ""
        if key in self.stop and not _is_capitalised(found):
            return m.group(0)
        if poss == "s":
            # A Dutch genitive ("Sannes") only when the bare name is not itself a word ending in s.
            if len(key) < 3:
                return m.group(0)
            poss = "'s"
        return self.names[key] + poss

    def _mentions(self, text: str) -> str:
        """Replace listed first names (with a following capitalised surname) by ``Person N``."""
        tokens = list(self._token.finditer(text))
        out: list[str] = []
        pos = 0
        i = 0
        while i < len(tokens):
            m = tokens[i]
            word, poss = _split_possessive(m.group(0))
            key = word.lower()
            listed = key in self.listed or key in self.surnames
            if not _is_capitalised(word) or not listed or key in self.stop or key in self.names or word in _LABEL_WORDS:
                i += 1
                continue
            label = self.persons.get(key)
            if label is None:
                label = f"Person {len(self.persons) + 1}"
                self.persons[key] = label
            end = m.end()
            if not poss and i + 1 < len(tokens):
                nxt = tokens[i + 1]
                surname, poss2 = _split_possessive(nxt.group(0))
                gap = text[m.end():nxt.start()]
                if gap and not gap.strip(" \t") and _is_capitalised(surname) and surname.upper() != surname \
                        and surname.lower() not in self.stop:
                    # "Rajesh Kumar": the capitalised word after a first name is the surname.
                    end, poss = nxt.end(), poss2
                    i += 1
            out.append(text[pos:m.start()])
            out.append(label + poss)
            pos = end
            i += 1
        out.append(text[pos:])
        return "".join(out)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self._known is not None:
            text = self._known.sub(self._known_sub, text)
        if self.listed or self.surnames:
            text = self._mentions(text)
        return text


def name_parts(name: str) -> list[str]:
    """The full name and each part of it that can stand alone as a name."""
    name = " ".join(name.split())
    if not name or _MACHINE_LABEL.match(name):
        return []
    out = [name]
    tokens = _NAME_TOKEN.findall(name)
    particles = common_words()
    for i, tok in enumerate(tokens):
        if len(tok) >= 2 and tok.lower() not in particles:
            out.append(tok)
        elif len(tok) >= 2 and i + 1 < len(tokens):
            # "de Vries", "van der Berg": the particle with the rest of the surname.
            out.append(" ".join(tokens[i:]))
    if len(tokens) > 1:
        out.append(" ".join(tokens))
    return out
