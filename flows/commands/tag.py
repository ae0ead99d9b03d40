"""`dialoog tag`: tag utterances from a CSV or JSON Lines file.

    dialoog tag --input rows.csv --output tags.jsonl [--lang en|nl|auto]
                [--backend rules|transformers] [--transformers-model PATH] [--device cpu|cuda|auto]

Input rows need ``id`` and ``text``; ``lang`` (en/nl), ``role`` (buyer, supplier,
cso …) and ``speaker`` are optional.  A row's own ``lang`` wins over ``--lang``;
with ``auto`` the language is detected per row (short rows take the file's
language).  Rows are read in order: a defensive response is linked to the
preceding buyer-side row (``defensive.trigger``).  One JSON object per input
row is written, atomically.
"""

from __future__ import annotations

import argparse
import json
import logging

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tag", help="tag utterances (questions, defensive responses, reflections, lesson cues)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True, help="CSV or JSON Lines with columns id, text (optional lang, role, speaker)")
    p.add_argument("--output", required=True, help="JSON Lines file to write (one object per input row)")
    p.add_argument("--lang", default="auto", choices=("en", "nl", "auto"), help="language of rows without a 'lang' (default: auto)")
    p.add_argument("--backend", default="rules", choices=("rules", "transformers"),
                   help="rules (default: rules + the small trained classifiers) or transformers (an NLI model, or an open/closed classifier from scripts/finetune_questions.py)")
    p.add_argument("--transformers-model", default=None, help="local path or cached name of an NLI model or an open/closed question "
                   "classifier (with --backend transformers)")
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"),
                   help="where the transformers model runs (default cpu; auto = a GPU if there is one)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.errors import InputError
    from pipeline.fileio import write_text_atomic
    from pipeline.options import TagOptions
    from pipeline.tagging import detect_language
    from pipeline.tagging.context import link_triggers, previous_other_turns
    from pipeline.tagging.language import language_evidence
    from pipeline.tagging.patterns import LANGUAGES
    from pipeline.tagging.table_io import read_rows, row_output
    from pipeline.tagging.tagger import TagInput, tag_items

    rows = read_rows(args.input)
    file_lang = args.lang if args.lang != "auto" else detect_language(" ".join(r["text"] for r in rows[:300]))
    langs, roles, speakers = [], [], []
    for n, r in enumerate(rows, start=1):
        lang = (r.get("lang") or "").strip().lower()
        if lang and lang not in LANGUAGES and lang != "auto":
            raise InputError(f"row {n} (id {r['id']!r}): unsupported lang {lang!r}", path=args.input,
                             hint="use en, nl or leave it empty")
        if lang not in LANGUAGES:
            # a row with clear evidence gets its own language, a short or unclear one the file's
            lang = args.lang if args.lang != "auto" else (
                detect_language(r["text"]) if abs(language_evidence(r["text"])) >= 2 else file_lang)
        role = (r.get("role") or "unknown").strip().lower() or "unknown"
        # who spoke: the speaker column, else the role, else every row its own speaker
        speakers.append((r.get("speaker") or "").strip() or (role if role != "unknown" else f"row{n}"))
        langs.append(lang)
        roles.append(role)
    previous = previous_other_turns([r["text"] for r in rows], speakers)
    items = [TagInput(r["text"], lg, role, prev) for r, lg, role, prev in zip(rows, langs, roles, previous)]
    options = TagOptions(language=args.lang, backend=args.backend, transformers_model=args.transformers_model,
                         device=args.device)
    tags = tag_items(items, options)
    tags = link_triggers(tags, [r["id"] for r in rows], [it.role for it in items], speakers)
    lines = [json.dumps(row_output(r["id"], lg, t), ensure_ascii=False) for r, lg, t in zip(rows, langs, tags)]
    write_text_atomic(args.output, "".join(line + "\n" for line in lines))
    log.info("tagged %d rows -> %s", len(rows), args.output)
    return 0
