"""The lesson scorecard: a rubric file of indicators and thresholds, and the scorer.

``load_rubric(path=None)`` reads the built-in ``rubric.toml`` (or a user's file laid
over it); ``score_lessons(transcript, metrics, rubric=None)`` gives one
:class:`~pipeline.types.LessonScore` per lesson (ids 1–8) with indicators,
evidence (utterance ids) and advice.
"""

from pipeline.lessons.rubric import IndicatorRule, LessonRule, Rubric, format_value, load_rubric
from pipeline.lessons.scoring import score_lessons

__all__ = ["IndicatorRule", "LessonRule", "Rubric", "format_value", "load_rubric", "score_lessons"]
