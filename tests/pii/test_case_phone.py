"""The reporter's phone on a case: masked for everyone but the reporter (API detail and case page);
revealed in full only by an explicit action (``POST /api/v1/cases/{code}/unmask``, the page's
「显示电话」) of a unit with an open task, the dispatcher or the sysadmin, each reveal written to the
access audit. A unit whose task is done, a leader: 403 (they read the case); another unit, another
citizen, an unknown code: 404 alike."""

from __future__ import annotations

import pytest
from django.test import Client

from dangqun.accounts import services as account_services
from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import ACTIVE_TASK_STATUSES
from dangqun.cases.models import Case, CaseTask
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.events import CoreEvent
from dangqun.core.masking import mask_phone
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import Department
from dangqun.regions.models import Region
from tests.conftest import DEMO_PASSWORD, ApiClient

PHONE = "13800001234"
VIEWED = CoreEvent.PII_VIEWED.value


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=VIEWED).order_by("id"))


def _lead_department() -> Department:
    membership = Membership.objects.get(user__username="department_staff", role=Role.DEPARTMENT_STAFF)
    assert membership.department is not None
    return membership.department


def _report(*, anonymous: bool = False) -> Case:
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    assert isinstance(grid, Region)
    return case_create(
        actor=_user("citizen"),
        channel="app",
        title="楼道灯坏了",
        description="三单元楼道灯一周不亮。",
        lng=grid.centroid_lng,
        lat=grid.centroid_lat,
        reporter_phone=PHONE,
        is_anonymous=anonymous,
    ).case


def _dispatched(*, anonymous: bool = False) -> Case:
    case = _report(anonymous=anonymous)
    dispatcher = _user("dispatcher")
    case_transition(case=case, action=Action.ACCEPT, actor=dispatcher)
    return case_transition(
        case=case, action=Action.DISPATCH, actor=dispatcher, lead=Unit(department=_lead_department())
    )


def _resolved() -> Case:
    case = _dispatched()
    staff = _user("department_staff")
    case_transition(case=case, action=Action.SIGN, actor=staff)
    return case_transition(case=case, action=Action.RESOLVE, actor=staff, reason="已修复楼道灯")


def _another_department_staff() -> ApiClient:
    other = Department.objects.exclude(pk=_lead_department().pk).order_by("id").first()
    assert other is not None
    user = account_services.user_create(actor=None, username="other_unit", password=DEMO_PASSWORD)
    account_services.membership_grant(actor=None, user=user, role=Role.DEPARTMENT_STAFF, department=other)
    client = ApiClient(enforce_csrf_checks=True)
    client.api_login("other_unit")
    return client


def _another_citizen() -> ApiClient:
    user = account_services.user_create(actor=None, username="other_citizen", password=DEMO_PASSWORD)
    account_services.membership_grant(actor=None, user=user, role=Role.CITIZEN)
    client = ApiClient(enforce_csrf_checks=True)
    client.api_login("other_citizen")
    return client


def _page_client(username: str) -> Client:
    client = Client()
    client.force_login(_user(username))
    return client


def _unmask(client: ApiClient, case: Case, body: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post_json(f"/api/v1/cases/{case.code}/unmask", body or {})


# --- API ---------------------------------------------------------------------------------------------


def test_the_handler_of_an_open_task_sees_it_masked_then_unmasks_it_and_the_view_is_audited(api_as):
    case = _dispatched()
    task = CaseTask.objects.get(case=case)
    client = api_as("department_staff")

    detail = client.get(f"/api/v1/cases/{case.code}").json()
    response = _unmask(client, case, {"reason": "回电核实位置"})
    again = _unmask(client, case)

    assert detail["reporter_phone"] == mask_phone(PHONE)
    assert detail["may_unmask_phone"] is True
    assert response.status_code == 200, response.content
    assert response.json() == {"code": case.code, "reporter_phone": PHONE}
    assert again.status_code == 200
    first, second = _views()  # one row per reveal
    assert first.actor_id == _user("department_staff").pk
    assert (first.target_type, first.target_id) == ("cases.case", str(case.pk))
    assert first.data == {
        "fields": ["reporter_phone"],
        "via": "api",
        "where": f"/api/v1/cases/{case.code}/unmask",
        "reason": "回电核实位置",
        "basis": {"relations": ["lead_unit"], "tasks": [task.pk]},
    }
    assert second.data["reason"] == ""


def test_a_unit_whose_task_is_done_reads_the_case_but_may_not_unmask(api_as):
    case = _resolved()
    assert not CaseTask.objects.filter(case=case, status__in=ACTIVE_TASK_STATUSES).exists()
    client = api_as("department_staff")

    detail = client.get(f"/api/v1/cases/{case.code}")
    response = _unmask(client, case)

    assert detail.status_code == 200
    assert detail.json()["reporter_phone"] == mask_phone(PHONE)
    assert detail.json()["may_unmask_phone"] is False
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert _views() == []


def test_another_unit_another_citizen_and_an_unknown_code_get_the_same_404(api_as):
    case = _dispatched()
    other_unit = _another_department_staff()
    other_citizen = _another_citizen()

    answers = [
        _unmask(other_unit, case),
        _unmask(other_citizen, case),
        _unmask(api_as("department_staff"), Case(code="YB-20000101-999999")),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert len({a.content for a in answers}) == 1
    assert all(PHONE not in a.content.decode() for a in answers)
    assert _views() == []


def test_a_leader_who_reads_the_case_may_not_unmask(api_as):
    case = _dispatched()
    client = api_as("leader")

    detail = client.get(f"/api/v1/cases/{case.code}").json()
    response = _unmask(client, case)

    assert detail["reporter_phone"] == mask_phone(PHONE)
    assert detail["may_unmask_phone"] is False
    assert response.status_code == 403
    assert _views() == []


def test_the_dispatcher_and_the_sysadmin_unmask_with_their_basis_recorded(api_as):
    case = _report()

    dispatcher = api_as("dispatcher")
    masked = dispatcher.get(f"/api/v1/cases/{case.code}").json()
    by_dispatcher = _unmask(dispatcher, case)
    by_sysadmin = _unmask(api_as("sysadmin"), case)

    assert masked["reporter_phone"] == mask_phone(PHONE)
    assert masked["may_unmask_phone"] is True
    assert by_dispatcher.json()["reporter_phone"] == by_sysadmin.json()["reporter_phone"] == PHONE
    assert [(e.actor.username, e.data["basis"]["relations"]) for e in _views()] == [
        ("dispatcher", ["dispatcher"]),
        ("sysadmin", ["dispatcher", "sysadmin"]),
    ]


def test_an_anonymous_reporter_is_not_called_by_the_unit_but_the_dispatcher_may(api_as):
    case = _dispatched(anonymous=True)

    unit = _unmask(api_as("department_staff"), case)
    dispatcher = _unmask(api_as("dispatcher"), case)

    assert unit.status_code == 403
    assert dispatcher.status_code == 200
    assert [e.actor.username for e in _views()] == ["dispatcher"]


def test_the_reporter_sees_their_own_phone_without_an_action(api_as):
    case = _dispatched()

    detail = api_as("citizen").get(f"/api/v1/cases/{case.code}").json()

    assert detail["reporter_phone"] == PHONE
    assert detail["may_unmask_phone"] is False
    assert _views() == []


# --- the case page (htmx) ---------------------------------------------------------------------------


def test_the_case_page_masks_the_phone_and_the_button_reveals_it_in_place_audited(demo):
    case = _dispatched()
    client = _page_client("department_staff")

    page = client.get(f"/cases/{case.code}/").content.decode()
    fragment = client.post(f"/cases/{case.code}/phone/", headers={"HX-Request": "true"})

    assert PHONE not in page
    assert mask_phone(PHONE) in page
    assert f'hx-post="/cases/{case.code}/phone/"' in page
    assert "htmx.min.js" in page
    assert fragment.status_code == 200
    assert fragment["Cache-Control"] == "no-store"
    text = fragment.content.decode()
    assert PHONE in text
    assert "<html" not in text  # the contact line only
    assert "显示电话" not in text
    (event,) = _views()
    assert (event.actor.username, event.data["via"], event.data["where"]) == (
        "department_staff",
        "web",
        f"/cases/{case.code}/phone/",
    )


def test_without_scripts_the_page_comes_back_with_the_phone(demo):
    case = _dispatched()

    response = _page_client("department_staff").post(f"/cases/{case.code}/phone/")

    assert response.status_code == 200
    assert PHONE in response.content.decode()
    assert case.title in response.content.decode()
    assert len(_views()) == 1


@pytest.mark.parametrize(("who", "status"), [("done_unit", 403), ("other_citizen", 404), ("leader", 403)])
def test_the_page_refuses_those_who_may_not(demo, who, status):
    if who == "done_unit":
        case, username = _resolved(), "department_staff"
    elif who == "other_citizen":
        _another_citizen()
        case, username = _dispatched(), "other_citizen"
    else:
        case, username = _dispatched(), who
    client = _page_client(username)

    page = client.get(f"/cases/{case.code}/")
    response = client.post(f"/cases/{case.code}/phone/", headers={"HX-Request": "true"})

    assert response.status_code == status
    assert PHONE not in response.content.decode()
    if page.status_code == 200:
        assert "显示电话" not in page.content.decode()
    assert _views() == []
