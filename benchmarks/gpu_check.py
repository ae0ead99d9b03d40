"""GPU check: do dialoog's torch paths really run on CUDA, agree with the CPU, and how much faster are they?

    python benchmarks/gpu_check.py --devices cpu,cuda --json gpu_check.json
    python benchmarks/gpu_check.py --devices cpu            # anywhere: no GPU needed

Every model is built here, randomly initialised, in a temporary folder (no
download, no network).  Each check runs on every device named, the CPU first as
the baseline, and reports load time, the first call (warm-up) and the median of
``--repeats`` further calls, the speed-up against the CPU, and agreement:

* ``whisper-tiny``  the transformers Whisper ASR backend (``models.asr``, backend
  ``transformers``) with a tiny Whisper on 5 s of synthetic audio: the same text,
  and teacher-forced logits within ``--rtol`` of the CPU's;
* ``tagger``        the transformers NLI tagger (``models.transformers_tagger``) with
  a tiny BERT on 64 sentence pairs: entailment probabilities within 1e-4, the same
  decisions at the backend's threshold;
* ``embed``         speaker embeddings (``models.diarize.embed``).  That path is numpy
  (no device option); it runs as the baseline, and a torch LSTM with the same
  resemblyzer weights runs on each device as the reference for a CUDA path
  (cosine ≥ 0.999 to the numpy embeddings).  Needs the resemblyzer package for
  its ``pretrained.pt`` only (installed without its dependencies); skipped without;
* ``whisper-base``  the ASR backend with a random model of whisper-base size on 60 s
  (``--base-seconds``), decoding capped at ``--base-tokens`` per 28 s piece: timing.

Device proof: the model's parameters and every tensor reaching its encoder,
decoder, output layer (hooks) must be on the device asked for, and on CUDA the
run must allocate GPU memory; otherwise the check fails.  Exit status: 0 all
passed, 1 a check failed, 2 ``cuda`` was asked for but torch sees no GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SR = 16_000
COSINE_MIN = 0.999
PROB_ATOL = 1e-4


# --------------------------------------------------------------------------- helpers

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


def device_problems(torch, model, probe: DeviceProbe, device: str) -> list[str]:
    """Why the run was not wholly on ``device`` (empty when it was)."""
    problems = []
    param_devices = {p.device.type for p in model.parameters()} | {b.device.type for b in model.buffers()}
    if param_devices != {device}:
        problems.append(f"model tensors on {sorted(param_devices)}, asked for {device}")
    if probe.calls == 0:
        problems.append("the hooked modules were never called")
    elif probe.seen != {device}:
        problems.append(f"inputs reached the model on {sorted(probe.seen)}, asked for {device}")
    if device == "cuda" and torch.cuda.max_memory_allocated() == 0:
        problems.append("no GPU memory was allocated during the run")
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


# --------------------------------------------------------------------------- checks

def check_whisper(torch, name: str, folder: Path, audio: np.ndarray, devices, repeats: int, rtol: float) -> list[dict]:
    """The transformers Whisper backend, loaded through ``models.asr.get_transcriber`` as the CLI does."""
    from models.asr import clear_cache, get_transcriber
    from pipeline.options import TranscribeOptions

    rows, base = [], None
    for dev in devices:
        opts = TranscribeOptions(backend="transformers", model=str(folder), device=dev, vad_filter=False, batch_size=8)
        clear_cache()
        r = row(name, dev, audio_s=round(audio.size / SR, 1))
        t0 = time.perf_counter()
        t = get_transcriber(opts)
        r["load_s"] = time.perf_counter() - t0
        if dev == "cuda":
            torch.cuda.reset_peak_memory_stats()
        model = t.model
        probe = DeviceProbe(torch, [model.get_encoder(), model.get_decoder(), model.get_output_embeddings()])
        try:
            result, r["first_s"], r["run_s"] = timed(torch, dev, lambda: t.transcribe(audio, opts), repeats)
        finally:
            probe.close()
        for p in device_problems(torch, model, probe, dev):
            fail(r, p)
        if getattr(t, "device", None) != dev:
            fail(r, f"backend reports device {getattr(t, 'device', None)!r}")
        feats = t.processor.feature_extractor([audio[:SR * 28]], sampling_rate=SR, return_tensors="pt").input_features
        ids = torch.tensor([[model.config.decoder_start_token_id, *range(40, 72)]])
        with torch.no_grad():
            logits = model(input_features=feats.to(dev), decoder_input_ids=ids.to(dev)).logits.float().cpu().numpy()
        texts = [s.text for s in result.segments]
        r["pieces"], r["chars"] = len(texts), sum(map(len, texts))
        if dev == "cuda":
            r["gpu_peak_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
        if base is None:
            base = (texts, logits, r["run_s"])
            r["agreement"] = "baseline"
        else:
            d = rel_diff(base[1], logits)
            same = texts == base[0]
            r["logits_rel_diff"], r["text_equal"] = d, same
            r["agreement"] = f"text {'equal' if same else 'DIFFERS'}; logits rel {d:.1e}"
            if d > rtol:
                fail(r, f"logits differ from the CPU's by {d:.2e} (> {rtol:g})")
            elif not same:
                warn(r, f"decoded text differs from the CPU's at char {_first_diff(base[0], texts)} "
                        "(greedy decoding flipped at a near-tie; logits agree)")
        r["speedup"] = base[2] / r["run_s"] if r["run_s"] > 0 else None
        rows.append(r)
        del t, model
        clear_cache()
    return rows


def _first_diff(a: list[str], b: list[str]) -> int:
    x, y = "\n".join(a), "\n".join(b)
    return next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))


def check_tagger(torch, folder: str, devices, repeats: int) -> list[dict]:
    """The NLI tagger's scorer (``NLIScorer``, as ``TagOptions(device=…)`` loads it) on 64 sentence pairs."""
    from models.transformers_tagger import THRESHOLD, H_OPEN, NLIScorer
    from models.testing_tiny import NLI_WORDS

    rng = np.random.default_rng(1)
    premises = [" ".join(rng.choice(NLI_WORDS, size=int(rng.integers(4, 30)))) + "?" for _ in range(64)]
    rows, base = [], None
    for dev in devices:
        r = row("tagger", dev, pairs=len(premises))
        t0 = time.perf_counter()
        scorer = NLIScorer(folder, device=dev)
        r["load_s"] = time.perf_counter() - t0
        if dev == "cuda":
            torch.cuda.reset_peak_memory_stats()
        probe = DeviceProbe(torch, [scorer.model])
        try:
            probs, r["first_s"], r["run_s"] = timed(torch, dev, lambda: scorer.entailment(premises, H_OPEN), repeats)
        finally:
            probe.close()
        for p in device_problems(torch, scorer.model, probe, dev):
            fail(r, p)
        probs = np.array(probs)
        decisions = probs >= THRESHOLD
        if base is None:
            base = (probs, decisions, r["run_s"])
            r["agreement"] = "baseline"
        else:
            d = float(np.max(np.abs(probs - base[0])))
            same = bool((decisions == base[1]).all())
            r["prob_max_abs_diff"], r["decisions_equal"] = d, same
            r["agreement"] = f"decisions {'equal' if same else 'DIFFER'}; probs Δ {d:.1e}"
            if d > PROB_ATOL:
                fail(r, f"entailment probabilities differ from the CPU's by {d:.2e} (> {PROB_ATOL:g})")
            elif not same:
                warn(r, "a decision flipped at the threshold (probabilities agree)")
        r["speedup"] = base[2] / r["run_s"] if r["run_s"] > 0 else None
        rows.append(r)
    return rows


def torch_encoder(torch, state: dict):
    """resemblyzer's encoder as torch modules (LSTM 40→256 ×3, linear, ReLU, L2 norm) with ``state``'s weights."""
    nn = torch.nn

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(40, 256, num_layers=3, batch_first=True)
            self.linear = nn.Linear(256, 256)

        def forward(self, mels):
            _, (h, _) = self.lstm(mels)
            raw = torch.relu(self.linear(h[-1]))
            return raw / raw.norm(dim=1, keepdim=True).clamp_min(1e-9)

    enc = Encoder()
    enc.load_state_dict({k: torch.from_numpy(v) for k, v in state.items() if k.startswith(("lstm.", "linear."))})
    return enc.eval()


def check_embed(torch, devices, repeats: int, seconds: float) -> list[dict]:
    from models.diarize import embed
    from pipeline.errors import MissingDependencyError

    try:
        weights = embed.weights_path()
    except MissingDependencyError:
        return [row("embed", "-", status="skip", notes=[
            "resemblyzer is not installed: its pretrained.pt is the encoder's weights. Carry "
            "Resemblyzer-0.1.4-py3-none-any.whl and install it with --no-deps (nothing of it is imported)"])]
    from models.diarize.torch_legacy import load_state

    mel = embed.mel_frames(synthetic_speech(seconds, seed=2))
    win = 150                                      # DiarizeOptions().window_s / hop_s in mel frames
    starts = np.arange(0, max(1, mel.shape[0] - win), 75)
    r = row("embed", "cpu", path="numpy (library)", windows=len(starts), audio_s=seconds)
    t0 = time.perf_counter()
    embed.voice_encoder()
    r["load_s"] = time.perf_counter() - t0
    ref, r["first_s"], r["run_s"] = timed(torch, "cpu", lambda: embed.embed_windows(mel, starts, win), repeats)
    r["agreement"] = "baseline"
    r["notes"].append("the library's embedding path is numpy: --device does not apply to it")
    r["speedup"] = 1.0
    rows = [r]
    windows = np.stack([mel[s:s + win] for s in starts]).astype(np.float32)
    state = load_state(weights)
    for dev in devices:
        r = row("embed", dev, path="torch reference", windows=len(starts), audio_s=seconds)
        t0 = time.perf_counter()
        enc = torch_encoder(torch, state).to(dev)
        x = torch.from_numpy(windows).to(dev)
        r["load_s"] = time.perf_counter() - t0
        if dev == "cuda":
            torch.cuda.reset_peak_memory_stats()
        probe = DeviceProbe(torch, [enc.lstm, enc.linear])

        def run():
            with torch.no_grad():
                return enc(x).cpu().numpy()
        try:
            out, r["first_s"], r["run_s"] = timed(torch, dev, run, repeats)
        finally:
            probe.close()
        for p in device_problems(torch, enc, probe, dev):
            fail(r, p)
        cos = float(np.min(np.sum(out * ref, axis=1)))
        r["cosine_min"] = cos
        r["agreement"] = f"cosine to numpy ≥ {cos:.5f}"
        if cos < COSINE_MIN:
            fail(r, f"embeddings differ from the numpy path's (min cosine {cos:.5f} < {COSINE_MIN})")
        r["speedup"] = rows[0]["run_s"] / r["run_s"] if r["run_s"] > 0 else None
        rows.append(r)
    return rows


# --------------------------------------------------------------------------- main

def environment(torch, devices) -> dict:
    import transformers

    env = {"python": platform.python_version(), "torch": torch.__version__, "transformers": transformers.__version__,
           "numpy": np.__version__, "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
           "devices": list(devices), "cuda_available": torch.cuda.is_available(),
           "cudnn_allow_tf32": torch.backends.cudnn.allow_tf32,
           "matmul_allow_tf32": torch.backends.cuda.matmul.allow_tf32}
    if torch.cuda.is_available():
        env.update(gpu=torch.cuda.get_device_name(0), cuda=torch.version.cuda)
    return env


def print_table(rows: list[dict]) -> None:
    def f(v, spec=".3f"):
        return "-" if v is None else format(v, spec)

    head = f"{'check':<13} {'device':<6} {'path':<16} {'load s':>7} {'first s':>8} {'run s':>8} {'× cpu':>7}  status  agreement"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['check']:<13} {r['device']:<6} {r.get('path', 'library'):<16} {f(r.get('load_s')):>7} "
              f"{f(r.get('first_s')):>8} {f(r.get('run_s')):>8} {f(r.get('speedup'), '.2f'):>7}  "
              f"{r['status']:<6}  {r.get('agreement', '')}")
        for note in r["notes"]:
            print(f"{'':<15}↳ {note}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--devices", default="cpu,cuda", help="comma-separated, cpu first (default cpu,cuda)")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    ap.add_argument("--repeats", type=int, default=3, help="timed calls after the warm-up (median reported)")
    ap.add_argument("--rtol", type=float, default=1e-2, help="largest relative logit difference to the CPU")
    ap.add_argument("--base-seconds", type=float, default=60.0, help="audio for the whisper-base timing")
    ap.add_argument("--base-tokens", type=int, default=60, help="decoding cap per 28 s piece for whisper-base")
    ap.add_argument("--embed-seconds", type=float, default=120.0, help="audio for the embedding timing")
    ap.add_argument("--only", help="comma-separated subset of: whisper-tiny,tagger,embed,whisper-base")
    args = ap.parse_args(argv)
    devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    if not devices or devices[0] != "cpu" or not set(devices) <= {"cpu", "cuda"}:
        ap.error("--devices must start with cpu (the baseline) and name only cpu and cuda")
    only = set(args.only.split(",")) if args.only else {"whisper-tiny", "tagger", "embed", "whisper-base"}

    from pipeline.privacy import offline_by_default

    offline_by_default()
    import torch

    env = environment(torch, devices)
    print("environment: " + ", ".join(f"{k}={v}" for k, v in env.items()), flush=True)
    if "cuda" in devices and not torch.cuda.is_available():
        msg = f"FAIL: cuda was asked for but torch {torch.__version__} sees no GPU (torch.cuda.is_available() is False)"
        print(msg, file=sys.stderr)
        _write_json(args.json, {"environment": env, "rows": [], "error": msg, "ok": False})
        return 2

    from models.testing_tiny import WHISPER_BASE, tiny_nli, tiny_whisper

    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="dialoog-gpu-check-") as tmp:
        tmp = Path(tmp)
        plan = [
            ("whisper-tiny", lambda: check_whisper(
                torch, "whisper-tiny", tiny_whisper(tmp / "tiny", init_std=0.5), synthetic_speech(5.0),
                devices, args.repeats, args.rtol)),
            ("tagger", lambda: check_tagger(torch, tiny_nli(tmp / "nli"), devices, args.repeats)),
            ("embed", lambda: check_embed(torch, devices, args.repeats, args.embed_seconds)),
            ("whisper-base", lambda: check_whisper(
                torch, "whisper-base", tiny_whisper(tmp / "base", **{**WHISPER_BASE,
                                                                      "max_target_positions": 2 * (args.base_tokens + 4)}),
                synthetic_speech(args.base_seconds, seed=3), devices, max(1, args.repeats - 2), args.rtol)),
        ]
        for name, run in plan:
            if name not in only:
                continue
            print(f"… {name}", flush=True)
            try:
                rows += run()
            except Exception as exc:  # a broken path is a result, not the end of the check
                rows.append(row(name, "-", status="FAIL", notes=[f"{type(exc).__name__}: {exc}"],
                                traceback=traceback.format_exc()))
    print()
    print_table(rows)
    ok = all(r["status"] in ("ok", "warn", "skip") for r in rows)
    _write_json(args.json, {"environment": env, "rows": rows, "ok": ok})
    print(f"\n{'all checks passed' if ok else 'SOME CHECKS FAILED'}"
          f" ({sum(r['status'] == 'warn' for r in rows)} warn, {sum(r['status'] == 'skip' for r in rows)} skipped)")
    return 0 if ok else 1


def _write_json(path: str | None, data: dict) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
