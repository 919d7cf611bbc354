"""Admin for the case domain.

The reference data (categories, routing rules, deadline policies, settings) is edited here, and every
save goes through ``cases.services`` (``ServiceBackedAdmin``). Cases, their timeline and attachments
are read-only: a status changes only through the workflow service (``case_transition``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.cases.models import (
    Attachment,
    Case,
    CaseConfig,
    CaseEvent,
    CaseTask,
    Category,
    RoutingRule,
    SlaPolicy,
)
from dangqun.cases.services.categories import category_create, category_update
from dangqun.cases.services.rules import case_config_save, routing_rule_save, sla_policy_save
from dangqun.core.admin import ServiceBackedAdmin, ServiceModelForm, pretty_json


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by those with the view permission; nobody adds, changes or deletes here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- categories --------------------------------------------------------------------------------------


class CategoryAdminForm(ServiceModelForm):
    class Meta:
        model = Category
        fields = ("parent", "code", "name", "keywords", "sort_order", "is_active")
        help_texts = {"code": gettext_lazy("留空则自动生成(上级编码加两位序号)")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].required = False
        if "sort_order" in self.fields:
            self.fields["sort_order"].required = False


@admin.register(Category)
class CategoryAdmin(ServiceBackedAdmin):
    form = CategoryAdminForm
    list_display = ("tree_name", "code", "level", "keywords_short", "is_active", "sort_order")
    list_filter = ("level", "is_active")
    search_fields = ("name", "code", "keywords")
    search_help_text = gettext_lazy("按名称、编码或关键词搜索")
    ordering = ("path",)
    list_per_page = 200
    autocomplete_fields = ("parent",)

    def get_fields(self, request: HttpRequest, obj: Category | None = None) -> list[Any]:
        if obj is None:
            return ["parent", "name", "code", "keywords", "sort_order"]
        return ["parent", "code", "level", "path", "name", "keywords", "sort_order", "is_active",
                "created_at", "updated_at"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("parent", "code", "level", "path", "created_at", "updated_at")

    @admin.display(description=gettext_lazy("名称"), ordering="path")
    def tree_name(self, obj: Category) -> str:
        return format_html('<span style="padding-left: {}em">{}</span>', (obj.level - 1) * 1.5, obj.name)

    @admin.display(description=gettext_lazy("关键词"))
    def keywords_short(self, obj: Category) -> str:
        return obj.keywords if len(obj.keywords) <= 40 else obj.keywords[:40] + "…"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Category], search_term: str
    ) -> tuple[QuerySet[Category], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A category's own parent picker offers only the levels that may have children.
        if request.GET.get("model_name") == "category" and request.GET.get("field_name") == "parent":
            queryset = queryset.filter(level__lt=3)
        return queryset, may_have_duplicates

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Category:
        return category_create(
            actor=actor,
            name=data["name"],
            parent=data.get("parent"),
            code=data.get("code") or None,
            keywords=data.get("keywords") or "",
            sort_order=data.get("sort_order"),
        )

    def service_update(self, *, actor: Any, obj: Category, data: dict[str, Any]) -> Category:
        return category_update(
            actor=actor,
            category=obj,
            name=data["name"],
            keywords=data.get("keywords") or "",
            is_active=data["is_active"],
            sort_order=data.get("sort_order"),
        )


# --- routing rules and deadlines -----------------------------------------------------------------------


class RoutingRuleAdminForm(ServiceModelForm):
    class Meta:
        model = RoutingRule
        fields = (
            "name",
            "order",
            "category",
            "region",
            "keywords",
            "lead_department",
            "lead_region_level",
            "co_departments",
            "is_active",
        )
        help_texts = {"keywords": gettext_lazy("以逗号分隔,任一关键词出现在标题或内容中即命中;留空则不限")}


@admin.register(RoutingRule)
class RoutingRuleAdmin(ServiceBackedAdmin):
    form = RoutingRuleAdminForm
    list_display = ("order", "name", "category", "region", "keywords", "lead_unit", "co_units", "is_active")
    list_display_links = ("name",)
    list_filter = ("is_active", "lead_region_level", "lead_department", "category__level")
    list_select_related = ("category", "region", "lead_department")
    search_fields = ("name", "keywords", "category__name", "lead_department__name")
    search_help_text = gettext_lazy("按规则名称、关键词、分类或主办部门搜索")
    ordering = ("order", "id")
    filter_horizontal = ("co_departments",)
    autocomplete_fields = ("category", "region", "lead_department")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoutingRule]:
        return super().get_queryset(request).prefetch_related("co_departments")

    @admin.display(description=gettext_lazy("主办"))
    def lead_unit(self, obj: RoutingRule) -> str:
        if obj.lead_department is not None:
            return obj.lead_department.short_name or obj.lead_department.name
        return obj.get_lead_region_level_display() if obj.lead_region_level else "—"

    @admin.display(description=gettext_lazy("协办"))
    def co_units(self, obj: RoutingRule) -> str:
        return "、".join(d.short_name or d.name for d in obj.co_departments.all()) or "—"

    def _save(self, actor: Any, rule: RoutingRule | None, data: dict[str, Any]) -> RoutingRule:
        return routing_rule_save(
            actor=actor,
            rule=rule,
            name=data["name"],
            order=data["order"],
            category=data.get("category"),
            region=data.get("region"),
            keywords=data.get("keywords") or "",
            lead_department=data.get("lead_department"),
            lead_region_level=int(data["lead_region_level"]) if data.get("lead_region_level") else None,
            co_departments=list(data.get("co_departments") or []),
            is_active=data["is_active"],
        )

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> RoutingRule:
        return self._save(actor, None, data)

    def service_update(self, *, actor: Any, obj: RoutingRule, data: dict[str, Any]) -> RoutingRule:
        return self._save(actor, obj, data)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service already set the co-departments; only the (absent) inlines would be left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class SlaPolicyAdminForm(ServiceModelForm):
    class Meta:
        model = SlaPolicy
        fields = ("category", "priority", "sign_hours", "resolve_days", "escalate_on_breach")
        help_texts = {"category": gettext_lazy("留空为该紧急程度的默认时限;分类的时限也适用于其下级分类")}


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ServiceBackedAdmin):
    form = SlaPolicyAdminForm
    list_display = ("category_label", "priority", "sign_hours", "resolve_days", "escalate_on_breach")
    list_filter = ("priority", "escalate_on_breach")
    list_select_related = ("category",)
    search_fields = ("category__name",)
    search_help_text = gettext_lazy("按分类名称搜索")
    ordering = ("category__path", "priority")
    autocomplete_fields = ("category",)

    @admin.display(description=gettext_lazy("分类"), ordering="category__path")
    def category_label(self, obj: SlaPolicy) -> str:
        return obj.category.name if obj.category is not None else _("默认(全部分类)")

    def _save(self, actor: Any, policy: SlaPolicy | None, data: dict[str, Any]) -> SlaPolicy:
        return sla_policy_save(
            actor=actor,
            policy=policy,
            category=data.get("category"),
            priority=data["priority"],
            sign_hours=data["sign_hours"],
            resolve_days=data["resolve_days"],
            escalate_on_breach=data["escalate_on_breach"],
        )

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> SlaPolicy:
        return self._save(actor, None, data)

    def service_update(self, *, actor: Any, obj: SlaPolicy, data: dict[str, Any]) -> SlaPolicy:
        return self._save(actor, obj, data)


class CaseConfigAdminForm(ServiceModelForm):
    class Meta:
        model = CaseConfig
        fields = ("rating_timeout_days", "max_reopen", "auto_dispatch")


@admin.register(CaseConfig)
class CaseConfigAdmin(ServiceBackedAdmin):
    """One row of settings: it can be added once and then only changed."""

    form = CaseConfigAdminForm
    list_display = ("__str__", "rating_timeout_days", "max_reopen", "auto_dispatch")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not CaseConfig.objects.exists()

    def _save(self, actor: Any, data: dict[str, Any]) -> CaseConfig:
        return case_config_save(
            actor=actor,
            rating_timeout_days=data["rating_timeout_days"],
            max_reopen=data["max_reopen"],
            auto_dispatch=data["auto_dispatch"],
        )

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> CaseConfig:
        return self._save(actor, data)

    def service_update(self, *, actor: Any, obj: CaseConfig, data: dict[str, Any]) -> CaseConfig:
        return self._save(actor, data)


# --- cases (read-only) -----------------------------------------------------------------------------


class FirstLevelCategoryFilter(admin.SimpleListFilter):
    title = gettext_lazy("一级分类")
    parameter_name = "category1"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (c.code, c.name) for c in Category.objects.filter(level=1).only("code", "name").order_by("path")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        code = self.value()
        if not code:
            return queryset
        root = Category.objects.filter(level=1, code=code).only("path").first()
        if root is None:
            return queryset.none()
        return queryset.filter(category__path__subtree=root.path)


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fk_name = "case"
    verbose_name_plural = gettext_lazy("办理过程")
    fields = ("created_at", "event_type", "from_status", "to_status", "actor_label", "actor_unit", "reason")
    readonly_fields = fields
    ordering = ("id",)


class CaseTaskInline(ReadOnlyInline):
    model = CaseTask
    fk_name = "case"
    verbose_name_plural = gettext_lazy("办理任务")
    fields = ("role", "unit", "status", "assigned_at", "sign_due_at", "signed_at", "resolve_due_at",
              "done_at", "extension_status", "sign_breached", "resolve_breached")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseTask]:
        return super().get_queryset(request).select_related("department", "region")

    @admin.display(description=gettext_lazy("办理单位"))
    def unit(self, obj: CaseTask) -> str:
        return obj.unit_name


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fk_name = "case"
    verbose_name_plural = gettext_lazy("附件")
    fields = ("stage", "original_name", "content_type", "size", "created_at")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "status", "channel", "case_type", "category", "priority",
                    "region_name", "lead_department", "is_supervised", "submitted_at")  # fmt: skip
    list_select_related = ("category", "region", "lead_department")
    list_filter = ("status", "channel", FirstLevelCategoryFilter, "priority", "is_supervised", "case_type")
    search_fields = ("=code", "title")
    search_help_text = gettext_lazy("按诉求编号(完整编号)或标题搜索")
    ordering = ("-submitted_at", "-id")
    show_full_result_count = False
    inlines = (CaseTaskInline, CaseEventInline, AttachmentInline)
    fieldsets = (
        (gettext_lazy("诉求"), {"fields": ("code", "status", "channel", "case_type", "category", "priority",
                                          "title", "description", "is_supervised", "merged_into")}),
        (gettext_lazy("位置"), {"fields": ("address", "lng", "lat", "grid", "region", "handling_region")}),
        (gettext_lazy("诉求人"), {"fields": ("reporter_name", "reporter_phone", "is_anonymous", "reporter",
                               "first_contact_owner", "source_ref")}),
        (gettext_lazy("办理"), {"fields": ("lead_department", "suggested_route_json", "result",
                                          "satisfaction", "rating_comment", "reopen_count",
                                          "escalation_count", "resolved_on_time")}),
        (gettext_lazy("时间"), {"fields": ("submitted_at", "accepted_at", "dispatched_at", "signed_at",
                                          "sign_due_at", "resolve_due_at", "resolved_at", "reviewed_at",
                                          "rated_at", "closed_at", "breached_at", "updated_at", "version")}),
    )  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        return [str(name) for _, options in self.fieldsets for name in options["fields"]]

    @admin.display(description=gettext_lazy("所在区域"), ordering="region_path")
    def region_name(self, obj: Case) -> str:
        return obj.region.name

    @admin.display(description=gettext_lazy("建议派单"))
    def suggested_route_json(self, obj: Case) -> str:
        return pretty_json(obj.suggested_route) if obj.suggested_route else "—"


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "case",
        "event_type",
        "from_status",
        "to_status",
        "actor_label",
        "actor_unit",
    )
    list_select_related = ("case",)
    list_filter = ("event_type",)
    search_fields = ("=case__code", "actor_label")
    search_help_text = gettext_lazy("按诉求编号(完整编号)或操作人搜索")
    ordering = ("-id",)
    show_full_result_count = False
    fields = ("case", "task", "created_at", "event_type", "from_status", "to_status", "actor", "actor_label",
              "actor_unit", "reason", "payload_json")  # fmt: skip
    readonly_fields = fields

    @admin.display(description=gettext_lazy("数据"))
    def payload_json(self, obj: CaseEvent) -> str:
        return pretty_json(obj.payload)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "stage", "original_name", "content_type", "size_kb", "uploaded_by")
    list_select_related = ("case", "uploaded_by")
    list_filter = ("stage", "content_type")
    search_fields = ("=case__code", "original_name", "=sha256")
    search_help_text = gettext_lazy("按诉求编号、文件名或 SHA-256 搜索")
    ordering = ("-id",)
    show_full_result_count = False
    fields = ("case", "task", "stage", "file", "original_name", "content_type", "size", "width", "height",
              "sha256", "uploaded_by", "created_at")  # fmt: skip
    readonly_fields = fields

    @admin.display(description=gettext_lazy("大小(KB)"), ordering="size")
    def size_kb(self, obj: Attachment) -> str:
        return f"{obj.size / 1024:.1f}"
