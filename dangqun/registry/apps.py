from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RegistryConfig(AppConfig):
    name = "dangqun.registry"
    label = "registry"
    verbose_name = gettext_lazy("网格台账")
