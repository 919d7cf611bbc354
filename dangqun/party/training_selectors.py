"""Training records reads: an organisation's training courses with their sessions and the yearly
hours of each member or cadre, by training kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.party.study_models import TrainingAttendance, TrainingCourse, TrainingSession


def org_trainings(org: PartyOrg, year: int) -> QuerySet[TrainingCourse]:
    """Training courses held in ``org``'s subtree in ``year``, with their sessions and attendance."""
    return (
        TrainingCourse.objects.filter(org__path__subtree=org.path, year=year)
        .select_related("org")
        .annotate(n_sessions=Count("sessions", distinct=True), n_attended=Count("sessions__attendance"))
        .order_by("kind", "-id")
    )


def training_sessions(training: TrainingCourse) -> QuerySet[TrainingSession]:
    return training.sessions.annotate(n_attended=Count("attendance")).order_by("held_on", "id")


def session_attendance(session: TrainingSession) -> QuerySet[TrainingAttendance]:
    return session.attendance.select_related("member", "member__party_org").order_by("member__name", "id")


@dataclass
class MemberHours:
    member_id: int
    name: str
    org_name: str
    sessions: int = 0
    hours: Decimal = Decimal(0)
    by_kind: dict[str, Decimal] = field(default_factory=dict)


def yearly_hours(org: PartyOrg, year: int, *, limit: int = 5000) -> list[MemberHours]:
    """Each member of ``org``'s subtree who attended training in ``year``: hours in all and per kind,
    most hours first — one query."""
    rows = (
        TrainingAttendance.objects.filter(
            member__party_org__path__subtree=org.path, session__held_on__year=year
        )
        .values("member", "member__name", "member__party_org__name", "session__course__kind")
        .annotate(h=Sum("hours"), n=Count("pk"))
    )
    out: dict[int, MemberHours] = {}
    for r in rows:
        m = out.setdefault(
            r["member"], MemberHours(r["member"], r["member__name"], r["member__party_org__name"])
        )
        m.sessions += r["n"]
        m.hours += r["h"] or Decimal(0)
        kind = r["session__course__kind"]
        m.by_kind[kind] = m.by_kind.get(kind, Decimal(0)) + (r["h"] or Decimal(0))
    return sorted(out.values(), key=lambda m: (-m.hours, m.name, m.member_id))[:limit]


def member_training(member: PartyMember, year: int) -> QuerySet[TrainingAttendance]:
    return (
        TrainingAttendance.objects.filter(member=member, session__held_on__year=year)
        .select_related("session", "session__course")
        .order_by("-session__held_on", "-id")
    )
