"""``case_transition``: a case's move, through the one door (``CaseWorkflow.apply``).

The door locks the case row (and a merge's main case, in id order) with its tasks; refuses a case the
actor may not see (404), a move the table does not allow from the status (409, naming the allowed
moves), a move the actor's relation does not allow (403) and a move whose guard fails (409); runs the
row (its handler, target, stamps and clock effect); appends one ``CaseEvent`` (two for a merge: one on
each case) and queues the notifications after commit. Everything a move does is in its row of
``cases.workflow.TABLE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.cases.models import Case
from dangqun.cases.workflow import Action, CaseWorkflow
from dangqun.orgs.models import Department
from dangqun.regions.models import Region


@dataclass(frozen=True)
class Unit:
    """A unit a task goes to: a department, or a region (a street or community that handles it)."""

    department: Department | None = None
    region: Region | None = None

    def __post_init__(self) -> None:
        if (self.department is None) == (self.region is None):
            raise ValidationError(_("办理单位须为一个部门或一个属地区域"))

    @property
    def key(self) -> tuple[str, int]:
        return ("d", self.department.pk) if self.department else ("r", self.region.pk)  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return (self.department or self.region).name  # type: ignore[union-attr]


def case_transition(
    *,
    case: Case | int,
    action: Action | str,
    actor: Any,
    reason: str = "",
    expected_version: int | None = None,
    **params: Any,
) -> Case:
    """Apply one move of the workflow table to a case. ``actor=None`` is the system (worker jobs)."""
    return CaseWorkflow.apply(
        obj=case, action=action, actor=actor, reason=reason, expected_version=expected_version, **params
    )
