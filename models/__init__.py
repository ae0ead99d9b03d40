"""Everything that loads weights: ASR, diarization, trained classifiers.

Each backend sits behind a small Protocol, is loaded lazily and cached, and
imports its heavy library inside the loader.
"""
