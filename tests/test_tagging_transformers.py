"""The transformers backend on a tiny, randomly initialised NLI model the test builds itself."""

from __future__ import annotations

import pytest

from pipeline.errors import ModelNotAvailableError
from pipeline.options import TagOptions
from pipeline.tagging import tag_transcript, tagger_sources
from pipeline.types import DEFENSIVE_CATEGORIES, Meeting, Transcript, Utterance

transformers = pytest.importorskip("transformers")
pytest.importorskip("torch")


def _save_tiny(path, labels):
    from models.testing_tiny import tiny_nli

    return tiny_nli(path, tuple(labels))


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory):
    return _save_tiny(tmp_path_factory.mktemp("tiny-nli"), ["entailment", "neutral", "contradiction"])


def _transcript():
    rows = [("buyer", "Could you tell me more about the committee?"),
            ("supplier", "We do not recognise these complaints."),
            ("buyer", "So the committee is your main channel."),
            ("supplier", "Wij herkennen deze klachten niet.")]
    return Transcript(Meeting(id="m", language="auto"), tuple(
        Utterance(f"u{i:04d}", role, float(i), float(i) + 1, text, role=role) for i, (role, text) in enumerate(rows, 1)))


def test_transformers_backend_tags_with_the_model(tiny_nli):
    opts = TagOptions(backend="transformers", transformers_model=tiny_nli)
    out = tag_transcript(_transcript(), opts)
    src = "transformers-nli:" 
    q = out.utterances[0].tags.question
    assert q is not None and q.label in ("open", "closed") and q.source.startswith(src)
    assert 0.5 <= q.confidence <= 1.0
    for u in out.utterances:
        if u.tags.defensive is not None:
            assert u.role == "supplier" and u.tags.defensive.label in DEFENSIVE_CATEGORIES
            assert u.tags.defensive.source.startswith(src) and u.tags.defensive.trigger is not None
        if u.tags.reflection is not None:
            assert u.role == "buyer" and u.tags.reflection.label in ("simple", "complex")
    assert any(s.startswith(src) for s in tagger_sources(opts))


def test_non_nli_model_is_refused(tmp_path):
    path = _save_tiny(tmp_path, ["open", "closed"])
    with pytest.raises(ModelNotAvailableError, match="entailment"):
        tag_transcript(_transcript(), TagOptions(backend="transformers", transformers_model=path))


def test_missing_model_is_model_not_available(tmp_path):
    with pytest.raises(ModelNotAvailableError):
        tag_transcript(_transcript(), TagOptions(backend="transformers", transformers_model=str(tmp_path / "absent")))
    with pytest.raises(ModelNotAvailableError):
        tag_transcript(_transcript(), TagOptions(backend="transformers"))


def test_tagger_model_runs_on_the_device_the_options_name(tiny_nli):
    import torch

    from models.transformers_tagger import NLIScorer, load_nli

    assert TagOptions().device == "cpu"
    cpu = NLIScorer(tiny_nli, device="cpu")
    assert cpu.device == "cpu" and {p.device.type for p in cpu.model.parameters()} == {"cpu"}
    auto = NLIScorer(tiny_nli, device="auto")
    assert auto.device == ("cuda" if torch.cuda.is_available() else "cpu")
    premises = ["could you tell me more about the committee?", "we do not recognise these complaints"]
    assert auto.entailment(premises, "thank you") == pytest.approx(cpu.entailment(premises, "thank you"), abs=1e-4)
    assert load_nli(tiny_nli, "cpu") is load_nli(tiny_nli, "cpu")
    tagged = tag_transcript(_transcript(), TagOptions(backend="transformers", transformers_model=tiny_nli, device="cpu"))
    assert tagged.utterances[0].tags.question is not None
