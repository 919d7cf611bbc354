"""The demo district as two services: ``demo_seed`` (idempotent) and ``demo_reset``.

A seed runs in stages, each in its own transaction; the last one writes the ``demo.seeded`` audit
event with the arguments and the counts. That event is the marker: the same arguments again find it
and return at once; other arguments are refused unless ``reset`` is given. A seed that died half-way
left no marker, so it is refused too and needs ``reset``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q

from dangqun.accounts.models import Membership, User
from dangqun.cases.models import Attachment, Case, CaseCodeCounter, CaseEvent, CaseTask, IdempotencyRecord
from dangqun.core.audit import record_event
from dangqun.core.errors import DomainError
from dangqun.core.models import AuditEvent
from dangqun.demo.build_accounts import seed_accounts
from dangqun.demo.build_cases import (
    DEMO_STAFF_PREFIXES,
    check_taxonomy_choice,
    history_split,
    seed_case_reference,
    seed_cases,
)
from dangqun.demo.build_civic import delete_civic, seed_civic
from dangqun.demo.build_community import delete_community, seed_community
from dangqun.demo.build_gridwork import delete_gridwork, seed_gridwork, seed_worker_ratings
from dangqun.demo.build_guides import delete_guides, seed_guides
from dangqun.demo.build_notices import delete_notices, seed_notices
from dangqun.demo.build_orgs import seed_departments, seed_party_tree
from dangqun.demo.build_party import seed_party_life, seed_party_members
from dangqun.demo.build_partywork import delete_partywork, seed_partywork
from dangqun.demo.build_proposals import delete_proposals, seed_proposals
from dangqun.demo.build_regions import seed_regions
from dangqun.demo.build_registry import seed_registry
from dangqun.demo.build_study import delete_study, seed_study
from dangqun.demo.build_triage import seed_hotspots, seed_triage_model
from dangqun.demo.build_voice import delete_voice, seed_voice
from dangqun.demo.build_volunteers import delete_volunteers, seed_volunteers
from dangqun.demo.calendar import anchor_end, demo_shift, reanchor_days, reference_end
from dangqun.demo.context import DISTRICT_CODE, SeedContext, SeedOptions
from dangqun.demo.events import DemoEvent
from dangqun.demo.personas import PERSONAS
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department, PartyOrg
from dangqun.party.models import Development, Meeting, PartyMember, Transfer
from dangqun.regions.models import Region
from dangqun.regions.services import geo_index_version_bump
from dangqun.registry.models import Building, Business, Facility, Household, Institution, Resident

MAX_SCALE = 50.0

__all__ = ["SeedResult", "active_demo", "demo_reset", "demo_seed", "demo_seed_history", "mark_seeded"]


@dataclass(frozen=True)
class SeedResult:
    created: bool  # False: the same demo was already there (re-anchored when ``shifted_days``)
    options: SeedOptions
    counts: dict[str, int]
    end: dt.datetime | None = None  # where the demo's calendar ends now
    shifted_days: int = 0  # the days an existing demo was moved forward to end today (``calendar``)


def _check_scale(scale: object, name: str = "scale") -> float:
    if not isinstance(scale, int | float) or not math.isfinite(scale) or not 0 < scale <= MAX_SCALE:
        raise ValidationError(
            "规模参数 %(name)s 必须是大于0且不超过%(max)s的数字,收到:%(value)s",
            code="invalid_scale",
            params={"name": name, "max": MAX_SCALE, "value": scale},
        )
    return float(scale)


def _check_options(scale: float, seed: int, case_scale: float | None = None) -> SeedOptions:
    _check_scale(scale)
    if case_scale is not None:
        case_scale = _check_scale(case_scale, "case_scale")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValidationError(
            "随机种子 seed 必须是非负整数,收到:%(value)s", code="invalid_seed", params={"value": seed}
        )
    return SeedOptions(scale=float(scale), seed=seed, case_scale=case_scale)


def active_demo() -> dict[str, Any] | None:
    """The data of the last ``demo.seeded`` (or ``demo.reanchored``) event, unless a ``demo.reset`` came
    after it."""
    event = AuditEvent.objects.filter(event_type__in=[e.value for e in DemoEvent]).order_by("-id").first()
    if event is None or event.event_type == DemoEvent.RESET.value:
        return None
    if not Region.objects.filter(code=DISTRICT_CODE).exists():
        return None
    return event.data


def demo_seed(
    *,
    actor: User | None,
    scale: float = 1.0,
    seed: int = 1,
    reset: bool = False,
    show_progress: bool = False,
    taxonomy: str = "builtin",
    case_scale: float | None = None,
    anchor: str | dt.date | None = None,
    history: str = "now",
) -> SeedResult:
    """Seed the demo district, or do nothing if the same demo is already there.

    ``taxonomy`` chooses the case categories: ``builtin`` (our own tree, the default here, so that code
    and tests never depend on files outside the repository), ``auto`` (the contest taxonomy when this
    machine has it, else the built-in tree; the ``seed_demo`` command's default), or the path of a CSV
    file. Categories are reference data: a reset keeps them, and loading them again creates nothing new.

    ``anchor`` is where the year of cases ends (``demo.calendar.anchor_end``; default: the
    ``DEMO_ANCHOR`` setting, "today"). The same demo found on a later day is moved forward to end
    there (``demo.calendar``): that is the only write of a run with the same arguments.

    ``history="later"`` plays only the cases of the last weeks (``build_cases.HISTORY_SPLIT_DAYS``) and
    marks the rest of the year pending: ``demo_seed_history`` plays it, beside a running server
    (``make run`` serves first). ``"now"`` (the default) plays the whole year here.
    """
    if history not in ("now", "later"):
        raise ValidationError(
            "history 须为 now 或 later,收到:%(value)s", code="invalid_history", params={"value": history}
        )
    options = _check_options(scale, seed, case_scale)
    check_taxonomy_choice(taxonomy)
    end = anchor_end(anchor)
    active = active_demo()
    if active is not None and not reset and active.get("options") == options.as_dict():
        if active.get("history") == "pending":  # the year is still being played: it moves afterwards
            return SeedResult(created=False, options=options, counts=dict(active.get("counts", {})))
        return _reanchor(actor, active, options, end)
    if reset:
        demo_reset(actor=actor)
    elif active is not None:
        raise ValidationError(
            "数据库中已有演示数据(scale=%(scale)s, seed=%(seed)s),与本次参数不同;如需重新生成请加 --reset",
            code="demo_exists",
            params=active.get("options", {}),
        )
    _check_empty()

    ctx = SeedContext(options=options, show_progress=show_progress, end=end)
    # One transaction per stage; each later stage reads what the earlier ones wrote.
    stages: list[Callable[[SeedContext], None]] = [
        _stage_regions,
        _stage_orgs,
        lambda c: seed_registry(c, RegionTree.load()),
        lambda c: seed_party_members(c, RegionTree.load()),
        lambda c: seed_accounts(c, RegionTree.load()),
        lambda c: seed_party_life(c, RegionTree.load()),
        lambda c: seed_case_reference(c, RegionTree.load(), taxonomy),
        lambda c: seed_cases(c, RegionTree.load(), "recent" if history == "later" else "all"),
        seed_triage_model,
        seed_hotspots,
        seed_community,
        seed_gridwork,
        seed_partywork,
        seed_study,
        seed_volunteers,
        seed_civic,
        seed_guides,
        seed_notices,
        seed_proposals,
        seed_worker_ratings,
        seed_voice,
    ]
    for stage in stages:
        try:
            with transaction.atomic():
                stage(ctx)
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from error
    counts = dict(sorted(ctx.counts.items()))
    mark_seeded(actor=actor, options=options, counts=counts, end=end, pending=history == "later")
    return SeedResult(created=True, options=options, counts=counts, end=end)


def demo_seed_history(*, actor: User | None, show_progress: bool = False) -> SeedResult | None:
    """Play the rest of the year of a demo seeded with ``history="later"``; ``None`` when nothing is
    pending. It commits as it goes (a server is using the database meanwhile); a run that was
    interrupted left part of the history: that part is deleted and the history played again."""
    active = active_demo()
    if active is None or active.get("history") != "pending":
        return None
    options = SeedOptions(**active["options"])
    end = dt.datetime.fromisoformat(active["end"])
    ctx = SeedContext(options=options, show_progress=show_progress, end=end)
    tree = RegionTree.load()
    district = Region.objects.get(code=DISTRICT_CODE)
    split = history_split(end)
    _delete_cases(district, {}, before=split)
    # a history played in part numbered its days' cases: numbering starts again with the days
    CaseCodeCounter.objects.filter(day__lt=split.date()).delete()
    try:
        seed_cases(ctx, tree, "history")
        # no transaction around these: both compute first and write briefly, and a server is using the
        # database (a transaction around training held SQLite's write lock past the worker's timeout)
        seed_triage_model(ctx)
        seed_hotspots(ctx)
    except DomainError as error:
        raise ValidationError(error.message, code=error.code) from error
    counts = dict(sorted({**active.get("counts", {}), **ctx.counts}.items()))
    with transaction.atomic():
        record_event(
            actor=actor,
            event_type=DemoEvent.HISTORY_PLAYED,
            target=district,
            data={**active, "counts": counts, "history": "played"},
        )
    return SeedResult(created=True, options=options, counts=counts, end=end)


def mark_seeded(
    *,
    actor: User | None,
    options: SeedOptions,
    counts: dict[str, int],
    end: dt.datetime | None = None,
    pending: bool = False,
) -> None:
    """The last step of a seed: the grid index moves on and the ``demo.seeded`` marker is written
    (with where the demo's calendar ends)."""
    with transaction.atomic():
        geo_index_version_bump()
        record_event(
            actor=actor,
            event_type=DemoEvent.SEEDED,
            target=Region.objects.get(code=DISTRICT_CODE),
            data={
                "district": DISTRICT_CODE,
                "options": options.as_dict(),
                "counts": counts,
                "end": (end or reference_end()).isoformat(),
                "history": "pending" if pending else "played",
            },
        )


def _reanchor(
    actor: User | None, active: dict[str, Any], options: SeedOptions, end: dt.datetime
) -> SeedResult:
    """The same demo is there: move it forward so that its calendar ends at ``end`` (or leave it)."""
    counts = dict(active.get("counts", {}))
    stored = active.get("end")
    stored_end = dt.datetime.fromisoformat(stored) if stored else reference_end()
    days = reanchor_days(stored_end, end)
    if days <= 0:
        return SeedResult(created=False, options=options, counts=counts, end=stored_end)
    with transaction.atomic():
        shifted = demo_shift(days)
        new_end = stored_end + dt.timedelta(days=days)
        record_event(
            actor=actor,
            event_type=DemoEvent.REANCHORED,
            target=Region.objects.get(code=DISTRICT_CODE),
            data={**active, "end": new_end.isoformat(), "shifted_days": days, "shifted": shifted},
        )
    return SeedResult(created=False, options=options, counts=counts, end=new_end, shifted_days=days)


def _stage_regions(ctx: SeedContext) -> None:
    seed_regions(ctx)


def _stage_orgs(ctx: SeedContext) -> None:
    tree = RegionTree.load()
    seed_party_tree(ctx, tree, seed_departments(ctx, tree))


def _check_empty() -> None:
    """Refuse to seed over data the demo did not write (or a half-written demo)."""
    if Region.objects.filter(code=DISTRICT_CODE).exists():
        raise ValidationError(
            "数据库中有未完成的演示数据(区划 %(code)s 已存在,但没有生成完成的标记);请加 --reset 重新生成",
            code="demo_incomplete",
            params={"code": DISTRICT_CODE},
        )
    if Region.objects.exists():
        raise ValidationError("数据库中已有其他区划数据,不能在其上生成演示数据", code="not_empty")
    taken = list(
        User.objects.filter(username__in=[p.username for p in PERSONAS]).values_list("username", flat=True)
    )
    if taken:
        raise ValidationError(
            "用户名已被占用,不能生成演示账号:%(names)s",
            code="username_taken",
            params={"names": "、".join(taken)},
        )


@transaction.atomic
def demo_reset(*, actor: User | None) -> dict[str, int]:
    """Delete everything the demo seed wrote (resident tags stay: they are reference data)."""
    district = Region.objects.filter(code=DISTRICT_CODE).first()
    deleted: dict[str, int] = {}
    try:
        _delete_demo(district, deleted)
    except ProtectedError as error:
        raise ValidationError(
            "演示数据已被其他数据引用(%(what)s),不能自动清除",
            code="demo_referenced",
            params={"what": "、".join(sorted({str(o._meta.verbose_name) for o in error.protected_objects}))},
        ) from error
    geo_index_version_bump()
    record_event(
        actor=actor, event_type=DemoEvent.RESET, data={"district": DISTRICT_CODE, "deleted": deleted}
    )
    return deleted


def _delete_cases(district: Region, deleted: dict[str, int], before: dt.datetime | None = None) -> None:
    """The district's cases (submitted ``before``, when given) with their timelines, tasks and
    attachments (the timeline is PROTECTed against everything else: only the demo removes it, with the
    cases themselves)."""
    cases = Case.objects.filter(region_path__subtree=district.path)
    if before is not None:
        cases = cases.filter(submitted_at__lt=before)
    case_ids = list(cases.values_list("pk", flat=True))
    deleted["cases"] = deleted["case_events"] = 0
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        IdempotencyRecord.objects.filter(case_id__in=chunk).delete()
        Attachment.objects.filter(case_id__in=chunk).delete()
        deleted["case_events"] += CaseEvent.objects.filter(case_id__in=chunk).delete()[0]
        CaseTask.objects.filter(case_id__in=chunk).delete()
        Case.objects.filter(pk__in=chunk).update(merged_into=None)
    for start in range(0, len(case_ids), 500):
        deleted["cases"] += Case.objects.filter(pk__in=case_ids[start : start + 500]).delete()[0]
    if not Case.objects.exists():
        CaseCodeCounter.objects.all().delete()  # numbering starts again at 000001 each day


def _delete_demo(district: Region | None, deleted: dict[str, int]) -> None:
    for delete_domain in (
        delete_voice,
        delete_community,
        delete_gridwork,
        delete_partywork,
        delete_study,
        delete_volunteers,
        delete_proposals,
        delete_notices,
        delete_guides,
        delete_civic,
    ):
        delete_domain(district, deleted)
    if district is not None:
        _delete_cases(district, deleted)
    persona_names = [p.username for p in PERSONAS]
    grid_user_ids = set(
        Membership.objects.filter(
            Q(user__username__startswith="gl_") | Q(user__username__startswith="gw_"),
            region__path__subtree=district.path if district else "/-/",
        ).values_list("user_id", flat=True)
    )
    staff_q = Q()
    for prefix in DEMO_STAFF_PREFIXES:  # the case stage's operators, staff and citizens
        staff_q |= Q(username__startswith=prefix)
    user_ids = grid_user_ids | set(
        User.objects.filter(Q(username__in=persona_names) | staff_q).values_list("pk", flat=True)
    )
    ordered = sorted(user_ids)
    deleted["memberships"] = deleted["users"] = 0
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start : start + 5000]
        deleted["memberships"] += Membership.objects.filter(user_id__in=chunk).delete()[0]
        deleted["users"] += User.objects.filter(pk__in=chunk).delete()[0]
    if district is None:
        return
    org_root = f"/P{DISTRICT_CODE}/"
    deleted["party_transfers"] = Transfer.objects.filter(
        Q(from_org__path__subtree=org_root) | Q(member__party_org__path__subtree=org_root)
    ).delete()[0]
    deleted["party_development"] = Development.objects.filter(branch__path__subtree=org_root).delete()[0]
    deleted["party_meetings"] = Meeting.objects.filter(org__path__subtree=org_root).delete()[0]
    deleted["party_members"] = PartyMember.objects.filter(party_org__path__subtree=org_root).delete()[0]
    in_district = Q(grid__path__subtree=district.path)
    deleted["resident_tag_links"] = Resident.tags.through.objects.filter(
        resident__grid__path__subtree=district.path
    ).delete()[0]
    for model in (Resident, Household, Building, Business, Institution, Facility):
        deleted[model._meta.model_name or model.__name__] = model.objects.filter(in_district).delete()[0]
    Department.objects.filter(region=district).update(party_org=None)
    deleted["departments"] = Department.objects.filter(region=district).delete()[0]
    deleted["party_orgs"] = _delete_tree(PartyOrg, PartyOrg.objects.filter(path__subtree=org_root))
    deleted["regions"] = _delete_tree(Region, Region.objects.filter(path__subtree=district.path))


def _delete_tree(model: type[PartyOrg] | type[Region], rows: Any) -> int:
    """Delete a subtree deepest level first (the parent links are PROTECT)."""
    by_depth: dict[int, list[int]] = {}
    for pk, path in rows.values_list("pk", "path"):
        by_depth.setdefault(path.count("/"), []).append(pk)
    total = 0
    for depth in sorted(by_depth, reverse=True):
        ids = by_depth[depth]
        for start in range(0, len(ids), 500):
            total += model.objects.filter(pk__in=ids[start : start + 500]).delete()[0]
    return total
