"""Writes of the 网格工作 app. Every status change goes through ``VisitWorkflow.apply``; these check
the input first (a bad answer is a 422 naming the field, and nothing is written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.core.errors import ConflictError
from dangqun.core.workflow import TransitionNotAllowedError
from dangqun.gridwork.access import access_visit_by_id
from dangqun.gridwork.models import Visit
from dangqun.gridwork.questions import ANSWER_MAX_CHARS, QUESTION_BY_KEY, question_keys
from dangqun.gridwork.visits import VisitWorkflow

NOTES_MAX_CHARS = 2000
KEY_MAX_CHARS = 100


@dataclass(frozen=True)
class RecordResult:
    visit: Visit
    created: bool  # False: the same upload came again (the phone's offline queue retried it)


def visit_questions(visit: Visit) -> tuple[str, ...]:
    """The 五问 keys this visit asks: those of its resident's tags, else the one about living."""
    if visit.resident_id is None:
        return question_keys(())
    return question_keys(visit.resident.tags.values_list("code", flat=True))  # type: ignore[union-attr]


def _clean_answers(visit: Visit, answers: Any) -> dict[str, str]:
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("五问记录格式不正确")})
    unknown = sorted(set(answers) - set(QUESTION_BY_KEY))
    if unknown:
        raise ValidationError({"answers": _("未知的问题:%(keys)s") % {"keys": "、".join(unknown)}})
    cleaned: dict[str, str] = {}
    for key in visit_questions(visit):
        text = str(answers.get(key) or "").strip()
        if not text:
            label = QUESTION_BY_KEY[key].label
            raise ValidationError({f"answers.{key}": _("请填写“%(label)s”") % {"label": label}})
        if len(text) > ANSWER_MAX_CHARS:
            raise ValidationError({f"answers.{key}": _("每项不超过%(n)d字") % {"n": ANSWER_MAX_CHARS}})
        cleaned[key] = text
    for key, value in answers.items():  # questions beyond the resident's groups may be answered too
        text = str(value or "").strip()[:ANSWER_MAX_CHARS]
        if key not in cleaned and text:
            cleaned[key] = text
    return cleaned


def _replayed(actor: Any, key: str, visit_id: int) -> Visit | None:
    if not key:
        return None
    earlier = Visit.objects.filter(record_key=key).first()
    if earlier is None:
        return None
    if earlier.pk != visit_id or earlier.done_by_id != getattr(actor, "pk", None):
        raise ConflictError(_("幂等键已用于另一次走访记录"), code="idempotency_key_reused")
    return earlier


def visit_record(
    *,
    actor: Any,
    visit_id: int,
    answers: Any,
    notes: str = "",
    follow_up: bool = False,
    idempotency_key: str = "",
) -> RecordResult:
    """Record a due visit with its 五问 answers. A retry with the same Idempotency-Key answers with
    the visit it recorded the first time (stored once)."""
    key = (idempotency_key or "").strip()
    if len(key) > KEY_MAX_CHARS:
        raise ValidationError({"idempotency_key": _("幂等键不能超过100个字符")})
    visit = access_visit_by_id(actor, visit_id)  # 404 outside the actor's scope, before anything else
    earlier = _replayed(actor, key, visit.pk)
    if earlier is not None:
        return RecordResult(earlier, created=False)
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX_CHARS:
        raise ValidationError({"notes": _("走访情况不能超过%(n)d字") % {"n": NOTES_MAX_CHARS}})
    cleaned = _clean_answers(visit, answers)
    try:
        done = VisitWorkflow.apply(
            obj=visit.pk,
            action="record",
            actor=actor,
            answers=cleaned,
            notes=notes,
            follow_up=bool(follow_up),
            record_key=key,
        )
    except TransitionNotAllowedError:
        earlier = _replayed(actor, key, visit.pk)  # the same upload, sent twice at once
        if earlier is not None:
            return RecordResult(earlier, created=False)
        raise
    return RecordResult(done, created=True)


def visit_cancel(*, actor: Any, visit_id: int, reason: str) -> Visit:
    """Cancel a due visit (moved away, deceased, duplicate …), with the reason."""
    visit = access_visit_by_id(actor, visit_id)
    return VisitWorkflow.apply(obj=visit.pk, action="cancel", actor=actor, reason=reason)
