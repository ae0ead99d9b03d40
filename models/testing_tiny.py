"""Tiny, randomly initialised transformers models built offline, for tests and benchmarks.

Nothing here is used by the pipeline itself.  The models are saved to a folder
in the format the backends load (``from_pretrained``), so tests and
``benchmarks/gpu_check.py`` exercise the real loaders without any download:

* :func:`tiny_whisper` — a Whisper encoder–decoder with a byte-level tokenizer
  (for :mod:`models.asr.transformers_whisper`); any size, e.g. :data:`WHISPER_BASE`'s;
* :func:`tiny_nli` — a one-layer BERT sequence classifier with the labels given
  (for :mod:`models.transformers_tagger`).

torch and transformers are imported inside the builders.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.fileio import ensure_dir, write_text_atomic

#: Default dimensions: a 1-layer, 16-wide Whisper (a few hundred kB).
WHISPER_TINY = dict(d_model=16, layers=1, heads=2, ffn=32, max_target_positions=64)
#: The dimensions of openai/whisper-base (74 M parameters with its 51 865-token vocabulary).
WHISPER_BASE = dict(d_model=512, layers=6, heads=8, ffn=2048, max_target_positions=448, vocab_size=51_865)

#: Words the tiny NLI tokenizer knows (the rest become [UNK]).
NLI_WORDS = tuple(("we do not recognise these complaints could you tell me more about the committee how many "
                   "workers so is your main channel thank you who told this wij herkennen deze klachten niet").split())


def _byte_vocab() -> dict[str, int]:
    """GPT-2's byte-to-unicode table: one token per byte, as Whisper's byte-level BPE uses."""
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): i for i, c in enumerate(cs)}


def tiny_whisper(folder: str | Path, *, d_model: int = 16, layers: int = 1, heads: int = 2, ffn: int = 32,
                 max_target_positions: int = 64, vocab_size: int | None = None, init_std: float = 0.02,
                 seed: int = 0) -> Path:
    """A randomly initialised Whisper with a byte-level tokenizer, saved to ``folder``.

    ``vocab_size`` larger than the tokenizer's 261 tokens sizes the output layer
    like a real checkpoint's (generation never picks the ids the tokenizer lacks).
    ``init_std`` larger than the default spreads the logits, so that greedy
    decoding does not hinge on near-ties (for comparing devices).
    """
    import torch
    import transformers as tr

    folder = ensure_dir(folder)
    write_text_atomic(folder / "vocab.json", json.dumps(_byte_vocab()))
    write_text_atomic(folder / "merges.txt", "#version: 0.2\n")
    eot = "<|endoftext|>"
    tok = tr.WhisperTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), unk_token=eot,
                              bos_token=eot, eos_token=eot, pad_token=eot)
    tok.add_special_tokens({"additional_special_tokens": ["<|startoftranscript|>", "<|en|>", "<|transcribe|>",
                                                         "<|notimestamps|>"]})
    cfg = tr.WhisperConfig(
        vocab_size=max(len(tok), vocab_size or 0), num_mel_bins=80, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads, d_model=d_model, encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn, max_source_positions=1500, max_target_positions=max_target_positions,
        decoder_start_token_id=tok.convert_tokens_to_ids("<|startoftranscript|>"),
        eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
        begin_suppress_tokens=None, suppress_tokens=None, init_std=init_std)
    torch.manual_seed(seed)
    model = tr.WhisperForConditionalGeneration(cfg)
    model.generation_config.forced_decoder_ids = None
    # Never generate the prompt tokens (a random model would repeat <|startoftranscript|>,
    # which decodes to nothing) nor ids the tokenizer lacks.
    # (ids: 256 bytes, <|endoftext|>, then the prompt tokens and any extra output ids).
    model.generation_config.suppress_tokens = list(range(tok.eos_token_id + 1, cfg.vocab_size))
    model.save_pretrained(folder)
    tr.WhisperProcessor(tr.WhisperFeatureExtractor(feature_size=80), tok).save_pretrained(folder)
    return folder


def tiny_nli(folder: str | Path, labels: tuple[str, ...] = ("entailment", "neutral", "contradiction"), *,
             words: tuple[str, ...] = NLI_WORDS, seed: int = 0) -> str:
    """A randomly initialised 1-layer BERT classifier with ``labels`` and a word-level vocabulary, saved to ``folder``."""
    import torch
    import transformers as tr

    folder = ensure_dir(folder)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "?", ".", ",", "'", *sorted(set(words))]
    write_text_atomic(folder / "vocab.txt", "\n".join(vocab) + "\n")
    tok = tr.BertTokenizer(str(folder / "vocab.txt"))
    cfg = tr.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=128,
                        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)})
    torch.manual_seed(seed)
    tr.BertForSequenceClassification(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return str(folder)
