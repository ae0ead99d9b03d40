"""Hypothesis strategies for transcript-like, manifest-like and rubric-like junk.

Pure random bytes rarely get past a format sniffer, so most strategies build
*almost* valid documents: real structure with broken timestamps, missing
speakers, odd encodings, mixed line endings, huge lines and control characters.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252")
NEWLINES = ("\n", "\r\n", "\r")

names = st.sampled_from(["Sanne de Vries", "Rajesh Kumar", "SPEAKER_01", "", " ", "Priya:", "<b>x</b>",
                         "a" * 300, "Zoë Ünal", "名前", "\u202eevil", "--> 00:00", "WEBVTT"])
texts = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["Hello.", "", "  ", "<v Bob>nested</v>", "-->", "00:00:01.000 --> 00:00:02.000",
                     "x" * 20_000, "\x00\x01\x02", "🙂" * 50, "line\u2028sep", "&amp;&lt;"]),
)
_num = st.integers(min_value=-5, max_value=1000)
timestamps = st.one_of(
    st.builds(lambda h, m, s, ms: f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}",
              st.integers(0, 150), st.integers(0, 75), st.integers(0, 75), st.integers(0, 1200)),
    st.builds(lambda h, m, s, ms: f"{h:02d}:{m:02d}:{s:02d},{ms:03d}",
              st.integers(0, 150), st.integers(0, 75), st.integers(0, 75), st.integers(0, 999)),
    st.builds(lambda m, s: f"{m:02d}:{s:02d}.000", st.integers(0, 200), st.integers(0, 99)),
    st.builds(lambda a, b, c: f"{a}:{b}:{c}", _num, _num, _num),
    st.sampled_from(["", "99:99:99.999", "100:00:00.000", "-00:00:01.000", "00:00:01", "1e9", "nan",
                     "00:00:0a.000", "00:00:01.000.000", "٠٠:٠٠:٠١.٠٠٠"]),
)


@st.composite
def vtt_document(draw) -> str:
    lines = [draw(st.sampled_from(["WEBVTT", "WEBVTT - Teams", "\ufeffWEBVTT", "WEBVTT\tx", "webvtt", ""]))]
    if draw(st.booleans()):
        lines += ["", "NOTE " + draw(texts)]
    for i in range(draw(st.integers(0, 12))):
        lines.append("")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from([str(i + 1), f"{i}-0", "abc/123-1", ""])))
        lines.append(f"{draw(timestamps)} --> {draw(timestamps)}" + draw(st.sampled_from(["", " align:start", " -->"])))
        style = draw(st.integers(0, 3))
        speaker, text = draw(names), draw(texts)
        if style == 0:
            lines.append(f"<v {speaker}>{text}</v>")
        elif style == 1:
            lines.append(f"{speaker}: {text}")
        elif style == 2:
            lines.append(text)
        else:
            lines += [f"<v {speaker}>{text}", draw(texts)]
    return draw(st.sampled_from(NEWLINES)).join(lines)


@st.composite
def srt_document(draw) -> str:
    blocks = []
    for i in range(draw(st.integers(0, 12))):
        idx = draw(st.sampled_from([str(i + 1), str(i), "x", "", "-1"]))
        ts = f"{draw(timestamps)} --> {draw(timestamps)}"
        body = draw(st.sampled_from(["{s}: {t}", "[{s}] {t}", "{t}", "{s}:", "{t}\n{t}"])).format(
            s=draw(names), t=draw(texts))
        blocks.append(f"{idx}\n{ts}\n{body}")
    return draw(st.sampled_from(NEWLINES)).join("\n\n".join(blocks).split("\n"))


@st.composite
def plain_document(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 15))):
        form = draw(st.sampled_from(["{s}: {t}", "[{ts}] {s}: {t}", "{s} {ts}\n{t}", "{ts} {s}\n{t}", "{t}", ":{t}", "{s}:"]))
        lines.append(form.format(s=draw(names), t=draw(texts), ts=draw(timestamps)))
    return draw(st.sampled_from(NEWLINES)).join(lines)


_json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                         st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30))
_cue_obj = st.fixed_dictionaries({}, optional={
    "start": st.one_of(_json_scalar, timestamps), "end": st.one_of(_json_scalar, timestamps),
    "speaker": st.one_of(_json_scalar, names), "text": st.one_of(_json_scalar, texts),
    "words": st.lists(st.fixed_dictionaries({}, optional={"word": _json_scalar, "start": _json_scalar,
                                                           "end": _json_scalar}), max_size=4),
})


@st.composite
def json_document(draw) -> str:
    cues = draw(st.lists(_cue_obj, max_size=10))
    shape = draw(st.integers(0, 4))
    if shape == 0:
        doc = cues
    elif shape == 1:
        doc = {"segments": cues}
    elif shape == 2:
        doc = {"utterances": cues, "meeting": draw(_json_scalar)}
    elif shape == 3:
        doc = draw(st.recursive(_json_scalar, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3), max_leaves=10))
    else:
        doc = {"entries": cues, "text": draw(texts)}
    return json.dumps(doc, allow_nan=True)


transcript_text = st.one_of(vtt_document(), srt_document(), plain_document(), json_document())


@st.composite
def encoded(draw, documents=transcript_text) -> bytes:
    text = draw(documents)
    enc = draw(st.sampled_from(ENCODINGS))
    data = text.encode(enc, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # truncate mid-character now and then
        data = data[: draw(st.integers(0, max(0, len(data))))]
    return data


any_transcript_bytes = st.one_of(encoded(), st.binary(max_size=2048))
transcript_names = st.sampled_from(["t.vtt", "t.srt", "t.json", "t.txt", "t.docx", "t.sbv", "t", "", "T.VTT", "x.vtt.exe"])

# ---------------------------------------------------------------- manifests

_yaml_value = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(max_size=20),
    st.sampled_from(["../../etc/passwd", "/etc/passwd", "~/x.vtt", "t.vtt", "C:\\x.vtt", "!!python/object:os.system",
                     "2021-13-45", "buyer", "BUYER", "suplier", "cso", "", "*anchor"]),
)
_participant = st.fixed_dictionaries({}, optional={
    "name": _yaml_value, "role": _yaml_value, "organisation": _yaml_value, "aliases": st.one_of(_yaml_value, st.lists(_yaml_value, max_size=3)),
    "decision_maker": _yaml_value, "enrolment": _yaml_value, "nmae": _yaml_value,
})
manifest_dict = st.fixed_dictionaries({}, optional={
    "id": _yaml_value, "pilot": _yaml_value, "company": _yaml_value, "supplier": _yaml_value, "date": _yaml_value,
    "language": st.one_of(_yaml_value, st.sampled_from(["en", "nl", "auto", "fr"])), "channel": _yaml_value,
    "kind": _yaml_value, "late_start_min": _yaml_value, "transcript": _yaml_value, "media": _yaml_value,
    "participants": st.one_of(_yaml_value, st.lists(st.one_of(_participant, _yaml_value), max_size=4)),
    "notes": _yaml_value, "transcrpt": _yaml_value, "partcipants": _yaml_value,
})
yaml_junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from([
        "id: [unclosed", "id: a\n  bad indent: b\n x", "- a\n- b", "!!python/object/apply:os.system ['true']",
        "a: &a [*a]", "a: &a ['x','x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nid: m",
        "\t\tid: tab", "id: m\nid: n", "---\nid: a\n---\nid: b", "\x00", "id: " + "x" * 100_000,
    ]),
)

role_args = st.one_of(
    st.text(max_size=40),
    st.builds(lambda n, r: f"{n}={r}", st.text(max_size=20), st.sampled_from(["buyer", "supplier", "cso", "union", "other", "unknown", "BUYER", "", "suplier", "=", "buyer=x"])),
)

# ---------------------------------------------------------------- rubric files (TOML)

toml_junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from([
        "[lessons", "x = ", "[[lesson]]\nid = 'one'", "version = 1\n[lesson.1]\nthreshold = 'high'",
        "[thresholds]\nbuyer_talk_share_max = -5", "[thresholds]\nbuyer_talk_share_max = nan",
        "[thresholds]\nbuyer_talk_share_max = 1e400", "a = 1\na = 2", "\ufeffversion = '1'", "x = \"\\uD800\"",
    ]),
)
