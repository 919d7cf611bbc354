"""惠民服务 (``dangqun.civic``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import civic_policies

urlpatterns: list[URLPattern] = [
    path("civic/policies/", civic_policies.policies, name="civic_policies"),
    path("civic/policies/new/", civic_policies.create_policy, name="civic_create_policy"),
    path("civic/policies/<int:policy_id>/", civic_policies.policy_page, name="civic_policy"),
    path(
        "civic/policies/<int:policy_id>/<str:action>/", civic_policies.move_policy, name="civic_move_policy"
    ),
    path("civic/my/", civic_policies.my_policy_list, name="civic_my_policies"),
    path("civic/my/<int:policy_id>/", civic_policies.my_policy, name="civic_my_policy"),
]
