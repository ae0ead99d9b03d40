"""YAML reading, with libyaml's C parser when PyYAML has it (about 10× faster than pure Python).

Manifests are parsed once when a batch discovers its meetings and again in the
worker that analyses each one: on an archive of thousands, the pure-Python
parser alone took seconds.  Both loaders accept the same safe subset of YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

YAMLError = yaml.YAMLError


def safe_load(text: str) -> Any:
    """Like ``yaml.safe_load``: plain data only (no Python objects)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
