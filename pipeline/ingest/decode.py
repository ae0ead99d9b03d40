"""Bytes → text for transcript files: BOMs, UTF-16 without a BOM, UTF-8, cp1252.

Also recognises files that are not text at all (a ZIP such as .docx, a PDF,
an old Word .doc, audio …) so that the caller can say so clearly.
"""

from __future__ import annotations

import codecs
import logging

from pipeline.errors import InputError

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Magic numbers of files people mistake for transcripts, with what to tell them.
_MAGIC = (
    (b"%PDF", "a PDF document", "export the transcript as .vtt, .docx or .txt instead"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office (.doc) file", "save it as .docx or export a .vtt/.txt transcript"),
    (b"{\\rtf", "an RTF document", "save it as .docx or plain text"),
    (b"ID3", "an MP3 recording", "pass the recording as audio (with an audio file extension), not as a transcript"),
    (b"RIFF", "a WAV/RIFF recording", "pass the recording as audio, not as a transcript"),
    (b"OggS", "an Ogg recording", "pass the recording as audio, not as a transcript"),
    (b"fLaC", "a FLAC recording", "pass the recording as audio, not as a transcript"),
    (b"\x1aE\xdf\xa3", "a WebM/Matroska recording", "pass the recording as audio, not as a transcript"),
    (b"\x89PNG", "a PNG image", "export the transcript as text"),
    (b"\xff\xd8\xff", "a JPEG image", "export the transcript as text"),
    (b"\x1f\x8b", "a gzip archive", "unpack it first"),
)


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def not_text_reason(data: bytes) -> tuple[str, str] | None:
    """(what the file is, how to fix) for well-known binary formats, else None."""
    for magic, what, hint in _MAGIC:
        if data.startswith(magic):
            return what, hint
    if data[4:8] == b"ftyp":
        return "an MP4/M4A recording", "pass the recording as audio, not as a transcript"
    return None


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4:
        return None
    head = head[: len(head) // 2 * 2]
    even, odd = head[0::2], head[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad / len(sample)


def decode(data: bytes) -> tuple[str, str]:
    """(text with ``\\n`` line endings and no BOM, encoding used).

    Raises :class:`InputError` (without a path) when the bytes are not text.
    """
    encoding = None
    body = data
    for bom, enc in _BOMS:
        if data.startswith(bom):
            encoding, body = enc, data[len(bom):]
            break
    if encoding is None:
        encoding = _sniff_utf16(data)
    if encoding is None and b"\x00" in data[:8192]:
        raise InputError("this is a binary file, not a text transcript")
    if encoding is not None:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"the file says it is {encoding} but is not valid {encoding} ({exc.reason})",
                             hint="save the transcript again as UTF-8") from None
    else:
        try:
            text, encoding = body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = body.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = body.decode("latin-1"), "latin-1"
            log.debug("transcript is not UTF-8; decoded as %s", encoding)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _control_share(text) > 0.02:
        raise InputError("this is a binary file, not a text transcript")
    return text, encoding
