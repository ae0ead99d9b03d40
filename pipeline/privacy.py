"""Privacy defaults: no telemetry, no network, unless the user asks.

Called once at start-up by the CLI and the flows.  Model hubs are reached only
when the user allows downloads (``DIALOOG_ALLOW_DOWNLOAD=1`` or
``--allow-download``); otherwise Hugging Face libraries run offline.
"""

from __future__ import annotations

import os

#: Variables set (if the user has not set them) so that no library phones home.
_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
}


def privacy_defaults() -> dict[str, str]:
    """The telemetry-off defaults, for a subprocess environment (the user's own settings win)."""
    return dict(_DEFAULTS)


def downloads_allowed() -> bool:
    return os.environ.get("DIALOOG_ALLOW_DOWNLOAD", "").lower() in {"1", "true", "yes"}


def offline_by_default() -> None:
    """Set telemetry-off and offline environment defaults (never overriding the user's)."""
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not downloads_allowed():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def allow_downloads() -> None:
    """The user asked for downloads (``--allow-download``): lift offline mode for hubs."""
    os.environ["DIALOOG_ALLOW_DOWNLOAD"] = "1"
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(key) == "1":
            os.environ[key] = "0"
