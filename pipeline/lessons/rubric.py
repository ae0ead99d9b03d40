"""The lesson rubric: thresholds and anchors of the scorecard, read from one TOML file.

The built-in ``rubric.toml`` next to this module defines every indicator.  A user
rubric is laid over it key by key (a partial file is fine) and validated once,
here: an unknown key, a wrong type or thresholds in the wrong order raise
:class:`~pipeline.errors.InputError` naming the key and the fix.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.types import ASSIGNABLE_ROLES, CUE_NAMES

LANGS = ("en", "nl")
RULES = ("max", "min", "yes", "no", "info")
UNITS = ("percent", "seconds", "count", "ratio", "bool", "text")
_INDICATOR_KEYS = ("rule", "good", "fair", "missing", "unit", "weight", "introduction_only", "label", "anchor", "advice")


@dataclass(frozen=True, slots=True)
class IndicatorRule:
    """How one indicator is judged: rule, thresholds, anchor and texts in each language."""

    name: str
    lesson: int
    rule: str
    unit: str
    good: float | None = None
    fair: float | None = None
    #: Status of a ``yes``/``no`` indicator when the wanted answer is missing.
    missing: str = "needs_attention"
    weight: float = 1.0
    #: Scored only in meetings of kind ``introduction`` (else shown as info).
    introduction_only: bool = False
    label: tuple[tuple[str, str], ...] = ()
    #: Where the threshold comes from, per language (the English text goes into ``Indicator.anchor``).
    anchors: tuple[tuple[str, str], ...] = ()
    advice: tuple[tuple[str, str], ...] = ()

    @property
    def anchor(self) -> str:
        return self.text("anchors", "en")

    def text(self, field: str, lang: str = "en") -> str:
        pairs = dict(getattr(self, field))
        return pairs.get(lang) or pairs.get("en", "")

    def judge(self, value: Any) -> str:
        """The status of ``value`` under this rule (``info`` for info rules, ``not_observable`` for None)."""
        if self.rule == "info":
            return "info"
        if value is None:
            return "not_observable"
        if self.rule in ("yes", "no"):
            wanted = self.rule == "yes"
            return "good" if bool(value) == wanted else self.missing
        if self.rule == "max":
            return "good" if value <= self.good else "fair" if value <= self.fair else "needs_attention"
        return "good" if value >= self.good else "fair" if value >= self.fair else "needs_attention"

    def threshold_text(self, lang: str = "en") -> str:
        """Human-readable thresholds, e.g. ``good ≤ 45% · fair ≤ 60%``."""
        words = {"en": ("good", "fair", "yes", "no", "else"), "nl": ("goed", "redelijk", "ja", "nee", "anders")}
        good_w, fair_w, yes_w, no_w, else_w = words.get(lang, words["en"])
        if self.rule == "info":
            return ""
        if self.rule in ("yes", "no"):
            return f"{good_w}: {yes_w if self.rule == 'yes' else no_w}"
        op = "≤" if self.rule == "max" else "≥"
        return f"{good_w} {op} {format_value(self.good, self.unit)} · {fair_w} {op} {format_value(self.fair, self.unit)}"


@dataclass(frozen=True, slots=True)
class LessonRule:
    id: int
    title: tuple[tuple[str, str], ...]
    not_observable: tuple[tuple[str, str], ...]
    advice: tuple[tuple[str, tuple[str, ...]], ...]
    indicators: tuple[IndicatorRule, ...]

    def text(self, field: str, lang: str = "en"):
        pairs = dict(getattr(self, field))
        return pairs.get(lang) or pairs.get("en", "" if field != "advice" else ())


@dataclass(frozen=True, slots=True)
class Rubric:
    name: str
    version: str
    #: ``builtin`` or the path of the user's rubric file.
    source: str
    buyer_side: tuple[str, ...]
    supplier_side: tuple[str, ...]
    points: tuple[tuple[str, float], ...]
    good_from: float
    fair_from: float
    params: tuple[tuple[str, Any], ...]
    lessons: tuple[LessonRule, ...]

    @property
    def identity(self) -> str:
        """``name@version``, plus the file for a user rubric (for provenance)."""
        base = f"{self.name}@{self.version}"
        return base if self.source == "builtin" else f"{base} ({self.source})"

    def param(self, name: str) -> Any:
        return dict(self.params)[name]

    def lesson(self, lesson_id: int) -> LessonRule:
        return next(lr for lr in self.lessons if lr.id == lesson_id)

    def indicator(self, name: str) -> IndicatorRule | None:
        for lr in self.lessons:
            for ind in lr.indicators:
                if ind.name == name:
                    return ind
        return None

    def status_of_score(self, score: float) -> str:
        return "good" if score >= self.good_from else "fair" if score >= self.fair_from else "needs_attention"


def format_value(value: Any, unit: str) -> str:
    """A value as the report shows it (``45%``, ``3.0 s``, ``2``, ``yes``)."""
    if value is None:
        return "–"
    if unit in ("percent", "seconds", "ratio") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return str(value)  # not a number after all (a hand-edited report): show it as it is
    if unit == "percent":
        return f"{float(value) * 100:.0f}%"
    if unit == "seconds":
        return f"{float(value):.1f} s"
    if unit == "ratio":
        return f"{float(value):.2f}"
    if unit == "bool":
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- loading


def _builtin_text() -> str:
    return resources.files("pipeline.lessons").joinpath("rubric.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _builtin_data() -> dict[str, Any]:
    return tomllib.loads(_builtin_text())


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The built-in rubric, or the user's file at ``path`` laid over it.

    Raises :class:`InputError` for a missing or unreadable file, invalid TOML, an
    unknown key (with the nearest valid name) or an invalid value.
    """
    base = _builtin_data()
    if path is None:
        return _build(base, "builtin")
    p = Path(path)
    try:
        user = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("rubric file not found", path=p, hint="check the path, or leave --rubric out to use the built-in rubric") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the rubric: {exc}", path=p, hint="save it as UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"the rubric is not valid TOML: {exc}", path=p, hint="fix the syntax at that line") from None
    try:
        _check_keys(user, base, "")
        merged = _merge(base, user)
        return _build(merged, str(p))
    except InputError as exc:
        raise exc.with_path(p) from None


def _check_keys(user: Any, base: Any, where: str) -> None:
    """Refuse keys the built-in rubric does not have, naming the nearest valid one."""
    if not isinstance(user, dict):
        return
    if not isinstance(base, dict):
        raise InputError(f"rubric key '{where}' must be a single value, not a table", hint=f"write {where.rsplit('.', 1)[-1]} = <value>")
    at_indicator = where.startswith("lessons.") and where.count(".") == 3
    for key, value in user.items():
        full = f"{where}.{key}" if where else key
        if key not in base:
            if at_indicator and key in _INDICATOR_KEYS:
                continue  # an optional key the built-in entry leaves at its default
            allowed = [str(a) for a in (_INDICATOR_KEYS if at_indicator else base)]
            near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
            hint = f"did you mean '{near[0]}'?" if near else f"valid keys here: {', '.join(allowed)}"
            raise InputError(f"unknown rubric key '{full}'", hint=hint)
        if at_indicator and key == "anchor" and isinstance(value, str):
            continue  # one text for all languages
        if isinstance(base[key], dict) and not isinstance(value, dict):
            raise InputError(f"rubric key '{full}' must be a table, got {value!r}",
                             hint=f"write [{full}] with its keys, or {key} = {{ … }}")
        if isinstance(value, dict):
            _check_keys(value, base[key], full)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if key == "anchor":
            out[key] = value  # a new anchor replaces all its translations
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def _num(value: Any, key: str, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"rubric key '{key}' must be a number, got {value!r}", hint=f"write {key.rsplit('.', 1)[-1]} = 0.5 (a number)")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InputError(f"rubric key '{key}' = {value} is out of range [{lo}, {hi}]", hint="use a value inside the range")
    return float(value)


def _texts(value: Any, key: str, *, many: bool = False) -> tuple:
    if not isinstance(value, dict) or "en" not in value:
        raise InputError(f"rubric key '{key}' must be a table of texts per language with at least 'en'", hint=f'write {key.rsplit(".", 1)[-1]} = {{ en = "…", nl = "…" }}')
    out = []
    for lang, text in value.items():
        if lang not in LANGS:
            raise InputError(f"rubric key '{key}.{lang}': unknown language", hint=f"use one of {', '.join(LANGS)}")
        if many:
            if not isinstance(text, list) or not all(isinstance(t, str) for t in text):
                raise InputError(f"rubric key '{key}.{lang}' must be a list of texts", hint='write ["…", "…"]')
            out.append((lang, tuple(text)))
        else:
            if not isinstance(text, str):
                raise InputError(f"rubric key '{key}.{lang}' must be a text", hint='write "…" in quotes')
            out.append((lang, text))
    return tuple(out)


def _indicator(name: str, lesson: int, d: dict[str, Any]) -> IndicatorRule:
    key = f"lessons.{lesson}.indicators.{name}"
    rule = d.get("rule")
    if rule not in RULES:
        raise InputError(f"rubric key '{key}.rule' = {rule!r} is not a rule", hint=f"use one of {', '.join(RULES)}")
    unit = d.get("unit", "count")
    if unit not in UNITS:
        raise InputError(f"rubric key '{key}.unit' = {unit!r} is not a unit", hint=f"use one of {', '.join(UNITS)}")
    good = fair = None
    if rule in ("max", "min"):
        if "good" not in d or "fair" not in d:
            raise InputError(f"rubric indicator '{key}' with rule '{rule}' needs both 'good' and 'fair'", hint="add good = … and fair = …")
        good, fair = _num(d["good"], f"{key}.good"), _num(d["fair"], f"{key}.fair")
        if rule == "max" and good > fair:
            raise InputError(f"rubric indicator '{key}': rule 'max' (lower is better) needs good ≤ fair, got good={good} fair={fair}", hint="swap the two values, or use rule = \"min\"")
        if rule == "min" and good < fair:
            raise InputError(f"rubric indicator '{key}': rule 'min' (higher is better) needs good ≥ fair, got good={good} fair={fair}", hint="swap the two values, or use rule = \"max\"")
    missing = d.get("missing", "needs_attention")
    if missing not in ("fair", "needs_attention"):
        raise InputError(f"rubric key '{key}.missing' = {missing!r}", hint='use "fair" or "needs_attention"')
    intro = d.get("introduction_only", False)
    if not isinstance(intro, bool):
        raise InputError(f"rubric key '{key}.introduction_only' must be true or false", hint="write true or false (no quotes)")
    raw_anchor = d.get("anchor", "")
    anchors = (("en", raw_anchor),) if isinstance(raw_anchor, str) else _texts(raw_anchor, f"{key}.anchor")
    if rule != "info" and not dict(anchors).get("en", "").strip():
        raise InputError(f"rubric indicator '{key}' needs an anchor (where its threshold comes from)", hint='add anchor = "…"')
    return IndicatorRule(
        name=name, lesson=lesson, rule=rule, unit=unit, good=good, fair=fair, missing=missing,
        weight=_num(d.get("weight", 1.0), f"{key}.weight", 0.0, 100.0), introduction_only=intro,
        label=_texts(d.get("label", {"en": name}), f"{key}.label"), anchors=anchors,
        advice=_texts(d["advice"], f"{key}.advice") if "advice" in d else (),
    )


def _build(data: dict[str, Any], source: str) -> Rubric:
    meta = data.get("rubric", {})
    roles = data.get("roles", {})
    for side in ("buyer_side", "supplier_side"):
        vals = roles.get(side, [])
        if not isinstance(vals, list) or any(v not in ASSIGNABLE_ROLES for v in vals):
            raise InputError(f"rubric key 'roles.{side}' = {vals!r} must be a list of known roles",
                             hint=f'write {side} = ["buyer", …] with roles from {", ".join(ASSIGNABLE_ROLES)}')
    if set(roles["buyer_side"]) & set(roles["supplier_side"]):
        raise InputError("rubric: a role is both buyer_side and supplier_side", hint="put each role on one side only")
    sc = data.get("scoring", {})
    points = tuple((k, _num(sc[k], f"scoring.{k}", 0, 100)) for k in ("good", "fair", "needs_attention"))
    good_from, fair_from = _num(sc["good_from"], "scoring.good_from", 0, 100), _num(sc["fair_from"], "scoring.fair_from", 0, 100)
    if fair_from > good_from:
        raise InputError("rubric: scoring.fair_from is above scoring.good_from", hint="make fair_from ≤ good_from")
    params = data.get("params", {})
    base_params = _builtin_data()["params"]
    for k, v in params.items():
        if isinstance(base_params[k], list):
            if not isinstance(v, list) or any(c not in CUE_NAMES for c in v):
                raise InputError(f"rubric key 'params.{k}' must be a list of cue names", hint=f"use names from {', '.join(CUE_NAMES)}")
        else:
            _num(v, f"params.{k}", 0)
    lessons = []
    for lid in range(1, 9):
        ld = data["lessons"][str(lid)]
        inds = tuple(_indicator(n, lid, d) for n, d in ld.get("indicators", {}).items())
        lessons.append(LessonRule(
            id=lid, title=_texts(ld["title"], f"lessons.{lid}.title"),
            not_observable=_texts(ld["not_observable"], f"lessons.{lid}.not_observable"),
            advice=_texts(ld.get("advice", {"en": []}), f"lessons.{lid}.advice", many=True), indicators=inds,
        ))
    return Rubric(
        name=str(meta.get("name", "rubric")), version=str(meta.get("version", "0")), source=source,
        buyer_side=tuple(roles["buyer_side"]), supplier_side=tuple(roles["supplier_side"]),
        points=points, good_from=good_from, fair_from=fair_from,
        params=tuple(params.items()), lessons=tuple(lessons),
    )
