"""Make a meeting archive of N folders with distinct ids, for batch benchmarks.

    python benchmarks/make_archive.py ARCHIVE_DIR N [--samples data/sample] [--synthetic] [--seed 0]

From the sample meetings (folders with a ``meeting.yaml``): each archive folder
is a copy of one sample with a transcript (recordings too with
``--with-audio``) with a new id and date, and its cues permuted a little
(every k-th cue's text swapped with its neighbour's, k from the seed), so the
content hashes differ.  ``--synthetic`` (or no samples found) writes
``Name: text`` transcripts instead, generated from a small word list.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

WORDS = ("order", "factory", "wages", "overtime", "union", "audit", "training", "delivery", "price", "quality",
         "workers", "contract", "season", "complaint", "policy", "buyer", "supplier", "plan", "shift", "safety")


def _samples(folder: Path, *, with_audio: bool = False) -> list[Path]:
    """Sample meeting folders; only those with a transcript unless ``with_audio``."""
    found = []
    for p in sorted(folder.glob("*")):
        if (p / "meeting.yaml").is_file():
            manifest = yaml.safe_load((p / "meeting.yaml").read_text(encoding="utf-8")) or {}
            if with_audio or manifest.get("transcript"):
                found.append(p)
    return found


def _permute_vtt(text: str, rng: random.Random) -> str:
    blocks = text.split("\n\n")
    cues = [i for i, b in enumerate(blocks) if "-->" in b]
    k = rng.randint(3, 7)
    for a, b in zip(cues[::k], cues[1::k]):
        la, lb = blocks[a].split("\n"), blocks[b].split("\n")
        ia = next(i for i, l in enumerate(la) if "-->" in l)
        ib = next(i for i, l in enumerate(lb) if "-->" in l)
        la[ia + 1:], lb[ib + 1:] = lb[ib + 1:], la[ia + 1:]
        blocks[a], blocks[b] = "\n".join(la), "\n".join(lb)
    return "\n\n".join(blocks)


def from_samples(out: Path, n: int, samples: list[Path], rng: random.Random) -> None:
    for i in range(n):
        src = samples[i % len(samples)]
        manifest = yaml.safe_load((src / "meeting.yaml").read_text(encoding="utf-8"))
        mid = f"{manifest['id']}-{i:05d}"
        dst = out / f"{i // 100:03d}" / mid
        dst.mkdir(parents=True, exist_ok=True)
        for f in src.iterdir():
            if f.is_file() and f.name not in ("meeting.yaml", "NOTES.md"):
                if f.suffix == ".vtt":
                    (dst / f.name).write_text(_permute_vtt(f.read_text(encoding="utf-8"), rng), encoding="utf-8")
                else:
                    shutil.copy2(f, dst / f.name)
        manifest["id"] = mid
        manifest["date"] = (dt.date(2021, 1, 1) + dt.timedelta(days=i % 900)).isoformat()
        (dst / "meeting.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")


def synthetic(out: Path, n: int, rng: random.Random, turns: int = 60) -> None:
    for i in range(n):
        mid = f"synthetic-{i:05d}"
        dst = out / f"{i // 100:03d}" / mid
        dst.mkdir(parents=True, exist_ok=True)
        lines = []
        for t in range(turns):
            who = "Anna" if t % 2 == 0 else "Ravi"
            said = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 25)))
            lines.append(f"{who}: {said}{'?' if who == 'Anna' and rng.random() < 0.4 else '.'}")
        (dst / "transcript.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        manifest = {"id": mid, "pilot": f"pilot-{i % 3}", "language": "en", "transcript": "transcript.txt",
                    "date": (dt.date(2021, 1, 1) + dt.timedelta(days=i % 900)).isoformat(),
                    "participants": [{"name": "Anna", "role": "buyer"}, {"name": "Ravi", "role": "supplier"}]}
        (dst / "meeting.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")


def make_archive(out: Path, n: int, *, samples: Path | None = None, use_synthetic: bool = False, seed: int = 0,
                 with_audio: bool = False) -> str:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    found = [] if use_synthetic else _samples(samples or REPO / "data" / "sample", with_audio=with_audio)
    if found:
        from_samples(out, n, found, rng)
        return "samples"
    synthetic(out, n, rng)
    return "synthetic"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--samples", type=Path, default=REPO / "data" / "sample")
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--with-audio", action="store_true", help="also copy recording-only samples (audio meetings)")
    a = ap.parse_args()
    kind = make_archive(a.out, a.n, samples=a.samples, use_synthetic=a.synthetic, seed=a.seed, with_audio=a.with_audio)
    print(f"{a.n} meetings ({kind}) in {a.out}")


if __name__ == "__main__":
    main()
