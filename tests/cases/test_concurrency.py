"""Two handlers act on the same task at the same moment (PostgreSQL, real connections, real commits):
one wins, the other gets 409, and the timeline holds one event."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, connections

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import CaseEventType
from dangqun.cases.errors import TransitionNotAllowedError
from dangqun.cases.models import Attachment, Case, CaseEvent, CaseTask, IdempotencyRecord
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.errors import ConflictError
from dangqun.notify.models import Delivery, Notification

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between real connections: PostgreSQL only"
)


def _purge(case_ids: list[int]) -> None:
    """Remove what the test committed (events are append-only for the app, not for the test)."""
    subject_ids = [str(i) for i in case_ids]
    Delivery.objects.filter(
        notification__subject_type="cases.case", notification__subject_id__in=subject_ids
    ).delete()
    Notification.objects.filter(subject_type="cases.case", subject_id__in=subject_ids).delete()
    IdempotencyRecord.objects.filter(case_id__in=case_ids)._raw_delete(using="default")
    Attachment.objects.filter(case_id__in=case_ids)._raw_delete(using="default")
    CaseEvent.objects.filter(case_id__in=case_ids)._raw_delete(using="default")
    CaseTask.objects.filter(case_id__in=case_ids)._raw_delete(using="default")
    Case.objects.filter(pk__in=case_ids)._raw_delete(using="default")


@pytest.fixture
def committed(demo_db, django_db_blocker) -> Iterator[Callable[[], Case]]:  # type: ignore[no-untyped-def]
    """Build dispatched cases outside any test transaction, and remove them afterwards."""
    made: list[int] = []
    with django_db_blocker.unblock():
        dispatcher = User.objects.get(username="dispatcher")
        lead = Membership.objects.get(
            user__username="department_staff", role=Role.DEPARTMENT_STAFF
        ).department
        grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region

        def make() -> Case:
            case = case_create(
                actor=User.objects.get(username="citizen"),
                channel="app",
                title="并发测试",
                description="两个处置人同时操作同一任务。",
                lng=grid.centroid_lng,
                lat=grid.centroid_lat,
            ).case
            made.append(case.pk)
            case_transition(case=case, action=Action.ACCEPT, actor=dispatcher)
            return case_transition(
                case=case, action=Action.DISPATCH, actor=dispatcher, lead=Unit(department=lead)
            )

        try:
            yield make
        finally:
            _purge(made)


def _race(action: Action, case: Case, actor: User, **params: object) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            case_transition(case=case.pk, action=action, actor=User.objects.get(pk=actor.pk), **params)
            outcomes.append("ok")
        except (TransitionNotAllowedError, ConflictError):
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


def test_two_handlers_signing_at_once(committed, django_db_blocker):
    with django_db_blocker.unblock():
        case = committed()
        staff = User.objects.get(username="department_staff")

        outcomes = _race(Action.SIGN, case, staff)

        assert outcomes == ["409", "ok"]
        assert CaseEvent.objects.filter(case=case, event_type=CaseEventType.SIGNED).count() == 1


def test_two_handlers_resolving_at_once(committed, django_db_blocker):
    with django_db_blocker.unblock():
        case = committed()
        staff = User.objects.get(username="department_staff")
        case_transition(case=case, action=Action.SIGN, actor=staff)

        outcomes = _race(Action.RESOLVE, case, staff, reason="已处理")

        assert outcomes == ["409", "ok"]
        assert CaseEvent.objects.filter(case=case, event_type=CaseEventType.RESOLVED).count() == 1
