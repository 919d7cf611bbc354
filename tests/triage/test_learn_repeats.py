"""Training collapses identical documents (one SVM row per distinct cleaned text and label, weighted
by its count; each distinct text hashed once, counted as often as it occurs in the document
frequencies) and must learn what it learnt from the rows as given: the same idf to the last bit, the
same SVM up to the solver's tolerance, and to the last bit when nothing repeats."""

from __future__ import annotations

import functools
import random
from typing import Any

import numpy as np
import pytest
from scipy.sparse import vstack
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC

from dangqun.triage import learn
from dangqun.triage.learn import Block, Classifier, Params, _features, _hashed, blocks_of, train
from dangqun.triage.text import Doc, phrase_doc, prepare
from tests.triage.conftest import TOPICS, messages

PARAMS = Params()
Layout = list[tuple[Block, TfidfTransformer]]
TAXONOMY = {label: [label, *words[:2]] for label, words in TOPICS.items()}


def _repeated(rows: list[tuple[str, str, str]], seed: int) -> list[tuple[str, str, str]]:
    """Each row 1 to 12 times, more often in the first label (so the balanced class weights of the
    rows as given differ from those of the distinct rows), shuffled; one text under two labels."""
    rng = random.Random(seed)  # noqa: S311 - made-up test messages
    first = sorted(TOPICS)[0]
    out = []
    for title, text, label in rows:
        out += [(title, text, label)] * rng.randint(1, 12 if label == first else 3)
    other = next(label for label in sorted(TOPICS) if label != rows[0][2])
    out += [rows[0], (rows[0][0], rows[0][1], other)]  # the same text confirmed under two labels
    rng.shuffle(out)
    return out


def _reference(
    labelled: list[tuple[str, str, str]],
    unlabelled: list[tuple[str, str]],
    taxonomy: dict[str, list[str]] = TAXONOMY,
    **options: Any,
) -> tuple[Layout, LinearSVC, np.ndarray]:
    """Training as it was before collapsing: every row as given, scikit-learn's TF-IDF fitted on the
    rows as given and its balanced class weights, the taxonomy's rows weighted in the loss."""
    docs = [prepare(t, x) for t, x, _ in labelled]
    y = [label for *_, label in labelled]
    loss = [1.0] * len(docs)
    for label, words in taxonomy.items():
        docs += [phrase_doc(phrase) for phrase in words]
        y += [label] * len(words)
        loss += [PARAMS.taxonomy_weight] * len(words)
    pool = [prepare(t, x) for t, x in unlabelled]
    layout = [
        (
            block,
            TfidfTransformer(sublinear_tf=True).fit(
                _hashed(docs + pool, block.analyzer(PARAMS.char_sizes), block.n_features)
            ),
        )
        for block in blocks_of(PARAMS)
    ]
    features = _features(docs, layout, PARAMS.char_sizes)
    svm = LinearSVC(C=PARAMS.c, class_weight="balanced", **options).fit(
        features, y, sample_weight=np.array(loss)
    )
    return layout, svm, np.array(loss)


def _margins(svm: LinearSVC, layout: Layout, docs: list[Doc]) -> np.ndarray:
    return np.asarray(svm.decision_function(_features(docs, layout, PARAMS.char_sizes)))


def _same_idf(model: Classifier, layout: Layout) -> bool:
    ours = model.layout()
    return len(ours) == len(layout) == len(blocks_of(PARAMS)) and all(
        a == b and np.array_equal(x.idf_, y.idf_) for (a, x), (b, y) in zip(ours, layout, strict=True)
    )


@pytest.fixture
def held_out() -> list[Doc]:
    return [prepare(t, x) for t, x, _ in messages(10, seed=11)]


def test_repeated_rows_give_the_model_of_the_rows_as_given(
    monkeypatch: pytest.MonkeyPatch, held_out: list[str]
) -> None:
    # given rows repeated up to twelve times, and repeated unlabelled messages
    labelled = _repeated(messages(6), seed=5)
    unlabelled = [(t, x) for t, x, _ in _repeated(messages(4, seed=7), seed=8)]
    tight = 1e-10  # the solver's tolerance, tight on both sides so that only the arithmetic differs
    monkeypatch.setattr(learn, "LinearSVC", functools.partial(LinearSVC, tol=tight, max_iter=100_000))

    # when trained with collapsing, and the old way
    model = train(labelled, unlabelled, TAXONOMY)
    layout, svm, _ = _reference(labelled, unlabelled, tol=tight, max_iter=100_000)

    # then the document frequencies count every repeat: every block's idf is the same to the last bit
    assert _same_idf(model, layout)
    # and the SVM is the same: margins (float32 weights) and labels on messages never seen
    assert model.labels == [str(c) for c in svm.classes_]
    expected = _margins(svm, layout, held_out)
    np.testing.assert_allclose(model.margins(held_out), expected, rtol=0, atol=1e-6)
    assert (model.margins(held_out).argmax(axis=1) == expected.argmax(axis=1)).all()
    # and the counts: the rows as given, and the distinct ones the SVM saw
    assert model.info["n_labelled"] == len(labelled)
    assert model.info["n_labelled_unique"] == len({(prepare(t, x), label) for t, x, label in labelled})
    assert model.info["n_labelled_unique"] < len(labelled)
    assert model.info["n_unlabelled"] == len(unlabelled)
    assert model.info["n_unlabelled_unique"] == len({prepare(t, x) for t, x in unlabelled})


def test_the_repeats_matter_in_this_data(monkeypatch: pytest.MonkeyPatch, held_out: list[str]) -> None:
    """The check above has teeth: an SVM on the distinct rows without their counts (the idf kept)
    is another model."""
    labelled = _repeated(messages(6), seed=5)
    tight = 1e-10
    monkeypatch.setattr(learn, "LinearSVC", functools.partial(LinearSVC, tol=tight, max_iter=100_000))
    model = train(labelled)  # no taxonomy, no unlabelled text: only the SVM's rows differ
    layout = model.layout()
    distinct = list(dict.fromkeys(labelled))
    svm = LinearSVC(C=PARAMS.c, class_weight="balanced", tol=tight, max_iter=100_000).fit(
        _features([prepare(t, x) for t, x, _ in distinct], layout, PARAMS.char_sizes),
        [label for *_, label in distinct],
    )
    assert np.abs(model.margins(held_out) - _margins(svm, layout, held_out)).max() > 1e-2


def test_without_repeats_the_model_is_the_same_to_the_last_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    labelled = messages(8)
    unlabelled = [(t, x) for t, x, _ in messages(4, seed=7)]
    # liblinear's shuffling seed, the same on both sides (scikit-learn's default tolerance)
    monkeypatch.setattr(learn, "LinearSVC", functools.partial(LinearSVC, random_state=3))
    model: Classifier = train(labelled, unlabelled, TAXONOMY)
    layout, svm, _ = _reference(labelled, unlabelled, random_state=3)
    assert model.info["n_labelled_unique"] == len(labelled)
    assert _same_idf(model, layout)
    assert model.weights is not None
    assert np.array_equal(model.weights.toarray(), svm.coef_.T.astype(np.float32))
    assert np.array_equal(model.bias, svm.intercept_)


def test_self_training_with_repeats_gives_the_model_of_the_rows_as_given(
    monkeypatch: pytest.MonkeyPatch, held_out: list[str]
) -> None:
    labelled = _repeated(messages(6), seed=5)
    unlabelled = [(t, x) for t, x, _ in _repeated(messages(4, seed=7), seed=8)]
    tight = 1e-10
    monkeypatch.setattr(learn, "LinearSVC", functools.partial(LinearSVC, tol=tight, max_iter=100_000))
    params = Params(self_training_rounds=2, self_training_per_class=5)
    model = train(labelled, unlabelled, TAXONOMY, params)

    # the reference: every unlabelled message as given, the 5 (then 10) most confident per class added
    layout, svm, loss = _reference(labelled, unlabelled, tol=tight, max_iter=100_000)
    docs = [prepare(t, x) for t, x, _ in labelled]
    docs += [phrase_doc(p) for words in TAXONOMY.values() for p in words]
    features = _features(docs, layout, PARAMS.char_sizes)
    target = np.array([label for *_, label in labelled] + [k for k, w in TAXONOMY.items() for _ in w])
    pool = _features([prepare(t, x) for t, x in unlabelled], layout, PARAMS.char_sizes)
    for round_no in (1, 2):
        margins = svm.decision_function(pool)
        best, conf = margins.argmax(axis=1), margins.max(axis=1)
        keep = sorted(
            i
            for k in range(len(svm.classes_))
            for i in np.flatnonzero(best == k)[np.argsort(-conf[best == k], kind="stable")][: 5 * round_no]
        )
        svm = LinearSVC(C=params.c, class_weight="balanced", tol=tight, max_iter=100_000).fit(
            vstack([features, pool[keep]]),
            np.concatenate([target, svm.classes_[best[keep]]]),
            sample_weight=np.concatenate([loss, np.ones(len(keep))]),
        )
    np.testing.assert_allclose(model.margins(held_out), _margins(svm, layout, held_out), rtol=0, atol=1e-6)
