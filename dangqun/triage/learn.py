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

Prediction does not go through scikit-learn's estimators: one message at intake would pay more for
their input validation and sparse-matrix plumbing than for the arithmetic. The n-grams are hashed
once per batch, then each message's TF-IDF row and margins are computed with numpy on its own few
hundred hashed features against a dense (features seen in training x labels) copy of the weights
(``_Compact``), so a batch and a single message run the same per-message arithmetic and give the
same scores to the last bit.
"""

from __future__ import annotations

import functools
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import TfidfTransformer
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
            if n == 1:
                grams += run
            else:
                grams += [run[i : i + n] for i in range(len(run) - n + 1)]
    return grams


@dataclass(frozen=True)
class Params:
    c: float = 0.25
    self_training_rounds: int = 0
    self_training_per_class: int = 100
    use_char: bool = True
    use_words: bool = False  # jieba words: no better than character n-grams here, and 5x slower
    char_sizes: tuple[int, ...] = (1, 2, 3)


@dataclass(frozen=True)
class _Compact:
    """The fitted weights for prediction: ``dense[row_of[feature]]`` is a feature's weight per label
    (``row_of`` is -1 for features never seen in training, whose weights are zero). As large as the
    stored sparse matrix's values, with no per-call transposition or dtype conversion."""

    row_of: np.ndarray  # int32, one entry per hashed feature
    dense: np.ndarray  # float32, (features seen in training, labels)

    @classmethod
    def of(cls, weights: csr_matrix) -> _Compact:
        weights = weights.tocsr()
        seen = np.flatnonzero(np.diff(weights.indptr))
        row_of = np.full(weights.shape[0], -1, dtype=np.int32)
        row_of[seen] = np.arange(len(seen), dtype=np.int32)
        dense = np.ascontiguousarray(weights[seen].toarray(), dtype=np.float32)
        return cls(row_of=row_of, dense=dense)


@dataclass
class Classifier:
    labels: list[str]
    svm: LinearSVC | None  # None once ``weights`` holds the fitted margins (models from now on)
    word_idf: TfidfTransformer | None
    char_idf: TfidfTransformer | None
    char_sizes: tuple[int, ...] = (1, 2, 3)
    info: dict[str, object] = field(default_factory=dict)
    # The SVM's weights as a (features x labels) CSR matrix of float32, only the features seen in
    # training, and its intercepts: margins are ``X @ weights + bias``. This is the stored form;
    # prediction uses ``_Compact``, derived from it once per process (never pickled).
    weights: csr_matrix | None = None
    bias: np.ndarray | None = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_compact", None)
        return state

    def _compact_weights(self, weights: csr_matrix) -> _Compact:
        compact = self.__dict__.get("_compact")
        if compact is None:  # two threads may both build it: same result, one is kept
            compact = _Compact.of(weights)
            self.__dict__["_compact"] = compact
        return compact

    def _views(self) -> list[tuple[Callable[[str], list[str]], np.ndarray, int]]:
        """(analyzer, idf, column offset) per feature block, in the order ``_features`` stacks them."""
        views: list[tuple[Callable[[str], list[str]], np.ndarray, int]] = []
        offset = 0
        if self.word_idf is not None:
            views.append((tokens, self.word_idf.idf_, offset))
            offset += WORD_FEATURES
        if self.char_idf is not None:
            views.append((functools.partial(char_ngrams, sizes=self.char_sizes), self.char_idf.idf_, offset))
        return views

    def margins(self, cleaned: Sequence[str]) -> np.ndarray:
        """(n, labels) decision values of cleaned messages: ``tfidf(x) @ weights + bias``."""
        if self.weights is None or self.bias is None:  # models stored before ``weights`` existed
            if self.svm is None:
                raise ValueError("classifier has neither weights nor an SVM")
            margins = self.svm.decision_function(self.features(cleaned))
            if margins.ndim == 1:  # two classes: sklearn returns one column
                margins = np.column_stack([-margins, margins])
            return np.asarray(margins)
        out = np.tile(self.bias.astype(np.float64), (len(cleaned), 1))
        if not cleaned:
            return out
        compact = self._compact_weights(self.weights)
        views = self._views()
        scale = 1.0 / np.sqrt(len(views))  # the blocks are stacked with equal weight, as in training
        for analyzer, idf, offset in views:
            counts = _hashed(cleaned, analyzer, len(idf))
            indptr, indices, values = counts.indptr, counts.indices, counts.data
            for i in range(len(cleaned)):
                start, end = indptr[i], indptr[i + 1]
                if start < end:
                    out[i] += _row_margins(
                        indices[start:end],
                        values[start:end],
                        idf=idf,
                        offset=offset,
                        scale=scale,
                        compact=compact,
                    )
        return out

    def features(self, cleaned: Sequence[str]) -> csr_matrix:
        return _features(cleaned, self.word_idf, self.char_idf, self.char_sizes)

    def scores(self, cleaned: Sequence[str]) -> np.ndarray:
        """(n, labels) scores summing to 1 per message, damped for messages with little Chinese."""
        z = SCORE_SCALE * self.margins(cleaned)
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


def _row_margins(
    columns: np.ndarray, counts: np.ndarray, *, idf: np.ndarray, offset: int, scale: float, compact: _Compact
) -> np.ndarray:
    """One message's margins from one feature block: sublinear TF-IDF (1 + log count) x idf, L2
    normalised and scaled as in training, times the weights of the features seen in training."""
    values = (np.log(counts) + 1.0) * idf[columns]
    values *= scale / np.sqrt(values @ values)
    rows = compact.row_of[columns + offset]
    known = rows >= 0
    return np.asarray(values[known] @ compact.dense[rows[known]].astype(np.float64))


@functools.cache
def _hasher(n_features: int) -> FeatureHasher:
    """Stateless (nothing learnt, nothing stored in the model); the same hashing as scikit-learn's
    ``HashingVectorizer`` with ``alternate_sign=False``, fed (token, count) pairs so that each
    distinct token is hashed once."""
    return FeatureHasher(n_features=n_features, input_type="pair", alternate_sign=False)


def _hashed(cleaned: Sequence[str], analyzer: Callable[[str], list[str]], n_features: int) -> csr_matrix:
    """Counts of hashed tokens, one row per message, columns sorted within a row."""
    return csr_matrix(_hasher(n_features).transform([Counter(analyzer(doc)).items() for doc in cleaned]))


def _features(
    cleaned: Sequence[str],
    word_idf: TfidfTransformer | None,
    char_idf: TfidfTransformer | None,
    char_sizes: tuple[int, ...],
) -> csr_matrix:
    """Training features (scikit-learn's TF-IDF; prediction computes the same values per message)."""
    hashed = []
    if word_idf is not None:
        hashed.append(_hashed(cleaned, tokens, WORD_FEATURES))
    if char_idf is not None:
        hashed.append(_hashed(cleaned, functools.partial(char_ngrams, sizes=char_sizes), CHAR_FEATURES))
    return _weighted(hashed, [t for t in (word_idf, char_idf) if t is not None])


def _weighted(hashed: Sequence[csr_matrix], idfs: Sequence[TfidfTransformer]) -> csr_matrix:
    """TF-IDF of hashed counts, one block per feature kind, stacked with equal weight."""
    parts = [idf.transform(counts) for counts, idf in zip(hashed, idfs, strict=True)]
    if len(parts) == 1:
        return csr_matrix(parts[0])
    return csr_matrix(hstack(parts)) / np.sqrt(len(parts))


def _idf(counts: csr_matrix, multiplicity: np.ndarray) -> TfidfTransformer:
    """``TfidfTransformer(sublinear_tf=True)`` fitted on the rows of ``counts`` each repeated
    ``multiplicity`` times, without repeating them: a feature's document frequency is the sum of the
    multiplicities of the rows holding it. The arithmetic after the counts is scikit-learn's own
    (``TfidfTransformer.fit``, smooth idf), on the same integer-valued counts, so the idf is equal to
    the last bit to a fit on the repeated rows (``tests/triage/test_learn_repeats.py``)."""
    transformer = TfidfTransformer(sublinear_tf=True).fit(counts)  # the fitted state; idf_ replaced
    rows_of_values = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    weights = multiplicity[rows_of_values].astype(np.float64)
    df = np.bincount(counts.indices, weights=weights, minlength=counts.shape[1]).astype(
        np.float64, copy=False
    )
    df += 1.0
    n_documents = int(multiplicity.sum()) + 1
    idf = np.full_like(df, fill_value=n_documents, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    transformer.idf_ = idf
    return transformer


def _fit_svm(features: csr_matrix, target: np.ndarray, weight: np.ndarray, c: float) -> LinearSVC:
    """A linear SVM with balanced class weights on rows each standing for ``weight`` identical rows.

    The balanced weights are computed here from the weighted counts per class, that is from the rows
    as they were before collapsing (``n / (classes x count)``, scikit-learn's formula), and passed as
    an explicit ``class_weight``; the counts go in ``sample_weight``. In liblinear's one-vs-rest
    subproblem for class ``k`` a row costs ``C x sample_weight``, times ``class_weight[k]`` when it
    belongs to ``k`` (the class weight applies to the positive side only, so it cannot be folded
    into ``sample_weight``): a row standing for ``m`` copies costs what the copies cost together, and
    the loss is the one on the repeated rows. Not left to ``class_weight="balanced"``, whose use of
    ``sample_weight`` has changed between scikit-learn versions.

    ``target`` holds label indices (integers): scikit-learn looks a string label that reads as a
    number ("101", a category code) up in a ``class_weight`` dict as an integer."""
    classes, y_index = np.unique(target, return_inverse=True)
    per_class = np.bincount(y_index, weights=weight.astype(np.float64))
    balanced = per_class.sum() / (len(classes) * per_class)
    class_weight = {int(k): float(w) for k, w in zip(classes, balanced, strict=True)}
    return LinearSVC(C=c, class_weight=class_weight).fit(features, target, sample_weight=weight)


def _self_train(
    svm: LinearSVC,
    *,
    features: csr_matrix,
    target: np.ndarray,
    weight: np.ndarray,
    pool_features: csr_matrix,
    params: Params,
) -> LinearSVC:
    """Refit with the most confident unlabelled messages per class as pseudo-labelled rows, more of
    them each round (``Params.self_training_rounds``; off by default)."""
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
        svm = _fit_svm(
            csr_matrix(vstack([features, pool_features[keep]])),
            np.concatenate([target, svm.classes_[best[keep]]]),
            np.concatenate([weight, np.ones(len(keep))]),
            params.c,
        )
    return svm


def _cleaner() -> Callable[[str, str], str]:
    """``text.clean`` that cleans each distinct (title, text) once: repeated messages are common."""
    done: dict[tuple[str, str], str] = {}

    def cleaned(title: str, text: str) -> str:
        key = (title, text)
        if key not in done:
            done[key] = clean(title, text)
        return done[key]

    return cleaned


def train(
    labelled: Sequence[tuple[str, str, str]],
    unlabelled: Sequence[tuple[str, str]] = (),
    taxonomy: Mapping[str, Sequence[str]] | None = None,
    params: Params | None = None,
) -> Classifier:
    """Fit on (title, text, label) rows, unlabelled (title, text) rows and ``taxonomy`` (label → its
    words). Needs at least two labels among the labelled rows and the taxonomy together.

    Identical documents are collapsed (residents repeat the same complaint word for word): each
    distinct cleaned text is hashed once, its document frequency counts it as many times as it
    occurs, and each distinct (cleaned text, label) pair is one SVM row weighted by its count, with
    the balanced class weights of the rows as given. The loss is the one on the rows as given, so
    the model is the same up to the solver's tolerance (``tests/triage/test_learn_repeats.py``), and to the
    last bit when nothing repeats."""
    params = params or Params()
    started = time.perf_counter()
    cleaned = _cleaner()
    docs = [cleaned(t, x) for t, x, _ in labelled]
    y = [label for *_, label in labelled]
    for label, words in (taxonomy or {}).items():
        for phrase in words:
            if phrase.strip():
                docs.append(clean(phrase, "", title_weight=1))
                y.append(label)
    labels = sorted(set(y))
    if len(labels) < 2:
        raise ValueError(_("训练数据至少需要两个分类"))
    pool = [cleaned(t, x) for t, x in unlabelled]
    # Distinct documents of the whole corpus, in order of first occurrence, and how often each occurs.
    position: dict[str, int] = {}
    doc_rows = [position.setdefault(doc, len(position)) for doc in docs]
    pool_rows = [position.setdefault(doc, len(position)) for doc in pool]
    corpus = list(position)
    multiplicity = np.bincount(np.array(doc_rows + pool_rows, dtype=np.int64), minlength=len(corpus))
    # Distinct (document, label) pairs, in order of first occurrence (the rows as given when nothing
    # repeats), and their counts: the SVM's rows and weights.
    pairs = Counter(zip(doc_rows, y, strict=True))
    rows = np.array([row for row, _ in pairs], dtype=np.int64)
    index_of = {label: i for i, label in enumerate(labels)}  # the SVM's classes: indices into labels
    target = np.array([index_of[label] for _, label in pairs], dtype=np.int64)
    weight = np.array(list(pairs.values()), dtype=np.float64)
    hashed, idfs = [], []
    word_idf = char_idf = None
    if params.use_words:
        hashed.append(_hashed(corpus, tokens, WORD_FEATURES))
        word_idf = _idf(hashed[-1], multiplicity)
        idfs.append(word_idf)
    if params.use_char:
        hashed.append(_hashed(corpus, functools.partial(char_ngrams, sizes=params.char_sizes), CHAR_FEATURES))
        char_idf = _idf(hashed[-1], multiplicity)
        idfs.append(char_idf)
    features = _weighted([counts[rows] for counts in hashed], idfs)
    svm = _fit_svm(features, target, weight, params.c)
    if params.self_training_rounds and pool:
        # Every unlabelled message as given (repeats included), so that the most confident ones per
        # class are chosen as before; only their hashing is shared.
        pool_features = _weighted([counts[np.array(pool_rows, dtype=np.int64)] for counts in hashed], idfs)
        svm = _self_train(
            svm, features=features, target=target, weight=weight, pool_features=pool_features, params=params
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
        labels=[labels[int(i)] for i in svm.classes_],
        svm=None,
        word_idf=word_idf,
        char_idf=char_idf,
        char_sizes=params.char_sizes,
        weights=csr_matrix(coef).T.tocsr().astype(np.float32),
        bias=intercept,
    )
    classifier.info = {
        "n_labelled": len(labelled),
        "n_labelled_unique": len(set(zip(doc_rows[: len(labelled)], y[: len(labelled)], strict=True))),
        "n_train_rows": len(rows),
        "n_taxonomy_docs": len(docs) - len(labelled),
        "n_unlabelled": len(pool),
        "n_unlabelled_unique": len(set(pool_rows)),
        "train_seconds": round(time.perf_counter() - started, 3),
        "params": params.__dict__,
    }
    return classifier
