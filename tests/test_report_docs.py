"""docs/report.md stays in step with the rubric it documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.lessons import load_rubric

DOC = Path(__file__).resolve().parents[1] / "docs" / "report.md"


@pytest.fixture(scope="module")
def doc() -> str:
    if not DOC.exists():
        pytest.skip("docs/report.md not present")
    return DOC.read_text(encoding="utf-8")


def test_every_indicator_and_its_thresholds_are_documented(doc):
    rubric = load_rubric()
    for lr in rubric.lessons:
        for ind in lr.indicators:
            row = next((line for line in doc.splitlines() if f"`{ind.name}`" in line), None)
            assert row is not None, f"{ind.name} missing from docs/report.md"
            assert row.startswith(f"| {lr.id} |"), ind.name
            assert f"| {ind.rule} |" in row, ind.name
            if ind.rule in ("max", "min"):
                numbers = {float(x) for x in re.findall(r"[≤≥] (\d+(?:\.\d+)?)", row.replace("%", ""))}
                scale = 100 if ind.unit == "percent" else 1
                assert {round(ind.good * scale, 2), round(ind.fair * scale, 2)} <= numbers, ind.name


def test_documented_override_example_is_a_valid_rubric(doc, tmp_path):
    example = re.search(r"```toml\n(# my-rubric.toml.*?)```", doc, re.S).group(1)
    path = tmp_path / "my-rubric.toml"
    path.write_text(example, encoding="utf-8")
    rubric = load_rubric(path)
    assert rubric.buyer_side == ("buyer",)
    assert rubric.indicator("buyer_side_talk_share").good == 0.40


def test_documented_error_messages_are_real(doc, tmp_path):
    path = tmp_path / "my-rubric.toml"
    path.write_text("[lessons.7.indicators.buyer_talk_share]\ngood = 0.4\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rubric(path)
    shown = str(exc.value).replace(str(path), "my-rubric.toml")
    assert shown in doc


def test_images_referenced_by_the_doc_exist(doc):
    for rel in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", doc):
        assert (DOC.parent / rel).is_file(), rel
