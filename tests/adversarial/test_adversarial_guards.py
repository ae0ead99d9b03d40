"""The guards themselves: a hang is caught, a foreign exception is not swallowed."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings

from pipeline.errors import InputError

from .guards import Hang, no_hang, result_or_input_error
from .strategies import any_transcript_bytes


def test_no_hang_interrupts_an_endless_loop():
    start = time.monotonic()
    with pytest.raises(Hang):
        with no_hang(0.2):
            while True:
                pass
    assert time.monotonic() - start < 2


def test_result_or_input_error_rules():
    assert result_or_input_error(lambda: 5) == 5

    def bad():
        raise InputError("broken", path="x.vtt", hint="fix it")

    assert isinstance(result_or_input_error(bad), InputError)
    with pytest.raises(KeyError):
        result_or_input_error(lambda: {}["x"])

    def two_lines():
        raise InputError("line one\nline two")

    with pytest.raises(AssertionError):
        result_or_input_error(two_lines)


@settings(max_examples=30)
@given(any_transcript_bytes)
def test_strategies_make_bytes(data):
    assert isinstance(data, bytes)
