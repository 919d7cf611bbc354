"""Hotspots of our own cases: the refresh job and the two actions of the command centre.

``refresh_hotspots`` clusters the cases registered in the last ``WINDOW_DAYS`` with ``triage.hotspots``
(the same code as ``manage.py hotspots``) and stores the ``TOP`` hottest as ``Hotspot`` rows, and
besides them the ``PER_COMMUNITY`` hottest of each community (by the communities of their member
cases): a community's or a street's staff, who see only hotspots with cases in their subtree, would
otherwise find an empty page whenever the district's ten hottest lie elsewhere. Ranks are the
district's, so the dispatcher's page (the ten first) is unchanged. The
reporter is the citizen account, else the phone, else the name, else the case itself; the places
include the compound or village the case's grid covers (the registry's name; a grid's own name, 第12网格,
repeats in every community and would make the district one place); the address is left out of the text
(its district, street and community names are shared by thousands of cases); cases have no likes,
so support is zero and the heat rests on reporters, count, recency and span.

``make_proactive`` turns a hotspot into one proactive case (channel 未诉先办) whose description lists the
member cases; ``supervise_members`` puts every member case the actor may supervise under supervision
through ``case_transition`` (the workflow's 督办 move), skipping those the workflow refuses.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.cases.enums import CaseChannel, CaseStatus, CaseType
from dangqun.cases.models import Case
from dangqun.cases.permissions import DISPATCH_ROLES, SUPERVISE_ROLES, visible_cases_q
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from dangqun.regions.models import Region, RegionLevel
from dangqun.triage.hotspots import Hotspot as Spot
from dangqun.triage.hotspots import Message, Params, find_hotspots
from dangqun.triage.hotspots_events import HotspotEvent
from dangqun.triage.models import Hotspot, HotspotCase

WINDOW_DAYS = 90
TOP = 10
PER_COMMUNITY = 2
MAX_CASES = 20000  # newest first; bounds CPU and memory of one refresh
SKIP_STATUSES = (CaseStatus.REJECTED,)


def _reporter(case: Case) -> str:
    if case.reporter_id:
        return f"u{case.reporter_id}"
    return case.reporter_phone_hash or case.reporter_name or f"c{case.pk}"


@dataclass(frozen=True)
class _Regions:
    """Each region's parent's name and community, read once per refresh (one query)."""

    compound: dict[int, str]  # grid id → the compound or village it covers (its parent's name)
    community: dict[int, int]  # region id → its community's id (itself for a community)

    @classmethod
    def load(cls) -> _Regions:
        rows = {
            pk: (name, parent, level)
            for pk, name, parent, level in Region.objects.values_list("pk", "name", "parent_id", "level")
        }
        compound = {pk: rows[parent][0] for pk, (_, parent, _) in rows.items() if parent in rows}
        community: dict[int, int] = {}
        for pk in rows:
            node: int | None = pk
            while node in rows and rows[node][2] > RegionLevel.COMMUNITY:
                node = rows[node][1]
            if node in rows and rows[node][2] == RegionLevel.COMMUNITY:
                community[pk] = node
        return cls(compound=compound, community=community)


def _kept(found: list[Spot], cases: dict[str, Case], regions: _Regions, top: int) -> list[Spot]:
    """The district's ``top`` hottest, and each community's ``PER_COMMUNITY`` hottest, by rank."""
    kept = {spot.rank for spot in found[:top]}
    per_community: Counter[int] = Counter()
    for spot in found:
        regions_of = {cases[m.id].region_id for m in spot.members}
        for community in {regions.community[r] for r in regions_of if r in regions.community}:
            if per_community[community] < PER_COMMUNITY:
                per_community[community] += 1
                kept.add(spot.rank)
    return [spot for spot in found if spot.rank in kept]


def _message(case: Case, regions: _Regions) -> Message:
    grid = case.grid_id or case.region_id
    known = (regions.compound[grid],) if grid in regions.compound else ()
    return Message(
        id=str(case.pk),
        user=_reporter(case),
        title=case.title,
        text=case.description,
        time=case.submitted_at,
        known_places=known,
    )


def refresh_hotspots(*, actor: Any = None, window_days: int = WINDOW_DAYS, top: int = TOP) -> list[Hotspot]:
    """Recompute the hotspots of the last ``window_days``; rows nobody acted on are replaced."""
    at = clock.now()
    cases = list(
        Case.objects.filter(submitted_at__gte=at - dt.timedelta(days=window_days))
        .exclude(status__in=SKIP_STATUSES)
        .defer("reporter_phone")  # the reporter is told apart by the phone's keyed hash
        .order_by("-submitted_at")[:MAX_CASES]
    )
    regions = _Regions.load()
    every = find_hotspots(
        [_message(c, regions) for c in cases], top=len(cases), reference=at, params=Params()
    )
    found = _kept(every, {str(c.pk): c for c in cases}, regions, top)
    with transaction.atomic():
        Hotspot.objects.filter(proactive_case__isnull=True, supervised_at__isnull=True).delete()
        rows: list[Hotspot] = []
        for spot in found:
            row = Hotspot.objects.create(
                computed_at=at,
                rank=spot.rank,
                heat=round(spot.heat, 2),
                title=spot.summary[:200],
                place=spot.place[:100],
                start_at=spot.start,
                end_at=spot.end,
                n_cases=len(spot.members),
                n_reporters=int(spot.factors["reporters"]),
                factors=spot.factors,
            )
            HotspotCase.objects.bulk_create(
                [HotspotCase(hotspot=row, case_id=int(m.id)) for m in spot.members]
            )
            rows.append(row)
        record_event(
            actor=actor,
            event_type=HotspotEvent.REFRESHED,
            data={"cases": len(cases), "hotspots": len(rows), "window_days": window_days},
        )
    return rows


# --- reads and actions for the command centre ----------------------------------------------------------


def visible_hotspots(user: Any) -> QuerySet[Hotspot]:
    """Hotspots with at least one member case ``user`` may see, latest refresh first, by rank."""
    scope_q = visible_cases_q(user)
    if scope_q == Q():  # the reader sees every case: no need to look at them
        members = Hotspot.objects.filter(memberships__isnull=False)
    else:
        members = Hotspot.objects.filter(memberships__case__in=Case.objects.filter(scope_q).values("pk"))
    return members.distinct().order_by("-computed_at", "rank")


def visible_members(user: Any, hotspot: Hotspot) -> QuerySet[Case]:
    return (
        Case.objects.filter(visible_cases_q(user), pk__in=hotspot.memberships.values("case_id"))
        .select_related("region", "grid")
        .order_by("submitted_at", "pk")
    )


def visible_members_of(user: Any, hotspots: list[Hotspot]) -> dict[int, list[Case]]:
    """Hotspot id → its member cases ``user`` may see, oldest first: one query for a whole page."""
    links = (
        HotspotCase.objects.filter(
            hotspot__in=hotspots, case__in=Case.objects.filter(visible_cases_q(user)).values("pk")
        )
        .select_related("case__region", "case__grid")
        .order_by("case__submitted_at", "case__pk")
    )
    members: dict[int, list[Case]] = {}
    for link in links:
        members.setdefault(link.hotspot_id, []).append(link.case)
    return members


def access_hotspot(user: Any, hotspot_id: int) -> Hotspot:
    hotspot = visible_hotspots(user).filter(pk=hotspot_id).first()
    if hotspot is None:
        raise NotFoundError(_("热点不存在或无权访问"))
    return hotspot


def _common_region(cases: list[Case]) -> Region | None:
    """The deepest region holding every member case."""
    paths = [c.region.ancestor_paths() for c in cases if c.region_id]
    if not paths:
        return None
    common = [p for p in paths[0] if all(p in other for other in paths[1:])]
    return Region.objects.filter(path=common[-1]).first() if common else None


def make_proactive(*, actor: Any, hotspot_id: int) -> Case:
    """One proactive case for the hotspot (once); its description lists the member cases."""
    scope = get_scope(actor)
    if not (scope.is_sysadmin or scope.region_paths(DISPATCH_ROLES | SUPERVISE_ROLES)):
        raise ForbiddenError(_("只有指挥中心人员可以把热点转为未诉先办"))
    with transaction.atomic():
        hotspot = access_hotspot(actor, hotspot_id)
        hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
        if hotspot.proactive_case_id is not None:
            raise ConflictError(_("该热点已转为未诉先办诉求"), code="already_proactive")
        members = list(visible_members(actor, hotspot))
        lines = [f"- {c.code} {c.title}" for c in members]
        description = (
            f"热点问题(热度 {hotspot.heat:.2f},{hotspot.n_cases} 件诉求,{hotspot.n_reporters} 位诉求人,"
            f"{hotspot.start_at:%Y-%m-%d} 至 {hotspot.end_at:%Y-%m-%d}),"  # i18n: data (stored)
            f"地点/人群:{hotspot.place or '未识别'}。\n"
            "成员诉求:\n" + "\n".join(lines)
        )
        result = case_create(
            actor=actor,
            channel=CaseChannel.PROACTIVE,
            case_type=CaseType.HELP,
            title=f"[热点] {hotspot.title}"[:120],  # i18n: data (stored as the proactive case's title)
            description=description,
            region=_common_region(members),
            source_ref=f"hotspot:{hotspot.pk}",
        )
        hotspot.proactive_case = result.case
        hotspot.save(update_fields=["proactive_case"])
        record_event(
            actor=actor,
            event_type=HotspotEvent.PROACTIVE_CREATED,
            target=hotspot,
            data={"case": result.case.code, "members": [c.code for c in members]},
        )
    return result.case


@dataclass
class SuperviseResult:
    supervised: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (case code, why)


def supervise_members(*, actor: Any, hotspot_id: int, reason: str) -> SuperviseResult:
    """督办 every member case the actor may supervise; the others are listed with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写督办意见")})
    hotspot = access_hotspot(actor, hotspot_id)
    outcome = SuperviseResult()
    for case in visible_members(actor, hotspot):
        if case.is_supervised:
            outcome.skipped.append((case.code, _("已在督办中")))
            continue
        try:
            case_transition(
                case=case,
                action=Action.SUPERVISE,
                actor=actor,
                reason=f"[热点督办] {reason}",  # i18n: data (stored)
            )
        except (DomainError, ValidationError) as exc:
            why = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            outcome.skipped.append((case.code, why))
        else:
            outcome.supervised.append(case.code)
    if outcome.supervised:
        with transaction.atomic():
            Hotspot.objects.filter(pk=hotspot.pk, supervised_at__isnull=True).update(
                supervised_at=clock.now()
            )
            record_event(
                actor=actor,
                event_type=HotspotEvent.SUPERVISED,
                target=hotspot,
                data={"supervised": outcome.supervised, "skipped": [c for c, _ in outcome.skipped]},
            )
    return outcome
