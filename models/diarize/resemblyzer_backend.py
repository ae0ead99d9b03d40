"""The default, offline diarizer: Silero VAD → resemblyzer d-vectors → spectral clustering → resegmentation.

1. Speech detection: Silero speech probabilities per 32 ms frame, hysteresis,
   pauses under ``min_pause_s`` bridged, regions widened by ``pad_s``.
2. Embeddings: resemblyzer's encoder on ``window_s`` windows every ``hop_s``,
   kept where at least half the window is speech.
3. Clustering: average linkage for a known count, spectral clustering with an
   eigengap count otherwise (see :mod:`models.diarize.cluster`); clusters whose
   centroids are near-identical are merged.
4. Resegmentation: each speech frame scores every speaker by the mean
   similarity of the windows covering it to that speaker's centroid; a Viterbi
   pass picks the best speaker sequence with a cost of ``switch_penalty`` per
   change of speaker (an HMM with sticky speakers, as VBx resegments), so a
   speaker changes only where the evidence for the change outweighs the cost;
   speaker runs shorter than ``min_speech_s`` are then absorbed by a neighbour.
"""

from __future__ import annotations

import logging

import numpy as np

from models.diarize import vad
from models.diarize.cluster import centroids, cluster
from models.diarize.embed import embed_windows, mel_frames
from pipeline.audio.load import AudioData
from pipeline.audio.segments import Diarization, SpeakerTurn
from pipeline.options import DiarizeOptions

log = logging.getLogger(__name__)

MEL_PER_VAD = vad.FRAME_S / 0.01  # 3.2 mel frames per VAD frame


class ResemblyzerDiarizer:
    name = "vad+resemblyzer+cluster@2"
    #: Speech detection: pauses shorter than this are bridged, regions widened by ``pad_s`` each side.
    min_pause_s = 0.5
    pad_s = 0.1
    #: Cost of a speaker change in the Viterbi resegmentation, in summed frame similarity
    #: (1.5 ≈ 0.3–1 s of clearly better evidence; 0 = frame-wise argmax).
    switch_penalty = 1.5
    #: Windows used for clustering must be at least this much speech (all windows ≥ 0.5 vote in resegmentation).
    cluster_frac = 0.5
    method = "auto"
    #: A second speaker is added where its score is within this margin of the best (None = no overlap).
    overlap_margin: float | None = None
    overlap_min_s = 0.3

    #: ``diarize`` takes a ``speech=SharedSpeech`` (one Silero pass shared with faster-whisper).
    shares_vad = True

    def diarize(self, audio: AudioData, options: DiarizeOptions, *, speech=None) -> Diarization:
        self._second = None
        labels = self.frame_labels(audio.mono(), options, speech=speech)
        turns = turns_from_labels(labels)
        if self._second is not None:
            turns = tuple(sorted(turns + turns_from_labels(self._second), key=lambda t: (t.start, t.speaker)))
        return Diarization(turns, self.name)

    def frame_labels(self, samples: np.ndarray, options: DiarizeOptions, *, speech=None) -> np.ndarray:
        """Speaker index per 32 ms frame (-1 = no speech); ``speech``: a shared Silero pass."""
        samples = np.asarray(samples, dtype=np.float32)
        mel = None
        if speech is not None:
            mel = mel_frames(samples)            # while the ASR thread runs the shared Silero pass
            probs = speech.frame_probabilities()
        else:
            probs = vad.speech_probabilities(samples)
        mask = vad.speech_mask(probs, min_pause_s=self.min_pause_s, pad_s=self.pad_s)
        labels = np.full(mask.size, -1, dtype=int)
        if not mask.any():
            return labels
        if mel is None:
            mel = mel_frames(samples)
        win = max(40, int(round(options.window_s / 0.01)))
        hop = max(5, int(round(options.hop_s / 0.01)))
        starts, frac = _windows(mask, mel.shape[0], win, hop)
        keep = frac >= 0.5
        if keep.sum() < 2:
            labels[mask] = 0
            return labels
        starts = starts[keep]
        frac = frac[keep]
        emb = embed_windows(mel, starts, win)
        clean = frac >= self.cluster_frac
        if clean.sum() < 4:
            clean = np.ones(len(emb), dtype=bool)
        lab = cluster(emb[clean], num_speakers=options.num_speakers, min_k=options.min_speakers,
                      max_k=options.max_speakers, method=self.method)
        k = int(lab.max()) + 1
        lab = np.argmax(emb @ centroids(emb[clean], lab, k).T, axis=1)
        # one refinement round: centroids → window labels → centroids
        cents = centroids(emb, lab, k)
        lab = np.argmax(emb @ cents.T, axis=1)
        cents = centroids(emb, lab, k)
        scores = _frame_scores(emb @ cents.T, starts, win, mask.size)
        labels[mask] = viterbi(scores[mask], self.switch_penalty)
        labels = smooth(labels, int(round(options.min_speech_s / vad.FRAME_S)) or 1)
        if self.overlap_margin is not None and k > 1:
            self._second = _overlap_labels(scores, labels, self.overlap_margin,
                                           int(round(self.overlap_min_s / vad.FRAME_S)))
        order = _relabel(labels)
        if self._second is not None:
            remap = {int(o): int(n) for o, n in zip(labels[labels >= 0], order[labels >= 0])}
            self._second = np.array([remap.get(int(v), -1) if v >= 0 else -1 for v in self._second])
        return order


def viterbi(scores: np.ndarray, switch_penalty: float) -> np.ndarray:
    """Best label sequence for per-frame ``scores`` (frames × speakers) with a cost per speaker change."""
    n, k = scores.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    if k == 1 or switch_penalty <= 0:
        return np.argmax(scores, axis=1)
    back = np.empty((n, k), dtype=np.int32)
    stay_idx = np.arange(k, dtype=np.int32)
    acc = scores[0].astype(np.float64)
    for t in range(1, n):
        best = int(np.argmax(acc))
        switch = acc[best] - switch_penalty
        stay = acc >= switch
        back[t] = np.where(stay, stay_idx, best)
        acc = np.where(stay, acc, switch) + scores[t]
    out = np.empty(n, dtype=int)
    out[-1] = int(np.argmax(acc))
    for t in range(n - 1, 0, -1):
        out[t - 1] = back[t, out[t]]
    return out


def _overlap_labels(scores: np.ndarray, labels: np.ndarray, margin: float, min_len: int) -> np.ndarray:
    """Second speaker per frame where its score is within ``margin`` of the chosen one (-1 = none)."""
    second = np.full(labels.size, -1, dtype=int)
    speech = labels >= 0
    if not speech.any():
        return second
    s = scores.copy()
    rows = np.flatnonzero(speech)
    top = s[rows, labels[rows]]
    s[rows, labels[rows]] = -np.inf
    alt = np.argmax(s[rows], axis=1)
    close = s[rows, alt] >= top - margin
    second[rows[close]] = alt[close]
    for a, b, lab in _label_runs(second):
        if lab >= 0 and b - a < min_len:
            second[a:b] = -1
    return second


def _windows(mask: np.ndarray, n_mel: int, win: int, hop: int) -> tuple[np.ndarray, np.ndarray]:
    """Window starts (mel frames) and the speech fraction of each window."""
    last = max(1, n_mel - win // 2)
    starts = np.arange(0, last, hop)
    cum = np.concatenate([[0], np.cumsum(mask)])
    a = np.clip((starts / MEL_PER_VAD).astype(int), 0, mask.size)
    b = np.clip(((starts + win) / MEL_PER_VAD).astype(int), 0, mask.size)
    frac = (cum[b] - cum[a]) / np.maximum(b - a, 1)
    return starts, frac


def _frame_scores(sim: np.ndarray, starts: np.ndarray, win: int, n_frames: int) -> np.ndarray:
    """Mean window–centroid similarity over the windows covering each VAD frame."""
    k = sim.shape[1]
    acc = np.zeros((n_frames + 1, k))
    cnt = np.zeros(n_frames + 1)
    a = np.clip((starts / MEL_PER_VAD).astype(int), 0, n_frames)
    b = np.clip(((starts + win) / MEL_PER_VAD).astype(int), 0, n_frames)
    np.add.at(acc, a, sim)
    np.add.at(acc, b, -sim)
    np.add.at(cnt, a, 1)
    np.add.at(cnt, b, -1)
    acc, cnt = np.cumsum(acc, axis=0)[:-1], np.cumsum(cnt)[:-1]
    covered = cnt > 0.5
    if not covered.any():
        return np.zeros((n_frames, k))
    out = np.zeros((n_frames, k))
    out[covered] = acc[covered] / cnt[covered, None]
    # frames no window covers take the nearest covered frame's scores
    idx = np.flatnonzero(covered)
    pos = np.clip(np.searchsorted(idx, np.arange(n_frames)), 0, idx.size - 1)
    prev = np.clip(pos - 1, 0, idx.size - 1)
    near = np.where(np.abs(idx[prev] - np.arange(n_frames)) < np.abs(idx[pos] - np.arange(n_frames)), idx[prev], idx[pos])
    out[~covered] = out[near[~covered]]
    return out


def smooth(labels: np.ndarray, min_len: int) -> np.ndarray:
    """Absorb speaker runs shorter than ``min_len`` frames into the longer neighbouring run."""
    out = labels.copy()
    for _ in range(3):
        changed = False
        rs = [(a, b, int(out[a])) for a, b, _ in _label_runs(out)]
        for i, (a, b, lab) in enumerate(rs):
            if lab < 0 or b - a >= min_len:
                continue
            left = rs[i - 1] if i > 0 and rs[i - 1][2] >= 0 and rs[i - 1][1] == a else None
            right = rs[i + 1] if i + 1 < len(rs) and rs[i + 1][2] >= 0 and rs[i + 1][0] == b else None
            cands = [r for r in (left, right) if r is not None]
            if cands:
                best = max(cands, key=lambda r: r[1] - r[0])
                out[a:b] = best[2]
                changed = True
        if not changed:
            break
    return out


def _label_runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    if labels.size == 0:
        return []
    change = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.concatenate([[0], change, [labels.size]])
    return [(int(a), int(b), int(labels[a])) for a, b in zip(bounds[:-1], bounds[1:])]


def _relabel(labels: np.ndarray) -> np.ndarray:
    order: dict[int, int] = {}
    for lab in labels[labels >= 0]:
        order.setdefault(int(lab), len(order))
    out = labels.copy()
    for old, new in order.items():
        out[labels == old] = new
    return out


def turns_from_labels(labels: np.ndarray, frame_s: float = vad.FRAME_S) -> tuple[SpeakerTurn, ...]:
    """Speaker turns ``SPEAKER_00`` … from per-frame labels (-1 = silence)."""
    return tuple(SpeakerTurn(f"SPEAKER_{lab:02d}", round(a * frame_s, 3), round(b * frame_s, 3))
                 for a, b, lab in _label_runs(labels) if lab >= 0)
