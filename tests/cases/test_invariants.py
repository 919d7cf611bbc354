"""Random sequences of moves keep the workflow's invariants (hypothesis)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangqun.cases.enums import CaseEventType, CaseStatus
from dangqun.cases.models import Case
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.errors import DomainError
from tests.cases.conftest import World, submit

PERSONAS = [
    "citizen",
    "grid_worker",
    "community_staff",
    "dispatcher",
    "leader",
    "lead_staff",
    "co_staff",
    "system",
]
# Events after which the resolve-by deadline may differ from before.
DEADLINE_EVENTS = {
    CaseEventType.DISPATCHED,
    CaseEventType.EXTENSION_APPROVED,
    CaseEventType.REVIEW_FAILED,
    CaseEventType.RATED,  # an unsatisfied rating reopens with a fresh deadline
    CaseEventType.RETURNED,
    CaseEventType.ESCALATED,
}

moves = st.lists(
    st.tuples(
        st.sampled_from(list(Action)),
        st.sampled_from(PERSONAS),
        st.sampled_from(["satisfied", "basically", "unsatisfied"]),
    ),
    min_size=1,
    max_size=14,
)


def _params(world: World, action: Action, rating: str, other: Case) -> dict[str, Any]:
    if action == Action.DISPATCH:
        return {
            "lead": Unit(department=world.lead_department),
            "co_units": [Unit(department=world.co_department)],
        }
    if action == Action.RATE:
        return {"satisfaction": rating}
    if action == Action.MERGE:
        return {"main_case": other}
    if action in (Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION):
        return {"days": 2}
    return {}


def _replays(case: Case) -> None:
    events = list(case.events.order_by("id"))
    assert events[0].event_type == CaseEventType.CREATED
    state = events[0].to_status
    for event in events[1:]:
        assert event.from_status == state, (event.event_type, event.from_status, state)
        state = event.to_status
    assert state == case.status


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(sequence=moves)
def test_random_moves_keep_the_invariants(world, sequence):
    with transaction.atomic():
        case = submit(world)
        other = submit(world, title="另一条诉求")
        for action, persona, rating in sequence:
            before = Case.objects.get(pk=case.pk)
            events_before = before.events.count()
            actor = None if persona == "system" else getattr(world, persona)
            with contextlib.suppress(DomainError, ValidationError):
                case_transition(
                    case=case,
                    action=action,
                    actor=actor,
                    reason="随机操作",
                    **_params(world, action, rating, other),
                )
            after = Case.objects.get(pk=case.pk)
            new_events = list(after.events.order_by("id"))[events_before:]
            if before.status in (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED):
                assert after.status == before.status
                assert all(
                    e.event_type in (CaseEventType.FOLLOWED_UP, CaseEventType.SUPERVISION_LIFTED)
                    for e in new_events
                )
            if after.resolve_due_at != before.resolve_due_at:
                assert {e.event_type for e in new_events} & DEADLINE_EVENTS
            assert len(new_events) <= 1
            _replays(after)
        transaction.set_rollback(True)
