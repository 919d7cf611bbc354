from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "dangqun.registry"
    label = "registry"
    verbose_name = "网格台账"
