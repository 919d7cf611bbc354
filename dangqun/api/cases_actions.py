"""One endpoint per workflow move: POST /cases/{code}/<move>, drawn from ``workflow.TRANSITIONS``.

Each endpoint loads the case through the access helper (404 when not visible), turns the body into the
move's parameters (codes into objects; an unknown code is a 422 naming it) and calls
``case_transition``. A move not allowed now is a 409 listing the moves that are (``allowed``).

No ``from __future__ import annotations`` here: ninja reads the generated endpoints' body types from
their annotations at definition time.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ValidationError as PydanticValidationError

from dangqun.api.cases_schemas import (
    ACTION_PATHS,
    ActionIn,
    CaseDetailOut,
    DispatchIn,
    ExtensionApproveIn,
    ExtensionRequestIn,
    FollowUpIn,
    MergeIn,
    RateIn,
    TaskActionIn,
    UnitIn,
    actions_for,
    case_detail,
)
from dangqun.cases import selectors
from dangqun.cases.enums import CaseStatus, Priority, Satisfaction
from dangqun.cases.models import Case
from dangqun.cases.services.transition import case_transition
from dangqun.cases.units import Unit, unit_by_code
from dangqun.cases.workflow import TRANSITIONS, Action
from dangqun.core.errors import ConflictError, NotFoundError
from dangqun.core.i18n import source_text

Params = Callable[[HttpRequest, Any], dict[str, Any]]


def _satisfaction_value(text: str) -> str:
    """The rating's code from its code or its label, in Chinese (the source) or the request's language."""
    text = text.strip()
    for choice in Satisfaction:
        if text in {choice.value, source_text(choice.label), str(choice.label)}:
            return choice.value
    return text


def _plain(request: HttpRequest, payload: Any) -> dict[str, Any]:
    """The body's own fields, less the two every move takes."""
    return {
        k: v
        for k, v in payload.dict(exclude={"reason", "expected_version"}).items()
        if v is not None and v != ""
    }


def _unit(unit: UnitIn, field: str) -> Unit:
    return unit_by_code(department=unit.department, region=unit.region, field=field)


def _dispatch(request: HttpRequest, payload: DispatchIn) -> dict[str, Any]:
    if payload.priority is not None and payload.priority not in Priority.values:
        raise ValidationError({"priority": _("未知紧急程度: %(priority)s") % {"priority": payload.priority}})
    return {
        "lead": _unit(payload.lead, "lead"),
        "co_units": [_unit(u, "co_units") for u in payload.co_units],
        "sign_hours": payload.sign_hours,
        "resolve_days": payload.resolve_days,
        "priority": payload.priority,
    }


def _rate(request: HttpRequest, payload: RateIn) -> dict[str, Any]:
    value = _satisfaction_value(payload.satisfaction)
    return {"satisfaction": value, "comment": payload.comment}


def _merge(request: HttpRequest, payload: MergeIn) -> dict[str, Any]:
    try:
        main = selectors.access_case_by_code(request.user, payload.main_case)
    except NotFoundError:
        raise ValidationError(
            {"main_case": _("未知诉求编号: %(main_case)s") % {"main_case": payload.main_case}}
        ) from None
    return {"main_case": main}


def _follow_up(request: HttpRequest, payload: FollowUpIn) -> dict[str, Any]:
    value = _satisfaction_value(payload.satisfaction)
    if value and value not in Satisfaction.values:
        raise ValidationError(
            {"satisfaction": _("未知满意度: %(satisfaction)s") % {"satisfaction": payload.satisfaction}}
        )
    return {"method": payload.method, "satisfaction": value}


# The body of each move and how it becomes ``case_transition`` parameters (default: the body's fields).
BODIES: dict[Action, tuple[type[Schema], Params]] = {
    Action.DISPATCH: (DispatchIn, _dispatch),
    Action.SIGN: (TaskActionIn, _plain),
    Action.NOTE: (TaskActionIn, _plain),
    Action.RETURN: (TaskActionIn, _plain),
    Action.RESOLVE: (TaskActionIn, _plain),
    Action.RATE: (RateIn, _rate),
    Action.MERGE: (MergeIn, _merge),
    Action.REQUEST_EXTENSION: (ExtensionRequestIn, _plain),
    Action.APPROVE_EXTENSION: (ExtensionApproveIn, _plain),
    Action.REFUSE_EXTENSION: (TaskActionIn, _plain),
    Action.FOLLOW_UP: (FollowUpIn, _follow_up),
}


def _allowed_now(user: Any, case_id: int) -> list[str]:
    case = Case.objects.select_related("handling_region", "grid").get(pk=case_id)
    return [a["action"] for a in actions_for(case, user)]


def _endpoint(action: Action, body: type[Schema], to_params: Params) -> Callable[..., Any]:
    def endpoint(request: HttpRequest, code: str, payload: body | None = None) -> dict[str, Any]:  # type: ignore[valid-type]
        try:
            data = payload if payload is not None else body()
        except PydanticValidationError as exc:  # no body, but the move has required fields: 422
            raise ValidationError(
                {".".join(map(str, e["loc"])) or "body": _("缺少必填字段") for e in exc.errors()}
            ) from None
        case = selectors.access_case_by_code(request.user, code)
        params = to_params(request, data)
        try:
            case_transition(
                case=case,
                action=action,
                actor=request.user,
                reason=data.reason,  # type: ignore[attr-defined]
                expected_version=data.expected_version,  # type: ignore[attr-defined]
                **params,
            )
        except ConflictError as exc:
            if getattr(exc, "allowed", None) is None:
                exc.allowed = _allowed_now(request.user, case.pk)  # type: ignore[attr-defined]
            raise
        return case_detail(selectors.access_case_by_id(request.user, case.pk), request.user)

    endpoint.__name__ = f"case_{action.value}"
    return endpoint


def register(router: Router) -> None:
    """Add POST /cases/{code}/<move> for every move a person makes (the overdue sweep is the worker's)."""
    for action, path in ACTION_PATHS.items():
        transition = TRANSITIONS[action]
        body, to_params = BODIES.get(action, (ActionIn, _plain))
        router.post(
            f"/cases/{{code}}/{path}",
            response=CaseDetailOut,
            summary=source_text(transition.label),
            operation_id=f"case_{action.value}",
            description=f"{source_text(transition.label)}。可在状态:"
            + "、".join(sorted(source_text(CaseStatus(s).label) for s in transition.sources))
            + (";须填写 reason" if transition.needs_reason else ""),
        )(_endpoint(action, body, to_params))
