"""The cross-validation score stored with each model version (``evaluate.cross_validate``): copies of
one message stay in one fold, so that the score is about unseen messages, not memorised ones."""

from __future__ import annotations

from typing import Any

import pytest

from dangqun.triage import evaluate
from dangqun.triage.text import prepare
from tests.triage.conftest import messages


def test_copies_of_a_message_are_never_split_between_training_and_test(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [row for row in messages(12) for _ in range(4)]  # a big district: every complaint four times
    seen: list[tuple[set[Any], set[Any]]] = []
    real_train, real_score = evaluate.train, evaluate.score
    trained: list[set[Any]] = []

    def recording_train(labelled: Any, *args: Any, **kwargs: Any) -> Any:
        trained.append({prepare(t, x) for t, x, _ in labelled})
        return real_train(labelled, *args, **kwargs)

    def recording_score(classifier: Any, test: Any) -> Any:
        seen.append((trained[-1], {prepare(t, x) for t, x, _ in test}))
        return real_score(classifier, test)

    monkeypatch.setattr(evaluate, "train", recording_train)
    monkeypatch.setattr(evaluate, "score", recording_score)
    result = evaluate.cross_validate(rows, folds=3)

    assert result is not None
    assert result["folds"] == 3
    assert result["distinct_messages"] == len({prepare(t, x) for t, x, _ in rows})
    assert len(seen) == 3
    for training, test in seen:
        assert test
        assert not training & test


def test_a_label_with_one_distinct_message_gives_no_score() -> None:
    rows = messages(6)
    lonely = next(row for row in rows if row[2] == rows[0][2])
    only_copies = [row for row in rows if row[2] != lonely[2]] + [lonely] * 5
    assert evaluate.cross_validate(only_copies, folds=3) is None


def test_repeated_cross_validation_reports_its_noise() -> None:
    result = evaluate.cross_validate(messages(12), folds=3, repeats=2)

    assert result is not None
    assert result["repeats"] == 2
    assert len(result["cv_macro_f1_folds"]) == 6  # three folds, twice, split differently
    assert result["cv_macro_f1_fold_sd"] >= 0
    assert result["cv_macro_f1_repeat_sd"] is not None


def test_the_time_ordered_score_trains_on_the_past_and_scores_the_future(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = messages(10)  # oldest first
    trained: list[list[Any]] = []
    real_train = evaluate.train

    def recording_train(labelled: Any, *args: Any, **kwargs: Any) -> Any:
        trained.append(list(labelled))
        return real_train(labelled, *args, **kwargs)

    monkeypatch.setattr(evaluate, "train", recording_train)
    result = evaluate.time_ordered(rows, test_share=0.3, bootstrap=20)

    assert result is not None
    cut = round(len(rows) * 0.7)
    assert result["time_n_train"] == cut
    assert result["time_n_test"] == len(rows) - cut
    assert trained == [rows[:cut]]  # only the earlier messages, in their order
    assert 0 <= result["time_macro_f1"] <= 1
    assert result["time_macro_f1_sd"] >= 0


def test_no_time_ordered_score_without_two_labels_in_the_past() -> None:
    rows = sorted(messages(6), key=lambda row: row[2])  # the past holds one label only
    assert evaluate.time_ordered(rows[:8], test_share=0.5) is None
