"""发展党员 on the workflow spine: 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员.

The dates the rules set are guards: the branch talks with an applicant within a month of the
application (``talk``; a late talk is still recorded, and the reminder lists it as overdue); an
applicant becomes an activist after the talk; an activist is trained for at least a year before
becoming a 发展对象; a 支部党员大会 of the branch admits a 发展对象 as a 预备党员 (the member record is
created then), and after the year of probation it confirms them (转正), extends the probation once (by
at most a year) or cancels it. Every move that needs a branch meeting's decision names that meeting
(``meeting``), which must be a 支部党员大会 of the same branch already held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.workflow import Actor, Ctx, Outcome, Workflow, row
from dangqun.orgs.models import PartyOrg
from dangqun.party.dates import add_months
from dangqun.party.events import PartyEvent
from dangqun.party.models import (
    Development,
    DevelopmentStage,
    Meeting,
    MeetingKind,
    MemberStatus,
    PartyMember,
)

BRANCH = "branch"  # holds a party role over the branch
S = DevelopmentStage
MOVED = PartyEvent.DEVELOPMENT_MOVED
TALK_WITHIN_DAYS = 31
ACTIVIST_MONTHS = 12
PROBATION_MONTHS = 12


def _today(ctx: Ctx[Development]) -> dt.date:
    return timezone.localdate(ctx.at)


def _not_talked(ctx: Ctx[Development]) -> bool:
    return ctx.obj.talked_on is None


def _talked(ctx: Ctx[Development]) -> bool:
    return ctx.obj.talked_on is not None


def _activist_a_year(ctx: Ctx[Development]) -> bool:
    started = ctx.obj.activist_on
    return started is not None and add_months(started, ACTIVIST_MONTHS) <= _today(ctx)


def _probation_over(ctx: Ctx[Development]) -> bool:
    ends = ctx.obj.probation_ends_on
    return ends is not None and ends <= _today(ctx)


def _may_extend(ctx: Ctx[Development]) -> bool:
    return _probation_over(ctx) and not ctx.obj.extended


def _meeting(ctx: Ctx[Development]) -> Meeting:
    """The 支部党员大会 the body names: of this branch, already held."""
    try:
        meeting_id = int(ctx.body.get("meeting") or 0)
    except (TypeError, ValueError):
        meeting_id = 0
    meeting = Meeting.objects.filter(
        pk=meeting_id, org_id=ctx.obj.branch_id, kind=MeetingKind.ASSEMBLY, held_at__lte=ctx.at
    ).first()
    if meeting is None:
        raise ValidationError({"meeting": _("须为本支部已召开的支部党员大会")})
    return meeting


def _talk(ctx: Ctx[Development]) -> Outcome:
    ctx.obj.talked_on = _today(ctx)
    late = (ctx.obj.talked_on - ctx.obj.applied_on).days > TALK_WITHIN_DAYS
    return Outcome(changed={"talked_on"}, payload={"late": late})


def _activist(ctx: Ctx[Development]) -> Outcome:
    ctx.obj.activist_on = _today(ctx)
    return Outcome(changed={"activist_on"})


def _candidate(ctx: Ctx[Development]) -> Outcome:
    ctx.obj.candidate_on = _today(ctx)
    return Outcome(changed={"candidate_on"})


def _admit(ctx: Ctx[Development]) -> Outcome:
    """The branch meeting admits a 预备党员: the member record is created, on probation for a year."""
    meeting = _meeting(ctx)
    obj = ctx.obj
    day = timezone.localtime(meeting.held_at).date()
    obj.member = PartyMember.objects.create(
        party_org_id=obj.branch_id,
        name=obj.name,
        gender=obj.gender,
        birth_date=obj.birth_date,
        joined_on=day,
        is_probationary=True,
    )
    obj.admitted_on = day
    obj.probation_ends_on = add_months(day, PROBATION_MONTHS)
    obj.decided_by = meeting
    return Outcome(
        changed={"member", "admitted_on", "probation_ends_on", "decided_by"},
        payload={"meeting": meeting.pk, "member": obj.member.pk},
    )


def _member(ctx: Ctx[Development]) -> PartyMember:
    member_id: int = ctx.obj.member_id or 0  # a probationary always has the member record
    return PartyMember.objects.select_for_update().get(pk=member_id)


def _confirm(ctx: Ctx[Development]) -> Outcome:
    meeting = _meeting(ctx)
    member = _member(ctx)
    member.is_probationary = False
    member.save(update_fields=["is_probationary", "updated_at"])
    ctx.obj.full_on = _today(ctx)
    ctx.obj.decided_by = meeting
    return Outcome(changed={"full_on", "decided_by"}, payload={"meeting": meeting.pk})


def _extend(ctx: Ctx[Development]) -> Outcome:
    meeting = _meeting(ctx)
    obj = ctx.obj
    assert obj.probation_ends_on is not None  # noqa: S101 - the guard checked it
    obj.probation_ends_on = add_months(obj.probation_ends_on, PROBATION_MONTHS)
    obj.extended = True
    obj.decided_by = meeting
    obj.note = ctx.reason[:200]
    return Outcome(
        changed={"probation_ends_on", "extended", "decided_by", "note"},
        payload={"meeting": meeting.pk, "until": obj.probation_ends_on.isoformat()},
    )


def _cancel(ctx: Ctx[Development]) -> Outcome:
    meeting = _meeting(ctx)
    member = _member(ctx)
    member.status = MemberStatus.CANCELLED
    member.party_group = None
    member.save(update_fields=["status", "party_group", "updated_at"])
    ctx.obj.decided_by = meeting
    ctx.obj.note = ctx.reason[:200]
    return Outcome(changed={"decided_by", "note"}, payload={"meeting": meeting.pk})


class DevelopmentWorkflow(Workflow[Development]):
    model = Development
    status_field = "stage"
    noun = gettext_lazy("发展党员")
    statuses = dict(DevelopmentStage.choices)
    table = {
        t.action: t
        for t in (
            row("talk", gettext_lazy("记录谈话"), [S.APPLICANT], None, [BRANCH], PartyEvent.DEVELOPMENT_MOVED,
                guard="not_talked", handler="talk"),
            row("activist", gettext_lazy("确定为入党积极分子"), [S.APPLICANT], S.ACTIVIST, [BRANCH],
                MOVED, guard="talked", handler="activist"),
            row("candidate", gettext_lazy("确定为发展对象"), [S.ACTIVIST], S.CANDIDATE, [BRANCH],
                MOVED, guard="activist_a_year", handler="candidate"),
            row("admit", gettext_lazy("接收为预备党员"), [S.CANDIDATE], S.PROBATIONARY, [BRANCH],
                MOVED, needs=["meeting"], handler="admit"),
            row("confirm", gettext_lazy("按期转为正式党员"), [S.PROBATIONARY], S.FULL, [BRANCH],
                MOVED, guard="probation_over", needs=["meeting"], handler="confirm"),
            row("extend", gettext_lazy("延长预备期"), [S.PROBATIONARY], None, [BRANCH],
                MOVED, guard="may_extend", needs=["meeting", "reason"], handler="extend"),
            row("cancel", gettext_lazy("取消预备党员资格"), [S.PROBATIONARY], S.CANCELLED, [BRANCH],
                MOVED, needs=["meeting", "reason"], handler="cancel"),
        )
    }  # fmt: skip
    guards = {
        "not_talked": _not_talked,
        "talked": _talked,
        "activist_a_year": _activist_a_year,
        "probation_over": _probation_over,
        "may_extend": _may_extend,
    }
    guard_messages = {
        "not_talked": gettext_lazy("已记录过谈话"),
        "talked": gettext_lazy("须先与申请人谈话"),
        "activist_a_year": gettext_lazy("入党积极分子须经一年以上培养教育"),
        "probation_over": gettext_lazy("预备期尚未期满"),
        "may_extend": gettext_lazy("预备期未满,或已延长过一次"),
    }
    handlers = {
        "talk": _talk,
        "activist": _activist,
        "candidate": _candidate,
        "admit": _admit,
        "confirm": _confirm,
        "extend": _extend,
        "cancel": _cancel,
    }

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return get_scope(actor).party_org_q("branch__path")

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Development:
        return Development.objects.select_for_update(of=("self",)).select_related("branch").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: Development, state: dict[str, Any]) -> frozenset[str]:
        if actor is not None and get_scope(actor).covers_party_org_path(obj.branch.path):
            return frozenset({BRANCH})
        return frozenset()


@dataclass(frozen=True)
class Reminder:
    development: Development
    text: str
    due_on: dt.date
    overdue: bool


def development_reminders(rows: list[Development], today: dt.date | None = None) -> list[Reminder]:
    """What falls due: a talk within a month of the application, an activist's year, the end of a
    probation (shown 30 days ahead). Oldest first."""
    today = today or clock.local_today()
    out = []
    for d in rows:
        due: tuple[str, dt.date] | None = None
        if d.stage == S.APPLICANT and d.talked_on is None:
            due = (_("与入党申请人谈话"), d.applied_on + dt.timedelta(days=TALK_WITHIN_DAYS))
        elif d.stage == S.ACTIVIST and d.activist_on is not None:
            due = (_("可确定为发展对象"), add_months(d.activist_on, ACTIVIST_MONTHS))
        elif d.stage == S.PROBATIONARY and d.probation_ends_on is not None:
            due = (_("预备期满,讨论转正"), d.probation_ends_on)
        if due is None:
            continue
        text, day = due
        if d.stage == S.APPLICANT or day <= today + dt.timedelta(days=30):
            out.append(Reminder(development=d, text=text, due_on=day, overdue=day < today))
    return sorted(out, key=lambda r: (r.due_on, r.development.pk))


def development_of(org: PartyOrg) -> models.QuerySet[Development]:
    return Development.objects.select_related("branch", "member").filter(branch__path__subtree=org.path)
