from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class VolunteersConfig(AppConfig):
    name = "dangqun.volunteers"
    label = "volunteers"
    verbose_name = gettext_lazy("志愿服务")
