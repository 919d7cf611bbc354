"""The classifier's prediction path: one message (intake) and a batch (``triage_eval``, retraining
scores) give the same scores to the last bit, and both equal scikit-learn's TF-IDF + linear margins."""

from __future__ import annotations

import functools
import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from dangqun.triage.learn import CHAR_FEATURES, Classifier, Params, _hashed, char_ngrams, train
from dangqun.triage.text import Doc, prepare
from tests.triage.conftest import messages

ODD = [("", ""), ("Streetlight broken", "lamp off"), ("😡", "🔥🔥"), ("车", ""), ("投诉", "楼下烧烤" * 500)]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return train(messages(12), [(t, x) for t, x, _ in messages(5, seed=7)])


def _pairs() -> list[tuple[str, str]]:
    return [(t, x) for t, x, _ in messages(8, seed=3)] + ODD


def _sklearn_margins(model: Classifier, cleaned: list[Doc]) -> np.ndarray:
    """The reference: scikit-learn's TF-IDF features times the stored sparse weights."""
    assert model.weights is not None
    assert model.bias is not None
    return np.asarray((model.features(cleaned) @ model.weights).todense()) + model.bias


def test_one_message_scores_exactly_as_in_a_batch(classifier: Classifier) -> None:
    pairs = _pairs()
    batch = classifier.scores([prepare(t, x) for t, x in pairs])
    for (title, text), row in zip(pairs, batch, strict=True):
        alone = classifier.scores([prepare(title, text)])[0]
        assert np.array_equal(alone, row)
        ranked = classifier.top(title, text, k=len(classifier.labels))
        assert [label for label, _ in ranked] == [classifier.labels[i] for i in np.argsort(-row)]
        assert [score for _, score in ranked] == sorted(row.tolist(), reverse=True)


@pytest.mark.parametrize(
    "params",
    [Params(), Params(use_words=True), Params(title_chars=0, title_words=0)],
    ids=["default blocks", "with message words", "message characters only"],
)
def test_margins_equal_scikit_learns_features_times_the_weights(params: Params) -> None:
    model = train(messages(10), [(t, x) for t, x, _ in messages(4, seed=9)], params=params)
    cleaned = [prepare(t, x) for t, x in _pairs()]
    ours, reference = model.margins(cleaned), _sklearn_margins(model, cleaned)
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-12)
    assert (ours.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_hashing_is_scikit_learns_hashing_vectorizer() -> None:
    cleaned = [prepare(t, x).message for t, x in _pairs()]
    chars = functools.partial(char_ngrams, sizes=(1, 2, 3))
    reference = HashingVectorizer(analyzer=chars, n_features=CHAR_FEATURES, alternate_sign=False, norm=None)
    expected = reference.transform(cleaned)
    ours = _hashed(cleaned, chars, CHAR_FEATURES)
    assert (ours != expected).nnz == 0


def test_an_empty_batch_has_no_rows(classifier: Classifier) -> None:
    assert classifier.scores([]).shape == (0, len(classifier.labels))


def test_the_prediction_cache_is_not_stored_and_is_rebuilt_after_loading(classifier: Classifier) -> None:
    cleaned = [prepare(t, x) for t, x in _pairs()]
    before = classifier.scores(cleaned)
    assert "_compact" in classifier.__dict__
    blob = pickle.dumps(classifier)
    loaded = pickle.loads(blob)  # noqa: S301 - our own object
    assert "_compact" not in loaded.__dict__
    assert np.array_equal(loaded.scores(cleaned), before)


def test_the_title_has_its_own_blocks_and_the_taxonomy_its_weight(classifier: Classifier) -> None:
    assert [(b.source, b.unit, b.weight) for b in classifier.blocks] == [
        ("message", "chars", 1.0),
        ("title", "chars", 0.4),
        ("title", "words", 0.5),
    ]
    rows = messages(12)
    taxonomy = {"交通": ["公交线路"], "教育": ["学位"]}
    heavier = train(rows, taxonomy=taxonomy)
    lighter = train(rows, taxonomy=taxonomy, params=Params(taxonomy_weight=1.0))
    docs = [prepare("公交线路", "")]
    assert heavier.margins(docs)[0].max() > lighter.margins(docs)[0].max()


def _characters_only() -> Classifier:
    return train(messages(10), params=Params(title_chars=0, title_words=0))


def test_a_model_stored_before_the_sparse_weights_still_predicts() -> None:
    from sklearn.svm import LinearSVC

    classifier = _characters_only()
    rows = messages(10)
    svm = LinearSVC(C=0.25, class_weight="balanced").fit(
        classifier.features([prepare(t, x) for t, x, _ in rows]), [label for *_, label in rows]
    )
    legacy = Classifier(
        labels=[str(c) for c in svm.classes_], svm=svm, word_idf=None, char_idf=classifier.idfs[0]
    )
    predicted = legacy.predict([(t, x) for t, x, _ in rows])
    assert predicted == [label for *_, label in rows]


def test_a_model_stored_before_feature_blocks_scores_as_it_did() -> None:
    """A pickle from before blocks existed has ``char_idf`` and no ``blocks``/``idfs`` in its state."""
    classifier = _characters_only()
    state = classifier.__getstate__()
    state.update(char_idf=classifier.idfs[0])
    del state["blocks"], state["idfs"]
    old = Classifier.__new__(Classifier)
    old.__dict__.update(state)
    docs = [prepare(t, x) for t, x in _pairs()]
    assert np.array_equal(old.scores(docs), classifier.scores(docs))
