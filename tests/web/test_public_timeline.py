"""What a citizen sees of a case's progress is one list (``cases.public.PUBLIC_EVENTS``), wherever they
look: the app's case page, tracking by code (page and API). It now includes an approved extension
(the app's copy of the list had left it out), and still leaves out what is internal.

One-click dispatch (受理并派单) goes through ``case_accept_and_dispatch``: both moves or neither."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dangqun.cases.enums import CaseStatus
from dangqun.cases.models import Case, CaseEvent
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from tests.web.conftest import World
from tests.web.test_citizen_app import form


@pytest.fixture
def citizen(world: World, client_as: Any) -> Client:
    user = world.users["citizen"]
    user.phone = "13912348888"
    user.save(update_fields=["phone"])
    return client_as("citizen")


def submitted(citizen: Client, world: World) -> Case:
    assert citizen.post("/citizen/submit/", form(key="public")).status_code == 302
    return Case.objects.get(reporter=world.users["citizen"])


def test_the_citizen_sees_an_approved_extension_and_nothing_internal(
    citizen: Client, world: World, client_as: Any
) -> None:
    case = submitted(citizen, world)
    dispatcher = client_as("dispatcher")
    dispatched = dispatcher.post(
        f"/command/dispatch/{case.code}/", {"lead": "d:WCG", "expected_version": case.version}
    )
    assert dispatched.status_code == 302
    staff = world.users["department_staff"]
    case_transition(case=case, action=Action.SIGN, actor=staff)
    case_transition(case=case, action=Action.REQUEST_EXTENSION, actor=staff, reason="需采购灯具", days="2")
    case_transition(case=case, action=Action.APPROVE_EXTENSION, actor=world.users["dispatcher"])

    app_page = citizen.get(f"/citizen/cases/{case.code}/").content.decode()
    tracked = Client().get("/citizen/track/", {"code": case.code, "phone_last4": "8888"}).content.decode()
    api = Client().get(f"/api/v1/track/{case.code}", {"phone_last4": "8888"}).json()

    for html in (app_page, tracked):
        assert "批准延期" in html
        assert "派单" in html
        assert "申请延期" not in html
        assert "需采购灯具" not in html
    assert "批准延期" in [e["label"] for e in api["timeline"]]
    assert "申请延期" not in [e["label"] for e in api["timeline"]]


def test_one_click_dispatch_that_fails_leaves_the_case_waiting_to_be_accepted(
    citizen: Client, world: World, client_as: Any
) -> None:
    case = submitted(citizen, world)
    water = world.departments[1]
    water.is_active = False
    water.save(update_fields=["is_active"])

    response = client_as("dispatcher").post(
        f"/command/dispatch/{case.code}/", {"lead": f"d:{water.code}"}, follow=True
    )

    assert "已停用" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not CaseEvent.objects.filter(case=case, event_type="accepted").exists()


def test_one_click_dispatch_accepts_and_dispatches_as_two_events(
    citizen: Client, world: World, client_as: Any
) -> None:
    case = submitted(citizen, world)

    response = client_as("dispatcher").post(f"/command/dispatch/{case.code}/", {"lead": "d:WCG"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    kinds = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("event_type", flat=True))
    assert kinds == ["created", "accepted", "dispatched"]
