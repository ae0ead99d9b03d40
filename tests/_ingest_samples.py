"""One short conversation, written out in every transcript format dialoog reads.

Three speakers (two with non-ASCII names, so the cp1252 and UTF-16 cases mean
something); cues 4 and 5 are consecutive cues of one speaker 0.32 s apart, so
they must merge into one turn.  Used by tests/test_ingest_*.py.
"""

from __future__ import annotations

import io
import json

SANNE, UNAL, JOSE = "Sanne de Vries", "Ünal Kaya", "José García"

#: (speaker, start s, end s, text)
CONVERSATION: list[tuple[str, float, float, str]] = [
    (SANNE, 1.000, 4.250, "Good morning, thank you for making time today."),
    (UNAL, 4.800, 6.100, "Good morning. Happy to be here."),
    (SANNE, 6.500, 11.320, "Could you tell us how the production season has been so far?"),
    (UNAL, 11.900, 16.480, "It has been very busy, with many orders from several buyers."),
    (UNAL, 16.800, 19.050, "We hired extra workers for the peak."),
    (JOSE, 19.700, 23.000, "What did the workers tell you about overtime?"),
    (UNAL, 23.600, 26.900, "Overtime is voluntary and always paid."),
    (SANNE, 3601.400, 3604.125, "Thank you, that is helpful to hear."),  # after an hour: H:MM:SS stamps
]
#: Which cues make up each expected turn.
TURNS: list[tuple[int, ...]] = [(0,), (1,), (2,), (3, 4), (5,), (6,), (7,)]


def _hms(t: float, sep: str = ".") -> str:
    ms = round(t * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _short(t: float) -> str:
    """MM:SS.mmm (WebVTT allows leaving out the hours)."""
    return _hms(t)[3:] if t < 3600 else _hms(t)


def _teams(t: float) -> str:
    """Teams' unpadded H:M:S.fff."""
    ms = round(t * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h}:{m}:{s}.{ms:03d}"


def _whole(t: float, hours: bool = True) -> str:
    s = int(t)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if hours else f"{h * 60 + m}:{s:02d}"


def teams_vtt() -> str:
    out = ["WEBVTT", "", "NOTE written by Teams", "spanning two lines", "",
           "STYLE", "::cue(v) { color: white }", ""]
    for i, (who, s, e, text) in enumerate(CONVERSATION):
        start, end = (_short(s), _short(e)) if i % 2 else (_hms(s), _hms(e))
        out.append(f"8f1e2c3d-4b5a-6789-abcd-0123456789ab/{12 + i}-{i % 2}")
        out.append(f"{start} --> {end}")
        head, _, tail = text.partition(", ")
        closing = "" if i == 2 else "</v>"  # Teams sometimes leaves </v> out
        if tail:  # a multi-line cue
            out += [f"<v {who}>{head},", f"{tail}{closing}"]
        else:
            out.append(f"<v {who}>{text}{closing}")
        out.append("")
    return "\n".join(out)


def zoom_vtt() -> str:
    out = ["WEBVTT", ""]
    for i, (who, s, e, text) in enumerate(CONVERSATION, start=1):
        out += [str(i), f"{_hms(s)} --> {_hms(e)}", f"{who}: {text}", ""]
    return "\n".join(out)


def srt() -> str:
    out = []
    for i, (who, s, e, text) in enumerate(CONVERSATION, start=1):
        out += [str(i), f"{_hms(s, ',')} --> {_hms(e, ',')}", f"{who}: {text}", ""]
    return "\n".join(out)


def zoom_captions() -> str:
    out = []
    for who, s, _, text in CONVERSATION:
        out += [f"[{who}] {_whole(s)}", text, ""]
    return "\n".join(out)


def teams_text() -> str:
    out = []
    for who, s, e, text in CONVERSATION:
        out += [f"{_teams(s)} --> {_teams(e)}", who, text, ""]
    return "\n".join(out)


def teams_header_lines() -> list[str]:
    out = ["Supplier call", "12 May 2021, 10:00", "Transcript"]
    for who, s, _, text in CONVERSATION:
        out += [f"{who}   {_whole(s, hours=s >= 3600)}", text]
    return out


def teams_header() -> str:
    return "\n".join(teams_header_lines())


def plain_timed() -> str:
    # [hh:mm:ss] and [mm:ss] stamps, and one stamp after the name
    out = []
    for i, (who, s, _, text) in enumerate(CONVERSATION):
        if i == 5:
            out.append(f"{who} [{_whole(s, hours=False)}]: {text}")
        elif i % 2:
            out.append(f"[{_whole(s, hours=False)}] {who}: {text}")
        else:
            out.append(f"[{_whole(s)}] {who}: {text}")
    return "\n".join(out)


def plain_untimed() -> str:
    return "Minutes of the call\n\n" + "\n".join(f"{who}: {text}" for who, _, _, text in CONVERSATION)


def dialoog_json() -> str:
    return json.dumps({"utterances": [
        {"id": f"u{i:04d}", "speaker": who, "start": s, "end": e, "text": text, "role": "unknown",
         "words": [{"text": w, "start": s, "end": e, "probability": 0.9} for w in text.split()[:1]]}
        for i, (who, s, e, text) in enumerate(CONVERSATION, start=1)
    ]}, ensure_ascii=False)


def whisper_json() -> str:
    segments = []
    for i, (who, s, e, text) in enumerate(CONVERSATION):
        words = [{"word": " " + w, "start": s, "end": e, "probability": 0.8, "speaker": who} for w in text.split()]
        seg = {"id": i, "seek": 0, "start": s, "end": e, "text": " " + text, "words": words}
        if i != 2:  # WhisperX: the segment's speaker can also come from its words
            seg["speaker"] = who
        segments.append(seg)
    return json.dumps({"language": "en", "segments": segments}, ensure_ascii=False)


def docx_bytes(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def teams_docx() -> bytes:
    return docx_bytes(teams_header_lines())


def teams_docx_timed() -> bytes:
    return docx_bytes(teams_text().split("\n"))


#: text writer, expected format name, time precision ("ms", "s" = whole seconds, start only; None = estimated)
TEXT_FORMATS = {
    "teams-vtt": (teams_vtt, "teams-vtt", "ms"),
    "zoom-vtt": (zoom_vtt, "zoom-vtt", "ms"),
    "srt": (srt, "srt", "ms"),
    "zoom-captions": (zoom_captions, "zoom-captions", "s"),
    "teams-text": (teams_text, "teams-text", "ms"),
    "teams-text-header": (teams_header, "teams-text-header", "s"),
    "text": (plain_timed, "text", "s"),
    "text-untimed": (plain_untimed, "text-untimed", None),
    "dialoog-json": (dialoog_json, "dialoog-json", "ms"),
    "whisper-json": (whisper_json, "whisper-json", "ms"),
}
BINARY_FORMATS = {
    "teams-docx": (teams_docx, "teams-docx", "s"),
    "teams-docx-timed": (teams_docx_timed, "teams-docx-timed", "ms"),
}
