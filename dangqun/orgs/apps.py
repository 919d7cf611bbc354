from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangqun.orgs"
    label = "orgs"
    verbose_name = "组织与部门"
