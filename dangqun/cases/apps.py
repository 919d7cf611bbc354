from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "dangqun.cases"
    label = "cases"
    verbose_name = "诉求办理"
