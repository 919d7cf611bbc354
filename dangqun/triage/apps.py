"""Smart triage (issue 5): classify messages into the category tree, suggest the route, learn from the
dispatcher's confirmations, find duplicates and hotspots. Intake reaches it through settings
(``cases.backends``: ``triage.backends`` and the intake jobs of ``triage.jobs``), not through hooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TriageConfig(AppConfig):
    name = "dangqun.triage"
    label = "triage"
    verbose_name = gettext_lazy("智能分拨")
