"""The case page: timeline, photos and the moves the viewer may make, each posting to the same service
as the API; stale pages, bad input and other people's cases handled without an error page."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import CaseStatus, TaskStatus
from dangqun.cases.models import Attachment, Case, CaseEvent
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.orgs.models import Department
from dangqun.regions.models import Region


def as_user(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def lead_department() -> Department:
    membership = Membership.objects.get(user__username="department_staff", role=Role.DEPARTMENT_STAFF)
    assert membership.department is not None
    return membership.department


def new_case(title: str = "小区路灯不亮") -> Case:
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    assert isinstance(grid, Region)
    return case_create(
        actor=User.objects.get(username="citizen"),
        channel="app",
        title=title,
        description="门口路灯连续三晚不亮。",
        lng=grid.centroid_lng,
        lat=grid.centroid_lat,
        reporter_phone="13800001234",
    ).case


def dispatched_case() -> Case:
    case = new_case()
    dispatcher = User.objects.get(username="dispatcher")
    case_transition(case=case, action=Action.ACCEPT, actor=dispatcher)
    return case_transition(
        case=case, action=Action.DISPATCH, actor=dispatcher, lead=Unit(department=lead_department())
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def form_actions(html: str) -> set[str]:
    return set(re.findall(r'action="/cases/[^/]+/do/([a-z_]+)/"', html))


@pytest.fixture
def case(demo: Any) -> Case:
    return new_case()


def test_dispatcher_sees_the_moves_the_table_allows(case: Case) -> None:
    html = as_user("dispatcher").get(f"/cases/{case.code}/").content.decode()

    assert case.title in html
    assert "登记" in html  # the timeline's first event
    assert form_actions(html) == {"dispatch", "accept", "reject", "merge"}  # no 上报 at the top level
    assert "受理并派单" in html


def test_department_sees_nothing_before_dispatch_and_sign_after(demo: Any) -> None:
    case = new_case()
    assert as_user("department_staff").get(f"/cases/{case.code}/").status_code == 404

    case = dispatched_case()
    html = as_user("department_staff").get(f"/cases/{case.code}/").content.decode()

    assert form_actions(html) == {"sign", "note", "return", "request_extension"}


def test_citizen_sees_own_case_contact_but_no_staff_moves(case: Case) -> None:
    html = as_user("citizen").get(f"/cases/{case.code}/").content.decode()

    assert "13800001234" in html
    assert form_actions(html) == set()


def test_dispatch_from_the_case_page_accepts_and_dispatches(case: Case) -> None:
    client = as_user("dispatcher")
    dept = lead_department()

    response = client.post(
        f"/cases/{case.code}/do/dispatch/",
        {"lead": f"d:{dept.code}", "resolve_days": "3", "expected_version": case.version},
        follow=True,
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert case.lead_department == dept
    assert [e.event_type for e in CaseEvent.objects.filter(case=case).order_by("id")][-2:] == [
        "accepted",
        "dispatched",
    ]
    assert "已派单" in response.content.decode()


def test_sign_handle_with_photo_and_resolve_in_the_browser_forms(demo: Any) -> None:
    case = dispatched_case()
    client = as_user("department_staff")

    client.post(f"/cases/{case.code}/do/sign/", {"expected_version": case.version})
    case.refresh_from_db()
    photo = io.BytesIO(png_bytes())
    photo.name = "现场.png"
    response = client.post(
        f"/cases/{case.code}/do/note/",
        {"reason": "已到现场查看", "expected_version": case.version, "photos": photo},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    client.post(f"/cases/{case.code}/do/resolve/", {"reason": "已更换灯泡", "expected_version": case.version})

    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.result == "已更换灯泡"
    assert Attachment.objects.filter(case=case, stage="handling").count() == 1
    html = client.get(f"/cases/{case.code}/").content.decode()
    assert "/api/v1/attachments/" in html
    assert "已到现场查看" in html


def test_a_stale_page_gets_a_clear_message_and_changes_nothing(case: Case) -> None:
    client = as_user("dispatcher")
    stale_version = case.version
    case_transition(case=case, action=Action.ACCEPT, actor=User.objects.get(username="dispatcher"))

    response = client.post(
        f"/cases/{case.code}/do/reject/",
        {"reason": "重复", "expected_version": stale_version},
        follow=True,
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    html = response.content.decode()
    assert response.status_code == 200
    assert "诉求已被他人更新" in html
    assert "页面已更新为最新状态" in html


def test_a_move_no_longer_allowed_names_what_is_allowed(case: Case) -> None:
    response = as_user("dispatcher").post(f"/cases/{case.code}/do/review/", {}, follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "不能执行“审核通过”" in html


def test_missing_reason_is_shown_next_to_the_field_and_typing_is_kept(demo: Any) -> None:
    case = dispatched_case()
    client = as_user("department_staff")

    response = client.post(
        f"/cases/{case.code}/do/request_extension/",
        {"days": "2.5", "reason": "", "expected_version": case.version},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="request_extension-reason-error"' in html
    assert "须填写说明" in html
    assert 'value="2.5"' in html


def test_a_file_that_is_not_an_image_is_refused_and_the_move_undone(demo: Any) -> None:
    case = dispatched_case()
    client = as_user("department_staff")
    client.post(f"/cases/{case.code}/do/sign/", {})
    case.refresh_from_db()
    fake = io.BytesIO(b"MZ\x90\x00 not an image at all")
    fake.name = "photo.jpg"

    response = client.post(
        f"/cases/{case.code}/do/resolve/",
        {"reason": "已处理", "expected_version": case.version, "photos": fake},
    )

    assert response.status_code == 422
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert 'id="resolve-photos-error"' in response.content.decode()
    assert 'name="reason"' in response.content.decode()
    assert "已处理" in response.content.decode()


def test_an_attacker_cannot_act_on_a_case_outside_their_scope(demo: Any) -> None:
    case = dispatched_case()
    other = Department.objects.exclude(pk=lead_department().pk).order_by("code").first()
    assert other is not None
    intruder = User.objects.create_user(username="intruder_staff", password="x")
    Membership.objects.create(user=intruder, role=Role.DEPARTMENT_STAFF, department=other)
    client = Client()
    client.force_login(intruder)

    assert client.post(f"/cases/{case.code}/do/sign/", {}).status_code == 404
    assert client.get(f"/cases/{case.code}/").status_code == 404
    assert as_user("department_staff").post(f"/cases/{case.code}/do/breach/", {}).status_code == 404
    case.refresh_from_db()
    assert case.tasks.get().status == TaskStatus.PENDING


def test_citizen_rates_from_the_case_page(demo: Any) -> None:
    case = dispatched_case()
    staff, dispatcher = User.objects.get(username="department_staff"), User.objects.get(username="dispatcher")
    case_transition(case=case, action=Action.SIGN, actor=staff)
    case_transition(case=case, action=Action.RESOLVE, actor=staff, reason="已修复")
    case = case_transition(case=case, action=Action.REVIEW, actor=dispatcher)
    client = as_user("citizen")
    assert "rate" in form_actions(client.get(f"/cases/{case.code}/").content.decode())

    client.post(f"/cases/{case.code}/do/rate/", {"satisfaction": "satisfied", "comment": "很及时"})

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.rating_comment == "很及时"


def test_case_page_queries_do_not_grow_with_the_timeline(
    demo: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = dispatched_case()
    client = as_user("dispatcher")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/cases/{case.code}/")
    dispatcher = User.objects.get(username="dispatcher")
    for i in range(5):
        case_transition(case=case, action=Action.SUPERVISE, actor=dispatcher, reason=f"督办{i}")
        case_transition(case=case, action=Action.LIFT_SUPERVISION, actor=dispatcher)

    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(f"/cases/{case.code}/")


def test_guarded_moves_are_drawn_only_when_the_door_would_take_them(demo: Any) -> None:
    """督办 not on a supervised case; 批准延期/驳回延期 only with a request pending; 签收 gone once signed."""
    case = dispatched_case()
    dispatcher = as_user("dispatcher")
    staff = as_user("department_staff")

    fresh = form_actions(dispatcher.get(f"/cases/{case.code}/").content.decode())
    staff_before = form_actions(staff.get(f"/cases/{case.code}/").content.decode())
    dispatcher.post(f"/cases/{case.code}/do/supervise/", {"reason": "群众反映强烈"})
    staff.post(f"/cases/{case.code}/do/sign/", {})
    staff.post(f"/cases/{case.code}/do/request_extension/", {"days": "2", "reason": "需采购配件"})
    later = form_actions(dispatcher.get(f"/cases/{case.code}/").content.decode())
    staff_after = form_actions(staff.get(f"/cases/{case.code}/").content.decode())

    assert "supervise" in fresh
    assert "lift_supervision" not in fresh
    assert not fresh & {"approve_extension", "refuse_extension"}
    assert {"sign", "request_extension"} <= staff_before
    assert Case.objects.get(pk=case.pk).is_supervised
    assert "supervise" not in later
    assert {"lift_supervision", "approve_extension", "refuse_extension"} <= later
    assert not staff_after & {"sign", "request_extension"}  # signed, and its request is pending
    assert "resolve" in staff_after
