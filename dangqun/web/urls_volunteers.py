"""志愿服务 (``dangqun.volunteers``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

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
]
