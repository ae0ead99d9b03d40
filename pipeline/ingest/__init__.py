"""Transcript ingestion: Teams/Zoom WebVTT, SRT, Zoom captions, Teams text and
.docx, ``Name: text`` plain text, dialoog and Whisper JSON → :class:`~pipeline.types.Transcript`.

The format is sniffed from the content, not the file name.  See docs/formats.md.
"""

from pipeline.ingest.reader import read_transcript
from pipeline.ingest.sniff import FORMATS, SUPPORTED, parse_bytes
from pipeline.ingest.turns import cues_to_utterances

__all__ = ["FORMATS", "SUPPORTED", "cues_to_utterances", "parse_bytes", "read_transcript"]
