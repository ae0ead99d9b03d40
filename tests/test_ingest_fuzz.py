"""Whatever bytes come in, ingestion either parses them or raises InputError — never anything else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest import parse_bytes
from tests._ingest_samples import TEXT_FORMATS

_PIECES = ["WEBVTT\n", "\n", "\n\n", "-->", " --> ", "00:00:01.000", "0:0:3.41", "00:61:00,000", "1\n",
           "<v Sanne>", "</v>", "Sanne: ", "[Raj] 00:00:05\n", "Raj   0:05\n", "[00:07] ", "NOTE x\n",
           '{"segments": [', '{"start": 1, "end": 0.5, "text": "x"}', "]}", "é", "\r\n", "\x00", "hello there "]


def _ok_or_input_error(data: bytes) -> None:
    try:
        fmt, cues = parse_bytes(data, name="fuzz")
    except InputError as exc:
        assert str(exc).startswith("fuzz: ")
        return
    assert isinstance(fmt, str) and fmt
    assert all(c.end >= c.start >= 0 and c.speaker for c in cues)
    assert [c.start for c in cues] == sorted(c.start for c in cues)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes(data):
    _ok_or_input_error(data)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_random_format_fragments(pieces):
    _ok_or_input_error("".join(pieces).encode("utf-8"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TEXT_FORMATS)), st.integers(min_value=0, max_value=10_000), st.integers(0, 3))
def test_truncated_and_damaged_real_files(key, cut, damage):
    data = TEXT_FORMATS[key][0]().encode("utf-8")
    data = data[: cut % (len(data) + 1)]
    if damage == 1:
        data = data.replace(b"0", b"9", 3)
    elif damage == 2:
        data = data.replace(b"-->", b"->", 1)
    elif damage == 3:
        data = data.replace(b"\n", b"", 5)
    _ok_or_input_error(data)
