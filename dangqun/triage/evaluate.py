"""Scores for a classifier, all through ``learn.train`` (the path production uses): held-out
evaluation, repeated grouped k-fold cross-validation with its noise, the time-ordered check (train on
the earlier messages, score the later ones), and the rule for changing the model: a candidate
configuration replaces the simpler one only when it wins on the time-ordered check by more than that
check's noise, measured on the same resamples for both (``compare_time_ordered``)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold

from dangqun.triage.learn import Classifier, Params, train
from dangqun.triage.near_copies import near_copy_groups
from dangqun.triage.text import prepare

# For choosing the auto-dispatch threshold: how many messages reach it, and how often they are right.
CONFIDENCE_THRESHOLDS = (0.7, 0.8, 0.9)


def score(classifier: Classifier, test: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """macro-F1 over the labels present in ``test``, accuracy, and predictions per second (one thread)."""
    truth = [label for *_, label in test]
    started = time.perf_counter()
    docs = [prepare(t, x) for t, x, _ in test]
    scores = classifier.scores(docs)
    predicted = [classifier.labels[i] for i in scores.argmax(axis=1)]
    elapsed = time.perf_counter() - started
    present = sorted(set(truth))
    confidence = scores.max(axis=1)
    correct = np.array([p == t for p, t in zip(predicted, truth, strict=True)])
    by_threshold = {}
    for threshold in CONFIDENCE_THRESHOLDS:
        sure = confidence >= threshold
        by_threshold[str(threshold)] = {
            "share": round(float(sure.mean()), 4),
            "accuracy": round(float(correct[sure].mean()), 4) if sure.any() else None,
        }
    return {
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "n_test": len(test),
        "predict_per_second": round(len(test) / elapsed, 1) if elapsed > 0 else None,
        "confident": by_threshold,
    }


def cross_validate(
    labelled: Sequence[tuple[str, str, str]],
    unlabelled: Sequence[tuple[str, str]] = (),
    taxonomy: Mapping[str, Sequence[str]] | None = None,
    *,
    folds: int = 5,
    params: Params | None = None,
    seed: int = 0,
    repeats: int = 1,
) -> dict[str, Any] | None:
    """Stratified k-fold macro-F1 on ``labelled`` (taxonomy and unlabelled rows in every fold), or
    ``None`` when some label has fewer than two distinct messages (nothing honest to report).

    Copies and near-copies of one message (residents repeat a complaint, word for word or nearly; a
    big district's confirmed cases are mostly such copies) stay in one fold: a copy in the test fold
    whose twin was trained on would score the model on what it memorised, not on an unseen message."""
    docs = [prepare(t, x) for t, x, _ in labelled]
    groups = near_copy_groups(docs)
    counts = Counter(
        label for _, label in {(g, label) for g, (*_, label) in zip(groups, labelled, strict=True)}
    )
    if len(counts) < 2 or min(counts.values()) < 2:
        return None
    folds = max(2, min(folds, *counts.values()))
    y = np.array([label for *_, label in labelled])
    results = []
    means = []
    for repeat in range(max(1, repeats)):
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed + repeat)
        these = []
        for train_idx, test_idx in splitter.split(np.zeros(len(y)), y, groups):
            model = train([labelled[i] for i in train_idx], unlabelled, taxonomy, params)
            these.append(score(model, [labelled[i] for i in test_idx]))
        results.extend(these)
        means.append(float(np.mean([r["macro_f1"] for r in these])))
    f1s = [r["macro_f1"] for r in results]
    return {
        "folds": folds,
        "repeats": max(1, repeats),
        "cv_macro_f1": round(float(np.mean(f1s)), 4),
        "cv_macro_f1_folds": f1s,
        # the noise: how far one fold's score strays, and how far one k-fold run's mean does
        "cv_macro_f1_fold_sd": round(float(np.std(f1s)), 4),
        "cv_macro_f1_repeat_sd": round(float(np.std(means)), 4) if len(means) > 1 else None,
        "cv_accuracy": round(float(np.mean([r["accuracy"] for r in results])), 4),
        "distinct_messages": len(set(docs)),
        "near_copy_groups": len(set(groups.tolist())),
    }


def _time_split(
    labelled: Sequence[tuple[str, str, str]], test_share: float
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]] | None:
    cut = round(len(labelled) * (1 - test_share))
    train_part, test_part = list(labelled[:cut]), list(labelled[cut:])
    if len({label for *_, label in train_part}) < 2 or not test_part:
        return None
    return train_part, test_part


def _predicted(model: Classifier, test: Sequence[tuple[str, str, str]]) -> np.ndarray:
    docs = [prepare(t, x) for t, x, _ in test]
    return np.array([model.labels[i] for i in model.scores(docs).argmax(axis=1)])


def _macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    present = sorted(set(truth.tolist()))
    return float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0))


def _resamples(n: int, bootstrap: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, n, n) for _ in range(bootstrap)]


def time_ordered(
    labelled: Sequence[tuple[str, str, str]],
    unlabelled: Sequence[tuple[str, str]] = (),
    taxonomy: Mapping[str, Sequence[str]] | None = None,
    *,
    test_share: float = 0.3,
    params: Params | None = None,
    bootstrap: int = 200,
    seed: int = 0,
) -> dict[str, Any] | None:
    """Train on the earlier messages, score the later ones: ``labelled`` oldest first, the last
    ``test_share`` of it held out (a district's classifier always predicts the future). Copies of a
    test message that were said earlier stay in training, as they would in production. The noise is
    the spread of macro-F1 over ``bootstrap`` resamples of the held-out messages. ``None`` when the
    training part lacks two labels or the test part is empty."""
    split = _time_split(labelled, test_share)
    if split is None:
        return None
    train_part, test_part = split
    model = train(train_part, unlabelled, taxonomy, params)
    result = score(model, test_part)
    predicted = _predicted(model, test_part)
    truth = np.array([label for *_, label in test_part])
    samples = [_macro_f1(truth[pick], predicted[pick]) for pick in _resamples(len(truth), bootstrap, seed)]
    return {
        "time_macro_f1": result["macro_f1"],
        "time_macro_f1_sd": round(float(np.std(samples)), 4) if samples else None,
        "time_accuracy": result["accuracy"],
        "time_n_train": len(train_part),
        "time_n_test": len(test_part),
    }


def compare_time_ordered(
    labelled: Sequence[tuple[str, str, str]],
    unlabelled: Sequence[tuple[str, str]] = (),
    taxonomy: Mapping[str, Sequence[str]] | None = None,
    *,
    candidate: Params,
    baseline: Params,
    baseline_unlabelled: Sequence[tuple[str, str]] | None = None,
    test_share: float = 0.3,
    bootstrap: int = 500,
    seed: int = 0,
) -> dict[str, Any] | None:
    """The rule for a change: both configurations trained on the earlier messages and scored on the
    later ones; the gain is the candidate's macro-F1 minus the baseline's, and its noise the spread of
    that difference over ``bootstrap`` resamples of the later messages, the same resamples for both
    (paired: the two models' errors on one message move together, so the spread of the difference is
    smaller than either score's own). ``wins`` only when the gain exceeds that spread. The baseline
    learns from ``baseline_unlabelled`` when given (a change of the unlabelled pool), else the same."""
    split = _time_split(labelled, test_share)
    if split is None:
        return None
    train_part, test_part = split
    truth = np.array([label for *_, label in test_part])
    ours = _predicted(train(train_part, unlabelled, taxonomy, candidate), test_part)
    pool = unlabelled if baseline_unlabelled is None else baseline_unlabelled
    theirs = _predicted(train(train_part, pool, taxonomy, baseline), test_part)
    gains = [
        _macro_f1(truth[pick], ours[pick]) - _macro_f1(truth[pick], theirs[pick])
        for pick in _resamples(len(truth), bootstrap, seed)
    ]
    gain = _macro_f1(truth, ours) - _macro_f1(truth, theirs)
    noise = float(np.std(gains)) if gains else 0.0
    return {
        "candidate_macro_f1": round(_macro_f1(truth, ours), 4),
        "baseline_macro_f1": round(_macro_f1(truth, theirs), 4),
        "gain": round(gain, 4),
        "gain_sd": round(noise, 4),
        "gain_below_zero_share": round(float(np.mean(np.array(gains) <= 0)), 4) if gains else None,
        "wins": bool(gains) and gain > noise,
    }
