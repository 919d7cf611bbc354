from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "dangqun.party"
    label = "party"
    verbose_name = "党员管理"
