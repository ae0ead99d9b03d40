"""Diarization error rate of dialoog's default diarizer on the AMI excerpts.

Usage:
    PYTHONPATH=. python scripts/eval_diarization.py [DATA_DIR] [--collar 0] [--json] [--two-party]

DATA_DIR defaults to ``$DIALOOG_SHARED_DATA/ami-excerpts`` (else ``<repo>/../shared/data/ami-excerpts``).
Prints per-file and overall DER (no collar unless given), with the speaker count
given (oracle) and estimated automatically, plus the worst talk-share error.
Overall DER is total error time over total reference time (as pyannote.metrics sums it).

``--two-party`` scores instead five two-party recordings spliced from the
excerpts' single-speaker stretches (real voices: three pairs from one meeting,
two across meetings; turns of at most 5 s, alternating, 0.15–0.45 s of silence
between them; the reference is where each stretch lies).  Only one excerpt is
a genuine two-party exchange, so this is a rough stand-in for real calls: the
cuts are abrupt, the pauses are digital silence, nobody overlaps.
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


#: Two-party pairs: (speaker A's excerpts, speaker B's excerpts), AMI speaker ids.
PAIRS = {
    "pair1": ((("trn00", "MEE068"), ("trn01", "MEE068")), (("trn00", "MÉO069"), ("trn03", "MÉO069"))),
    "pair2": ((("trn07", "FEE087"), ("trn08", "FEE087")), (("trn08", "FEE088"),)),
    "pair3": ((("trn04", "MEE075"),), (("trn04", "MEE076"),)),
    "pair4": ((("trn05", "FEE078"),), (("trn06", "FEE083"), ("trn09", "FEE083"))),
    "pair5": ((("trn03", "MÉO069"),), (("trn09", "FEE083"),)),
}


def solo_stretches(ref, speaker: str, step: float = 0.01) -> list[tuple[float, float]]:
    """Stretches (≥ 0.5 s) where ``speaker`` talks and nobody else does."""
    import numpy as np

    end = max((t.end for t in ref), default=0.0)
    n = int(round(end / step)) + 1
    own, others = np.zeros(n, bool), np.zeros(n, int)
    for t in ref:
        a, b = int(round(t.start / step)), int(round(t.end / step))
        if t.speaker == speaker:
            own[a:b] = True
        else:
            others[a:b] += 1
    solo = np.concatenate([[False], own & (others == 0), [False]])
    edges = np.flatnonzero(np.diff(solo.astype(int)))
    return [(a * step, b * step) for a, b in zip(edges[::2], edges[1::2]) if (b - a) * step >= 0.5]


def two_party(data: Path, refs: dict, name: str, max_turn_s: float = 5.0):
    """(AudioData, reference turns) of a two-party recording spliced from single-speaker stretches."""
    import numpy as np

    from pipeline.audio.load import AudioData
    from pipeline.audio.segments import SpeakerTurn

    audio = {}
    pieces = []
    for sources in PAIRS[name]:
        ps = []
        for f, spk in sources:
            x = audio.setdefault(f, load_audio(data / f"{f}.wav").mono())
            for a, b in solo_stretches(refs.get(f, ()), spk):
                while b - a >= 0.5:
                    ps.append(x[int(a * 16000):int(min(b, a + max_turn_s) * 16000)])
                    a += max_turn_s
        pieces.append(ps)
    rng = np.random.default_rng(0)
    out, turns, t = [], [], 0.0
    for i in range(max(len(p) for p in pieces)):
        for who, ps in zip("AB", pieces):
            if i < len(ps):
                out.append(ps[i])
                turns.append(SpeakerTurn(who, round(t, 3), round(t + ps[i].size / 16000, 3)))
                gap = np.zeros(int(16000 * 0.3 * rng.uniform(0.5, 1.5)), np.float32)
                out.append(gap)
                t += (ps[i].size + gap.size) / 16000
    return AudioData(name, np.concatenate(out)[None, :].astype(np.float32)), tuple(turns)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=default_dir())
    ap.add_argument("--collar", type=float, default=0.0)
    ap.add_argument("--backend", default="resemblyzer")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--two-party", action="store_true", help="score two-party recordings spliced from the excerpts")
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
    if args.two_party:
        files = list(PAIRS)
    for f in files:
        if args.two_party:
            audio, ref = two_party(args.data, refs, f)
        else:
            audio, ref = load_audio(args.data / f"{f}.wav"), refs.get(f, ())
        n_ref = len({t.speaker for t in ref})
        row = {"file": f, "ref_speakers": n_ref}
        for mode, opts in (("oracle", DiarizeOptions(backend=args.backend, num_speakers=n_ref)),
                           ("auto", DiarizeOptions(backend=args.backend))):
            hyp = diarizer.diarize(audio, opts).turns
            s = score(ref, hyp, collar=args.collar, uem=uems.get(f) if not args.two_party else (0.0, audio.duration_s),
                      uri=f)
            row[mode] = {"der": s.der, "miss": s.missed, "fa": s.false_alarm, "conf": s.confusion,
                         "speakers": len({t.speaker for t in hyp}), "talk_err_pp": s.max_talk_share_error_pp}
            totals[mode][0] += s.der * s.total_s
            totals[mode][1] += s.total_s
        rows.append(row)
    overall = {m: (e / t if t else 0.0) for m, (e, t) in totals.items()}
    if args.json:
        print(json.dumps({"files": rows, "overall_der": overall, "collar": args.collar,
                          "two_party": args.two_party}, indent=1))
        return 0
    print(f"collar {args.collar:.2f} s   backend {args.backend}   ({time.perf_counter() - t0:.0f} s)")
    print(f"{'file':6} {'ref':>3} | {'DER(k given)':>12} {'miss':>5} {'fa':>5} {'conf':>5} {'talkpp':>6} |"
          f" {'DER(auto)':>9} {'k':>2} {'talkpp':>6}")
    for r in rows:
        o, a = r["oracle"], r["auto"]
        print(f"{r['file']:6} {r['ref_speakers']:>3} | {o['der']:12.1%} {o['miss']:5.1%} {o['fa']:5.1%} "
              f"{o['conf']:5.1%} {o['talk_err_pp']:6.1f} | {a['der']:9.1%} {a['speakers']:>2} {a['talk_err_pp']:6.1f}")
    talk = {m: sum(r[m]["talk_err_pp"] for r in rows) / max(1, len(rows)) for m in ("oracle", "auto")}
    print(f"overall DER: k given {overall['oracle']:.1%}   automatic count {overall['auto']:.1%}")
    print(f"mean worst talk-share error: k given {talk['oracle']:.1f} pp   automatic count {talk['auto']:.1f} pp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
