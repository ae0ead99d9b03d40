import csv, sys
from collections import Counter
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from build import is_asr, CATS
ROOT = Path(__file__).resolve().parent.parent
ok = True
alltexts = Counter()
for name in ("questions_en", "questions_nl", "defensive_en", "defensive_nl"):
    with open(ROOT / f"{name}.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    n = len(rows); asrn = sum(is_asr(r["text"]) for r in rows)
    ids = [r["id"] for r in rows]; texts = [r["text"] for r in rows]
    norm = Counter(t.lower().strip(" .?!,") for t in texts)
    dups = [t for t, c in norm.items() if c > 1]
    if name.startswith("questions"):
        c = Counter((r["is_question"], r["question"]) for r in rows)
        bad = [r["id"] for r in rows if not ((r["is_question"] == "1" and r["question"] in ("open", "closed")) or (r["is_question"] == "0" and r["question"] == ""))]
        summ = f"q={c[('1','open')]+c[('1','closed')]} open={c[('1','open')]} closed={c[('1','closed')]} non={c[('0','')]}"
    else:
        c = Counter(r["category"] for r in rows if r["defensive"] == "1")
        bad = [r["id"] for r in rows if not ((r["defensive"] == "1" and r["category"] in CATS) or (r["defensive"] == "0" and r["category"] == ""))]
        summ = f"def={sum(c.values())} " + " ".join(f"{k}={c[k]}" for k in CATS) + f" non={sum(r['defensive']=='0' for r in rows)}"
    print(f"{name}: rows={n} {summ} asr={asrn} bad={bad} dups={dups} ids_unique={len(set(ids))==n} first={ids[0]} last={ids[-1]}")
    print("   columns:", list(rows[0].keys()))
