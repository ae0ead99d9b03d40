"""A small, fast matcher for the subset of spaCy ``Matcher`` patterns the rule
files compile to (``NORM`` equal / ``IN`` / ``NOT_IN``, ``OP: "?"`` and the
``{0,3}`` wildcard).

spaCy's own ``Matcher`` gives the same matches (a test checks this on the rule
files) but evaluates every pattern at every token, and its ``IN`` predicates
run in Python; with some 500 patterns that capped the taggers at ~800
utterances/s.  This matcher indexes patterns by their first token's norm, so a
token only tries the few patterns that can start there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

_ANY = ("any", None)


def _spec(tok: dict[str, Any], encode) -> tuple[str, Any, str | None]:
    op = tok.get("OP")
    norm = tok.get("NORM")
    if norm is None:
        return ("any", None, op)
    if isinstance(norm, dict):
        if "IN" in norm:
            return ("in", frozenset(encode(v) for v in norm["IN"]), op)
        if "NOT_IN" in norm:
            return ("not_in", frozenset(encode(v) for v in norm["NOT_IN"]), op)
        raise ValueError(f"unsupported token predicate {norm!r}")
    return ("eq", encode(norm), op)


def _test(kind: str, value: Any, norm: str) -> bool:
    if kind == "eq":
        return norm == value
    if kind == "in":
        return norm in value
    if kind == "not_in":
        return norm not in value
    return True


class TokenMatcher:
    """``add(key, patterns)``, then ``matcher(norms) -> [(key, start, end), ...]``.

    ``encode`` maps a pattern's norm strings to what ``matcher(...)`` is given per
    token (identity for strings; spaCy's string hashes for ``doc.to_array("NORM")``).
    """

    def __init__(self, encode=None) -> None:
        self._encode = encode or (lambda s: s)
        self._by_first: dict[str, list[tuple[Any, tuple]]] = defaultdict(list)
        self._anywhere: list[tuple[Any, tuple]] = []

    def add(self, key: Any, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        for pattern in patterns:
            specs = tuple(_spec(t, self._encode) for t in pattern)
            if all(op is None for _, _, op in specs):
                specs = ("plain", tuple((kind, value) for kind, value, _ in specs))
            for first in self._first_norms(specs):
                if first is None:
                    self._anywhere.append((key, specs))
                    break
                self._by_first[first].append((key, specs))

    @staticmethod
    def _first_norms(specs) -> list[str | None]:
        """Norms the first consumed token can have (None = any)."""
        if specs[0] == "plain":
            specs = tuple((kind, value, None) for kind, value in specs[1])
        out: list[str | None] = []
        for kind, value, op in specs:
            if kind == "eq":
                out.append(value)
            elif kind == "in":
                out.extend(sorted(value))
            else:
                return [None]
            if op not in ("?", "{0,3}"):
                return list(dict.fromkeys(out))
        return [None]

    def __call__(self, norms: Sequence[str]) -> list[tuple[Any, int, int]]:
        found: dict[tuple[Any, int], int] = {}
        n = len(norms)
        by_first, anywhere = self._by_first, self._anywhere
        for i in range(n):
            cands = by_first.get(norms[i])
            if cands is None and not anywhere:
                continue
            for key, specs in (cands or []) + anywhere if anywhere else cands:
                if (key, i) in found:
                    continue
                if specs[0] == "plain":
                    plain = specs[1]
                    end = i + len(plain)
                    if end > n:
                        continue
                    j = i
                    for kind, value in plain:
                        w = norms[j]
                        if not (w == value if kind == "eq" else (w in value if kind == "in" else w not in value)):
                            break
                        j += 1
                    else:
                        found[(key, i)] = end
                    continue
                end = _match(specs, 0, norms, i, n)
                if end is not None and end > i:
                    found[(key, i)] = end
        return [(key, start, end) for (key, start), end in found.items()]


def _match(specs, k: int, norms, i: int, n: int) -> int | None:
    if k == len(specs):
        return i
    kind, value, op = specs[k]
    if op == "{0,3}":
        for skip in range(0, 4):
            if i + skip > n:
                break
            r = _match(specs, k + 1, norms, i + skip, n)
            if r is not None:
                return r
        return None
    if i < n and _test(kind, value, norms[i]):
        r = _match(specs, k + 1, norms, i + 1, n)
        if r is not None:
            return r
    if op == "?":
        return _match(specs, k + 1, norms, i, n)
    return None
