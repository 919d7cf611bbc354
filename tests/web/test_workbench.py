"""部门工作台: the unit's tasks by deadline with lights, signing from the inbox, other units' tasks
hidden, and a query count that does not grow with tasks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import CaseStatus, TaskStatus
from dangqun.cases.models import CaseTask
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.orgs.models import Department
from tests.web.test_case_page import as_user, dispatched_case, lead_department, new_case


def test_inbox_lists_tasks_by_deadline_with_lights(demo: Any) -> None:
    early, late = dispatched_case(), dispatched_case()
    CaseTask.objects.filter(case=late).update(resolve_due_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    CaseTask.objects.filter(case=early).update(resolve_due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    html = as_user("department_staff").get("/workbench/").content.decode()

    assert html.index(early.code) < html.index(late.code)
    row = html[html.index(f'id="task-{early.tasks.get().pk}"') :]
    assert "light-red" in row[: row.index("</tr>")]
    assert "待签收" in html
    assert 'data-nav="workbench"' in html


def test_sign_from_the_inbox_returns_to_the_inbox(demo: Any) -> None:
    case = dispatched_case()
    task = case.tasks.get()

    response = as_user("department_staff").post(
        f"/cases/{case.code}/do/sign/", {"task_id": task.pk, "next": "/workbench/?tab=pending"}
    )

    assert response.status_code == 302
    assert response.url == "/workbench/?tab=pending"
    task.refresh_from_db()
    assert task.status == TaskStatus.SIGNED
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_co_unit_adds_a_note_and_asks_for_more_time(demo: Any) -> None:
    case = new_case()
    dispatcher = User.objects.get(username="dispatcher")
    other = Department.objects.exclude(pk=lead_department().pk).order_by("code").first()
    assert other is not None
    co_user = User.objects.create_user(username="co_unit_staff", password="x")
    Membership.objects.create(user=co_user, role=Role.DEPARTMENT_STAFF, department=other)
    case_transition(case=case, action=Action.ACCEPT, actor=dispatcher)
    case_transition(
        case=case,
        action=Action.DISPATCH,
        actor=dispatcher,
        lead=Unit(department=lead_department()),
        co_units=[Unit(department=other)],
    )
    from django.test import Client

    client = Client()
    client.force_login(co_user)
    assert case.code in client.get("/workbench/").content.decode()

    client.post(f"/cases/{case.code}/do/note/", {"reason": "协办:已联系物业"})
    client.post(f"/cases/{case.code}/do/request_extension/", {"reason": "等待配件", "days": "2"})

    html = as_user("dispatcher").get(f"/cases/{case.code}/").content.decode()
    assert "协办:已联系物业" in html
    assert "approve_extension" in html
    assert "refuse_extension" in html
    co_task = case.tasks.get(department=other)
    assert co_task.extension_status == "requested"


def test_return_with_reason_goes_back_to_the_dispatcher(demo: Any) -> None:
    case = dispatched_case()
    client = as_user("department_staff")

    missing = client.post(f"/cases/{case.code}/do/return/", {"reason": ""})
    client.post(f"/cases/{case.code}/do/return/", {"reason": "不属于本部门职责"})

    assert missing.status_code == 422
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    task = case.tasks.get()
    assert task.status == TaskStatus.RETURNED
    assert f'id="task-{task.pk}"' not in client.get("/workbench/").content.decode()


def test_other_departments_tasks_are_not_in_the_inbox(demo: Any) -> None:
    case = dispatched_case()
    other = Department.objects.exclude(pk=lead_department().pk).order_by("code").first()
    assert other is not None
    outsider = User.objects.create_user(username="outsider_wb", password="x")
    Membership.objects.create(user=outsider, role=Role.DEPARTMENT_STAFF, department=other)
    from django.test import Client

    client = Client()
    client.force_login(outsider)

    assert case.code not in client.get("/workbench/").content.decode()


@pytest.mark.parametrize("username", ["citizen", "party_admin"])
def test_workbench_is_for_units_only(demo: Any, username: str) -> None:
    assert as_user(username).get("/workbench/").status_code == 403


def test_workbench_queries_do_not_grow_with_tasks(demo: Any, django_assert_max_num_queries: Any) -> None:
    client = as_user("department_staff")
    dispatched_case()
    with CaptureQueriesContext(connection) as before:
        client.get("/workbench/")
    staff = User.objects.get(username="department_staff")
    for i in range(6):
        case = dispatched_case()
        if i % 2:
            case_transition(case=case, action=Action.SIGN, actor=staff)
        if i == 5:
            case_transition(case=case, action=Action.RESOLVE, actor=staff, reason="好了")

    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get("/workbench/").content.decode()
    assert len(re.findall(r'<tr id="task-', html)) >= 6


def test_the_inbox_pages_its_tasks_and_counts_them_all(demo: Any, monkeypatch: Any) -> None:
    from dangqun.web.views import workbench

    for _ in range(3):
        dispatched_case()
    monkeypatch.setattr(workbench, "INBOX_PAGE", 2)
    client = as_user("department_staff")

    first = client.get("/workbench/").content.decode()
    second = client.get("/workbench/?page=2").content.decode()
    beyond = client.get("/workbench/?page=99")
    junk = client.get("/workbench/?page=abc&tab=nope")

    total = len(re.findall(r'<tr id="task-', first)) + len(re.findall(r'<tr id="task-', second))
    assert len(re.findall(r'<tr id="task-', first)) == 2
    assert total >= 3
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    assert beyond.status_code == 200
    assert junk.status_code == 200
    counts = re.search(r'href="\?tab=all"[^>]*>[^<]*<span class="count">(\d+)</span>', first)
    assert counts is not None
    assert int(counts.group(1)) >= 3  # every active task, not the page
