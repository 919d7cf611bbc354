"""志愿服务 (``dangqun.volunteers``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import volunteers_activities as va
from dangqun.web.views import volunteers_spaces

urlpatterns: list[URLPattern] = [
    path("volunteers/spaces/", volunteers_spaces.spaces, name="volunteers_spaces"),
    path("volunteers/spaces/<int:space_id>/", volunteers_spaces.space, name="volunteers_space"),
    path("volunteers/spaces/<int:space_id>/book", volunteers_spaces.book_space, name="volunteers_space_book"),
    path(
        "volunteers/bookings/<int:booking_id>/<str:action>",
        volunteers_spaces.move_booking,
        name="volunteers_booking_move",
    ),
    path("volunteers/", va.home, name="volunteers_home"),
    path("volunteers/activities/<int:activity_id>/", va.activity, name="volunteers_activity"),
    path("volunteers/activities/<int:activity_id>/signup", va.sign_up, name="volunteers_sign_up"),
    path("volunteers/signups/<int:signup_id>/<str:action>", va.move_signup, name="volunteers_signup_move"),
    path("volunteers/teams/", va.teams, name="volunteers_teams"),
    path("volunteers/teams/<int:team_id>/join", va.join_team, name="volunteers_team_join"),
    path(
        "volunteers/memberships/<int:membership_id>/<str:action>",
        va.move_membership,
        name="volunteers_membership_move",
    ),
    path("volunteers/workbench/", va.workbench, name="volunteers_workbench"),
    path("volunteers/workbench/publish", va.publish, name="volunteers_publish"),
    path("volunteers/workbench/activities/<int:activity_id>/", va.manage, name="volunteers_manage"),
    path(
        "volunteers/workbench/activities/<int:activity_id>/qr.svg",
        va.activity_qr,
        name="volunteers_activity_qr",
    ),
]
