"""JSON cache of transcription and diarization results, keyed by audio content and settings.

A rerun on the same recording with the same model and options reads the result
instead of recomputing it.  Files live under ``AudioOptions.cache_dir`` (default
``~/.cache/dialoog``, or ``$DIALOOG_CACHE``), owner-only, written atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from pipeline.fileio import write_text_atomic

log = logging.getLogger(__name__)

CACHE_VERSION = 1


def cache_root(cache_dir: str | None) -> Path:
    if cache_dir:
        return Path(cache_dir).expanduser()
    return Path(os.environ.get("DIALOOG_CACHE") or Path.home() / ".cache" / "dialoog")


def cache_key(audio_sha256: str, settings: dict[str, Any]) -> str:
    blob = json.dumps({"v": CACHE_VERSION, "audio": audio_sha256, "settings": settings}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def load(cache_dir: str | None, kind: str, key: str) -> dict[str, Any] | None:
    path = cache_root(cache_dir) / kind / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable cache file %s (%s)", path, exc)
        return None
    log.info("cache hit: %s", path)
    return data


def store(cache_dir: str | None, kind: str, key: str, value: dict[str, Any]) -> Path:
    path = cache_root(cache_dir) / kind / f"{key}.json"
    return write_text_atomic(path, json.dumps(value, ensure_ascii=False))
