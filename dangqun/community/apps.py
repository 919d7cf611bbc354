from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CommunityConfig(AppConfig):
    name = "dangqun.community"
    label = "community"
    verbose_name = gettext_lazy("区域化党建")
