"""Teams transcripts saved as Word ``.docx``.

The paragraphs are read with python-docx and handed to the text parsers, so both
Teams layouts work: ``Name   0:03`` headers and ``0:00:03.410 --> …`` timing
lines followed by the name.
"""

from __future__ import annotations

import io
import zipfile

from pipeline.errors import InputError
from pipeline.types import Cue

#: Names of the text layouts inside a .docx, as reported by :func:`parse`.
_NAMES = {"teams-text-header": "teams-docx", "teams-text": "teams-docx-timed"}


def is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def docx_text(data: bytes) -> str:
    """The document's paragraphs (and table cells), one per line."""
    import docx  # python-docx; a core dependency, imported when needed

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for damaged files
        raise InputError(f"could not read this Word document ({exc})", hint="open it in Word and save it again as .docx") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n")


def parse(data: bytes) -> tuple[str, list[Cue]]:
    from pipeline.ingest.sniff import parse_text  # the text formats, sniffed

    text = docx_text(data)
    if not text.strip():
        raise InputError("the Word document is empty", hint="export the meeting transcript from Teams again")
    inner, cues = parse_text(text, allow_json=False)
    return _NAMES.get(inner, f"docx-{inner}"), cues
