"""The honest evaluation of issue 23: near-copies of a message stay in one cross-validation fold, and a
configuration replaces the simpler one only when it wins on the time-ordered check by more than that
check's noise (``evaluate.compare_time_ordered``). Messages are made here, never the contest's."""

from __future__ import annotations

from typing import Any

import pytest

from dangqun.triage import evaluate
from dangqun.triage.learn import Params
from dangqun.triage.near_copies import near_copy_groups
from dangqun.triage.text import prepare
from tests.triage.conftest import messages

ORIGINAL = (
    "幸福里小区门口公交站台被占用",
    "幸福里小区门口的公交站台每天早上被私家车占用,老人孩子只能站在马路上等车,请交警处理。",
    "交通",
)
# the same resident again: the title reworded, a sentence added to the text
REWORDED = (
    "幸福里小区门口的公交站台被占用",
    "幸福里小区门口的公交站台每天早上被私家车占用,老人孩子只能站在马路上等车,请交警处理。已经反映过一次。",
    "交通",
)


def test_a_reworded_repeat_is_a_near_copy_and_other_messages_are_not() -> None:
    rows = [ORIGINAL, REWORDED, *messages(3)]
    groups = near_copy_groups([prepare(t, x) for t, x, _ in rows])

    assert groups[0] == groups[1]
    assert len({int(g) for g in groups[2:]} & {int(groups[0])}) == 0
    assert len(set(groups.tolist())) >= len(rows) - 1 - 6  # made-up titles repeat a word, no more


def test_copies_with_no_chinese_at_all_are_still_one_group() -> None:
    groups = near_copy_groups(
        [prepare("help", "no heating"), prepare("help", "no heating"), prepare("x", "y")]
    )

    assert groups[0] == groups[1] != groups[2]


def test_near_copies_are_never_split_between_training_and_test(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [*messages(8), ORIGINAL, REWORDED]
    pairs: list[tuple[set[str], set[str]]] = []
    trained: list[set[str]] = []
    real_train, real_score = evaluate.train, evaluate.score

    def recording_train(labelled: Any, *args: Any, **kwargs: Any) -> Any:
        trained.append({t for t, _, _ in labelled})
        return real_train(labelled, *args, **kwargs)

    def recording_score(classifier: Any, test: Any) -> Any:
        pairs.append((trained[-1], {t for t, _, _ in test}))
        return real_score(classifier, test)

    monkeypatch.setattr(evaluate, "train", recording_train)
    monkeypatch.setattr(evaluate, "score", recording_score)
    result = evaluate.cross_validate(rows, folds=3, repeats=2)

    assert result is not None
    assert result["near_copy_groups"] < len(rows)
    assert len(pairs) == 6
    for training, test in pairs:
        # the two wordings are in training together or in the test fold together
        assert (ORIGINAL[0] in training) == (REWORDED[0] in training)
        assert (ORIGINAL[0] in test) == (REWORDED[0] in test)


def test_a_configuration_does_not_win_against_itself() -> None:
    result = evaluate.compare_time_ordered(
        messages(10), candidate=Params(), baseline=Params(), test_share=0.4, bootstrap=50
    )

    assert result is not None
    assert result["gain"] == 0
    assert result["gain_sd"] == 0
    assert result["wins"] is False


def test_a_clearly_better_configuration_wins_by_more_than_the_noise() -> None:
    # an SVM regularised to nothing predicts one class for everything: the default beats it clearly
    result = evaluate.compare_time_ordered(
        messages(10), candidate=Params(), baseline=Params(c=1e-6), test_share=0.4, bootstrap=50
    )

    assert result is not None
    assert result["candidate_macro_f1"] > result["baseline_macro_f1"]
    assert result["gain"] > result["gain_sd"] > 0
    assert result["wins"] is True
    assert result["gain_below_zero_share"] < 0.05


def test_no_comparison_without_two_labels_in_the_past() -> None:
    rows = sorted(messages(6), key=lambda row: row[2])

    assert (
        evaluate.compare_time_ordered(rows[:8], candidate=Params(), baseline=Params(), test_share=0.5) is None
    )
