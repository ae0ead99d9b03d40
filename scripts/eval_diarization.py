"""Diarization error rate of dialoog's default diarizer on the AMI excerpts.

Usage:
    PYTHONPATH=. python scripts/eval_diarization.py [DATA_DIR] [--collar 0] [--json]

DATA_DIR defaults to ``$DIALOOG_SHARED_DATA/ami-excerpts`` (else ``<repo>/../shared/data/ami-excerpts``).
Prints per-file and overall DER (no collar unless given), with the speaker count
given (oracle) and estimated automatically, plus the worst talk-share error.
Overall DER is total error time over total reference time (as pyannote.metrics sums it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.diarize import get_diarizer  # noqa: E402
from pipeline.audio.der import score  # noqa: E402
from pipeline.audio.load import load_audio  # noqa: E402
from pipeline.audio.rttm import read_rttm  # noqa: E402
from pipeline.options import DiarizeOptions  # noqa: E402


def default_dir() -> Path:
    base = os.environ.get("DIALOOG_SHARED_DATA") or str(REPO / ".." / "shared" / "data")
    return Path(base) / "ami-excerpts"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=default_dir())
    ap.add_argument("--collar", type=float, default=0.0)
    ap.add_argument("--backend", default="resemblyzer")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    refs = read_rttm(args.data / "train.rttm")
    uems = {}
    if (args.data / "train.uem").is_file():
        for line in (args.data / "train.uem").read_text().split("\n"):
            if line.strip():
                f, _, a, b = line.split()[:4]
                uems[f] = (float(a), float(b))
    # the folder's wav files (train.lst is not trusted: one of its names is mis-encoded)
    files = sorted(p.stem for p in args.data.glob("*.wav"))
    diarizer = get_diarizer(DiarizeOptions(backend=args.backend))
    rows, totals = [], {"oracle": [0.0, 0.0], "auto": [0.0, 0.0]}
    t0 = time.perf_counter()
    for f in files:
        audio = load_audio(args.data / f"{f}.wav")
        ref = refs.get(f, ())
        n_ref = len({t.speaker for t in ref})
        row = {"file": f, "ref_speakers": n_ref}
        for mode, opts in (("oracle", DiarizeOptions(backend=args.backend, num_speakers=n_ref)),
                           ("auto", DiarizeOptions(backend=args.backend))):
            hyp = diarizer.diarize(audio, opts).turns
            s = score(ref, hyp, collar=args.collar, uem=uems.get(f), uri=f)
            row[mode] = {"der": s.der, "miss": s.missed, "fa": s.false_alarm, "conf": s.confusion,
                         "speakers": len({t.speaker for t in hyp}), "talk_err_pp": s.max_talk_share_error_pp}
            totals[mode][0] += s.der * s.total_s
            totals[mode][1] += s.total_s
        rows.append(row)
    overall = {m: (e / t if t else 0.0) for m, (e, t) in totals.items()}
    if args.json:
        print(json.dumps({"files": rows, "overall_der": overall, "collar": args.collar}, indent=1))
        return 0
    print(f"collar {args.collar:.2f} s   backend {args.backend}   ({time.perf_counter() - t0:.0f} s)")
    print(f"{'file':6} {'ref':>3} | {'DER(k given)':>12} {'miss':>5} {'fa':>5} {'conf':>5} {'talkpp':>6} |"
          f" {'DER(auto)':>9} {'k':>2} {'talkpp':>6}")
    for r in rows:
        o, a = r["oracle"], r["auto"]
        print(f"{r['file']:6} {r['ref_speakers']:>3} | {o['der']:12.1%} {o['miss']:5.1%} {o['fa']:5.1%} "
              f"{o['conf']:5.1%} {o['talk_err_pp']:6.1f} | {a['der']:9.1%} {a['speakers']:>2} {a['talk_err_pp']:6.1f}")
    print(f"overall DER: k given {overall['oracle']:.1%}   automatic count {overall['auto']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
