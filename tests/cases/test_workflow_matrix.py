"""Every action of the table from every status, per persona: allowed, refused (409), forbidden (403) or
invisible (404). Each attempt runs in a savepoint that is rolled back, so one case serves every try."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from dangqun.cases.enums import CaseStatus
from dangqun.cases.errors import ForbiddenError, TransitionNotAllowedError
from dangqun.cases.models import Case
from dangqun.cases.permissions import relations
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import TRANSITIONS, Action, Relation
from dangqun.core.errors import ConflictError, NotFoundError
from tests.cases.conftest import World, dispatched, in_progress, resolved, reviewed, submit

R = Relation

# The personas' relations to a citizen's case located in the persona grid, handled by the command
# centre, with 城管局 as lead unit and another department as co-unit.
EXPECTED_RELATIONS: dict[str, set[Relation]] = {
    "citizen": {R.REPORTER},
    "other_citizen": set(),
    "grid_worker": {R.GRID},
    "community_staff": set(),
    "street_staff": set(),
    "dispatcher": {R.DISPATCHER, R.SUPERVISOR},
    "leader": {R.SUPERVISOR},
    "lead_staff": {R.LEAD_UNIT},
    "co_staff": {R.CO_UNIT},
    "outsider_staff": set(),
    "party_admin": set(),
    "system": {R.SYSTEM},
}
INVISIBLE = {"other_citizen", "outsider_staff", "party_admin"}


def _closed(world: World) -> Case:
    case = reviewed(world)
    return case_transition(case=case, action=Action.RATE, actor=world.citizen, satisfaction="satisfied")


def _rejected(world: World) -> Case:
    return case_transition(case=submit(world), action=Action.REJECT, actor=world.dispatcher, reason="重复")


def _merged(world: World) -> Case:
    main = submit(world)
    return case_transition(case=submit(world), action=Action.MERGE, actor=world.dispatcher, main_case=main)


def _accepted(world: World) -> Case:
    return case_transition(case=submit(world), action=Action.ACCEPT, actor=world.dispatcher)


BUILDERS: dict[CaseStatus, Callable[[World], Case]] = {
    CaseStatus.SUBMITTED: submit,
    CaseStatus.ACCEPTED: _accepted,
    CaseStatus.DISPATCHED: dispatched,
    CaseStatus.IN_PROGRESS: in_progress,
    CaseStatus.RESOLVED: resolved,
    CaseStatus.REVIEWED: reviewed,
    CaseStatus.CLOSED: _closed,
    CaseStatus.REJECTED: _rejected,
    CaseStatus.MERGED: _merged,
}


def _actor(world: World, persona: str) -> Any:
    return None if persona == "system" else getattr(world, persona)


def _params(world: World, action: Action) -> dict[str, Any]:
    return {
        Action.DISPATCH: {"lead": Unit(department=world.lead_department)},
        Action.RATE: {"satisfaction": "satisfied"},
        Action.MERGE: {"main_case": submit(world)},
        Action.REQUEST_EXTENSION: {"days": 2},
    }.get(action, {})


def _attempt(case: Case, action: Action, actor: Any, params: dict[str, Any]) -> str:
    """'ok', 'precondition' (a guard of the move), 409, 403 or 404 — and nothing is kept."""
    outcome = "ok"
    try:
        with transaction.atomic():
            case_transition(case=case, action=action, actor=actor, reason="测试说明", **params)
            transaction.set_rollback(True)
    except TransitionNotAllowedError:
        outcome = "409"
    except ForbiddenError:
        outcome = "403"
    except NotFoundError:
        outcome = "404"
    except ConflictError:
        outcome = "precondition"
    return outcome


def test_persona_relations_are_what_the_matrix_assumes(world):
    case = dispatched(world)
    tasks = list(case.tasks.select_related("region"))

    got = {p: set(relations(_actor(world, p), case, tasks)) for p in EXPECTED_RELATIONS}

    assert got == EXPECTED_RELATIONS


@pytest.mark.parametrize("status", list(BUILDERS), ids=str)
def test_every_action_from_every_status_for_every_persona(world, status):
    case = BUILDERS[status](world)
    assert case.status == status
    for action, transition in TRANSITIONS.items():
        params = _params(world, action)
        for persona, rels in EXPECTED_RELATIONS.items():
            actor = _actor(world, persona)
            if status in (CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS) or persona not in (
                "lead_staff",
                "co_staff",
            ):
                live = rels
            else:
                live = rels - {R.LEAD_UNIT, R.CO_UNIT}  # their tasks are not active in this status
            got = _attempt(case, action, actor, params)
            never_dispatched = status in (
                CaseStatus.SUBMITTED,
                CaseStatus.ACCEPTED,
                CaseStatus.REJECTED,
                CaseStatus.MERGED,
            )
            if persona in INVISIBLE or (persona in ("lead_staff", "co_staff") and never_dispatched):
                expected = {"404"}
            elif status not in transition.sources:
                expected = {"409"}
            elif transition.who & live:
                expected = {"ok", "precondition"}
            else:
                expected = {"403"}
            assert got in expected, f"{status} {action} {persona}: {got}, expected {expected}"
