"""The numpy-only tagger models (models/linear_text.py) compute what scikit-learn computes."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.linear_export import export_arrays, save_bundle
from models.linear_text import FORMAT, NgramTfidf, load_bundle
from models.tagger_classifier import DEFAULT_PATH, AveragedModel, load_tagger_classifier
from pipeline.errors import ModelNotAvailableError

ROOT = Path(__file__).resolve().parents[1]

TRICKY = [
    "", "   ", "a", "I", "ok", "We passed the audit.  Twice!\tReally?\n\nYes.",
    "Wie heeft u dat verteld? Dat is niet waar — echt niet.", "naïve café ÉÉN “quotes” 'single' it's don't",
    "x" * 40, "a b c d e f", "numbers 12 345 6,7 and dashes - -- ---", "ÇA VA? Ça va.", "über-straße",
]
CORPUS = [
    "Could you tell me more about the grievance committee?", "How many workers live on site?",
    "We do not recognise these complaints at all.", "That is the agency's responsibility, not ours.",
    "Who told you this? Those people want to damage us.", "Only one or two workers, it is really nothing.",
    "I need to check internally and come back to you next week.", "Kunt u iets meer vertellen over de cao?",
    "Wij herkennen ons daar niet in.", "Dat ligt bij het uitzendbureau, niet bij ons.",
    "Thank you, that is helpful.", "When can we expect the audit report?", "Tell me about the night shift.",
    "We passed the audit last year, so everything is in order.", "I can't comment on that.",
    "Hoeveel mensen werken er in de nachtploeg?", "It's only a small number of cases, honestly.",
    "Our systems are already in order, we have the certificate.", "No comment.", "Why are you asking me this?",
] * 3


def _tfidf(**kw):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, **kw)


@pytest.mark.parametrize("kw", [
    {"analyzer": "word", "ngram_range": (1, 3)}, {"analyzer": "word", "ngram_range": (2, 3)},
    {"analyzer": "word", "ngram_range": (1, 1)}, {"analyzer": "char_wb", "ngram_range": (2, 5)},
    {"analyzer": "char_wb", "ngram_range": (1, 1)}, {"analyzer": "word", "ngram_range": (1, 2), "lowercase": False},
])
def test_terms_match_scikit_learn_analyzer(kw):
    v = _tfidf(**kw).fit(CORPUS + TRICKY)
    ours = NgramTfidf(kw["analyzer"], kw["ngram_range"], v.vocabulary_, v.idf_, lowercase=kw.get("lowercase", True))
    analyze = v.build_analyzer()
    for t in TRICKY + CORPUS[:20]:
        assert ours.terms(t) == analyze(t), t


def _fit(model, vec, y, dense=None):
    import scipy.sparse as sp

    X = vec.fit_transform(CORPUS)
    if dense is not None:
        X = sp.hstack([X, sp.csr_matrix(dense)]).tocsr()
    return model.fit(X, y), X


def _labels():
    cats = ["open", "closed", "none"]
    return np.array([cats[i % 3] for i in range(len(CORPUS))]), np.array([i % 2 == 0 for i in range(len(CORPUS))])


def test_exported_models_give_scikit_learns_probabilities(tmp_path):
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB, MultinomialNB
    from sklearn.pipeline import make_union
    from sklearn.svm import LinearSVC

    y3, y2 = _labels()
    union = make_union(_tfidf(ngram_range=(1, 3)), _tfidf(analyzer="char_wb", ngram_range=(2, 5)))
    dense = np.array([[len(t) / 50, float("?" in t)] for t in CORPUS])
    multi, _ = _fit(LogisticRegression(max_iter=2000), union, y3)
    word = _tfidf(ngram_range=(1, 2))
    Xw = word.fit_transform(CORPUS)
    avg = AveragedModel([LogisticRegression().fit(Xw, y2), ComplementNB(alpha=0.1).fit(Xw, y2),
                         LinearSVC().fit(Xw, y2)], [1.0, 0.5, 2.0])
    union_d = make_union(_tfidf(ngram_range=(1, 2)))
    with_dense, _ = _fit(LogisticRegression(), union_d, y2, dense)
    mnb = MultinomialNB().fit(Xw, y3)
    bundle = {"multi": (union, multi), "avg": (word, avg), "dense": (union_d, with_dense), "mnb": (word, mnb),
              "threshold": np.float64(0.4), "flags": {"en": 0.4, "nl": np.float32(0.5)}, "meta": {"seed": 13}}
    path = tmp_path / "m.npz"
    save_bundle(bundle, path)
    got = load_bundle(path)
    texts = CORPUS[:20] + TRICKY
    assert np.allclose(got["multi"].predict_proba(texts), multi.predict_proba(union.transform(texts)), atol=1e-12)
    assert got["multi"].predict(texts) == list(multi.predict(union.transform(texts)))
    assert np.allclose(got["avg"].predict_proba(texts), avg.predict_proba(word.transform(texts)), atol=1e-12)
    assert np.allclose(got["mnb"].predict_proba(texts), mnb.predict_proba(word.transform(texts)), atol=1e-12)
    dt = [[len(t) / 50, float("?" in t)] for t in texts]
    Xd = sp.hstack([union_d.transform(texts), sp.csr_matrix(np.array(dt))]).tocsr()
    assert np.allclose(got["dense"].predict_proba(texts, dt), with_dense.predict_proba(Xd), atol=1e-12)
    with pytest.raises(ValueError, match="2 dense features"):
        got["dense"].predict_proba(texts)
    assert got["threshold"] == 0.4 and got["flags"] == {"en": 0.4, "nl": 0.5} and got["meta"] == {"seed": 13}
    assert got["avg"].classes == [False, True] and [h.source for h in got["avg"].heads] == [
        "LogisticRegression", "ComplementNB", "LinearSVC"]


def test_export_refuses_what_it_cannot_reproduce():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    _, y2 = _labels()
    stop = _tfidf(stop_words=["the"])
    m, _ = _fit(LogisticRegression(), stop, y2)
    with pytest.raises(TypeError, match="settings"):
        export_arrays({"x": (stop, m)})
    counts = CountVectorizer()
    m, _ = _fit(LogisticRegression(), counts, y2)
    with pytest.raises(TypeError, match="CountVectorizer"):
        export_arrays({"x": (counts, m)})
    v = _tfidf()
    m, _ = _fit(DecisionTreeClassifier(), v, y2)
    with pytest.raises(TypeError, match="DecisionTreeClassifier"):
        export_arrays({"x": (v, m)})


def test_a_file_of_another_format_is_a_clear_error(tmp_path):
    bad = tmp_path / "other.npz"
    spec = json.dumps({"format": "something-else"}).encode()
    np.savez(bad, __spec__=np.frombuffer(spec, dtype=np.uint8))
    with pytest.raises(ModelNotAvailableError, match="cannot be read.*train_taggers"):
        load_tagger_classifier(str(bad))
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip file")
    with pytest.raises(ModelNotAvailableError, match="cannot be read"):
        load_tagger_classifier(str(junk))
    assert FORMAT in (ROOT / "models" / "linear_text.py").read_text()


@pytest.mark.skipif(not DEFAULT_PATH.is_file(), reason="trained tagger artifact not present")
def test_tagging_imports_neither_scikit_learn_nor_scipy():
    code = (
        "import sys\n"
        "from pipeline.options import TagOptions\n"
        "from pipeline.tagging.tagger import TagInput, tag_items\n"
        "tags = tag_items([TagInput('We do not recognise these complaints. Who told you this?', 'en', 'supplier'),"
        " TagInput('Could you tell me more about how the committee works', 'en', 'buyer')], TagOptions())\n"
        "assert tags[0].defensive is not None and tags[1].question.label == 'open', tags\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'joblib'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_extreme_decision_values_give_0_and_1_without_overflow():
    import warnings

    from models.linear_text import LinearHead

    h = LinearHead("sigmoid", np.zeros((1, 1)), np.zeros(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = h.probabilities(np.array([[-1000.0], [0.0], [1000.0]]))
        s = LinearHead("softmax", np.zeros((3, 1)), np.zeros(3)).probabilities(np.array([[1000.0, -1000.0, 0.0]]))
    assert np.allclose(p, [[1, 0], [0.5, 0.5], [0, 1]]) and np.allclose(s, [[1, 0, 0]])
