"""The only way to load the 志愿服务 app's objects for a user: ``access_*`` helpers.

Teams, stations and published activities are open to every signed-in user (residents find and join
them). An activity is organised by a street or community: its staff (and the district-wide roles above
them) are its organisers, and only they read its people (sign-ups, check-ins) and its check-in code;
any other organiser gets 404, as for an activity that does not exist. A sign-up is seen by its
volunteer and by the activity's organisers; a team membership by its volunteer and the team's owners.

The catalogue of shared spaces is open to every signed-in user (residents, branches, teams book them).
A space's owner is the street or community it belongs to: its 社区/街道 staff (and the district-wide
roles above them) approve, reject and cancel its bookings and read who booked. A booking is seen by
the person who made it and by the space's owners; anyone else gets 404, as for a booking that does not
exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.volunteers.models import (
    Activity,
    Booking,
    SignUp,
    Space,
    Team,
    TeamMembership,
    Volunteer,
)

# The region roles that manage the spaces of their regions.
SPACE_OWNER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.LEADER, Role.DISPATCHER})


def spaces_for(user: object) -> QuerySet[Space]:
    """The active spaces (the catalogue): every signed-in user may browse and book them."""
    if not getattr(user, "is_authenticated", False):
        return Space.objects.none()
    return Space.objects.select_related("region").filter(is_active=True)


def access_space_by_id(user: object, space_id: int) -> Space:
    space = spaces_for(user).filter(pk=space_id).first()
    if space is None:
        raise NotFoundError(_("共享空间不存在或无权访问"))
    return space


def owns_space(user: object, space: Space) -> bool:
    """Whether ``user`` manages ``space`` (its region is inside the user's owner roles' scope)."""
    return get_scope(user).covers_path(space.region.path, SPACE_OWNER_ROLES)


def owned_spaces_q(user: object, path_lookup: str = "region__path") -> Q:
    return get_scope(user).region_q(path_lookup, SPACE_OWNER_ROLES)


def bookings_visible_q(user: object) -> Q:
    """Bookings the user made, and those of the spaces the user manages."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(booker_id=getattr(user, "pk", None)) | owned_spaces_q(user, "space__region__path")


def bookings_for(user: object) -> QuerySet[Booking]:
    return Booking.objects.select_related("space", "space__region", "booker").filter(bookings_visible_q(user))


def access_booking_by_id(user: object, booking_id: int) -> Booking:
    booking = bookings_for(user).filter(pk=booking_id).first()
    if booking is None:
        raise NotFoundError(_("预约不存在或无权访问"))
    return booking


# --- volunteers and activities -----------------------------------------------------------------------

# The region roles that organise activities and run teams in their regions (the same as the spaces').
ORGANISER_ROLES = SPACE_OWNER_ROLES


def _signed_in(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_organise(user: object) -> bool:
    """Whether ``user`` holds a region role that publishes activities (the organisers' workbench)."""
    return _signed_in(user) and get_scope(user).has_role(*ORGANISER_ROLES)


def organiser_region_paths(user: object) -> tuple[str, ...]:
    return get_scope(user).region_paths(ORGANISER_ROLES)


def teams_for(user: object) -> QuerySet[Team]:
    if not _signed_in(user):
        return Team.objects.none()
    return Team.objects.select_related("region", "station").filter(is_active=True)


def access_team_by_id(user: object, team_id: int) -> Team:
    team = teams_for(user).filter(pk=team_id).first()
    if team is None:
        raise NotFoundError(_("志愿服务队不存在或无权访问"))
    return team


def owns_team(user: object, team: Team) -> bool:
    return get_scope(user).covers_path(team.region.path, ORGANISER_ROLES)


def memberships_visible_q(user: object) -> Q:
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(volunteer__user_id=getattr(user, "pk", None)) | get_scope(user).region_q(
        "team__region__path", ORGANISER_ROLES
    )


def memberships_for(user: object) -> QuerySet[TeamMembership]:
    return TeamMembership.objects.select_related("team", "team__region", "volunteer").filter(
        memberships_visible_q(user)
    )


def access_membership_by_id(user: object, membership_id: int) -> TeamMembership:
    membership = memberships_for(user).filter(pk=membership_id).first()
    if membership is None:
        raise NotFoundError(_("入队申请不存在或无权访问"))
    return membership


def activities_for(user: object) -> QuerySet[Activity]:
    """The activity catalogue: every signed-in user finds and joins activities."""
    if not _signed_in(user):
        return Activity.objects.none()
    return Activity.objects.select_related("region", "team")


def access_activity_by_id(user: object, activity_id: int) -> Activity:
    activity = activities_for(user).filter(pk=activity_id).first()
    if activity is None:
        raise NotFoundError(_("志愿活动不存在或无权访问"))
    return activity


def managed_activities_q(user: object, path_lookup: str = "region__path") -> Q:
    return get_scope(user).region_q(path_lookup, ORGANISER_ROLES)


def organises(user: object, activity: Activity) -> bool:
    """Whether ``user`` is one of the activity's organisers (its region is in the user's scope)."""
    return get_scope(user).covers_path(activity.region.path, ORGANISER_ROLES)


def access_managed_activity_by_id(user: object, activity_id: int) -> Activity:
    """An activity with its people, for its organisers only: 404 for everyone else."""
    activity = activities_for(user).filter(managed_activities_q(user), pk=activity_id).first()
    if activity is None:
        raise NotFoundError(_("志愿活动不存在或无权访问"))
    return activity


def signups_visible_q(user: object) -> Q:
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(volunteer__user_id=getattr(user, "pk", None)) | managed_activities_q(
        user, "activity__region__path"
    )


def signups_for(user: object) -> QuerySet[SignUp]:
    return SignUp.objects.select_related("activity", "activity__region", "volunteer").filter(
        signups_visible_q(user)
    )


def access_signup_by_id(user: object, signup_id: int) -> SignUp:
    signup = signups_for(user).filter(pk=signup_id).first()
    if signup is None:
        raise NotFoundError(_("报名记录不存在或无权访问"))
    return signup


def volunteer_of(user: object) -> Volunteer | None:
    """The signed-in user's own volunteer profile, if registered."""
    if not _signed_in(user):
        return None
    return Volunteer.objects.filter(user_id=int(getattr(user, "pk", 0) or 0)).first()
