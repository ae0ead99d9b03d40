"""Diarization scores with pyannote.metrics: DER (missed, false alarm, confusion), JER, talk-time error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.audio.segments import SpeakerTurn
from pipeline.errors import require


@dataclass(frozen=True, slots=True)
class DiarizationScore:
    der: float
    missed: float          # shares of the reference speech time
    false_alarm: float
    confusion: float
    jer: float
    total_s: float
    #: reference speaker -> (reference talk share, hypothesis talk share of the mapped speaker), 0–1
    talk_share: dict[str, tuple[float, float]]

    @property
    def max_talk_share_error_pp(self) -> float:
        return max((abs(r - h) * 100 for r, h in self.talk_share.values()), default=0.0)

    def to_dict(self) -> dict:
        return {"der": round(self.der, 4), "missed": round(self.missed, 4),
                "false_alarm": round(self.false_alarm, 4), "confusion": round(self.confusion, 4),
                "jer": round(self.jer, 4), "total_s": round(self.total_s, 2),
                "talk_share": {k: {"reference": round(r, 4), "hypothesis": round(h, 4),
                                   "error_pp": round((h - r) * 100, 2)} for k, (r, h) in self.talk_share.items()},
                "max_talk_share_error_pp": round(self.max_talk_share_error_pp, 2)}


def _annotation(turns: Sequence[SpeakerTurn], uri: str):
    core = require("pyannote.core", "eval", "pyannote.metrics")
    ann = core.Annotation(uri=uri)
    for i, t in enumerate(turns):
        if t.end > t.start:
            ann[core.Segment(t.start, t.end), i] = t.speaker
    return ann


def score(reference: Sequence[SpeakerTurn], hypothesis: Sequence[SpeakerTurn], *,
          collar: float = 0.0, uem: tuple[float, float] | None = None, uri: str = "file") -> DiarizationScore:
    """Score ``hypothesis`` against ``reference`` (overlap scored, no collar by default)."""
    require("pyannote.metrics", "eval", "pyannote.metrics")
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate, JaccardErrorRate

    ref, hyp = _annotation(reference, uri), _annotation(hypothesis, uri)
    kw = {}
    if uem is not None:
        kw["uem"] = Timeline([Segment(*uem)], uri=uri)
    der_m = DiarizationErrorRate(collar=collar, skip_overlap=False)
    d = der_m(ref, hyp, detailed=True, **kw)
    jer = JaccardErrorRate(collar=collar, skip_overlap=False)(ref, hyp, **kw)
    total = d["total"] or 1e-9
    mapping = der_m.optimal_mapping(ref, hyp)  # hyp label -> ref label
    inv = {r: h for h, r in mapping.items()}
    ref_time = {s: ref.label_duration(s) for s in ref.labels()}
    hyp_time = {s: hyp.label_duration(s) for s in hyp.labels()}
    rt, ht = sum(ref_time.values()) or 1e-9, sum(hyp_time.values()) or 1e-9
    shares = {s: (ref_time[s] / rt, hyp_time.get(inv.get(s), 0.0) / ht) for s in ref.labels()}
    return DiarizationScore(
        der=float(d["diarization error rate"]), missed=d["missed detection"] / total,
        false_alarm=d["false alarm"] / total, confusion=d["confusion"] / total,
        jer=float(jer), total_s=float(d["total"]), talk_share=shares,
    )
