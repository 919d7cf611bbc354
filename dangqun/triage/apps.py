from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "dangqun.triage"
    label = "triage"
    verbose_name = "智能分拨"
