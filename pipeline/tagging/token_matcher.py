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


def _spec(tok: dict[str, Any]) -> tuple[str, Any, str | None]:
    op = tok.get("OP")
    norm = tok.get("NORM")
    if norm is None:
        return ("any", None, op)
    if isinstance(norm, dict):
        if "IN" in norm:
            return ("in", frozenset(norm["IN"]), op)
        if "NOT_IN" in norm:
            return ("not_in", frozenset(norm["NOT_IN"]), op)
        raise ValueError(f"unsupported token predicate {norm!r}")
    return ("eq", norm, op)


def _test(kind: str, value: Any, norm: str) -> bool:
    if kind == "eq":
        return norm == value
    if kind == "in":
        return norm in value
    if kind == "not_in":
        return norm not in value
    return True


class TokenMatcher:
    """``add(key, patterns)``, then ``matcher(norms) -> [(key, start, end), ...]``."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[Any, tuple]]] = defaultdict(list)
        self._anywhere: list[tuple[Any, tuple]] = []

    def add(self, key: Any, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        for pattern in patterns:
            specs = tuple(_spec(t) for t in pattern)
            for first in self._first_norms(specs):
                if first is None:
                    self._anywhere.append((key, specs))
                    break
                self._by_first[first].append((key, specs))

    @staticmethod
    def _first_norms(specs) -> list[str | None]:
        """Norms the first consumed token can have (None = any)."""
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
        for i in range(n):
            cands = self._by_first.get(norms[i], ())
            for key, specs in (*cands, *self._anywhere):
                if (key, i) in found:
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
