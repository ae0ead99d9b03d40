"""The adversarial corpus: bad (and good) meeting inputs, generated into a folder.

Nothing binary is committed: :func:`build_corpus` writes every case into a
temporary folder when a test asks for it.  Each :class:`Case` says how the CLI
must react: ``error`` (exit 2, a one-line message that names ``names`` and
contains one of ``keywords``), ``ok`` (exit 0, a report) or ``either`` (exit 0,
or exit 2 with a clear message — never an internal error).
"""

from __future__ import annotations

import io
import math
import struct
import wave
from dataclasses import dataclass, field
from pathlib import Path

GOOD_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Sanne de Vries>Welcome Rajesh. What would you like to talk about today?</v>

2
00:00:04.500 --> 00:00:09.000
<v Rajesh Kumar>Thank you Sanne. We can talk about the overtime and the production plan.</v>

3
00:00:09.500 --> 00:00:13.000
<v Sanne de Vries>How do you see the overtime situation in the factory?</v>

4
00:00:13.500 --> 00:00:20.000
<v Rajesh Kumar>We follow the law. Meera Patel from the workers committee also agrees.</v>
"""

GOOD_MANIFEST = """id: {id}
company: Company B
supplier: Supplier B
language: en
transcript: transcript.vtt
participants:
  - name: Sanne de Vries
    role: buyer
    organisation: Company B
    aliases: [Sanne]
  - name: Rajesh Kumar
    role: supplier
    organisation: Supplier B
    aliases: [Rajesh, Mr. Kumar]
"""


@dataclass(frozen=True)
class Case:
    name: str
    path: Path                      # what is passed to `dialoog analyze`
    expect: str                     # "error" | "ok" | "either"
    keywords: tuple[str, ...] = ()  # one of these (case-insensitive) is in the message
    names: str = ""                 # the file name the message must contain
    args: tuple[str, ...] = ()      # extra CLI arguments
    kind: str = "transcript"        # transcript | manifest | role | rubric | limit | audio | tag
    command: str = "analyze"        # analyze | tag (``dialoog tag --input PATH``)
    marks: tuple[str, ...] = field(default=())


def _wav(seconds: float, *, tone: bool, rate: int = 16000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        n = int(seconds * rate)
        if tone:
            frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 220 * i / rate))) for i in range(n))
        else:
            frames = b"\x00\x00" * n
        w.writeframes(frames)
    return buf.getvalue()


def _folder(root: Path, name: str, manifest: str | None = None, files: dict[str, bytes | str] | None = None) -> Path:
    d = root / name
    d.mkdir(parents=True)
    if manifest is not None:
        (d / "meeting.yaml").write_text(manifest, encoding="utf-8")
    for fname, content in (files or {}).items():
        p = d / fname
        if isinstance(content, str):
            p.write_text(content, encoding="utf-8")
        else:
            p.write_bytes(content)
    return d


def _file(root: Path, name: str, content: bytes | str) -> Path:
    p = root / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return p


def good_meeting(root: Path, meeting_id: str = "good-meeting") -> Path:
    return _folder(root, meeting_id, GOOD_MANIFEST.format(id=meeting_id), {"transcript.vtt": GOOD_VTT})


def transcript_cases(root: Path) -> list[Case]:
    t = root / "transcripts"
    cue = "00:00:01.000 --> 00:00:02.000\n<v A>hello</v>\n"
    cases = [
        Case("zero-byte transcript", _file(t, "empty.vtt", b""), "error", ("empty",), "empty.vtt"),
        Case("binary file named .vtt", _file(t, "image.vtt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), "error",
             ("binary", "not a", "recognis", "format", "text"), "image.vtt"),
        Case("zip junk named .docx", _file(t, "broken.docx", b"PK\x03\x04" + b"\x00" * 200), "error",
             ("docx", "word", "corrupt", "zip", "read"), "broken.docx"),
        Case("truncated VTT", _file(t, "truncated.vtt", "WEBVTT\n\n00:00:01.000 --> 00:0"), "error",
             ("timestamp", "time", "cue", "no ", "empty", "truncated"), "truncated.vtt"),
        Case("end before start", _file(t, "backwards.vtt", "WEBVTT\n\n00:00:09.000 --> 00:00:02.000\n<v A>x</v>\n"),
             "either", ("end", "before", "start", "timestamp"), "backwards.vtt"),
        Case("hours > 99", _file(t, "hours.vtt", "WEBVTT\n\n120:00:00.000 --> 121:00:00.000\n<v A>x</v>\n"),
             "either", ("hour", "timestamp", "time", "long", "duration"), "hours.vtt"),
        Case("malformed timestamp", _file(t, "badtime.srt", "1\n00:00:0x,000 --> 00:00:02,000\nA: hi\n"), "error",
             ("timestamp", "time"), "badtime.srt"),
        Case("unordered and overlapping cues", _file(t, "unordered.vtt",
             "WEBVTT\n\n00:00:10.000 --> 00:00:12.000\n<v A>later</v>\n\n00:00:01.000 --> 00:00:11.000\n<v B>earlier, overlapping</v>\n"),
             "either", ("order", "overlap", "time"), "unordered.vtt"),
        Case("cues without a speaker", _file(t, "nospeaker.vtt", "WEBVTT\n\n" + cue.replace("<v A>", "").replace("</v>", "")),
             "either", ("speaker",), "nospeaker.vtt"),
        Case("UTF-16 with BOM", _file(t, "utf16.vtt", ("WEBVTT\n\n" + cue).encode("utf-16")), "ok"),
        Case("Windows-1252 text", _file(t, "cp1252.txt", "Zoë Müller: Goedemorgen, hoe gaat het?\nRajesh: Goed, dank u.\n".encode("cp1252")), "ok"),
        Case("mixed line endings", _file(t, "mixed.vtt", b"WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\n<v A>hi</v>\r\r\n00:00:03.000 --> 00:00:04.000\r\n<v B>hello</v>\n"), "ok"),
        Case("truncated JSON", _file(t, "cut.json", '{"segments": [{"start": 0, "end": 1, "speaker": "A", "text": "hi"'), "error",
             ("json",), "cut.json"),
        Case("JSON of the wrong shape", _file(t, "shape.json", '{"hello": 42}'), "error",
             ("json", "segments", "utterances", "format", "shape", "expected"), "shape.json"),
        Case("NUL bytes in text", _file(t, "nul.txt", b"A: hello\x00\x00\x00\nB: hi\n"), "either", ("binary", "nul", "text"), "nul.txt"),
        Case("huge single line over the limit", _file(t, "huge.txt", "A: " + "word " * 400_000), "error",
             ("large", "size", "limit", "max-input-mb", "MB"), "huge.txt", args=("--max-input-mb", "1"), kind="limit"),
        Case("no such file", t / "missing.vtt", "error", ("no such", "not found", "exist"), "missing.vtt"),
        Case("pipe named .vtt", _fifo(t / "pipe.vtt"), "error", ("regular file", "pipe"), "pipe.vtt"),
        Case("symlink to /dev/zero", _symlink(t / "zero.vtt", "/dev/zero"), "error", ("regular file", "device"), "zero.vtt"),
    ]
    return cases


def _fifo(path: Path) -> Path:
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def _symlink(path: Path, target: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def manifest_cases(root: Path) -> list[Case]:
    m = root / "manifests"
    vtt = {"transcript.vtt": GOOD_VTT}
    outside = _file(m, "outside-secret.vtt", GOOD_VTT)
    link_dir = _folder(m, "symlink", "id: symlink\ntranscript: link.vtt\n")
    (link_dir / "link.vtt").symlink_to(outside)
    cases = [
        Case("manifest key typo", _folder(m, "typo", "id: typo\ntranscrpt: transcript.vtt\n", vtt), "error",
             ("transcrpt",), "meeting.yaml", kind="manifest"),
        Case("unknown role", _folder(m, "badrole", "id: badrole\ntranscript: transcript.vtt\nparticipants:\n  - name: A\n    role: suplier\n", vtt),
             "error", ("suplier", "role"), "meeting.yaml", kind="manifest"),
        Case("YAML syntax error", _folder(m, "syntax", "id: [unclosed\ntranscript: transcript.vtt\n", vtt), "error",
             ("yaml", "syntax", "line", "parse"), "meeting.yaml", kind="manifest"),
        Case("path escapes the folder", _folder(m, "escape", "id: escape\ntranscript: ../../../../../../etc/passwd\n", vtt), "error",
             ("outside", "inside", "escape", "folder"), "meeting.yaml", kind="manifest"),
        Case("absolute media path", _folder(m, "absolute", "id: absolute\nmedia: /etc/passwd\n", vtt), "error",
             ("outside", "inside", "absolute", "relative", "folder"), "meeting.yaml", kind="manifest"),
        Case("symlink out of the folder", link_dir, "error", ("outside", "inside", "link", "folder"), "meeting.yaml", kind="manifest"),
        Case("named transcript missing", _folder(m, "missingfile", "id: missingfile\ntranscript: nope.vtt\n"), "error",
             ("nope.vtt", "no such", "not found", "exist", "missing"), "meeting.yaml", kind="manifest"),
        Case("participants not a list", _folder(m, "plist", "id: plist\ntranscript: transcript.vtt\nparticipants: Sanne\n", vtt), "error",
             ("participants", "list"), "meeting.yaml", kind="manifest"),
        Case("YAML alias bomb", _folder(m, "bomb", "id: bomb\ntranscript: transcript.vtt\na: &a ['x','x','x','x','x','x','x','x','x']\n"
             "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
             "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n", vtt),
             "either", ("a", "b", "unknown", "key"), "meeting.yaml", kind="manifest"),
        Case("python tag in YAML", _folder(m, "pytag", "id: pytag\ntranscript: transcript.vtt\nnotes: !!python/object/apply:os.system ['echo pwned']\n", vtt),
             "error", ("yaml", "tag", "python", "construct"), "meeting.yaml", kind="manifest"),
    ]
    return cases


def option_cases(root: Path) -> list[Case]:
    good = good_meeting(root / "options", "opts")
    rubrics = root / "rubrics"
    cases = [
        Case("--role without =", good, "error", ("NAME=ROLE", "="), "Sanne", args=("--role", "Sanne"), kind="role"),
        Case("--role unknown role", good, "error", ("boss", "role"), "boss", args=("--role", "Sanne=boss"), kind="role"),
        Case("--role empty name", good, "error", ("name", "NAME=ROLE"), "=buyer", args=("--role", "=buyer"), kind="role"),
        Case("rubric missing", good, "error", ("no such", "not found", "exist"), "nope.toml",
             args=("--rubric", str(rubrics / "nope.toml")), kind="rubric"),
        Case("rubric not TOML", good, "error", ("toml", "rubric", "parse", "invalid"), "broken.toml",
             args=("--rubric", str(_file(rubrics, "broken.toml", "[lessons\nx = "))), kind="rubric"),
        Case("rubric binary", good, "error", ("toml", "rubric", "utf", "text", "binary", "invalid"), "binary.toml",
             args=("--rubric", str(_file(rubrics, "binary.toml", bytes(range(256))))), kind="rubric"),
    ]
    return cases


def audio_cases(root: Path) -> list[Case]:
    a = root / "audio"
    wav = _wav(2.0, tone=False)
    cases = [
        Case("zero-byte recording", _file(a, "empty.wav", b""), "error", ("empty", "audio", "decode", "read"), "empty.wav", kind="audio"),
        Case("truncated WAV", _file(a, "truncated.wav", wav[:30]), "error", ("audio", "decode", "truncated", "read", "corrupt"),
             "truncated.wav", kind="audio"),
        Case("random bytes named .mp3", _file(a, "noise.mp3", bytes((i * 7919) % 256 for i in range(4096))), "error",
             ("audio", "decode", "read", "corrupt", "format"), "noise.mp3", kind="audio"),
        Case("text named .m4a", _file(a, "notes.m4a", "just some text, not audio\n"), "error",
             ("audio", "decode", "read", "corrupt", "format"), "notes.m4a", kind="audio"),
        Case("silence only", _file(a, "silence.wav", _wav(3.0, tone=False)), "either", ("speech", "silence", "empty"),
             "silence.wav", kind="audio"),
        Case("longer than --max-duration-min", _file(a, "tone.wav", _wav(4.0, tone=True)), "error",
             ("long", "duration", "max-duration-min", "limit"), "tone.wav", args=("--max-duration-min", "0.01"), kind="audio"),
    ]
    return cases


def tag_cases(root: Path) -> list[Case]:
    t = root / "tag"
    return [
        Case("tag: binary input", _file(t, "rows.csv", bytes(range(256)) * 4), "error", ("utf-8", "text"), "rows.csv",
             kind="tag", command="tag"),
        Case("tag: no text column", _file(t, "notext.csv", "id,tekst\n1,hallo\n"), "error", ("text", "column"),
             "notext.csv", kind="tag", command="tag"),
        Case("tag: broken JSON line", _file(t, "rows.jsonl", '{"id": "1", "text": "hi"}\n{"id": 2, "text": \n'), "error",
             ("json", "line 2"), "rows.jsonl", kind="tag", command="tag"),
        Case("tag: a pipe as input", _fifo(t / "pipe.csv"), "error", ("regular file",), "pipe.csv", kind="tag", command="tag"),
        Case("tag: missing input", t / "nope.csv", "error", ("cannot read", "no such", "not found"), "nope.csv",
             kind="tag", command="tag"),
        Case("tag: unknown lang", _file(t, "lang.csv", "id,text,lang\n1,hello,fr\n"), "error", ("lang", "fr"),
             "lang.csv", kind="tag", command="tag"),
        Case("tag: huge punctuation row", _file(t, "punct.csv", "id,text\n1," + "?" * 120_000 + "\n"), "ok",
             kind="tag", command="tag"),
    ]


def build_corpus(root: Path, *, audio: bool = True) -> list[Case]:
    cases = transcript_cases(root) + manifest_cases(root) + option_cases(root) + tag_cases(root)
    if audio:
        cases += audio_cases(root)
    return cases


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A minimal .docx (for the good-file side of the corpus)."""
    from docx import Document  # python-docx, a core dependency

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


__all__ = ["Case", "build_corpus", "good_meeting", "GOOD_VTT", "GOOD_MANIFEST", "docx_bytes"]
