from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OrgsConfig(AppConfig):
    name = "dangqun.orgs"
    label = "orgs"
    verbose_name = gettext_lazy("组织与部门")
