"""Helpers of ``benchmarks/gpu_check.py``: device proof (hooks), timing, result rows, the table."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

SR = 16_000


def synthetic_speech(seconds: float, seed: int = 0) -> np.ndarray:
    """Voiced, gliding harmonics with syllable-rate bursts and a little noise (not silence, not a pure tone)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    f0 = 140 + 30 * np.sin(2 * np.pi * 0.3 * t) + 20 * np.sin(2 * np.pi * 2.1 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    voice = sum(np.sin(k * phase) / k for k in range(1, 8))
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t) ** 2
    return (0.2 * voice * env + 0.01 * rng.standard_normal(t.size)).astype(np.float32)


class DeviceProbe:
    """Records the device of every tensor passed to the hooked modules (forward pre-hooks)."""

    def __init__(self, torch, modules) -> None:
        self.torch, self.seen, self.calls = torch, set(), 0
        self.handles = [m.register_forward_pre_hook(self._hook, with_kwargs=True) for m in modules]

    def _hook(self, module, args, kwargs):
        self.calls += 1
        self._collect((args, kwargs))

    def _collect(self, obj) -> None:
        if self.torch.is_tensor(obj):
            self.seen.add(obj.device.type)
        elif isinstance(obj, (list, tuple)):
            for x in obj:
                self._collect(x)
        elif isinstance(obj, dict):
            for x in obj.values():
                self._collect(x)

    def close(self) -> None:
        for h in self.handles:
            h.remove()


def device_problems(torch, model, probe: DeviceProbe, device: str, mem0: int = 0) -> list[str]:
    """Why the run was not wholly on ``device`` (empty when it was); ``mem0``: CUDA bytes allocated before it."""
    problems = []
    param_devices = {p.device.type for p in model.parameters()} | {b.device.type for b in model.buffers()}
    if param_devices != {device}:
        problems.append(f"model tensors on {sorted(param_devices)}, asked for {device}")
    if probe.calls == 0:
        problems.append("the hooked modules were never called")
    elif probe.seen != {device}:
        problems.append(f"inputs reached the model on {sorted(probe.seen)}, asked for {device}")
    if device == "cuda" and torch.cuda.max_memory_allocated() <= mem0:
        problems.append("the run allocated no GPU memory beyond the weights")
    return problems


def timed(torch, device: str, fn, repeats: int):
    """(result of the first call, first-call seconds, median seconds of ``repeats`` more calls)."""
    def once():
        if device == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        out = fn()
        if device == "cuda":
            torch.cuda.synchronize()
        return out, time.perf_counter() - t0

    result, first = once()
    rest = [once()[1] for _ in range(repeats)]
    return result, first, statistics.median(rest) if rest else first


def cuda_mark(torch, device: str) -> int:
    """Reset the CUDA peak and return the bytes allocated now (weights, inputs); 0 on the CPU."""
    if device != "cuda":
        return 0
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    return torch.cuda.memory_allocated()


def peak_mib(torch, device: str, r: dict) -> None:
    if device == "cuda":
        r["gpu_peak_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)


def rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a))), 1e-12))


def row(check: str, device: str, **fields) -> dict:
    return {"check": check, "device": device, "status": "ok", "notes": [], **fields}


def fail(r: dict, why: str) -> None:
    r["status"] = "FAIL"
    r["notes"].append(why)


def warn(r: dict, why: str) -> None:
    if r["status"] == "ok":
        r["status"] = "warn"
    r["notes"].append(why)


def print_table(rows: list[dict], head: bool = True) -> None:
    def f(v, spec=".3f"):
        return "-" if v is None else format(v, spec)

    line = f"{'check':<13} {'device':<6} {'path':<16} {'load s':>7} {'first s':>8} {'run s':>8} {'× cpu':>7}  status  agreement"
    if head:
        print(line)
        print("-" * len(line))
    for r in rows:
        print(f"{r['check']:<13} {r['device']:<6} {r.get('path', 'library'):<16} {f(r.get('load_s')):>7} "
              f"{f(r.get('first_s')):>8} {f(r.get('run_s')):>8} {f(r.get('speedup'), '.2f'):>7}  "
              f"{r['status']:<6}  {r.get('agreement', '')}")
        for note in r["notes"]:
            print(f"{'':<15}↳ {note}")


def write_json(path: str | None, data: dict) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
