from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.open311.keys import client_issue_key, client_revoke, client_update
from dangqun.open311.models import Open311Client, Open311Request, Open311Update, ServiceAttribute


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "key_prefix", "is_active", "rate_per_minute", "revoked_at")
    list_filter = ("is_active",)
    readonly_fields = ("key_prefix", "is_active", "revoked_at")
    actions = ("revoke",)

    def save_model(self, request: HttpRequest, obj: Open311Client, form: Any, change: bool) -> None:
        if change:
            client_update(
                actor=request.user,
                client=obj,
                name=obj.name,
                rate_per_minute=obj.rate_per_minute,
                contact=obj.contact,
            )
            return
        client, raw = client_issue_key(
            actor=request.user,
            name=obj.name,
            district=obj.district,
            rate_per_minute=obj.rate_per_minute,
            contact=obj.contact,
        )
        obj.pk, obj.key_prefix, obj.key_hash = client.pk, client.key_prefix, client.key_hash
        messages.warning(request, _("密钥只显示这一次,请立即交给对方系统:%(raw)s") % {"raw": raw})

    @admin.action(description=gettext_lazy("吊销所选客户端的密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Open311Client]) -> None:
        for client in queryset.filter(is_active=True):
            client_revoke(actor=request.user, client=client)


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ("category", "code", "datatype", "required", "order")
    list_filter = ("datatype",)
    raw_id_fields = ("category",)


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ("case", "client", "token", "created_at")
    readonly_fields = (
        "case",
        "client",
        "token",
        "device_id",
        "account_id",
        "email",
        "attributes",
        "media_url",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Open311Update)
class Open311UpdateAdmin(admin.ModelAdmin):
    list_display = ("case", "client", "external_id", "status", "updated_at")
    readonly_fields = ("case", "client", "external_id", "status", "description", "media_url", "submitter")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
