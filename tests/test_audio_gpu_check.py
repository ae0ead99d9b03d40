"""benchmarks/gpu_check.py: its device proof catches a model left on the wrong device, and it fails loudly without CUDA."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from benchmarks import gpu_check  # noqa: E402
from benchmarks._gpu_probe import DeviceProbe, device_problems  # noqa: E402


def test_probe_names_a_model_and_inputs_on_another_device():
    model = torch.nn.Linear(3, 2)
    probe = DeviceProbe(torch, [model])
    model(torch.zeros(1, 3))
    probe.close()
    assert device_problems(torch, model, probe, "cpu") == []
    problems = device_problems(torch, model, probe, "meta")
    assert any("model tensors on ['cpu']" in p for p in problems)
    assert any("inputs reached the model on ['cpu']" in p for p in problems)
    unused = DeviceProbe(torch, [torch.nn.Linear(3, 2)])
    unused.close()
    assert device_problems(torch, model, unused, "cpu") == ["the hooked modules were never called"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_cuda_without_a_gpu_exits_2(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert gpu_check.main(["--devices", "cpu,cuda", "--json", str(out)]) == 2
    assert "sees no GPU" in capsys.readouterr().err
    assert json.loads(out.read_text())["ok"] is False


def test_cpu_baseline_of_the_tagger_check_passes(tmp_path):
    out = tmp_path / "r.json"
    assert gpu_check.main(["--devices", "cpu", "--only", "tagger", "--repeats", "1", "--json", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert [(r["check"], r["device"], r["status"]) for r in rows] == [("tagger", "cpu", "ok")]


def test_devices_must_start_with_the_cpu_baseline():
    with pytest.raises(SystemExit):
        gpu_check.main(["--devices", "cuda"])
