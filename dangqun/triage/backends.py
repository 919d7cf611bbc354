"""Triage's backends for intake (``cases.backends``), named in settings:
``DANGQUN_CLASSIFIER_BACKEND = "dangqun.triage.backends.Classifier"`` and
``DANGQUN_LOCATOR_BACKEND = "dangqun.triage.backends.Locator"``. Intake makes each once per process;
the model and the address index they read are loaded (and refreshed) lazily by ``triage.runtime``
and ``triage.address_index``."""

from __future__ import annotations

from dangqun.cases.backends import Located, Suggestion
from dangqun.triage.address_index import locate_for_intake
from dangqun.triage.runtime import classify_message


class Classifier:
    """The active triage model: the best category and the top three (``None`` with no model)."""

    def classify(self, title: str, description: str) -> Suggestion | None:
        return classify_message(title, description)


class Locator:
    """The registry's address index: places the case when sure, always says what was matched."""

    def locate(self, address: str) -> Located | None:
        return locate_for_intake(address)
