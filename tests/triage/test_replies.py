"""Reply quality (答复评价): the four scores follow their stated formulas on made-up replies, the
``reply_quality`` command reads both header styles, and the reviewer sees the score on the case page."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import CaseStatus
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.regions.models import Region
from dangqun.triage.replies import score_reply, timeliness_for
from tests.triage.conftest import write_csv

TITLE = "小区门口路灯不亮"
MESSAGE = "小区门口的路灯已经坏了两个月,晚上很黑,老人摔倒过。请问什么时候能修好?"
GOOD = (
    "您好!您反映的小区门口路灯不亮的问题已收悉。经核实,该路灯线路老化导致不亮。"
    "根据《城市照明管理规定》第十二条,路灯由城管局负责维护。我局已安排维修人员到现场更换线路,"
    "路灯已于本周修好,下一步将定期巡查。"
)
EMPTY = "您好!留言已收悉。"


def test_a_full_reply_beats_a_courtesy_formula_on_every_text_score() -> None:
    good = score_reply(TITLE, MESSAGE, GOOD)
    empty = score_reply(TITLE, MESSAGE, EMPTY)
    assert good.relevance > 0.5 > empty.relevance
    assert good.completeness > 0.7 > empty.completeness
    assert good.explainability == 1.0  # basis word, a named document and an article, a reason
    assert empty.explainability == 0.0
    assert good.total > 0.6
    assert empty.total < 0.2
    assert good.timeliness is None  # no times given
    assert good.working_days is None


def test_an_off_topic_reply_scores_low_relevance() -> None:
    off_topic = "您好!关于学校招生的问题,根据教育局规定,今年学位充足,请按时报名。"
    assert score_reply(TITLE, MESSAGE, off_topic).relevance < score_reply(TITLE, MESSAGE, GOOD).relevance / 2


def test_timeliness_formula() -> None:
    assert [timeliness_for(d) for d in (0, 3, 9, 15, 22.5, 30, 45)] == [1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    assert timeliness_for(None) is None
    assert timeliness_for(-1) is None


@pytest.mark.django_db
def test_timeliness_counts_working_days() -> None:
    tz = timezone.get_current_timezone()
    asked = dt.datetime(2024, 9, 30, 9, 0, tzinfo=tz)  # Monday before the National Day holiday
    replied = dt.datetime(2024, 10, 8, 9, 0, tzinfo=tz)  # first workday after it
    scored = score_reply(TITLE, MESSAGE, GOOD, asked, replied)
    assert scored.working_days == 1.0
    assert scored.timeliness == 1.0
    assert score_reply(TITLE, MESSAGE, GOOD, replied, asked).timeliness is None  # reply before message


@pytest.mark.parametrize("reply", ["", "好", "OK, fixed.", "😀😀😀", "修" * 100_000])
def test_odd_replies_score_without_error(reply: str) -> None:
    scored = score_reply(TITLE, MESSAGE, reply)
    for value in (scored.relevance, scored.completeness, scored.explainability, scored.total):
        assert 0.0 <= value <= 1.0
    if not reply.strip():
        assert scored.total == 0.0


def _run(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("reply_quality", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().strip().splitlines()]


@pytest.mark.django_db
def test_command_reads_contest_and_english_headers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    contest = write_csv(
        tmp_path / "cn.csv",
        ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"],
        [
            ["1", "u", TITLE, "2019/4/25 9:32:09", f"\n\t\t{MESSAGE}\n\t", GOOD, "2019/4/26 10:00:00"],
            ["2", "u", TITLE, "2019/4/25 9:32:09", MESSAGE, EMPTY, "2019/6/20 10:00:00"],
        ],
        encoding="gbk",
    )
    lines = _run("--input", str(contest), "--json")
    first, second, summary = lines[0], lines[1], lines[2]["summary"]
    assert first["id"] == "1"
    assert first["timeliness"] == 1.0
    assert second["timeliness"] == 0.0  # about 38 working days
    assert summary["n"] == 2
    assert summary["best"][0] == "1"
    assert summary["worst"][0] == "2"

    english = write_csv(tmp_path / "en.csv", ["id", "title", "text", "reply"], [["a", TITLE, MESSAGE, GOOD]])
    summary = _run("--input", str(english))
    assert summary[0]["total"]["n"] == 1
    assert summary[0]["timeliness"] is None


@pytest.mark.django_db
def test_command_names_the_file_and_the_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = write_csv(tmp_path / "bad.csv", ["id", "title", "text"], [["1", TITLE, MESSAGE]])
    with pytest.raises(CommandError, match=r"bad\.csv.*reply"):
        _run("--input", str(bad))
    with pytest.raises(CommandError, match=r"missing\.csv"):
        _run("--input", str(tmp_path / "missing.csv"))


def test_reviewer_sees_the_reply_score_on_a_resolved_case(demo: Any) -> None:
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    assert isinstance(grid, Region)
    case = case_create(
        actor=User.objects.get(username="citizen"),
        channel="app",
        title=TITLE,
        description=MESSAGE,
        lng=grid.centroid_lng,
        lat=grid.centroid_lat,
    ).case
    dispatcher = User.objects.get(username="dispatcher")
    membership = Membership.objects.get(user__username="department_staff", role=Role.DEPARTMENT_STAFF)
    staff = User.objects.get(username="department_staff")
    case_transition(case=case, action=Action.ACCEPT, actor=dispatcher)
    case_transition(
        case=case, action=Action.DISPATCH, actor=dispatcher, lead=Unit(department=membership.department)
    )
    reviewer = Client()
    reviewer.force_login(dispatcher)
    assert 'id="reply-quality"' not in reviewer.get(f"/cases/{case.code}/").content.decode()

    case_transition(case=case, action=Action.SIGN, actor=staff)
    case = case_transition(case=case, action=Action.RESOLVE, actor=staff, reason=GOOD)
    assert case.status == CaseStatus.RESOLVED
    html = reviewer.get(f"/cases/{case.code}/").content.decode()
    assert 'id="reply-quality"' in html
    assert "答复评价" in html
    assert "可解释性" in html

    citizen = Client()
    citizen.force_login(User.objects.get(username="citizen"))
    assert 'id="reply-quality"' not in citizen.get(f"/cases/{case.code}/").content.decode()
