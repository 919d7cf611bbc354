from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CivicConfig(AppConfig):
    name = "dangqun.civic"
    label = "civic"
    verbose_name = gettext_lazy("惠民服务")
