"""The spaCy pipelines of the taggers: a blank ``en``/``nl`` pipeline, the
sentencizer, and the ``dialoog_rules_v1`` component that runs every rule file
of the language.  Rule phrases compile to spaCy ``Matcher`` token patterns
(kept on ``component.patterns``); they run on a first-token-indexed
:class:`~pipeline.tagging.token_matcher.TokenMatcher` that gives the same
matches, faster.

The component leaves its hits on ``doc._.dialoog_hits`` as :class:`Hit` values;
the tag logic (questions, defensive, reflections, cues) reads them.  Pipelines
are built once per language and cached.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pipeline.tagging.patterns import LANGUAGES, compile_phrase, load_rule_file
from pipeline.tagging.token_matcher import TokenMatcher

#: The rule files every language has (``rules/<lang>/<name>.yaml``).
RULE_FILES: tuple[str, ...] = ("common", "questions", "defensive", "reflections", "cues")
COMPONENT = "dialoog_rules_v1"
#: A comma within this many tokens of a sentence's start also starts a clause for ``^`` phrases.
INTRO_MAX_TOKENS = 6


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule match: which file and label, where (token span), in which sentence."""

    file: str
    label: str
    start: int
    end: int
    sent: int
    phrase: str


def _phrase_lists(lang: str):
    """Yield (file, label, phrases) for every phrase list of the language's rule files."""
    for name in RULE_FILES:
        data = load_rule_file(lang, name)
        for key, value in data.items():
            if key in ("name", "version", "description", "fillers", "roles", "subordinators", "wh_words"):
                continue
            if isinstance(value, list):
                yield name, key, value
            elif isinstance(value, dict):  # category -> phrases, or cue -> {roles, phrases}
                for label, sub in value.items():
                    phrases = sub.get("phrases", []) if isinstance(sub, dict) else sub
                    yield name, f"{key}.{label}", phrases or []


class RuleComponent:
    """spaCy component: all rule phrases of one language in one Matcher."""

    def __init__(self, nlp, lang: str) -> None:
        from spacy.tokens import Doc

        if not Doc.has_extension("dialoog_hits"):
            Doc.set_extension("dialoog_hits", default=None)
        self.lang = lang
        self.matcher = TokenMatcher(encode=nlp.vocab.strings.add)  # matches on NORM hashes
        #: key -> (file, label, anchored, phrase, end-anchored); patterns kept in spaCy Matcher format
        self.keys: dict[str, tuple[str, str, bool, str, bool]] = {}
        self.patterns: dict[str, list[list[dict]]] = {}
        tokenizer = nlp.tokenizer

        def tokenize(word: str) -> list[str]:
            return [t.norm_ for t in tokenizer(word)]

        n = 0
        for file, label, phrases in _phrase_lists(lang):
            for text in phrases:
                phrase = compile_phrase(str(text), tokenize)
                key = f"{file}|{label}|{n}"
                n += 1
                self.patterns[key] = [list(p) for p in phrase.patterns]
                self.matcher.add(key, self.patterns[key])
                self.keys[key] = (file, label, phrase.anchored, phrase.text, phrase.end_anchored)
        common = load_rule_file(lang, "common")
        self.fillers = frozenset(w for f in common.get("fillers", []) for w in tokenize(str(f)))
        #: a comma after an intro that opens with one of these (Dutch "Toen …, zijn we …": the main
        #: clause is verb-first there) starts a clause only when a wh-word follows it
        self.subordinators = frozenset(w for f in common.get("subordinators", []) for w in tokenize(str(f)))
        self.wh_words = frozenset(w for f in common.get("wh_words", []) for w in tokenize(str(f)))

    def _skip_fillers(self, doc, start: int, end: int) -> int:
        while start < end and (doc[start].is_punct or doc[start].norm_ in self.fillers):
            start += 1
        return start

    def __call__(self, doc):
        starts: list[int] = []       # effective start token of each sentence
        ends: list[int] = []         # end of each sentence, trailing punctuation aside
        sent_of: list[int] = [0] * len(doc)
        extra: set[int] = set()      # further anchors: after a token ending in . ? ! ("u." in Dutch)
        for i, sent in enumerate(doc.sents):
            starts.append(self._skip_fillers(doc, sent.start, sent.end))
            e = sent.end
            while e > sent.start and doc[e - 1].is_punct:
                e -= 1
            ends.append(e)
            for j in range(sent.start, sent.end):
                sent_of[j] = i
                if j + 1 < sent.end and doc[j].text[-1:] in ".?!" and len(doc[j].text) > 1:
                    extra.add(self._skip_fillers(doc, j + 1, sent.end))
                # a clause after a short introductory phrase or a name: "Anand, what …",
                # "In your view, where …", "Help me understand, why …"
                elif doc[j].text == "," and j + 1 < sent.end and j - starts[i] < INTRO_MAX_TOKENS:
                    k = self._skip_fillers(doc, j + 1, sent.end)
                    if k < sent.end and (doc[starts[i]].norm_ not in self.subordinators or doc[k].norm_ in self.wh_words):
                        extra.add(k)
        hits = []
        for key, start, end in self.matcher(doc.to_array("NORM").tolist()):
            file, label, anchored, text, end_anchored = self.keys[key]
            s = sent_of[start]
            if anchored and start > starts[s] and start not in extra:  # only fillers/punctuation may precede it
                continue
            if end_anchored and end < ends[s]:  # only punctuation may follow it
                continue
            hits.append(Hit(file, label, start, end, s, text))
        doc._.dialoog_hits = hits
        return doc


def _register() -> None:
    from spacy.language import Language

    if COMPONENT not in Language.factories:
        @Language.factory(COMPONENT, default_config={"lang": "en"})
        def make_rules(nlp, name: str, lang: str):  # noqa: ARG001 - spaCy's factory signature
            return RuleComponent(nlp, lang)


@functools.lru_cache(maxsize=None)
def get_nlp(lang: str):
    """The cached spaCy pipeline of ``lang`` (blank + sentencizer + rules)."""
    from pipeline.tagging.spacy_light import import_spacy

    spacy = import_spacy()

    if lang not in LANGUAGES:
        raise ValueError(f"no tagger pipeline for language {lang!r}")
    _register()
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(COMPONENT, config={"lang": lang})
    return nlp
