"""The classifier itself, free of Django: features, training (with the taxonomy's words and
unlabelled messages), and prediction. ``triage_eval`` and production both train through ``train``.

Features: Chinese character 1-3-grams (jieba words optional: measured no better, five times
slower), hashed (no vocabulary kept in memory, the same size whatever the corpus) and weighted by
TF-IDF whose document frequencies are learnt from the labelled *and* unlabelled messages (the
unlabelled ones teach which character sequences are common on the board).
The title is counted ``text.TITLE_WEIGHT`` (4) times and the message cut to ``text.MAX_CHARS`` (600)
characters after it. Model: a linear SVM with balanced class weights. Extra training documents come
from the taxonomy: each category's own name, its keywords and the names below it, labelled with the category.
Self-training (optional, ``self_training_rounds``) adds the most confident unlabelled messages per
class as pseudo-labelled examples and refits.
Scores: a softmax over the SVM's decision values, scaled so that the score reads like a probability;
messages with few distinct Chinese characters (fewer than ``MIN_CJK``; distinct, so that the repeated
title or a repeated character does not count as evidence) get a proportionally lower confidence.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.svm import LinearSVC

from dangqun.triage.text import clean, tokens

WORD_FEATURES = 2**18
CHAR_FEATURES = 2**18
MIN_CJK = 6  # fewer distinct Chinese characters than this lowers the confidence in proportion
SCORE_SCALE = 20.0  # softmax temperature over SVM margins: least log-loss on the contest CV folds
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def char_ngrams(doc: str, sizes: tuple[int, ...] = (1, 2, 3)) -> list[str]:
    """Character n-grams (1- to 3-grams by default) of the Chinese runs of a cleaned message."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(doc):
        for n in sizes:
            grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return grams


@dataclass(frozen=True)
class Params:
    c: float = 0.25
    self_training_rounds: int = 0
    self_training_per_class: int = 100
    use_char: bool = True
    use_words: bool = False  # jieba words: no better than character n-grams here, and 5x slower
    char_sizes: tuple[int, ...] = (1, 2, 3)


@dataclass
class Classifier:
    labels: list[str]
    svm: LinearSVC | None  # None once ``weights`` holds the fitted margins (models from now on)
    word_idf: TfidfTransformer | None
    char_idf: TfidfTransformer | None
    char_sizes: tuple[int, ...] = (1, 2, 3)
    info: dict[str, object] = field(default_factory=dict)
    # The SVM's weights as a (features x labels) CSR matrix of float32, only the features seen in
    # training, and its intercepts: margins are ``X @ weights + bias``, one sparse product per batch.
    weights: csr_matrix | None = None
    bias: np.ndarray | None = None

    def margins(self, features: csr_matrix) -> np.ndarray:
        if self.weights is not None and self.bias is not None:
            return np.asarray((features @ self.weights).todense()) + self.bias
        if self.svm is None:
            raise ValueError("classifier has neither weights nor an SVM")
        margins = self.svm.decision_function(features)  # models stored before ``weights`` existed
        if margins.ndim == 1:  # two classes: sklearn returns one column
            margins = np.column_stack([-margins, margins])
        return margins

    def features(self, cleaned: Sequence[str]) -> csr_matrix:
        return _features(cleaned, self.word_idf, self.char_idf, self.char_sizes)

    def scores(self, cleaned: Sequence[str]) -> np.ndarray:
        """(n, labels) scores summing to 1 per message, damped for messages with little Chinese."""
        z = SCORE_SCALE * self.margins(self.features(cleaned))
        z -= z.max(axis=1, keepdims=True)
        probs = np.exp(z)
        probs /= probs.sum(axis=1, keepdims=True)
        evidence = np.array([min(1.0, len(set(_CJK.findall(doc))) / MIN_CJK) for doc in cleaned])
        uniform = 1.0 / len(self.labels)
        return uniform + (probs - uniform) * evidence[:, None]

    def top(self, title: str, text: str, k: int = 3) -> list[tuple[str, float]]:
        row = self.scores([clean(title, text)])[0]
        order = np.argsort(-row)[:k]
        return [(self.labels[i], float(row[i])) for i in order]

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        cleaned = [clean(t, x) for t, x in pairs]
        return [self.labels[i] for i in self.scores(cleaned).argmax(axis=1)]


@functools.cache
def _hashers(char_sizes: tuple[int, ...]) -> tuple[HashingVectorizer, HashingVectorizer]:
    """Stateless hashing vectorizers (nothing learnt, so nothing to store in the model)."""
    words = HashingVectorizer(analyzer=tokens, n_features=WORD_FEATURES, alternate_sign=False, norm=None)
    chars = HashingVectorizer(
        analyzer=functools.partial(char_ngrams, sizes=char_sizes),
        n_features=CHAR_FEATURES,
        alternate_sign=False,
        norm=None,
    )
    return words, chars


def _features(
    cleaned: Sequence[str],
    word_idf: TfidfTransformer | None,
    char_idf: TfidfTransformer | None,
    char_sizes: tuple[int, ...],
) -> csr_matrix:
    words, chars = _hashers(char_sizes)
    parts = []
    if word_idf is not None:
        parts.append(word_idf.transform(words.transform(cleaned)))
    if char_idf is not None:
        parts.append(char_idf.transform(chars.transform(cleaned)))
    if len(parts) == 1:
        return parts[0].tocsr()
    return hstack(parts).tocsr() / np.sqrt(len(parts))


def train(
    labelled: Sequence[tuple[str, str, str]],
    unlabelled: Sequence[tuple[str, str]] = (),
    taxonomy: Mapping[str, Sequence[str]] | None = None,
    params: Params | None = None,
) -> Classifier:
    """Fit on (title, text, label) rows, unlabelled (title, text) rows and ``taxonomy`` (label → its
    words). Needs at least two labels among the labelled rows and the taxonomy together."""
    params = params or Params()
    started = time.perf_counter()
    docs = [clean(t, x) for t, x, _ in labelled]
    y = [label for *_, label in labelled]
    for label, words in (taxonomy or {}).items():
        for phrase in words:
            if phrase.strip():
                docs.append(clean(phrase, "", title_weight=1))
                y.append(label)
    labels = sorted(set(y))
    if len(labels) < 2:
        raise ValueError(_("训练数据至少需要两个分类"))
    pool = [clean(t, x) for t, x in unlabelled]
    words, chars = _hashers(params.char_sizes)
    corpus = docs + pool
    word_idf = TfidfTransformer(sublinear_tf=True).fit(words.transform(corpus)) if params.use_words else None
    char_idf = TfidfTransformer(sublinear_tf=True).fit(chars.transform(corpus)) if params.use_char else None
    features = _features(docs, word_idf, char_idf, params.char_sizes)
    target = np.array(y)
    svm = LinearSVC(C=params.c, class_weight="balanced").fit(features, target)
    if params.self_training_rounds and pool:
        pool_features = _features(pool, word_idf, char_idf, params.char_sizes)
        for round_no in range(1, params.self_training_rounds + 1):
            margins = svm.decision_function(pool_features)
            if margins.ndim == 1:
                margins = np.column_stack([-margins, margins])
            best, conf = margins.argmax(axis=1), margins.max(axis=1)
            chosen: list[int] = []
            for k in range(len(svm.classes_)):
                idx = np.flatnonzero(best == k)
                chosen.extend(idx[np.argsort(-conf[idx])][: params.self_training_per_class * round_no])
            keep = np.array(sorted(chosen), dtype=int)
            svm = LinearSVC(C=params.c, class_weight="balanced").fit(
                vstack([features, pool_features[keep]]), np.concatenate([target, svm.classes_[best[keep]]])
            )
    # Hashed features never seen in training keep a weight of exactly zero: a sparse weight matrix
    # makes the stored model proportional to the vocabulary seen, not to classes x 2**18 (hundreds of
    # second-level classes would otherwise pickle to hundreds of megabytes). Stored transposed
    # (features x labels, CSR) so that a prediction is one sparse product with no transposition per
    # call (``LinearSVC.sparsify`` transposes its matrix on every call: 6x slower for one message).
    coef, intercept = svm.coef_, np.asarray(svm.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # two classes: one column of margins, for the second class
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    classifier = Classifier(
        labels=[str(c) for c in svm.classes_],
        svm=None,
        word_idf=word_idf,
        char_idf=char_idf,
        char_sizes=params.char_sizes,
        weights=csr_matrix(coef).T.tocsr().astype(np.float32),
        bias=intercept,
    )
    classifier.info = {
        "n_labelled": len(labelled),
        "n_taxonomy_docs": len(docs) - len(labelled),
        "n_unlabelled": len(pool),
        "train_seconds": round(time.perf_counter() - started, 3),
        "params": params.__dict__,
    }
    return classifier
