"""The classifier's prediction path: one message (intake) and a batch (``triage_eval``, retraining
scores) give the same scores to the last bit, and both equal scikit-learn's TF-IDF + linear margins."""

from __future__ import annotations

import functools
import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from dangqun.triage.learn import CHAR_FEATURES, Classifier, Params, _hashed, char_ngrams, train
from dangqun.triage.text import clean
from tests.triage.conftest import messages

ODD = [("", ""), ("Streetlight broken", "lamp off"), ("😡", "🔥🔥"), ("车", ""), ("投诉", "楼下烧烤" * 500)]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return train(messages(12), [(t, x) for t, x, _ in messages(5, seed=7)])


def _pairs() -> list[tuple[str, str]]:
    return [(t, x) for t, x, _ in messages(8, seed=3)] + ODD


def _sklearn_margins(model: Classifier, cleaned: list[str]) -> np.ndarray:
    """The reference: scikit-learn's TF-IDF features times the stored sparse weights."""
    assert model.weights is not None
    assert model.bias is not None
    return np.asarray((model.features(cleaned) @ model.weights).todense()) + model.bias


def test_one_message_scores_exactly_as_in_a_batch(classifier: Classifier) -> None:
    pairs = _pairs()
    batch = classifier.scores([clean(t, x) for t, x in pairs])
    for (title, text), row in zip(pairs, batch, strict=True):
        alone = classifier.scores([clean(title, text)])[0]
        assert np.array_equal(alone, row)
        ranked = classifier.top(title, text, k=len(classifier.labels))
        assert [label for label, _ in ranked] == [classifier.labels[i] for i in np.argsort(-row)]
        assert [score for _, score in ranked] == sorted(row.tolist(), reverse=True)


@pytest.mark.parametrize("params", [Params(), Params(use_words=True)], ids=["characters", "words+characters"])
def test_margins_equal_scikit_learns_features_times_the_weights(params: Params) -> None:
    model = train(messages(10), [(t, x) for t, x, _ in messages(4, seed=9)], params=params)
    cleaned = [clean(t, x) for t, x in _pairs()]
    ours, reference = model.margins(cleaned), _sklearn_margins(model, cleaned)
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-12)
    assert (ours.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_hashing_is_scikit_learns_hashing_vectorizer() -> None:
    cleaned = [clean(t, x) for t, x in _pairs()]
    chars = functools.partial(char_ngrams, sizes=(1, 2, 3))
    reference = HashingVectorizer(analyzer=chars, n_features=CHAR_FEATURES, alternate_sign=False, norm=None)
    expected = reference.transform(cleaned)
    ours = _hashed(cleaned, chars, CHAR_FEATURES)
    assert (ours != expected).nnz == 0


def test_an_empty_batch_has_no_rows(classifier: Classifier) -> None:
    assert classifier.scores([]).shape == (0, len(classifier.labels))


def test_the_prediction_cache_is_not_stored_and_is_rebuilt_after_loading(classifier: Classifier) -> None:
    cleaned = [clean(t, x) for t, x in _pairs()]
    before = classifier.scores(cleaned)
    assert "_compact" in classifier.__dict__
    blob = pickle.dumps(classifier)
    loaded = pickle.loads(blob)  # noqa: S301 - our own object
    assert "_compact" not in loaded.__dict__
    assert np.array_equal(loaded.scores(cleaned), before)


def test_a_model_stored_before_the_sparse_weights_still_predicts(classifier: Classifier) -> None:
    from sklearn.svm import LinearSVC

    rows = messages(10)
    svm = LinearSVC(C=0.25, class_weight="balanced").fit(
        classifier.features([clean(t, x) for t, x, _ in rows]), [label for *_, label in rows]
    )
    legacy = Classifier(
        labels=[str(c) for c in svm.classes_], svm=svm, word_idf=None, char_idf=classifier.char_idf
    )
    predicted = legacy.predict([(t, x) for t, x, _ in rows])
    assert predicted == [label for *_, label in rows]
