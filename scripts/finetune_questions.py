"""Fine-tune a transformers encoder to tell open from closed questions, for the
``transformers`` tagger backend (``dialoog tag --backend transformers --transformers-model OUT``).

    python scripts/finetune_questions.py --base PATH_OR_NAME --out DIR
        [--annomi ../shared/data/annomi/annomi_train.csv] [--sets CSV ...]
        [--epochs 3] [--lr 3e-5] [--batch 16] [--max-length 128] [--device cpu|cuda|auto]
        [--limit N] [--seed 13]

Training rows: the question turns of AnnoMI's *training* transcripts (the same fixed
split as ``scripts/train_taggers.py``; the question sentences of each turn) and the
question rows (``is_question=1``) of any ``--sets`` CSVs (``id,text,is_question,question``,
e.g. ``data/dev/questions*_{en,nl}.csv`` for Dutch and supplier meetings).  The
classification head is replaced by one with the labels ``closed`` / ``open``.  When the
AnnoMI file is there, the held-out transcripts are scored at the end (macro-F1 of the
model alone) and written to ``DIR/finetune_scores.json``.  The model is written to a
temporary folder next to ``DIR`` and moved into place at the end, so an interrupted run
leaves no half-written model.

``--base`` is a local folder or a name the transformers cache holds (offline use) or can
download (a machine with network); a multilingual encoder (e.g. an XLM-R or mBERT
checkpoint) serves English and Dutch.  Nothing is downloaded unless the name is not
cached and the network is allowed (``HF_HUB_OFFLINE`` unset).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.tagger_classifier import question_sentences  # noqa: E402
from scripts.train_taggers import default_data, load_annomi, split_transcripts  # noqa: E402

log = logging.getLogger("finetune_questions")
LABELS = ("closed", "open")


def training_rows(annomi: Path | None, sets: list[Path], limit: int | None, seed: int):
    """(train texts, train labels, held-out texts, held-out labels) — labels 0 closed / 1 open."""
    import pandas as pd

    tr_x: list[str] = []
    tr_y: list[int] = []
    te_x: list[str] = []
    te_y: list[int] = []
    if annomi is not None and annomi.is_file():
        d = load_annomi(annomi)
        q = d[(d.interlocutor == "therapist") & d.question.isin(LABELS)]
        train_ids, held_ids = split_transcripts(d.transcript_id)
        for part, xs, ys in ((q[q.transcript_id.isin(train_ids)], tr_x, tr_y),
                             (q[q.transcript_id.isin(held_ids)], te_x, te_y)):
            xs += [question_sentences(t) for t in part.text]
            ys += [LABELS.index(v) for v in part.question]
    for path in sets:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise SystemExit(f"cannot read {path}: {exc}") from exc
        missing = {"text", "is_question", "question"} - set(df.columns)
        if missing:
            raise SystemExit(f"{path}: missing column(s) {sorted(missing)} — expected id,text,is_question,question")
        df = df[(df.is_question.str.strip() == "1") & df.question.str.strip().isin(LABELS)]
        tr_x += [question_sentences(t) for t in df.text]
        tr_y += [LABELS.index(v.strip()) for v in df.question]
    if not tr_x:
        raise SystemExit("no training rows: give --annomi (the AnnoMI CSV) and/or --sets question CSVs")
    if limit and len(tr_x) > limit:
        keep = np.random.default_rng(seed).choice(len(tr_x), limit, replace=False)
        tr_x, tr_y = [tr_x[i] for i in keep], [tr_y[i] for i in keep]
    return tr_x, tr_y, te_x, te_y


def predict_open(model, tokenizer, texts: list[str], device: str, batch: int, max_length: int) -> np.ndarray:
    import torch

    model.eval()
    out = []
    for i in range(0, len(texts), batch):
        enc = tokenizer(texts[i:i + batch], truncation=True, max_length=max_length, padding=True,
                        return_tensors="pt").to(device)
        with torch.no_grad():
            out += torch.softmax(model(**enc).logits, dim=-1)[:, 1].tolist()
    return np.array(out)


def finetune(args) -> dict:
    import torch
    import transformers as tr

    from pipeline.errors import require

    require("transformers", "transformers", "fine-tuning")
    tr_x, tr_y, te_x, te_y = training_rows(args.annomi, args.sets, args.limit, args.seed)
    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(args.seed)
    try:
        tokenizer = tr.AutoTokenizer.from_pretrained(args.base)
        model = tr.AutoModelForSequenceClassification.from_pretrained(
            args.base, num_labels=2, id2label=dict(enumerate(LABELS)), label2id={v: i for i, v in enumerate(LABELS)},
            ignore_mismatched_sizes=True)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"cannot load the base model {args.base!r} ({type(exc).__name__}: {exc}) — give a local "
                         "folder with config.json, weights and tokenizer, or a cached model name") from exc
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(tr_x) + args.batch - 1) // args.batch)
    sched = tr.get_linear_schedule_with_warmup(opt, int(0.1 * steps), steps)
    rng = np.random.default_rng(args.seed)
    y = torch.tensor(tr_y)
    log.info("fine-tuning %s on %d questions (%d open), %d epochs, on %s", args.base, len(tr_x), sum(tr_y),
             args.epochs, device)
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(tr_x))
        total = 0.0
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            enc = tokenizer([tr_x[j] for j in idx], truncation=True, max_length=args.max_length, padding=True,
                            return_tensors="pt").to(device)
            loss = model(**enc, labels=y[idx].to(device)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += float(loss.detach()) * len(idx)
        log.info("epoch %d: mean loss %.4f", epoch + 1, total / len(tr_x))
    from sklearn.metrics import f1_score

    scores = {"base": args.base, "train_questions": len(tr_x), "epochs": args.epochs, "lr": args.lr,
              "seed": args.seed, "train_accuracy": round(float(np.mean(
                  (predict_open(model, tokenizer, tr_x, device, args.batch, args.max_length) >= 0.5) == np.array(tr_y))), 4)}
    if te_x:
        p = predict_open(model, tokenizer, te_x, device, args.batch, args.max_length)
        scores["annomi_held_out_questions"] = len(te_x)
        scores["annomi_held_out_open_closed_macro_f1"] = round(float(f1_score(te_y, p >= 0.5, average="macro")), 4)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        model.to("cpu").save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "finetune_scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return scores


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="local folder or cached name of a transformers encoder")
    ap.add_argument("--out", required=True, type=Path, help="folder to write the fine-tuned model to")
    ap.add_argument("--annomi", type=Path, default=default_data(),
                    help="AnnoMI CSV (skipped when absent; give --annomi '' to leave it out)")
    ap.add_argument("--sets", type=Path, nargs="*", default=[], help="question CSVs (id,text,is_question,question)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"))
    ap.add_argument("--limit", type=int, default=None, help="train on at most N questions (a quick trial)")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    if args.annomi is not None and str(args.annomi) in ("", "."):
        args.annomi = None
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    scores = finetune(args)
    log.info("%s", json.dumps(scores, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
