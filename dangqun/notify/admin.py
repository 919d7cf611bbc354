"""Read-only admin for the inbox and the external sends (the services are the only writers)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from dangqun.notify.models import Delivery, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "title", "recipient", "is_read_display")
    list_filter = ("kind", ("created_at", admin.DateFieldListFilter), ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "=subject_id", "recipient__username", "recipient__display_name")
    search_help_text = gettext_lazy("按标题、关联对象编号(精确)或接收人搜索")
    list_select_related = ("recipient",)
    show_full_result_count = False
    date_hierarchy = "created_at"
    fields = (
        "recipient",
        "kind",
        "title",
        "body",
        "link",
        "subject_type",
        "subject_id",
        "created_at",
        "read_at",
    )
    readonly_fields = fields
    inlines = (DeliveryInline,)

    @admin.display(description=gettext_lazy("已读"), boolean=True)
    def is_read_display(self, obj: Notification) -> bool:
        return obj.read_at is not None


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "channel",
        "status",
        "attempts",
        "notification_title",
        "recipient",
        "sent_at",
    )
    list_filter = ("channel", "status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=notification__id", "notification__recipient__username", "last_error")
    search_help_text = gettext_lazy("按通知编号(精确)、接收人用户名或错误信息搜索")
    list_select_related = ("notification__recipient",)
    show_full_result_count = False
    fields = (
        "notification",
        "channel",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("通知标题"))
    def notification_title(self, obj: Delivery) -> str:
        return obj.notification.title

    @admin.display(description=gettext_lazy("接收人"))
    def recipient(self, obj: Delivery) -> str:
        return str(obj.notification.recipient)
