"""The moves the API offers are exactly the moves the door accepts: every demo persona × a case in
every status (and in the guarded situations: supervised, an extension requested, the rating window
over, passed up a level, a region as unit) × every move.

"Offered" is the ``actions`` of ``GET /api/v1/cases/{code}`` (``selectors.available_moves``).
"Accepted" is the door (``case_transition``) taking the move with a valid body; it refuses with 404
(scope), 409 (status, or a guard of the case's table), 403 (role) or 422 (``GuardFailedError``, a guard
of a workflow whose guards are input checks). A ``task_id`` asked for is an input error, not a refusal
(the persona holds several tasks of the case): the move is tried again naming each task. Each persona
also follows each button it is offered once through ``POST /api/v1/cases/{code}/<move>``: 200.

One setup builds the cases through the services; every attempt runs in a savepoint that is rolled
back, so each case serves every try."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.accounts.models import Membership, Role, User
from dangqun.api.cases_schemas import ACTION_PATHS
from dangqun.cases.enums import CaseStatus
from dangqun.cases.models import Case, Category
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.errors import ForbiddenError, NotFoundError
from dangqun.core.fields import join_path
from dangqun.core.workflow import GuardConflictError, GuardFailedError, TransitionNotAllowedError
from dangqun.demo.personas import PERSONAS
from dangqun.orgs.models import Department
from dangqun.regions.models import Region
from tests.conftest import ApiClient

A = Action


class Cases:
    """The demo personas' district with one case per situation, built through the services."""

    def __init__(self) -> None:
        self.users = {p.username: User.objects.get(username=p.username) for p in PERSONAS}
        grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
        community = Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region
        street = Membership.objects.get(user__username="street_staff", role=Role.STREET_STAFF).region
        assert grid is not None
        assert community is not None
        assert street is not None
        self.grid: Region = grid
        self.department: Department = Membership.objects.get(
            user__username="department_staff", role=Role.DEPARTMENT_STAFF
        ).department  # type: ignore[assignment]
        self.community_unit = Unit(region=community)
        self.street_unit = Unit(region=street)
        self.category = Category.objects.create(
            code="MOVES1", name="市政设施", level=1, path=join_path(None, "MOVES1")
        )
        self.by_name: dict[str, Case] = {}

    def report(self, name: str, *, by: str = "citizen", channel: str = "app") -> Case:
        case = case_create(
            actor=self.users[by],
            channel=channel,
            title=f"路灯不亮({name})",
            description="小区门口的路灯连续三晚不亮,夜里出行不便。",
            category=self.category,
            lng=self.grid.centroid_lng,
            lat=self.grid.centroid_lat,
            reporter_phone="13800001234",
        ).case
        self.by_name[name] = case
        return case

    def move(self, case: Case, action: Action, by: str | None, **params: Any) -> Case:
        actor = None if by is None else self.users[by]
        return case_transition(case=case, action=action, actor=actor, reason="测试说明", **params)

    def dispatch(self, name: str, *, lead: Unit | None = None, co: list[Unit] | None = None) -> Case:
        case = self.report(name)
        self.move(case, A.ACCEPT, "dispatcher")
        return self.move(
            case,
            A.DISPATCH,
            "dispatcher",
            lead=lead or Unit(department=self.department),
            co_units=[self.community_unit] if co is None else co,
        )

    def in_progress(self, name: str) -> Case:
        return self.move(self.dispatch(name), A.SIGN, "department_staff")

    def resolved(self, name: str) -> Case:
        return self.move(self.in_progress(name), A.RESOLVE, "department_staff")

    def reviewed(self, name: str) -> Case:
        return self.move(self.resolved(name), A.REVIEW, "dispatcher")

    def build(self) -> None:
        self.report("submitted")
        self.report("submitted_by_grid", by="grid_worker", channel="grid_worker")
        self.move(self.report("accepted"), A.ACCEPT, "dispatcher")
        passed_up = self.report("passed_up", by="grid_worker", channel="grid_worker")
        self.move(passed_up, A.ESCALATE, "grid_worker")  # from the grid to its community
        self.dispatch("dispatched")
        co_signed = self.dispatch("dispatched_co_signed")
        self.move(co_signed, A.SIGN, "community_staff")
        self.dispatch("dispatched_to_street", lead=self.street_unit, co=[])
        self.in_progress("in_progress")
        self.move(self.in_progress("supervised"), A.SUPERVISE, "leader")
        requested = self.in_progress("extension_requested")
        self.move(requested, A.REQUEST_EXTENSION, "department_staff", days="2")
        self.resolved("resolved")
        self.reviewed("reviewed")
        with mock.patch(
            "dangqun.core.clock.now", return_value=dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        ):
            self.reviewed("rating_window_over")
        self.move(self.reviewed("closed"), A.RATE, "citizen", satisfaction="satisfied")
        self.move(self.report("rejected"), A.REJECT, "dispatcher")
        main = self.report("main")
        self.move(self.report("merged"), A.MERGE, "dispatcher", main_case=main)
        # The main case of every merge attempt: dispatched to every unit, so whoever sees the case
        # merged into it sees it too (a main case one cannot see is an input error, not a refusal).
        self.dispatch("merge_target", co=[self.community_unit, self.street_unit])


def _params(cases: Cases, action: Action) -> dict[str, Any]:
    """A valid body for each move (the door's refusals are what the walk is after, not input errors)."""
    return {
        A.DISPATCH: {"lead": Unit(department=cases.department)},
        A.RATE: {"satisfaction": "satisfied"},
        A.MERGE: {"main_case": cases.by_name["merge_target"]},
        A.REQUEST_EXTENSION: {"days": "2"},
        A.FOLLOW_UP: {"method": "phone"},
    }.get(action, {})


def _door_accepts(case: Case, action: Action, actor: User, params: dict[str, Any]) -> bool:
    """Whether the door accepts the move; nothing is kept. A ``task_id`` asked for (the persona holds
    several tasks of the case) is an input error: the move is tried naming each task."""
    try:
        with transaction.atomic():
            case_transition(case=case.pk, action=action, actor=actor, reason="测试说明", **params)
            transaction.set_rollback(True)
    except (NotFoundError, TransitionNotAllowedError, GuardConflictError, ForbiddenError, GuardFailedError):
        return False
    except ValidationError as exc:
        if "task_id" not in exc.message_dict or "task_id" in params:
            raise
        task_ids = case.tasks.values_list("id", flat=True)
        return any(_door_accepts(case, action, actor, {**params, "task_id": t}) for t in task_ids)
    return True


def _api_body(cases: Cases, action: Action) -> dict[str, Any]:
    return {
        "reason": "测试说明",
        **{
            A.DISPATCH: {"lead": {"department": cases.department.code}},
            A.RATE: {"satisfaction": "satisfied"},
            A.MERGE: {"main_case": cases.by_name["merge_target"].code},
            A.REQUEST_EXTENSION: {"days": "2"},
            A.FOLLOW_UP: {"method": "phone"},
        }.get(action, {}),
    }


def _api_follows(client: ApiClient, case: Case, action: Action, body: dict[str, Any]) -> bool:
    """Whether ``POST /api/v1/cases/{code}/<move>`` answers 200 (naming each task when asked which)."""
    with transaction.atomic():
        response = client.post_json(f"/api/v1/cases/{case.code}/{ACTION_PATHS[action]}", body)
        transaction.set_rollback(True)
    if response.status_code == 422 and "task_id" in response.json()["errors"] and "task_id" not in body:
        task_ids = case.tasks.values_list("id", flat=True)
        return any(_api_follows(client, case, action, {**body, "task_id": t}) for t in task_ids)
    return response.status_code == 200


def test_the_moves_offered_are_exactly_the_moves_the_door_accepts(demo: Any) -> None:
    cases = Cases()
    cases.build()
    walked = {n: c for n, c in cases.by_name.items() if n != "merge_target"}
    statuses = {c.status for c in Case.objects.filter(pk__in=[c.pk for c in walked.values()])}
    assert statuses == set(CaseStatus), statuses  # every status is walked
    mismatches: list[str] = []
    followed: dict[tuple[str, str], bool] = {}
    for persona in PERSONAS:
        actor = cases.users[persona.username]
        client = ApiClient(enforce_csrf_checks=True)
        client.api_login(persona.username)
        for name, case in walked.items():
            detail = client.get(f"/api/v1/cases/{case.code}")
            offered = {a["action"] for a in detail.json()["actions"]} if detail.status_code == 200 else set()
            if detail.status_code == 404:
                # out of scope: the door's first check, the same for every move; one attempt shows it
                accepted = {A.NOTE.value} if _door_accepts(case, A.NOTE, actor, {}) else set()
            else:
                accepted = {
                    action.value
                    for action in ACTION_PATHS
                    if _door_accepts(case, action, actor, _params(cases, action))
                }
            if offered != accepted:
                mismatches.append(
                    f"{persona.username} on {name} ({case.status}): offered but refused "
                    f"{sorted(offered - accepted)}, accepted but not offered {sorted(accepted - offered)}"
                )
            for action in sorted(offered):  # each persona follows each button once, through the API
                key = (persona.username, action)
                if key not in followed:
                    followed[key] = _api_follows(
                        client, case, Action(action), _api_body(cases, Action(action))
                    )
    assert not mismatches, "\n".join(mismatches)
    assert all(followed.values()), sorted(k for k, ok in followed.items() if not ok)
    # the walk offered every move a person makes (the overdue sweep's BREACH is the worker's)
    assert {a for _p, a in followed} == {a.value for a in ACTION_PATHS}
