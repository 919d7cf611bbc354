"""党员服务 (``dangqun.partywork``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import partywork_pages as pages

urlpatterns: list[URLPattern] = [
    path("partywork/nav/", pages.nav_page, name="partywork_nav"),
    path("citizen/partywork/", pages.my_page, name="partywork_me"),
    path("citizen/partywork/report/", pages.request_report, name="partywork_request_report"),
    path("partywork/", pages.community_index, name="partywork"),
    path("partywork/ranking/", pages.ranking_page, name="partywork_ranking"),
    path("partywork/communities/<str:code>/", pages.community_page, name="partywork_community"),
    path("partywork/communities/<str:code>/posts/", pages.create_post, name="partywork_create_post"),
    path("partywork/units/<str:code>/", pages.unit_page, name="partywork_unit"),
    path("partywork/reports/<int:report_id>/<str:action>/", pages.move_report, name="partywork_report_move"),
    path("partywork/posts/<int:post_id>/signup/", pages.sign_up, name="partywork_sign_up"),
    path("partywork/signups/<int:signup_id>/<str:action>/", pages.move_signup, name="partywork_signup_move"),
]
