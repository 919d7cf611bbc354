"""党员服务 (``dangqun.partywork``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import partywork_callouts as callouts
from dangqun.web.views import partywork_pages as pages
from dangqun.web.views import partywork_pairings as pairings

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
    path("partywork/orgs/<str:code>/pairings/", pairings.org_pairings, name="partywork_pairings"),
    path("partywork/orgs/<str:code>/pairings/new/", pairings.create_pairing, name="partywork_create_pairing"),
    path("partywork/orgs/<str:code>/pairings.xlsx", pairings.export, name="partywork_pairings_xlsx"),
    path("partywork/pairings/<int:pairing_id>/", pairings.pairing_page, name="partywork_pairing"),
    path("partywork/pairings/<int:pairing_id>/visits/", pairings.record_visit, name="partywork_record_visit"),
    path(
        "partywork/pairings/<int:pairing_id>/<str:action>/",
        pairings.move_pairing,
        name="partywork_pairing_move",
    ),
    path("partywork/orgs/<str:code>/callouts/", callouts.org_callouts, name="partywork_callouts"),
    path("partywork/orgs/<str:code>/callouts/new/", callouts.create_callout, name="partywork_create_callout"),
    path(
        "partywork/callouts/<int:callout_id>/<str:action>/",
        callouts.move_callout,
        name="partywork_callout_move",
    ),
    path("citizen/partywork/callouts/", callouts.my_callouts, name="partywork_my_callouts"),
    path("citizen/partywork/badge/", callouts.set_badge, name="partywork_set_badge"),
    path(
        "partywork/callout-replies/<int:reply_id>/<str:action>/",
        callouts.move_reply,
        name="partywork_reply_move",
    ),
]
