from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "dangqun.regions"
    label = "regions"
    verbose_name = "区划与网格"
