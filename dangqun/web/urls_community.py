"""区域化党建 (``dangqun.community``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import community_lists

urlpatterns: list[URLPattern] = [
    path("community/regions/<str:code>/", community_lists.lists_page, name="community_lists"),
    path("community/needs/<int:need_id>/", community_lists.need_page, name="community_need"),
    path("community/needs/<int:need_id>/act/", community_lists.need_act, name="community_need_act"),
    path("wall/<str:code>/", community_lists.wall_page, name="community_wall"),
]
