from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PartyworkConfig(AppConfig):
    name = "dangqun.partywork"
    label = "partywork"
    verbose_name = gettext_lazy("党员服务")
