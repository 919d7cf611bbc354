"""The classifier itself, free of Django: features, training (with the taxonomy's words and
unlabelled messages), and prediction. ``triage_eval`` and production both train through ``train``.

Features come in blocks (``Block``), each hashed (no vocabulary kept in memory, the same size whatever
the corpus), weighted by its own TF-IDF whose document frequencies are learnt from the labelled *and*
unlabelled messages (the unlabelled ones teach which sequences are common on the board), L2-normalised,
and stacked with its weight (the weights' squares sum to one, so a message's whole row has unit length):

- the message's Chinese character 1-3-grams, weight 1: the title counted ``text.TITLE_WEIGHT`` (4) times
  and the message cut to ``text.MAX_CHARS`` (600) characters after it;
- the title's character 1-3-grams on their own, weight ``Params.title_chars`` (0.4);
- the title's jieba words, weight ``Params.title_words`` (0.5): titles are short, so jieba costs little;
- optionally the whole message's jieba words (``Params.use_words``, off: five times slower, no better).

The title blocks and the taxonomy's weight were chosen by nested cross-validation on the contest's
messages and kept because they win on the time-ordered check by more than its noise (docs/benchmarks.md,
Triage, "Accuracy on messages the model has not seen"). Model: a linear SVM with balanced class weights.
Extra training documents come from the taxonomy: each category's own name, its keywords and the names
below it, labelled with the category and counted ``Params.taxonomy_weight`` (3) times in the loss.
Self-training (optional, ``self_training_rounds``) adds the most confident unlabelled messages per
class as pseudo-labelled examples and refits (measured worse; off).
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
from typing import TypeVar

import numpy as np
from django.utils.translation import gettext as _
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC

from dangqun.triage.text import Doc, phrase_doc, prepare, tokens

WORD_FEATURES = 2**18
CHAR_FEATURES = 2**18
MIN_CJK = 6  # fewer distinct Chinese characters than this lowers the confidence in proportion
SCORE_SCALE = 20.0  # softmax temperature over SVM margins: least log-loss on the contest CV folds
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
T = TypeVar("T")


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
    use_words: bool = False  # jieba words of the whole message: no better than characters, 5x slower
    char_sizes: tuple[int, ...] = (1, 2, 3)
    title_chars: float = 0.4  # weight of the title's own character block (0: none)
    title_words: float = 0.5  # weight of the title's own jieba-word block (0: none)
    taxonomy_weight: float = 3.0  # a taxonomy document counts this many times in the SVM's loss


@dataclass(frozen=True)
class Block:
    """One feature block: the message or the title, cut into characters n-grams or jieba words."""

    source: str  # "message" | "title"
    unit: str  # "chars" | "words"
    weight: float = 1.0

    @property
    def n_features(self) -> int:
        return WORD_FEATURES if self.unit == "words" else CHAR_FEATURES

    def analyzer(self, char_sizes: tuple[int, ...]) -> Callable[[Doc], list[str]]:
        cut: Callable[[str], list[str]] = (
            tokens if self.unit == "words" else functools.partial(char_ngrams, sizes=char_sizes)
        )
        if self.source == "title":
            return lambda doc: cut(doc.title)
        return lambda doc: cut(doc.message)


def blocks_of(params: Params) -> tuple[Block, ...]:
    blocks = []
    if params.use_words:
        blocks.append(Block("message", "words"))
    if params.use_char:
        blocks.append(Block("message", "chars"))
    if params.title_chars > 0:
        blocks.append(Block("title", "chars", params.title_chars))
    if params.title_words > 0:
        blocks.append(Block("title", "words", params.title_words))
    return tuple(blocks)


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
    # Models stored before feature blocks existed: the message's words and characters, equal weights.
    word_idf: TfidfTransformer | None
    char_idf: TfidfTransformer | None
    char_sizes: tuple[int, ...] = (1, 2, 3)
    info: dict[str, object] = field(default_factory=dict)
    # The SVM's weights as a (features x labels) CSR matrix of float32, only the features seen in
    # training, and its intercepts: margins are ``X @ weights + bias``. This is the stored form;
    # prediction uses ``_Compact``, derived from it once per process (never pickled).
    weights: csr_matrix | None = None
    bias: np.ndarray | None = None
    # The feature blocks and their fitted TF-IDF, in the order the columns are stacked. Empty in
    # models stored before blocks existed (``word_idf`` and ``char_idf`` describe those).
    blocks: tuple[Block, ...] = ()
    idfs: tuple[TfidfTransformer, ...] = ()

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

    def layout(self) -> list[tuple[Block, TfidfTransformer]]:
        """(block, its TF-IDF) in the order the feature columns are stacked."""
        if self.blocks:
            return list(zip(self.blocks, self.idfs, strict=True))
        legacy = [(Block("message", "words"), self.word_idf), (Block("message", "chars"), self.char_idf)]
        return [(block, idf) for block, idf in legacy if idf is not None]

    def margins(self, docs: Sequence[Doc]) -> np.ndarray:
        """(n, labels) decision values of prepared messages: ``tfidf(x) @ weights + bias``."""
        if self.weights is None or self.bias is None:  # models stored before ``weights`` existed
            if self.svm is None:
                raise ValueError("classifier has neither weights nor an SVM")
            margins = self.svm.decision_function(self.features(docs))
            if margins.ndim == 1:  # two classes: sklearn returns one column
                margins = np.column_stack([-margins, margins])
            return np.asarray(margins)
        out = np.tile(self.bias.astype(np.float64), (len(docs), 1))
        if not docs:
            return out
        compact = self._compact_weights(self.weights)
        layout = self.layout()
        norm = _norm(layout)
        # Per block, for the whole batch: each hashed feature's row in the dense weights (-1: never
        # seen in training) and its sublinear TF-IDF value before the message's normalisation. These
        # are element-wise, so a message gets the same values alone or in a batch.
        blocks = []
        offset = 0
        for block, idf in layout:
            counts = _hashed(docs, block.analyzer(self.char_sizes), block.n_features)
            values = (np.log(counts.data) + 1.0) * idf.idf_[counts.indices]
            blocks.append(
                (counts.indptr, compact.row_of[counts.indices + offset], values, block.weight / norm)
            )
            offset += block.n_features
        for i in range(len(docs)):
            rows, weighted = _message_features(blocks, i)
            if len(rows):
                out[i] += weighted @ compact.dense[rows].astype(np.float64)
        return out

    def features(self, docs: Sequence[Doc]) -> csr_matrix:
        return _features(docs, self.layout(), self.char_sizes)

    def scores(self, docs: Sequence[Doc]) -> np.ndarray:
        """(n, labels) scores summing to 1 per message, damped for messages with little Chinese."""
        z = SCORE_SCALE * self.margins(docs)
        z -= z.max(axis=1, keepdims=True)
        probs = np.exp(z)
        probs /= probs.sum(axis=1, keepdims=True)
        evidence = np.array([min(1.0, len(set(_CJK.findall(doc.message))) / MIN_CJK) for doc in docs])
        uniform = 1.0 / len(self.labels)
        damped: np.ndarray = uniform + (probs - uniform) * evidence[:, None]
        return damped

    def top(self, title: str, text: str, k: int = 3) -> list[tuple[str, float]]:
        row = self.scores([prepare(title, text)])[0]
        order = np.argsort(-row)[:k]
        return [(self.labels[i], float(row[i])) for i in order]

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        docs = [prepare(t, x) for t, x in pairs]
        return [self.labels[i] for i in self.scores(docs).argmax(axis=1)]


def _norm(layout: Sequence[tuple[Block, TfidfTransformer]]) -> float:
    """Each block's unit-length row is scaled by weight / norm, so that a whole row has unit length."""
    return float(np.sqrt(sum(block.weight**2 for block, _ in layout)))


def _message_features(
    blocks: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, float]], i: int
) -> tuple[np.ndarray, np.ndarray]:
    """Message ``i``'s features seen in training, over all blocks: (rows of the dense weights,
    values). Each block's values are L2-normalised over the message's features in that block (seen or
    not, as scikit-learn's TF-IDF does) and scaled by the block's share, as in training."""
    rows_parts, value_parts = [], []
    for indptr, rows, values, scale in blocks:
        start, end = indptr[i], indptr[i + 1]
        if start < end:
            block_values = values[start:end]
            block_rows = rows[start:end]
            known = block_rows >= 0
            rows_parts.append(block_rows[known])
            value_parts.append(block_values[known] * (scale / np.sqrt(block_values @ block_values)))
    if not rows_parts:
        return np.empty(0, dtype=np.int32), np.empty(0)
    return np.concatenate(rows_parts), np.concatenate(value_parts)


@functools.cache
def _hasher(n_features: int) -> FeatureHasher:
    """Stateless (nothing learnt, nothing stored in the model); the same hashing as scikit-learn's
    ``HashingVectorizer`` with ``alternate_sign=False``, fed (token, count) pairs so that each
    distinct token is hashed once."""
    return FeatureHasher(n_features=n_features, input_type="pair", alternate_sign=False)


def _hashed(docs: Sequence[T], analyzer: Callable[[T], list[str]], n_features: int) -> csr_matrix:
    """Counts of hashed tokens, one row per message, columns sorted within a row."""
    return csr_matrix(_hasher(n_features).transform([Counter(analyzer(doc)).items() for doc in docs]))


def _features(
    docs: Sequence[Doc], layout: Sequence[tuple[Block, TfidfTransformer]], char_sizes: tuple[int, ...]
) -> csr_matrix:
    """Training features (scikit-learn's TF-IDF; prediction computes the same values per message)."""
    return _weighted(
        [_hashed(docs, block.analyzer(char_sizes), block.n_features) for block, _ in layout], layout
    )


def _weighted(hashed: Sequence[csr_matrix], layout: Sequence[tuple[Block, TfidfTransformer]]) -> csr_matrix:
    """TF-IDF of each block's hashed counts, scaled by the block's weight over the layout's norm, stacked."""
    norm = _norm(layout)
    parts = [
        idf.transform(counts) * (block.weight / norm)
        for counts, (block, idf) in zip(hashed, layout, strict=True)
    ]
    return csr_matrix(hstack(parts)) if len(parts) > 1 else csr_matrix(parts[0])


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
    """A linear SVM with balanced class weights on rows each standing for identical rows whose loss
    weights sum to ``weight`` (one per labelled message, ``Params.taxonomy_weight`` per taxonomy document).

    The balanced weights are computed here from the weight per class (``n / (classes x weight)``:
    scikit-learn's formula with sample weights, which is what ``class_weight="balanced"`` computes
    in the scikit-learn we pin), that is from the rows as they were before collapsing, and passed as
    an explicit ``class_weight``; the weights go in ``sample_weight``. In liblinear's one-vs-rest
    subproblem for class ``k`` a row costs ``C x sample_weight``, times ``class_weight[k]`` when it
    belongs to ``k`` (the class weight applies to the positive side only, so it cannot be folded into
    ``sample_weight``): a row standing for ``m`` copies costs what the copies cost together, and the
    loss is the one on the repeated rows. Explicit, so that it does not change with scikit-learn's
    handling of ``sample_weight`` in ``"balanced"`` (which has changed between versions).

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


def _preparer() -> Callable[[str, str], Doc]:
    """``text.prepare`` that prepares each distinct (title, text) once: repeated messages are common."""
    done: dict[tuple[str, str], Doc] = {}

    def prepared(title: str, text: str) -> Doc:
        key = (title, text)
        if key not in done:
            done[key] = prepare(title, text)
        return done[key]

    return prepared


def train(
    labelled: Sequence[tuple[str, str, str]],
    unlabelled: Sequence[tuple[str, str]] = (),
    taxonomy: Mapping[str, Sequence[str]] | None = None,
    params: Params | None = None,
) -> Classifier:
    """Fit on (title, text, label) rows, unlabelled (title, text) rows and ``taxonomy`` (label → its
    words). Needs at least two labels among the labelled rows and the taxonomy together.

    Identical documents are collapsed (residents repeat the same complaint word for word): each
    distinct prepared message is hashed once, its document frequency counts it as many times as it
    occurs, and each distinct (message, label) pair is one SVM row weighted by its count (a taxonomy
    document by ``Params.taxonomy_weight`` each), with the balanced class weights of the rows as given.
    The loss is the one on the rows as given, so the model is the same up to the solver's tolerance
    (``tests/triage/test_learn_repeats.py``), and to the last bit when nothing repeats."""
    params = params or Params()
    started = time.perf_counter()
    prepared = _preparer()
    docs = [prepared(t, x) for t, x, _ in labelled]
    y = [label for *_, label in labelled]
    loss = [1.0] * len(docs)
    for label, words in (taxonomy or {}).items():
        for phrase in words:
            if phrase.strip():
                docs.append(phrase_doc(phrase))
                y.append(label)
                loss.append(params.taxonomy_weight)
    labels = sorted(set(y))
    if len(labels) < 2:
        raise ValueError(_("训练数据至少需要两个分类"))
    blocks = blocks_of(params)
    if not blocks:
        raise ValueError("Params select no feature block")
    pool = [prepared(t, x) for t, x in unlabelled]
    # Distinct documents of the whole corpus, in order of first occurrence, and how often each occurs.
    position: dict[Doc, int] = {}
    doc_rows = [position.setdefault(doc, len(position)) for doc in docs]
    pool_rows = [position.setdefault(doc, len(position)) for doc in pool]
    corpus = list(position)
    multiplicity = np.bincount(np.array(doc_rows + pool_rows, dtype=np.int64), minlength=len(corpus))
    # Distinct (document, label) pairs, in order of first occurrence (the rows as given when nothing
    # repeats), and their summed loss weights: the SVM's rows.
    index_of = {label: i for i, label in enumerate(labels)}  # the SVM's classes: indices into labels
    pairs: dict[tuple[int, int], float] = {}
    for row, label, row_loss in zip(doc_rows, y, loss, strict=True):
        key = (row, index_of[label])
        pairs[key] = pairs.get(key, 0.0) + row_loss
    rows = np.array([row for row, _ in pairs], dtype=np.int64)
    target = np.array([k for _, k in pairs], dtype=np.int64)
    weight = np.array(list(pairs.values()), dtype=np.float64)
    hashed = [_hashed(corpus, block.analyzer(params.char_sizes), block.n_features) for block in blocks]
    layout = [(block, _idf(counts, multiplicity)) for block, counts in zip(blocks, hashed, strict=True)]
    features = _weighted([counts[rows] for counts in hashed], layout)
    svm = _fit_svm(features, target, weight, params.c)
    if params.self_training_rounds and pool:
        # Every unlabelled message as given (repeats included), so that the most confident ones per
        # class are chosen as before; only their hashing is shared.
        pool_index = np.array(pool_rows, dtype=np.int64)
        pool_features = _weighted([counts[pool_index] for counts in hashed], layout)
        svm = _self_train(
            svm,
            features=features,
            target=target,
            weight=weight,
            pool_features=pool_features,
            params=params,
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
        word_idf=None,
        char_idf=None,
        char_sizes=params.char_sizes,
        blocks=blocks,
        idfs=tuple(idf for _, idf in layout),
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
