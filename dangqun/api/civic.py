"""惠民服务 (``dangqun.civic``): policies with eligibility rules over the registries — the rule
whitelist, the staff's library (create, edit a draft, preview the match count, publish and push,
withdraw) and "policies for me" for a resident or an enterprise contact. Staff see the policies of
their regions (community, street, district); anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from dangqun.civic import selectors
from dangqun.civic.access import (
    access_my_policy_by_id,
    access_policy_by_id,
    my_policies,
    require_policy_staff,
)
from dangqun.civic.models import Policy, PolicyReach
from dangqun.civic.policies import PolicyWorkflow
from dangqun.civic.rules import describe_fields, rule_text
from dangqun.civic.services import policy_create, policy_mark_read, policy_update, region_in_scope

router = Router(tags=["civic"])


class CivicRuleIn(Schema):
    field: str
    op: str
    value: Any = None


class CivicMoveOut(Schema):
    action: str
    label: str


class CivicPolicyOut(Schema):
    id: int
    title: str
    body: str
    issuer: str
    benefit: str
    how_to_apply: str
    region_code: str
    region_name: str
    audience: str
    rules: list[dict[str, Any]]
    rules_text: list[str]
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    status_label: str
    push_status: str
    matched_count: int
    reached_count: int
    read_count: int
    published_at: dt.datetime | None
    moves: list[CivicMoveOut]


class CivicPolicyListOut(Schema):
    count: int
    items: list[CivicPolicyOut]


class CivicPolicyIn(Schema):
    title: str
    issuer: str
    region: str  # a region code inside the staff member's scope
    audience: str  # resident | business
    valid_from: dt.date
    valid_until: dt.date | None = None
    rules: list[Any] = []
    body: str = ""
    benefit: str = ""
    how_to_apply: str = ""


class CivicPolicyPatchIn(Schema):
    title: str | None = None
    issuer: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    rules: list[Any] | None = None
    body: str | None = None
    benefit: str | None = None
    how_to_apply: str | None = None


class CivicPreviewIn(Schema):
    region: str
    audience: str
    rules: list[Any] = []


class CivicPreviewOut(Schema):
    region: str
    audience: str
    matched: int


class CivicMoveIn(Schema):
    reason: str = ""


class CivicMyPolicyOut(Schema):
    id: int
    title: str
    body: str
    issuer: str
    benefit: str
    how_to_apply: str
    valid_from: dt.date
    valid_until: dt.date | None
    pushed_at: dt.datetime
    read: bool


def _policy(policy: Policy, user: Any, stats: dict[str, int] | None = None) -> dict[str, Any]:
    stats = stats if stats is not None else selectors.reach_stats(policy)
    return {
        "id": policy.pk,
        "title": policy.title,
        "body": policy.body,
        "issuer": policy.issuer,
        "benefit": policy.benefit,
        "how_to_apply": policy.how_to_apply,
        "region_code": policy.region.code,
        "region_name": policy.region.name,
        "audience": policy.audience,
        "rules": policy.rules,
        "rules_text": rule_text(policy.audience, policy.rules),
        "valid_from": policy.valid_from,
        "valid_until": policy.valid_until,
        "status": policy.status,
        "status_label": policy.get_status_display(),
        "push_status": policy.push_status,
        "matched_count": policy.matched_count,
        "reached_count": stats["reached"],
        "read_count": stats["read"],
        "published_at": policy.published_at,
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in PolicyWorkflow.available_moves(policy, user)
        ],
    }


def _my_policy(reach: PolicyReach) -> dict[str, Any]:
    policy = reach.policy
    return {
        "id": policy.pk,
        "title": policy.title,
        "body": policy.body,
        "issuer": policy.issuer,
        "benefit": policy.benefit,
        "how_to_apply": policy.how_to_apply,
        "valid_from": policy.valid_from,
        "valid_until": policy.valid_until,
        "pushed_at": reach.pushed_at,
        "read": reach.read_at is not None,
    }


@router.get(
    "/civic/rule-fields", response=dict[str, list[dict[str, Any]]], summary="政策适用条件可用的字段与运算"
)
def civic_rule_fields(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    return describe_fields()


@router.get("/civic/policies", response=CivicPolicyListOut, summary="政策库(本辖区,可按状态、关键词检索)")
def civic_list_policies(
    request: HttpRequest, status: str = "", q: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    require_policy_staff(request.user)
    qs = selectors.policy_list(request.user, status=status, q=q)
    limit = max(1, min(limit, 200))
    items = list(qs[max(0, offset) : max(0, offset) + limit])
    return {
        "count": qs.count(),
        "items": [
            _policy(p, request.user, {"reached": p.reach_n, "read": p.read_n})  # type: ignore[attr-defined]
            for p in items
        ],
    }


@router.post("/civic/policies", response={201: CivicPolicyOut}, summary="新建政策(草稿)")
def civic_create_policy(request: HttpRequest, payload: CivicPolicyIn) -> Status:
    require_policy_staff(request.user)
    policy = policy_create(
        actor=request.user,  # type: ignore[arg-type]
        title=payload.title,
        issuer=payload.issuer,
        region_code=payload.region,
        audience=payload.audience,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        rules=payload.rules,
        body=payload.body,
        benefit=payload.benefit,
        how_to_apply=payload.how_to_apply,
    )
    return Status(201, _policy(access_policy_by_id(request.user, policy.pk), request.user))


@router.post("/civic/policies/preview", response=CivicPreviewOut, summary="预览适用条件匹配的人数/企业数")
def civic_preview_policy(request: HttpRequest, payload: CivicPreviewIn) -> dict[str, Any]:
    require_policy_staff(request.user)
    region = region_in_scope(request.user, payload.region)  # type: ignore[arg-type]
    matched = selectors.preview_count(payload.audience, payload.rules, region)
    return {"region": region.code, "audience": payload.audience, "matched": matched}


@router.get(
    "/civic/policies/{policy_id}", response=CivicPolicyOut, summary="政策详情、推送与阅读情况、可办理操作"
)
def civic_policy_detail(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    require_policy_staff(request.user)
    return _policy(access_policy_by_id(request.user, policy_id), request.user)


@router.patch("/civic/policies/{policy_id}", response=CivicPolicyOut, summary="修改草稿政策")
def civic_update_policy(request: HttpRequest, policy_id: int, payload: CivicPolicyPatchIn) -> dict[str, Any]:
    require_policy_staff(request.user)
    policy = access_policy_by_id(request.user, policy_id)
    changes = payload.dict(exclude_unset=True)
    policy_update(actor=request.user, policy=policy, changes=changes)  # type: ignore[arg-type]
    return _policy(access_policy_by_id(request.user, policy_id), request.user)


@router.post(
    "/civic/policies/{policy_id}/{action}",
    response=CivicPolicyOut,
    summary="办理政策:publish 发布并推送、withdraw 撤回(须说明)",
)
def civic_move_policy(
    request: HttpRequest, policy_id: int, action: str, payload: CivicMoveIn
) -> dict[str, Any]:
    require_policy_staff(request.user)
    policy = access_policy_by_id(request.user, policy_id)
    PolicyWorkflow.apply(obj=policy.pk, action=action, actor=request.user, reason=payload.reason)
    return _policy(access_policy_by_id(request.user, policy_id), request.user)


@router.get("/civic/me/policies", response=list[CivicMyPolicyOut], summary="我的惠民/惠企政策(推送给我的)")
def civic_my_policies(request: HttpRequest) -> list[dict[str, Any]]:
    return [_my_policy(r) for r in my_policies(request.user)[:200]]


@router.get("/civic/me/policies/{policy_id}", response=CivicMyPolicyOut, summary="阅读推送给我的政策")
def civic_my_policy(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    reach = access_my_policy_by_id(request.user, policy_id)
    policy_mark_read(actor=request.user, reach=reach)  # type: ignore[arg-type]
    return _my_policy(reach)
