"""A per-process cache for heavy models: loaded once per worker, not per meeting.

Batch workers (process pools, Dask workers) live for many meetings; loaders
wrapped in :func:`cached_model` run once per process and argument set.  Keys
must be hashable (model names, paths, option dataclasses)::

    @cached_model
    def whisper(name: str, device: str):
        from faster_whisper import WhisperModel   # heavy import inside the loader
        return WhisperModel(name, device=device)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_loaders: list = []
_lock = threading.Lock()


def cached_model(loader: Callable[..., T]) -> Callable[..., T]:
    """Cache ``loader``'s result per process and arguments (thread-safe: loads once)."""
    cached = functools.lru_cache(maxsize=None)(loader)

    @functools.wraps(loader)
    def get(*args, **kwargs):
        with _lock:  # two threads asking for the same model must not load it twice
            return cached(*args, **kwargs)

    get.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    get.cache_info = cached.cache_info    # type: ignore[attr-defined]
    _loaders.append(cached)
    return get


def clear_model_cache() -> None:
    """Forget every cached model in this process (tests; freeing memory)."""
    for c in _loaders:
        c.cache_clear()
