"""Everything that loads weights: ASR, diarization, trained classifiers.

Each backend sits behind a small Protocol, is loaded lazily and cached, and
imports its heavy library inside the loader.
"""

# Library users may reach a loader without the CLI: set the offline,
# telemetry-off defaults before any model library (transformers,
# faster-whisper, huggingface_hub) can be imported through this package.
from pipeline.privacy import offline_by_default as _offline_by_default

_offline_by_default()
