from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PartyConfig(AppConfig):
    name = "dangqun.party"
    label = "party"
    verbose_name = gettext_lazy("党员管理")
