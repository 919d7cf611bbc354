"""Smart triage (issue 5): classify messages into the category tree, suggest the route, learn from the
dispatcher's confirmations, find duplicates and hotspots."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TriageConfig(AppConfig):
    name = "dangqun.triage"
    label = "triage"
    verbose_name = gettext_lazy("智能分拨")

    def ready(self) -> None:
        from dangqun.cases.backends import (
            register_case_listener,
            register_classifier,
            register_listener,
            register_locator,
        )
        from dangqun.triage import automerge
        from dangqun.triage.address_index import locate_for_intake
        from dangqun.triage.autodispatch import on_intake
        from dangqun.triage.runtime import classify_message

        register_classifier(classify_message)
        register_locator(locate_for_intake)
        # Merge first (the intake hook runs before the classifier's listeners and its follow-up is
        # queued first): a case folded into another is not dispatched on its own.
        register_case_listener(automerge.on_intake)
        register_listener(on_intake)
