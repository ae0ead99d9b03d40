"""The audio path's pure parts: decoding, alignment, speaker naming, caching, RTTM and scores.

Models (ASR, diarization) live in :mod:`models`; the entry point is
:func:`models.speech.transcribe_meeting`.
"""
