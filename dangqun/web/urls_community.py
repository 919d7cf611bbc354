"""区域化党建 (``dangqun.community``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import community_cobuild, community_lists, community_services

urlpatterns: list[URLPattern] = [
    path("community/regions/<str:code>/", community_lists.lists_page, name="community_lists"),
    path("community/needs/<int:need_id>/", community_lists.need_page, name="community_need"),
    path("community/needs/<int:need_id>/act/", community_lists.need_act, name="community_need_act"),
    path("community/regions/<str:code>/cobuild/", community_cobuild.cobuild_page, name="community_cobuild"),
    path(
        "community/regions/<str:code>/cobuild/meetings/",
        community_cobuild.record_meeting,
        name="community_record_meeting",
    ),
    path(
        "community/regions/<str:code>/agreements.xlsx",
        community_cobuild.agreements_xlsx,
        name="community_agreements_xlsx",
    ),
    path(
        "community/meetings/<int:meeting_id>/", community_cobuild.meeting_page, name="community_joint_meeting"
    ),
    path(
        "community/responsibilities/<int:responsibility_id>/complete/",
        community_cobuild.complete_responsibility,
        name="community_complete_responsibility",
    ),
    path(
        "community/regions/<str:code>/services/", community_services.services_page, name="community_services"
    ),
    path(
        "community/regions/<str:code>/services.xlsx",
        community_services.services_xlsx,
        name="community_services_xlsx",
    ),
    path(
        "community/service-requests/<int:request_id>/act/",
        community_services.service_act,
        name="community_service_act",
    ),
    path("citizen/services/", community_services.my_services, name="citizen_services"),
    path("wall/<str:code>/", community_lists.wall_page, name="community_wall"),
]
