"""Writes of the triage app: train a new model version, and make a version the active one (rollback).

Each writes an audit event. Training reads the confirmed cases (``triage.dataset``) and the taxonomy,
fits ``learn.train``, scores it by cross-validation on the confirmed cases, and stores it as the next
version, active at once. Every process picks up the active version within ``runtime.CHECK_SECONDS``.
"""

from __future__ import annotations

import pickle
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError
from dangqun.triage import runtime
from dangqun.triage.dataset import LEVEL, training_data
from dangqun.triage.evaluate import cross_validate, time_ordered
from dangqun.triage.events import TriageEvent
from dangqun.triage.learn import Params, train
from dangqun.triage.models import TriageModel

CV_MAX_LABELLED = 5000  # above this the stored score comes from 3 folds on a sample (bounded CPU)


def _require_admin(actor: Any) -> None:
    if actor is not None and not get_scope(actor).is_sysadmin:
        raise ForbiddenError(_("仅系统管理员可以管理分拨模型"))


def train_model(*, actor: Any, note: str = "", params: Params | None = None) -> TriageModel:
    """Train on what the database holds now and make the result the active version."""
    _require_admin(actor)
    data = training_data(LEVEL)
    classifier = train(data.labelled, data.unlabelled, data.taxonomy, params)
    sample = data.labelled[:CV_MAX_LABELLED]
    cv = cross_validate(sample, data.unlabelled, data.taxonomy, folds=3, params=params)
    if cv is not None:
        # the labelled cases come newest first: the honest score trains on the older ones
        later = time_ordered(sample[::-1], data.unlabelled, data.taxonomy, params=params, bootstrap=50)
        cv.update(later or {"time_macro_f1": None})
    blob = pickle.dumps(classifier, protocol=pickle.HIGHEST_PROTOCOL)
    info = classifier.info
    with transaction.atomic():
        latest = TriageModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        TriageModel.objects.filter(is_active=True).update(is_active=False)
        model = TriageModel.objects.create(
            version=latest + 1,
            created_at=clock.now(),
            trained_by=actor if getattr(actor, "pk", None) else None,
            is_active=True,
            level=LEVEL,
            labels=classifier.labels,
            n_labelled=len(data.labelled),
            n_unlabelled=len(data.unlabelled),
            n_taxonomy_docs=int(info["n_taxonomy_docs"]),  # type: ignore[call-overload]
            train_seconds=float(info["train_seconds"]),  # type: ignore[arg-type]
            scores=cv or {"cv_macro_f1": None, "why": _("已确认分类的诉求太少,无法交叉验证")},
            size_bytes=len(blob),
            blob=blob,
            note=(note or "").strip()[:200],
        )
        record_event(
            actor=actor,
            event_type=TriageEvent.MODEL_TRAINED,
            target=model,
            data={"version": model.version, "n_labelled": model.n_labelled, "scores": model.scores},
        )
        transaction.on_commit(runtime.invalidate)
    return model


@transaction.atomic
def activate_model(*, actor: Any, model: TriageModel) -> TriageModel:
    """Make ``model`` the active version (rolling back to an older one, or forward again)."""
    _require_admin(actor)
    current = TriageModel.objects.select_for_update().filter(is_active=True).first()
    target = TriageModel.objects.select_for_update().get(pk=model.pk)
    if current is not None and current.pk == target.pk:
        raise ConflictError(
            _("%(version_label)s 已经在用") % {"version_label": target.version_label}, code="already_active"
        )
    TriageModel.objects.filter(is_active=True).update(is_active=False)
    target.is_active = True
    target.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        event_type=TriageEvent.MODEL_ACTIVATED,
        target=target,
        data={"version": target.version, "previous": current.version if current else None},
    )
    transaction.on_commit(runtime.invalidate)
    return target
