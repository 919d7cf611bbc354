"""A sign-up for a volunteer activity, on the workflow spine.

``services.signup_create`` makes it: 已报名 while the activity has places, else 候补 (the waiting
list: never over the slots). Then, through the door (``SignUpWorkflow.apply``):

* the volunteer checks in on site (已签到): with the code shown at the place (its QR code) or the
  phone's position within the activity's radius, in the window from ``CHECK_IN_EARLY`` before the
  start to the end; outside the window or too far: 422 naming the reason;
* the organisers confirm the hours once the activity has begun (已认定时长): one ledger line
  (``HoursEntry``), which a unique (activity, volunteer) constraint keeps from ever being written twice;
* the volunteer or the organisers cancel before the start; a cancelled place goes to the first on the
  waiting list.

The activity's row is locked before the sign-up's, by every move and by ``signup_create``, so that
counting the places and promoting from the waiting list never race.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, DomainError
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Transition, Workflow, row
from dangqun.volunteers.access import organises, signups_visible_q
from dangqun.volunteers.events import VolunteersEvent
from dangqun.volunteers.models import Activity, HoursEntry, SignUp, SignUpStatus, TeamMembership

SIGNER = "volunteer"  # the volunteer who signed up
ORGANISER = "organiser"  # the activity's organisers

ENROLLED, WAITING, CHECKED_IN = SignUpStatus.ENROLLED, SignUpStatus.WAITING, SignUpStatus.CHECKED_IN

CHECK_IN_EARLY = dt.timedelta(minutes=30)
EARTH_RADIUS_M = 6_371_000.0


class CheckInRefusedError(DomainError):
    """A check-in outside the time window, too far from the place or with a wrong code (HTTP 422)."""

    status_code = 422


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _hm(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


def check_in_window(activity: Activity) -> tuple[dt.datetime, dt.datetime]:
    return activity.starts_at - CHECK_IN_EARLY, activity.ends_at


def _check_in(ctx: Ctx[SignUp]) -> Outcome:
    """Checks the window, then the code or the position; raises ``CheckInRefusedError`` naming why."""
    activity: Activity = ctx.state["activity"]
    opens, closes = check_in_window(activity)
    if not opens <= ctx.at <= closes:
        raise CheckInRefusedError(
            _("不在签到时间内:签到时间为%(opens)s至%(closes)s")
            % {"opens": _hm(opens), "closes": _hm(closes)},
            code="outside_window",
        )
    code = str(ctx.body.get("code") or "").strip().upper()
    lat, lng = ctx.body.get("lat"), ctx.body.get("lng")
    if code:
        if code != activity.check_in_code.upper():
            raise CheckInRefusedError(_("签到码不正确,请扫描活动现场的二维码"), code="wrong_code")
        method, payload = "code", {}
    elif lat is not None and lng is not None:
        far = distance_m(float(lat), float(lng), activity.lat, activity.lng)
        if far > activity.radius_m:
            raise CheckInRefusedError(
                _("距离活动地点%(far)s米,超出签到范围(%(radius)s米内)")
                % {"far": round(far), "radius": activity.radius_m},
                code="too_far",
            )
        method, payload = "gps", {"distance_m": round(far)}
    else:
        raise CheckInRefusedError(_("请扫描现场二维码或允许获取位置后签到"), code="no_proof")
    ctx.obj.check_in_method = method
    return Outcome(payload={"method": method, **payload}, changed={"check_in_method"})


def _credit(ctx: Ctx[SignUp]) -> Outcome:
    """The ledger line: the activity's hours for this volunteer, once (the unique constraint holds it)."""
    activity: Activity = ctx.state["activity"]
    signup = ctx.obj
    team_id = activity.team_id
    if (
        team_id is not None
        and not TeamMembership.objects.filter(
            team_id=team_id, volunteer_id=signup.volunteer_id, status="active"
        ).exists()
    ):
        team_id = None  # hours count for the team only when the volunteer serves in it
    try:
        with transaction.atomic():
            entry = HoursEntry.objects.create(
                volunteer_id=signup.volunteer_id,
                activity=activity,
                team_id=team_id,
                hours=activity.hours,
                served_on=timezone.localtime(activity.starts_at).date(),
                credited_at=ctx.at,
                confirmed_by_id=ctx.actor.pk if ctx.actor is not None and ctx.actor.pk else None,
            )
    except IntegrityError:
        raise ConflictError(_("该志愿者本次活动的时长已认定,不能重复认定"), code="already_credited") from None
    return Outcome(payload={"hours": str(entry.hours), "entry": entry.pk})


def _promote(ctx: Ctx[SignUp]) -> Outcome:
    """A place freed by a cancellation goes to the first on the waiting list."""
    if ctx.obj.status == WAITING:
        return Outcome()
    first = (
        SignUp.objects.select_for_update()
        .filter(activity_id=ctx.obj.activity_id, status=WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if first is None:
        return Outcome()
    first.status = ENROLLED
    first.promoted_at = ctx.at
    first.save(update_fields=["status", "promoted_at", "updated_at"])
    record_event(
        actor=ctx.actor,
        event_type=VolunteersEvent.SIGNUP_PROMOTED,
        target=first,
        data={"activity": ctx.obj.activity_id, "freed_by": ctx.obj.pk},
    )
    return Outcome(payload={"promoted": first.pk})


def _not_started(ctx: Ctx[SignUp]) -> bool:
    return ctx.at < ctx.state["activity"].starts_at


def _started(ctx: Ctx[SignUp]) -> bool:
    return ctx.at >= ctx.state["activity"].starts_at


class SignUpWorkflow(Workflow[SignUp]):
    model = SignUp
    noun = gettext_lazy("活动报名")
    statuses = dict(SignUpStatus.choices)
    table = {
        t.action: t
        for t in (
            row("check_in", gettext_lazy("签到"), [ENROLLED], CHECKED_IN, [SIGNER],
                VolunteersEvent.SIGNUP_CHECKED_IN, handler="check_in", stamps=["checked_in_at"]),
            row("confirm", gettext_lazy("认定时长"), [ENROLLED, CHECKED_IN], SignUpStatus.CONFIRMED,
                [ORGANISER],
                VolunteersEvent.HOURS_CONFIRMED, guard="started", handler="credit", stamps=["confirmed_at"]),
            row("cancel", gettext_lazy("取消报名"), [ENROLLED, WAITING], SignUpStatus.CANCELLED,
                [SIGNER, ORGANISER, SYSTEM], VolunteersEvent.SIGNUP_CANCELLED, guard="not_started",
                handler="promote", stamps=["cancelled_at"]),
        )
    }  # fmt: skip
    guards = {"not_started": _not_started, "started": _started}
    guard_messages = {
        "not_started": gettext_lazy("活动已开始,不能取消报名"),
        "started": gettext_lazy("活动尚未开始,不能认定时长"),
    }
    guard_conflicts = frozenset({"not_started", "started"})
    handlers = {"check_in": _check_in, "credit": _credit, "promote": _promote}

    @classmethod
    def moves(cls, ctx: Ctx[SignUp]) -> list[Transition]:
        """As the table says, but 签到 is offered only in the check-in window (the door itself lets the
        handler refuse it outside, naming the window)."""
        opens, closes = check_in_window(ctx.state["activity"])
        in_window = opens <= ctx.at <= closes
        return [t for t in super().moves(ctx) if in_window or t.action != "check_in"]

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return signups_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> SignUp:
        activity_id = SignUp.objects.values_list("activity_id", flat=True).get(pk=pk)
        Activity.objects.select_for_update().filter(pk=activity_id).first()  # the activity first
        return (
            SignUp.objects.select_for_update(of=("self",))
            .select_related("activity__region", "volunteer")
            .get(pk=pk)
        )

    @classmethod
    def load_state(cls, obj: SignUp, *, lock: bool) -> dict[str, Any]:
        return {"activity": obj.activity}

    @classmethod
    def relations(cls, actor: Actor, obj: SignUp, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if obj.volunteer.user_id is not None and obj.volunteer.user_id == actor.pk:
            rels.add(SIGNER)
        if organises(actor, obj.activity):
            rels.add(ORGANISER)
        return frozenset(rels)
