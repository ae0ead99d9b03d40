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
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._gpu_probe import (  # noqa: E402
    SR, DeviceProbe, cuda_mark, device_problems, fail, peak_mib, print_table, rel_diff, row, synthetic_speech, timed,
    warn, write_json)

COSINE_MIN = 0.999
PROB_ATOL = 1e-4


# --------------------------------------------------------------------------- checks

def check_whisper(rows: list, torch, name: str, folder: Path, audio: np.ndarray, devices, repeats: int,
                  rtol: float) -> None:
    """The transformers Whisper backend, loaded through ``models.asr.get_transcriber`` as the CLI does."""
    from models.asr import clear_cache, get_transcriber
    from pipeline.options import TranscribeOptions

    base = None
    for dev in devices:
        opts = TranscribeOptions(backend="transformers", model=str(folder), device=dev, vad_filter=False, batch_size=8)
        clear_cache()
        r = row(name, dev, audio_s=round(audio.size / SR, 1))
        t0 = time.perf_counter()
        t = get_transcriber(opts)
        r["load_s"] = time.perf_counter() - t0
        mem0 = cuda_mark(torch, dev)
        model = t.model
        probe = DeviceProbe(torch, [model.get_encoder(), model.get_decoder(), model.get_output_embeddings()])
        try:
            result, r["first_s"], r["run_s"] = timed(torch, dev, lambda: t.transcribe(audio, opts), repeats)
        finally:
            probe.close()
        for p in device_problems(torch, model, probe, dev, mem0):
            fail(r, p)
        if getattr(t, "device", None) != dev:
            fail(r, f"backend reports device {getattr(t, 'device', None)!r}")
        peak_mib(torch, dev, r)
        feats = t.processor.feature_extractor([audio[:SR * 28]], sampling_rate=SR, return_tensors="pt").input_features
        ids = torch.tensor([[model.config.decoder_start_token_id, *range(40, 72)]])
        with torch.no_grad():
            logits = model(input_features=feats.to(dev), decoder_input_ids=ids.to(dev)).logits.float().cpu().numpy()
        texts = [s.text for s in result.segments]
        r["pieces"], r["chars"] = len(texts), sum(map(len, texts))
        if base is None:
            base = (texts, logits, r["run_s"])
            r["agreement"] = f"baseline ({r['pieces']} pieces, {r['chars']} chars)"
            if not texts:
                warn(r, "decoded no text: the text comparison is vacuous (the logits still count)")
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
        clear_cache()


def _first_diff(a: list[str], b: list[str]) -> int:
    x, y = "\n".join(a), "\n".join(b)
    return next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))


def check_tagger(rows: list, torch, folder: str, devices, repeats: int) -> None:
    """The NLI tagger's scorer (``NLIScorer``, as ``TagOptions(device=…)`` loads it) on 64 sentence pairs."""
    from models.transformers_tagger import THRESHOLD, H_OPEN, NLIScorer
    from models.testing_tiny import NLI_WORDS

    rng = np.random.default_rng(1)
    premises = [" ".join(rng.choice(NLI_WORDS, size=int(rng.integers(4, 30)))) + "?" for _ in range(64)]
    base = None
    for dev in devices:
        r = row("tagger", dev, pairs=len(premises))
        t0 = time.perf_counter()
        scorer = NLIScorer(folder, device=dev)
        r["load_s"] = time.perf_counter() - t0
        mem0 = cuda_mark(torch, dev)
        probe = DeviceProbe(torch, [scorer.model])
        try:
            probs, r["first_s"], r["run_s"] = timed(torch, dev, lambda: scorer.entailment(premises, H_OPEN), repeats)
        finally:
            probe.close()
        for p in device_problems(torch, scorer.model, probe, dev, mem0):
            fail(r, p)
        peak_mib(torch, dev, r)
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


def check_embed(rows: list, torch, devices, repeats: int, seconds: float) -> None:
    from models.diarize import embed
    from pipeline.errors import MissingDependencyError

    try:
        weights = embed.weights_path()
    except MissingDependencyError:
        rows.append(row("embed", "-", status="skip", notes=[
            "resemblyzer is not installed: its pretrained.pt is the encoder's weights. Carry "
            "Resemblyzer-0.1.4-py3-none-any.whl and install it with --no-deps (nothing of it is imported)"]))
        return
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
    rows.append(r)
    baseline = r
    windows = np.stack([mel[s:s + win] for s in starts]).astype(np.float32)
    state = load_state(weights)
    for dev in devices:
        r = row("embed", dev, path="torch reference", windows=len(starts), audio_s=seconds)
        t0 = time.perf_counter()
        enc = torch_encoder(torch, state).to(dev)
        x = torch.from_numpy(windows).to(dev)
        r["load_s"] = time.perf_counter() - t0
        mem0 = cuda_mark(torch, dev)
        probe = DeviceProbe(torch, [enc.lstm, enc.linear])

        def run():
            with torch.no_grad():
                return enc(x).cpu().numpy()
        try:
            out, r["first_s"], r["run_s"] = timed(torch, dev, run, repeats)
        finally:
            probe.close()
        for p in device_problems(torch, enc, probe, dev, mem0):
            fail(r, p)
        peak_mib(torch, dev, r)
        cos = float(np.min(np.sum(out * ref, axis=1)))
        r["cosine_min"] = cos
        r["agreement"] = f"min cosine to numpy {cos:.7f}"
        if cos < COSINE_MIN:
            fail(r, f"embeddings differ from the numpy path's (min cosine {cos:.5f} < {COSINE_MIN})")
        r["speedup"] = baseline["run_s"] / r["run_s"] if r["run_s"] > 0 else None
        rows.append(r)


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
    import transformers

    transformers.logging.set_verbosity_error()     # generation-config advice, not results
    env = environment(torch, devices)
    print("environment: " + ", ".join(f"{k}={v}" for k, v in env.items()), flush=True)
    if "cuda" in devices and not torch.cuda.is_available():
        msg = f"FAIL: cuda was asked for but torch {torch.__version__} sees no GPU (torch.cuda.is_available() is False)"
        print(msg, file=sys.stderr)
        write_json(args.json, {"environment": env, "rows": [], "error": msg, "ok": False})
        return 2

    from models.testing_tiny import WHISPER_BASE, tiny_nli, tiny_whisper

    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="dialoog-gpu-check-") as tmp:
        tmp = Path(tmp)
        plan = [
            ("whisper-tiny", lambda: check_whisper(
                rows, torch, "whisper-tiny", tiny_whisper(tmp / "tiny", init_std=0.5), synthetic_speech(5.0),
                devices, args.repeats, args.rtol)),
            ("tagger", lambda: check_tagger(rows, torch, tiny_nli(tmp / "nli"), devices, args.repeats)),
            ("embed", lambda: check_embed(rows, torch, devices, args.repeats, args.embed_seconds)),
            ("whisper-base", lambda: check_whisper(
                rows, torch, "whisper-base", tiny_whisper(tmp / "base", **{**WHISPER_BASE,
                                                                      "max_target_positions": 2 * (args.base_tokens + 4)}),
                synthetic_speech(args.base_seconds, seed=3), devices, max(1, args.repeats - 2), args.rtol)),
        ]
        for name, run in plan:
            if name not in only:
                continue
            print(f"… {name}", flush=True)
            try:
                run()                  # appends a row per device as it goes
            except Exception as exc:  # a broken path is a result, not the end of the check
                rows.append(row(name, "-", status="FAIL", notes=[f"{type(exc).__name__}: {exc}"],
                                traceback=traceback.format_exc()))
            print_table([r for r in rows if r["check"] == name], head=False)
            write_json(args.json, {"environment": env, "rows": rows, "ok": None, "partial": True})
    print()
    print_table(rows)
    ok = all(r["status"] in ("ok", "warn", "skip") for r in rows)
    write_json(args.json, {"environment": env, "rows": rows, "ok": ok})
    print(f"\n{'all checks passed' if ok else 'SOME CHECKS FAILED'}"
          f" ({sum(r['status'] == 'warn' for r in rows)} warn, {sum(r['status'] == 'skip' for r in rows)} skipped)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
