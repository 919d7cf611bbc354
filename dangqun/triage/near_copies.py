"""Near-copies among labelled messages, for honest evaluation: a resident who posts the same complaint
twice rarely posts it word for word (a fixed typo, a sentence added, the title reworded). Such messages
must stay in one cross-validation fold, or the score rewards what the model memorised.

Two messages are near-copies when the sets of Chinese character 2-3-grams of their prepared messages
have a cosine of at least ``MESSAGE_COSINE``, or those of their titles at least ``TITLE_COSINE``; groups
are the connected components of that relation (exact copies included). On the contest's 495 labelled
messages this joins three pairs (one of them the same message labelled twice, differently).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from dangqun.triage.learn import char_ngrams
from dangqun.triage.text import Doc

MESSAGE_COSINE = 0.8
TITLE_COSINE = 0.7
BLOCK_ROWS = 512  # rows of the similarity product at a time: memory stays bounded for 50,000 messages


def _shingles(texts: Sequence[str]) -> csr_matrix:
    """Unit-length rows of each text's set of character 2-3-grams (binary), so a product is a cosine."""
    vectorizer = CountVectorizer(analyzer=lambda text: sorted(set(char_ngrams(text, (2, 3)))), binary=True)
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # no text holds any Chinese: nothing is a near-copy of anything
        return csr_matrix((len(texts), 1))
    return csr_matrix(normalize(counts.astype(np.float64)))


def _close_pairs(vectors: csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = [], []
    for start in range(0, vectors.shape[0], BLOCK_ROWS):
        block = (vectors[start : start + BLOCK_ROWS] @ vectors.T).tocoo()
        keep = block.data >= threshold - 1e-9
        rows.append(block.row[keep] + start)
        cols.append(block.col[keep])
    return np.concatenate(rows or [np.empty(0, int)]), np.concatenate(cols or [np.empty(0, int)])


def near_copy_groups(docs: Sequence[Doc]) -> np.ndarray:
    """One group number per message; near-copies (and exact copies) share theirs."""
    n = len(docs)
    if n == 0:
        return np.empty(0, dtype=int)
    pairs = [
        _close_pairs(_shingles([doc.message for doc in docs]), MESSAGE_COSINE),
        _close_pairs(_shingles([doc.title for doc in docs]), TITLE_COSINE),
    ]
    # exact copies: a message with no Chinese has an empty row, so its copies are joined here
    first: dict[Doc, int] = {}
    copies = np.array([first.setdefault(doc, i) for i, doc in enumerate(docs)], dtype=int)
    pairs.append((np.arange(n), copies))
    rows = np.concatenate([r for r, _ in pairs])
    cols = np.concatenate([c for _, c in pairs])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, groups = connected_components(graph, directed=False)
    return np.asarray(groups, dtype=int)
