from django.urls import re_path

from dangqun.open311 import views

app_name = "open311"

F = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + F, views.discovery, name="discovery"),
    re_path(r"^services" + F, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,60})" + F, views.service_definition, name="service"),
    re_path(r"^requests" + F, views.requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]{1,60})" + F, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,60})" + F, views.token, name="token"),
    re_path(r"^servicerequestupdates" + F, views.service_request_updates, name="updates"),
    re_path(r"^media/(?P<signed>[A-Za-z0-9_:.\-]{1,400})$", views.media_file, name="media"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
