"""v6 defensive model parts: the averaged LR + naive Bayes model, the clause markers
(tried, not shipped) and the shipped artifact's ensemble."""

from __future__ import annotations

import numpy as np
import pytest

from models.tagger_classifier import DEFAULT_PATH, AveragedModel, defensive_input, defensive_marks


class _Proba:
    classes_ = np.array([False, True])

    def __init__(self, p):
        self.p = p

    def predict_proba(self, X):
        return np.tile([1 - self.p, self.p], (X.shape[0], 1))


class _Margin:
    classes_ = np.array([False, True])

    def __init__(self, z):
        self.z = z

    def decision_function(self, X):
        return np.full(X.shape[0], self.z)


def test_averaged_model_weights_the_probabilities():
    X = np.zeros((3, 2))
    p = AveragedModel([_Proba(0.2), _Proba(0.8)]).predict_proba(X)
    assert p.shape == (3, 2) and np.allclose(p[:, 1], 0.5) and np.allclose(p.sum(axis=1), 1.0)
    p = AveragedModel([_Proba(0.2), _Proba(0.8)], [1.0, 3.0]).predict_proba(X)
    assert np.allclose(p[:, 1], 0.65)


def test_averaged_model_maps_a_margin_through_a_logistic():
    X = np.zeros((1, 2))
    assert np.allclose(AveragedModel([_Margin(0.0)]).predict_proba(X)[:, 1], 0.5)
    hi = AveragedModel([_Margin(2.0)]).predict_proba(X)[0, 1]
    lo = AveragedModel([_Margin(-2.0)]).predict_proba(X)[0, 1]
    assert hi > 0.95 and lo < 0.05 and np.isclose(hi + lo, 1.0)


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("We don't have the budget, but we will look at it.", ["__N_have", "__B_we", "__B_look", "__P_we"], ["__Q"]),
    ("Who told you that?", ["__P_you", "__Q"], ["__B_told"]),
    ("Dat klopt niet, maar jullie vragen het. Geen probleem.", ["__N_probleem", "__B_jullie", "__P_you"],
     ["__B_geen"]),   # the "but" clause ends at the sentence end
    ("They never paid the workers.", ["__N_paid", "__P_they"], ["__P_we"]),
])
def test_defensive_marks(text, present, absent):
    marks = defensive_marks(text).split()
    assert all(m in marks for m in present)
    assert not any(m in marks for m in absent)


def test_defensive_input_adds_marks_only_when_asked():
    t = "We do not recognise this, but we will check."
    assert defensive_input(t) == t
    assert defensive_input(t, marks=True).startswith(t + " __")
    assert defensive_marks("") == "" and defensive_input("", marks=True) == ""


@pytest.mark.skipif(not DEFAULT_PATH.is_file(), reason="trained tagger artifact not present")
def test_shipped_defensive_model_is_the_ensemble():
    from models.tagger_classifier import load_tagger_classifier

    clf = load_tagger_classifier()
    model = clf._b["defensive"]
    assert [h.source for h in model.heads] == ["LogisticRegression", "ComplementNB"]
    assert [h.kind for h in model.heads] == ["sigmoid", "softmax"]
    assert clf.meta["scores"]["defensive_variant"] == "v7"
    # per-language thresholds, the one without evidence never lower
    for lg in ("en", "nl"):
        assert 0.0 < clf.defensive_threshold_for(lg, True) <= clf.defensive_threshold_for(lg, False) < 1.0
    p = clf.defensive_proba(["Who told you that? Those people just want to damage our name.",
                             "Thank you, we will send the payroll records this week."])
    assert 0.0 <= p[1] < p[0] <= 1.0
