"""``manage.py triage_eval``: one JSON line on good files, a clear error naming the file on bad ones."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.triage.conftest import messages, write_csv

HEADER = ["id", "title", "text", "label"]


def _labelled(tmp_path, name, rows, encoding="utf-8"):  # type: ignore[no-untyped-def]
    return write_csv(
        tmp_path / name, HEADER, [[i, t, x, y] for i, (t, x, y) in enumerate(rows)], encoding=encoding
    )


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("triage_eval", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.mark.django_db
def test_trains_and_scores_with_unlabelled_files_in_any_supported_encoding(tmp_path):
    train = _labelled(tmp_path, "train.csv", messages(10, seed=1))
    test = _labelled(tmp_path, "test.csv", messages(5, seed=2), encoding="gbk")
    unlabelled = write_csv(
        tmp_path / "u.csv",
        ["id", "title", "text", "extra"],
        [[i, t, x, "ignored"] for i, (t, x, _) in enumerate(messages(4, seed=3))],
        encoding="utf-8-sig",
    )
    result = _run("--train", str(train), "--test", str(test), "--unlabeled", str(unlabelled))
    assert set(result) >= {"macro_f1", "accuracy", "n_train", "n_test", "train_seconds", "predict_per_second"}
    assert (result["n_train"], result["n_test"], result["n_unlabeled"]) == (30, 15, 12)
    assert result["macro_f1"] >= 0.9  # three well-separated made-up topics
    assert result["test_labels_not_in_train"] == []


@pytest.mark.django_db
def test_accepts_the_contest_chinese_headers(tmp_path):
    rows = messages(6)
    path = write_csv(
        tmp_path / "cn.csv",
        ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类"],
        [[i, "u", t, "2020/1/1", f"\n\t\t{x}\n\t", y] for i, (t, x, y) in enumerate(rows)],
    )
    result = _run("--train", str(path), "--test", str(path), "--no-taxonomy")
    assert result["n_train"] == 18


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "无法读取文件"),
        (b"", "文件为空"),
        (b"id,title,body\n1,a,b\n", "缺少列 text, label"),
        ("id,title,text,label\n1,公交车,站台拥堵,\n".encode(), "第 2 行没有 label"),
        (b"id,title,text,label\n", "没有数据行"),
        (b"PK\x03\x04\x00\x00binary", "不是文本 CSV"),
        ("id,title,text,label\n1,,,交通\n".encode(), "title 和 text 都为空"),
    ],
)
@pytest.mark.django_db
def test_a_bad_file_is_named_with_its_problem(tmp_path, content, problem):
    good = _labelled(tmp_path, "good.csv", messages(3))
    bad = tmp_path / "bad.csv"
    if content is not None:
        bad.write_bytes(content)
    with pytest.raises(CommandError) as error:
        _run("--train", str(good), "--test", str(bad))
    assert str(bad) in str(error.value)
    assert problem in str(error.value)


@pytest.mark.django_db
def test_training_on_a_single_label_is_refused(tmp_path):
    one = _labelled(tmp_path, "one.csv", [r for r in messages(3) if r[2] == "交通"])
    with pytest.raises(CommandError, match="至少需要两个不同的 label"):
        _run("--train", str(one), "--test", str(one), "--no-taxonomy")
