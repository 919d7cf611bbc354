"""Triage fixtures: small messages made here (never the shared contest data), and a fresh
process-wide model cache around every test (rolled-back model versions must not leak)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

TOPICS = {
    "交通": ["公交车", "站台", "红绿灯", "拥堵", "停车位", "出租车", "地铁", "路口"],
    "教育": ["学校", "学生", "老师", "课外班", "学位", "幼儿园", "招生", "校车"],
    "医疗": ["医院", "看病", "医保", "挂号", "医生", "药费", "门诊", "疫苗"],
}


def messages(n_per_label: int, seed: int = 1) -> list[tuple[str, str, str]]:
    """(title, text, label) rows built from each topic's words."""
    rng = random.Random(seed)  # noqa: S311 - made-up test messages
    rows = []
    for label, words in TOPICS.items():
        for _ in range(n_per_label):
            picked = rng.sample(words, 4)
            rows.append(
                (
                    f"关于{picked[0]}的问题",
                    f"我们小区附近{picked[1]}和{picked[2]}{picked[3]}问题严重,请处理。",
                    label,
                )
            )
    rng.shuffle(rows)
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def _fresh_triage_model_cache():  # type: ignore[no-untyped-def]
    from dangqun.triage import runtime

    runtime.invalidate()
    yield
    runtime.invalidate()
