from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class Open311Config(AppConfig):
    name = "dangqun.open311"
    label = "open311"
    verbose_name = gettext_lazy("Open311接口")
