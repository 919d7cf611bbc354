"""Admin for users and their role memberships.

A user (whose phone is personal data) is added through ``accounts.services.user_create`` and
changed through ``user_update`` (``ServiceBackedAdmin``: the actor and an audit event naming the
changed fields); users are deactivated, not deleted. Membership rows are saved by the inline's
forms, each validated with ``full_clean`` so ``Membership.clean`` (the role ↔
region/department/party-org rules) holds in the admin as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.models import ApiToken, Membership, User
from dangqun.accounts.services import (
    USER_FIELDS,
    api_token_create,
    api_token_revoke,
    user_create,
    user_update,
)
from dangqun.core.admin import PersonalDataAdminMixin, ServiceBackedAdmin, ServiceModelForm
from dangqun.core.masking import mask_phone


class MembershipInlineFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if form.errors or not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            try:
                # ``user`` is set when the formset saves (it may be a user being created).
                form.instance.full_clean(exclude={"user"}, validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                form.add_error(None, exc.messages)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    fields = ("role", "region", "department", "party_org", "title", "is_active")
    autocomplete_fields = ("region", "department", "party_org")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("region", "department", "party_org")


class DangqunUserCreationForm(ServiceModelForm, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "phone")


class DangqunUserChangeForm(ServiceModelForm, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


def _actor(user: object) -> User | None:
    return user if isinstance(user, User) else None


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, DjangoUserAdmin, ServiceBackedAdmin):
    form = DangqunUserChangeForm
    add_form = DangqunUserCreationForm
    inlines = (MembershipInline,)
    list_display = (
        "username",
        "display_name",
        "masked_phone",
        "email",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "memberships__role", "groups")
    search_fields = ("username", "display_name", "email")
    hashed_search_fields = ("phone",)
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {"phone": mask_phone}
    search_help_text = gettext_lazy("按用户名、姓名、手机号或邮箱搜索")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("个人信息"), {"fields": ("display_name", "phone", "email")}),
        (
            gettext_lazy("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "phone", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # Django's UserAdmin picks the add or change form, then ServiceBackedAdmin binds the service.
        return super().get_form(request, obj, change=change, **kwargs)

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> User:
        return user_create(
            actor=_actor(actor),
            username=data["username"],
            password=data.get("password1") if data.get("set_usable_password") else None,
            display_name=data.get("display_name", ""),
            phone=data.get("phone", ""),
        )

    def service_update(self, *, actor: Any, obj: User, data: dict[str, Any]) -> User:
        values = {name: value for name, value in data.items() if name in USER_FIELDS}
        return user_update(actor=_actor(actor), user=obj, **values)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Groups and permissions went to the service with the other fields; memberships are the inline's.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made and revoked through the accounts services; the key is shown once, on creation."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__display_name")
    autocomplete_fields = ("user",)
    actions = ("revoke_tokens",)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ("user", "name")
        return ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ()
        return ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if change:
            return
        assert isinstance(obj, ApiToken)  # noqa: S101 - narrowing for the type checker
        actor = request.user if isinstance(request.user, User) else None
        created = api_token_create(actor=actor, user=obj.user, name=obj.name)
        obj.pk = created.token.pk
        messages.warning(request, _("新令牌(只显示这一次,请立即复制保存):%(key)s") % {"key": created.key})

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("吊销所选令牌"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=actor, token=token)
        self.message_user(request, _("已吊销所选令牌"))
