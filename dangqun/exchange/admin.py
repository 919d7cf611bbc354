from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangqun.exchange.models import ImportedOrder, ImportJob, MappingProfile
from dangqun.exchange.services import profile_save


@admin.register(MappingProfile)
class MappingProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "source", "crs", "is_active")
    list_filter = ("source", "is_active")

    def save_model(self, request: HttpRequest, obj: MappingProfile, form: Any, change: bool) -> None:
        profile_save(
            actor=request.user,
            name=obj.name,
            source=obj.source,
            mapping=obj.mapping,
            crs=obj.crs,
            profile=obj,
        )


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("file_name", "source", "dry_run", "status", "created_count", "error_count", "created_at")
    list_filter = ("source", "dry_run", "status")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ImportedOrder)
class ImportedOrderAdmin(admin.ModelAdmin):
    list_display = ("source", "order_no", "case", "created_at")
    list_filter = ("source",)
    search_fields = ("order_no",)
    readonly_fields = ("source", "order_no", "case", "job")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
