"""Bad input to the classifier: empty, one-character, English, emoji-only messages and a 100,000-character
paste, through the classifier, through intake (API) and through ``triage_eval``: a low confidence,
never an error, never an automatic dispatch; a long paste is cut before any feature is built."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from dangqun.cases.models import Case
from dangqun.cases.services.rules import routing_rule_save
from dangqun.orgs.models import Department
from dangqun.triage.learn import Classifier, train
from dangqun.triage.text import MAX_CHARS, clean
from tests.triage.conftest import messages, write_csv

PASTE = ("楼下烧烤油烟扰民到半夜" * 10_000)[:100_000]
NO_CHINESE = [("", ""), ("Streetlight broken", "The lamp outside building 3 is off."), ("😡😡😡", "🔥🔥🚒🚒")]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return train(messages(10))


@pytest.mark.parametrize(("title", "text"), NO_CHINESE)
def test_without_chinese_text_every_label_is_equally_likely(
    classifier: Classifier, title: str, text: str
) -> None:
    ranked = classifier.top(title, text)
    assert len(ranked) == 3
    assert all(score == pytest.approx(1 / 3) for _, score in ranked)


def test_one_character_gets_a_damped_confidence(classifier: Classifier) -> None:
    _, confidence = classifier.top("车", "")[0]
    assert 1 / 3 <= confidence < 0.5


def test_a_long_paste_is_cut_before_features(classifier: Classifier) -> None:
    cleaned = clean("投诉", PASTE)
    assert len(cleaned) == MAX_CHARS
    assert cleaned == clean("投诉", PASTE[: MAX_CHARS * 2])
    assert clean("很长的标题" * 10_000, "") == clean(("很长的标题" * 10_000)[:100], "")
    label, confidence = classifier.top("投诉", PASTE)[0]
    assert label in {"交通", "教育", "医疗"}
    assert 0 < confidence <= 1


def _catch_all_rule() -> Department:
    department = Department.objects.filter(is_active=True).order_by("code").first()
    assert department is not None
    routing_rule_save(actor=None, rule=None, name="全部派往一个部门", order=0, lead_department=department)
    return department


@pytest.mark.parametrize(("title", "description"), [*NO_CHINESE[1:], ("啊", "嗯"), ("投诉", "😡" * 2000)])
def test_intake_never_auto_dispatches_a_message_it_cannot_read(
    api_as, django_capture_on_commit_callbacks, title: str, description: str
) -> None:
    _catch_all_rule()
    with (
        override_settings(DANGQUN={**settings.DANGQUN, "TRIAGE_AUTO_DISPATCH_CONFIDENCE": "0.9"}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api_as("citizen").post_json(
            "/api/v1/cases", {"channel": "app", "title": title, "description": description}
        )
    assert response.status_code == 201, response.content
    case = Case.objects.get(code=response.json()["code"])
    assert case.suggested_route["lead_department"]  # a unit was there to dispatch to
    assert case.suggested_route["triage"]["confidence"] < 0.5
    assert case.status == "submitted"


def test_intake_refuses_a_100000_character_paste_with_a_clear_message(api_as) -> None:
    before = Case.objects.count()
    response = api_as("citizen").post_json(
        "/api/v1/cases", {"channel": "app", "title": "投诉", "description": PASTE}
    )
    assert response.status_code == 422, response.content
    assert Case.objects.count() == before


def test_an_empty_message_at_intake_is_refused_or_kept_for_the_dispatcher(api_as) -> None:
    before = Case.objects.count()
    response = api_as("citizen").post_json(
        "/api/v1/cases", {"channel": "app", "title": "", "description": ""}
    )
    assert response.status_code in (201, 422), response.content
    if response.status_code == 422:
        assert Case.objects.count() == before
    else:
        assert Case.objects.get(code=response.json()["code"]).status == "submitted"


@pytest.mark.django_db
def test_triage_eval_scores_odd_test_messages_without_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    header = ["id", "title", "text", "label"]
    train_csv = write_csv(
        tmp_path / "train.csv", header, [[i, t, x, y] for i, (t, x, y) in enumerate(messages(8))]
    )
    odd = [["1", "啊", "", "交通"], ["2", "Bus late", "", "交通"], ["3", "😡", "🔥", "教育"]]
    odd.append(["4", "投诉", PASTE, "医疗"])
    test_csv = write_csv(tmp_path / "test.csv", header, odd)
    out = io.StringIO()
    call_command(
        "triage_eval", "--train", str(train_csv), "--test", str(test_csv), "--no-taxonomy", stdout=out
    )
    result = json.loads(out.getvalue().strip())
    assert result["n_test"] == 4
    assert 0 <= result["macro_f1"] <= 1
    # Three of the four carry no usable Chinese: none of them may reach an auto-dispatch threshold.
    assert result["confident"]["0.7"]["share"] <= 0.25
