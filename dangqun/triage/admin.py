"""Admin for triage models: read-only rows; an administrator makes a version active (rollback) or
queues a retraining with the actions, both through ``triage.services``/``triage.jobs``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.core.errors import DomainError
from dangqun.triage.jobs import retrain_triage
from dangqun.triage.models import TriageModel
from dangqun.triage.services import activate_model


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin[TriageModel]):
    list_display = (
        "version",
        "is_active",
        "created_at",
        "trained_by",
        "n_labelled",
        "n_unlabelled",
        "cv_macro_f1",
        "time_macro_f1",
        "train_seconds",
        "size_bytes",
        "note",
    )
    list_filter = ("is_active",)
    exclude = ("blob",)
    actions = ["make_active", "queue_retraining"]

    @admin.display(description=gettext_lazy("交叉验证 macro-F1"))
    def cv_macro_f1(self, obj: TriageModel) -> Any:
        return (obj.scores or {}).get("cv_macro_f1")

    @admin.display(description=gettext_lazy("按时间验证 macro-F1"))
    def time_macro_f1(self, obj: TriageModel) -> Any:
        return (obj.scores or {}).get("time_macro_f1")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("启用所选版本(回滚)"), permissions=["view"])
    def make_active(self, request: HttpRequest, queryset: QuerySet[TriageModel]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个版本"), level=messages.ERROR)
            return
        try:
            model = activate_model(actor=request.user, model=queryset.get())
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(request, _("已启用 %(version_label)s") % {"version_label": model.version_label})

    @admin.action(description=gettext_lazy("重新训练(后台任务)"), permissions=["view"])
    def queue_retraining(self, request: HttpRequest, queryset: QuerySet[TriageModel]) -> None:
        if not request.user.is_superuser:
            self.message_user(request, _("仅系统管理员可以管理分拨模型"), level=messages.ERROR)
            return
        retrain_triage.enqueue(
            note=_("由 %(get_username)s 在后台发起") % {"get_username": request.user.get_username()}
        )
        self.message_user(request, _("已加入后台训练队列"))
