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
