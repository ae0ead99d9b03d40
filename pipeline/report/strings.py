"""UI strings of the reports in English and Dutch (``i18n/en.toml``, ``i18n/nl.toml``)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from pipeline.errors import InputError

REPORT_LANGS = ("en", "nl")


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, Any]:
    text = resources.files("pipeline.report.i18n").joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


class Strings:
    """Look up ``section.key`` in one language, falling back to English."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in REPORT_LANGS:
            raise InputError(f"unknown report language {lang!r}", hint=f"use one of {', '.join(REPORT_LANGS)}")
        self.lang = lang
        self._data = _load(lang)
        self._en = _load("en")

    def __call__(self, key: str, **fmt: Any) -> str:
        for data in (self._data, self._en):
            node: Any = data
            for part in key.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, str):
                return node.format(**fmt) if fmt else node
        return key.rsplit(".", 1)[-1].replace("_", " ")
