"""Triage models (智能分拨模型): list the versions with their scores, roll back to one, queue a
retraining; and ask the active model about a message. Model management is for system administrators
only (403 for everyone else); the suggestion endpoint is for staff who dispatch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from dangqun.api.permissions import require_sysadmin, scope_of
from dangqun.cases.backends import classify
from dangqun.cases.permissions import DISPATCH_ROLES, visible_cases_q
from dangqun.cases.selectors import access_case_by_code
from dangqun.core.errors import ForbiddenError, NotFoundError
from dangqun.triage.address_index import locate_json
from dangqun.triage.duplicates import duplicates_of
from dangqun.triage.jobs import retrain_triage
from dangqun.triage.models import TriageModel
from dangqun.triage.services import activate_model

router = Router(tags=["triage"])


class TriageModelOut(Schema):
    version: int
    is_active: bool
    created_at: dt.datetime
    trained_by: str | None
    level: int
    labels: int = Field(description="分类数")
    n_labelled: int
    n_unlabelled: int
    n_taxonomy_docs: int
    train_seconds: float
    scores: dict[str, Any]
    size_bytes: int
    note: str


class RetrainIn(Schema):
    note: str = Field("", max_length=200)


class RetrainOut(Schema):
    task_id: str
    status: str


class ClassifyIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=100_000)


def _out(model: TriageModel) -> dict[str, Any]:
    return {
        "version": model.version,
        "is_active": model.is_active,
        "created_at": model.created_at,
        "trained_by": model.trained_by.get_username() if model.trained_by else None,
        "level": model.level,
        "labels": len(model.labels or []),
        "n_labelled": model.n_labelled,
        "n_unlabelled": model.n_unlabelled,
        "n_taxonomy_docs": model.n_taxonomy_docs,
        "train_seconds": model.train_seconds,
        "scores": model.scores or {},
        "size_bytes": model.size_bytes,
        "note": model.note,
    }


@router.get("/triage/models", response=list[TriageModelOut], summary="分拨模型版本(系统管理员)")
def list_models(request: HttpRequest) -> list[dict[str, Any]]:
    require_sysadmin(request)
    rows = TriageModel.objects.select_related("trained_by").defer("blob").order_by("-version")[:100]
    return [_out(m) for m in rows]


@router.post(
    "/triage/models/{version}/activate", response=TriageModelOut, summary="启用某一版本(回滚,系统管理员)"
)
def activate(request: HttpRequest, version: int) -> dict[str, Any]:
    require_sysadmin(request)
    model = TriageModel.objects.defer("blob").filter(version=version).first()
    if model is None:
        raise NotFoundError(_("分拨模型 v%(version)s 不存在") % {"version": version})
    return _out(activate_model(actor=request.user, model=model))


@router.post("/triage/models/retrain", response={202: RetrainOut}, summary="后台重新训练(系统管理员)")
def retrain(request: HttpRequest, payload: RetrainIn) -> Status:
    require_sysadmin(request)
    result = retrain_triage.enqueue(
        note=payload.note or _("由 %(get_username)s 发起") % {"get_username": request.user.get_username()}
    )
    return Status(202, {"task_id": str(result.id), "status": str(result.status)})


@router.post("/triage/suggest", response=dict[str, Any] | None, summary="对一条留言给出分类建议")
def suggest(request: HttpRequest, payload: ClassifyIn) -> dict[str, Any] | None:
    if not scope_of(request).has_role(*DISPATCH_ROLES):
        raise ForbiddenError(_("仅派单人员可以使用分类建议"))
    suggestion = classify(payload.title, payload.description)
    return suggestion.as_json() if suggestion else None


class LocateIn(Schema):
    address: str = Field("", max_length=100_000)
    lng: float | None = None
    lat: float | None = None
    crs: str = Field("wgs84", max_length=10)


@router.post("/triage/locate", response=dict[str, Any], summary="地址或坐标定位到小区、楼栋和网格")
def locate(request: HttpRequest, payload: LocateIn) -> dict[str, Any]:
    if not scope_of(request).has_role(*DISPATCH_ROLES):
        raise ForbiddenError(_("仅派单人员可以使用地址定位"))
    return locate_json(address=payload.address, lng=payload.lng, lat=payload.lat, crs=payload.crs)


@router.get(
    "/triage/cases/{code}/duplicates", response=list[dict[str, Any]], summary="疑似重复诉求(并单建议)"
)
def duplicates(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    case = access_case_by_code(request.user, code)  # 404 first: a case one cannot read stays unknown
    if not scope_of(request).has_role(*DISPATCH_ROLES):
        raise ForbiddenError(_("仅派单人员可以查看并单建议"))
    return [d.as_json() for d in duplicates_of(case, visible=visible_cases_q(request.user))]
