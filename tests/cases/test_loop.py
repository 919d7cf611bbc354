"""The whole loop through the services: submit → accept → dispatch → sign → resolve → review → rate."""

import pytest
from django.core.exceptions import ValidationError

from dangqun.cases.enums import CaseEventType, CaseStatus, Satisfaction, TaskStatus
from dangqun.cases.errors import ForbiddenError, TransitionNotAllowedError
from dangqun.cases.models import CaseEvent
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from dangqun.core.errors import NotFoundError
from dangqun.notify.models import Notification
from tests.cases.conftest import dispatched, in_progress, resolved, reviewed, submit


def test_citizen_submission_is_located_coded_and_timed(world):
    case = submit(world)

    assert case.status == CaseStatus.SUBMITTED
    assert case.grid == world.grid
    assert case.region_path == world.grid.path
    assert case.code.startswith("YB-")
    assert case.handling_region.level == 1
    assert [e.event_type for e in case.events.all()] == [CaseEventType.CREATED]


def test_codes_are_sequential_within_a_day(world):
    first, second = submit(world), submit(world)

    assert int(second.code[-6:]) == int(first.code[-6:]) + 1


def test_the_whole_loop_closes_with_a_rating(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = dispatched(world)
        case_transition(case=case, action=Action.SIGN, actor=world.co_staff)
        case_transition(case=case, action=Action.SIGN, actor=world.lead_staff)
        case_transition(case=case, action=Action.RESOLVE, actor=world.lead_staff, reason="已修复")
        case_transition(case=case, action=Action.REVIEW, actor=world.dispatcher)
        case = case_transition(
            case=case, action=Action.RATE, actor=world.citizen, satisfaction=Satisfaction.SATISFIED
        )

    assert case.status == CaseStatus.CLOSED
    assert case.satisfaction == Satisfaction.SATISFIED
    assert case.resolved_on_time is True
    assert all(t.status == TaskStatus.DONE for t in case.tasks.all())
    statuses = [(e.from_status, e.to_status) for e in case.events.order_by("id")]
    assert statuses[-1] == (CaseStatus.REVIEWED, CaseStatus.CLOSED)
    assert Notification.objects.filter(recipient=world.lead_staff, kind="case.dispatched").exists()
    assert Notification.objects.filter(recipient=world.citizen, kind="case.reviewed").exists()


def test_a_move_not_in_the_table_names_the_allowed_moves(world):
    case = submit(world)

    with pytest.raises(TransitionNotAllowedError) as error:
        case_transition(case=case, action=Action.RESOLVE, actor=world.dispatcher, reason="x")

    assert "受理" in error.value.message
    assert "accept" in error.value.allowed


def test_a_visible_case_but_a_forbidden_move_is_403(world):
    case = in_progress(world)

    with pytest.raises(ForbiddenError):
        case_transition(case=case, action=Action.RESOLVE, actor=world.dispatcher, reason="x")


def test_an_invisible_case_is_404(world):
    case = dispatched(world)

    with pytest.raises(NotFoundError):
        case_transition(case=case, action=Action.SIGN, actor=world.outsider_staff)
    with pytest.raises(NotFoundError):
        case_transition(case=case, action=Action.RATE, actor=world.other_citizen, satisfaction="satisfied")


def test_reason_is_required_where_the_table_says_so(world):
    case = submit(world)

    with pytest.raises(ValidationError):
        case_transition(case=case, action=Action.REJECT, actor=world.dispatcher)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_return_sends_the_case_back_to_the_dispatcher(world):
    case = in_progress(world)

    case = case_transition(case=case, action=Action.RETURN, actor=world.lead_staff, reason="不属于本部门职责")

    assert case.status == CaseStatus.ACCEPTED
    assert case.resolve_due_at is None
    assert {t.status for t in case.tasks.all()} == {TaskStatus.RETURNED, TaskStatus.CANCELLED}


def test_escalation_climbs_the_grid_chain(world):
    case = submit(world, actor=world.grid_worker, channel="grid_worker")
    assert case.handling_region == world.grid
    levels = []
    for actor in (world.grid_worker, world.community_staff, world.street_staff):
        case = case_transition(case=case, action=Action.ESCALATE, actor=actor, reason="本级无法解决")
        levels.append(case.handling_region.level)

    assert levels == [3, 2, 1]
    with pytest.raises(ForbiddenError):
        case_transition(case=case, action=Action.ESCALATE, actor=world.dispatcher, reason="再上报")


def test_grid_worker_resolves_small_things_on_the_spot(world):
    case = submit(world, actor=world.grid_worker, channel="grid_worker")

    case = case_transition(case=case, action=Action.RESOLVE_ON_SPOT, actor=world.grid_worker, reason="已劝离")

    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_on_time is True


def test_extension_moves_the_deadline_only_when_approved(world):
    case = in_progress(world)
    due = case.resolve_due_at

    case_transition(
        case=case, action=Action.REQUEST_EXTENSION, actor=world.lead_staff, reason="需采购配件", days=3
    )
    case.refresh_from_db()
    assert case.resolve_due_at == due
    case = case_transition(case=case, action=Action.APPROVE_EXTENSION, actor=world.dispatcher)

    assert case.resolve_due_at > due


def test_refused_extension_keeps_the_deadline(world):
    case = in_progress(world)
    due = case.resolve_due_at
    case_transition(
        case=case, action=Action.REQUEST_EXTENSION, actor=world.lead_staff, reason="需要时间", days=2
    )

    case = case_transition(
        case=case, action=Action.REFUSE_EXTENSION, actor=world.dispatcher, reason="可按期完成"
    )

    assert case.resolve_due_at == due


def test_unsatisfied_citizen_reopens_the_case(world):
    case = reviewed(world)

    case = case_transition(case=case, action=Action.RATE, actor=world.citizen, satisfaction="unsatisfied")

    assert case.status == CaseStatus.IN_PROGRESS
    assert case.reopen_count == 1
    assert case.tasks.get(role="lead").status == TaskStatus.SIGNED


def test_unsatisfied_ratings_reopen_until_the_reopens_run_out(world):
    """With two reopens allowed (the default), the second 不满意 reopens too and the third closes."""
    case = reviewed(world)
    outcomes = []
    for _round in range(3):
        case = case_transition(case=case, action=Action.RATE, actor=world.citizen, satisfaction="unsatisfied")
        outcomes.append((case.status, case.reopen_count, case.closed_at is not None))
        if case.status == CaseStatus.IN_PROGRESS:
            case = case_transition(
                case=case, action=Action.RESOLVE, actor=world.lead_staff, reason="再次处理"
            )
            case = case_transition(case=case, action=Action.REVIEW, actor=world.dispatcher)

    assert outcomes == [
        (CaseStatus.IN_PROGRESS, 1, False),
        (CaseStatus.IN_PROGRESS, 2, False),
        (CaseStatus.CLOSED, 2, True),
    ]


def test_failed_review_reopens_the_case(world):
    case = resolved(world)

    case = case_transition(case=case, action=Action.REVIEW_FAIL, actor=world.dispatcher, reason="现场未整改")

    assert case.status == CaseStatus.IN_PROGRESS


def test_merge_makes_the_reporter_follow_the_main_case(world, django_capture_on_commit_callbacks):
    main = submit(world)
    duplicate = submit(world, actor=world.other_citizen, description="同一处路灯不亮。")
    case_transition(case=main, action=Action.ACCEPT, actor=world.dispatcher)

    duplicate = case_transition(case=duplicate, action=Action.MERGE, actor=world.dispatcher, main_case=main)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case=main,
            action=Action.DISPATCH,
            actor=world.dispatcher,
            lead=__import__("dangqun.cases.services.transition", fromlist=["Unit"]).Unit(
                department=world.lead_department
            ),
        )
        case_transition(case=main, action=Action.SIGN, actor=world.lead_staff)
        case_transition(case=main, action=Action.RESOLVE, actor=world.lead_staff, reason="已修复")
        case_transition(case=main, action=Action.REVIEW, actor=world.dispatcher)

    assert duplicate.status == CaseStatus.MERGED
    assert main.events.filter(event_type=CaseEventType.MERGED_INTO).exists()
    assert Notification.objects.filter(recipient=world.other_citizen, kind="case.reviewed").exists()


def test_supervision_is_a_flag_with_its_own_events(world):
    case = dispatched(world)

    case = case_transition(case=case, action=Action.SUPERVISE, actor=world.leader, reason="群众反映强烈")

    assert case.is_supervised
    assert case.status == CaseStatus.DISPATCHED
    case = case_transition(case=case, action=Action.LIFT_SUPERVISION, actor=world.leader)
    assert not case.is_supervised


def test_closed_cases_do_not_change(world):
    case = reviewed(world)
    case = case_transition(case=case, action=Action.RATE, actor=world.citizen, satisfaction="satisfied")

    for action in (Action.ESCALATE, Action.RESOLVE, Action.DISPATCH, Action.RATE):
        with pytest.raises(TransitionNotAllowedError):
            case_transition(case=case, action=action, actor=world.dispatcher, reason="x")


def test_follow_up_calls_are_recorded_without_changing_the_case(world):
    """回访: the dispatcher calls the citizen back after the case is handled; each call is an event
    with its method, what was said and the satisfaction heard, and the status stays."""
    case = reviewed(world)
    case = case_transition(
        case=case, action=Action.RATE, actor=world.citizen, satisfaction=Satisfaction.SATISFIED
    )
    before = case.version

    after = case_transition(
        case=case,
        action=Action.FOLLOW_UP,
        actor=world.dispatcher,
        reason="电话回访:路灯已亮,居民表示满意",
        method="phone",
        satisfaction=Satisfaction.SATISFIED,
    )

    assert after.status == CaseStatus.CLOSED
    assert after.satisfaction == Satisfaction.SATISFIED
    event = CaseEvent.objects.filter(case=case).order_by("id").last()
    assert event is not None
    assert event.event_type == CaseEventType.FOLLOWED_UP
    assert (event.from_status, event.to_status) == (CaseStatus.CLOSED, CaseStatus.CLOSED)
    assert event.reason == "电话回访:路灯已亮,居民表示满意"
    assert event.payload == {"method": "phone", "satisfaction": Satisfaction.SATISFIED}
    assert event.actor == world.dispatcher
    assert after.version == before + 1
    with pytest.raises(ValidationError):
        case_transition(case=case, action=Action.FOLLOW_UP, actor=world.dispatcher, reason="x", method="fax")
    with pytest.raises(ValidationError):
        case_transition(case=case, action=Action.FOLLOW_UP, actor=world.dispatcher, method="phone")
    with pytest.raises(ForbiddenError):
        case_transition(case=case, action=Action.FOLLOW_UP, actor=world.citizen, reason="自己回访")
    assert CaseEvent.objects.filter(case=case, event_type=CaseEventType.FOLLOWED_UP).count() == 1


def test_a_dispatcher_may_record_the_rating_heard_on_a_follow_up_call(world):
    case = reviewed(world)

    case = case_transition(
        case=case, action=Action.RATE, actor=world.dispatcher, satisfaction=Satisfaction.BASICALLY
    )

    assert case.status == CaseStatus.CLOSED
    assert case.satisfaction == Satisfaction.BASICALLY
    rated = CaseEvent.objects.filter(case=case, event_type=CaseEventType.RATED).get()
    assert rated.payload["by"] == "follow_up"
