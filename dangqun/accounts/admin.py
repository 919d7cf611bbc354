"""Admin for users and their role memberships.

Users and memberships are saved by the admin's own forms here (the accounts services are not
wired in yet); every membership row is validated with ``full_clean`` so ``Membership.clean``
(the role ↔ region/department/party-org rules) holds in the admin as everywhere else.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from dangqun.accounts.models import Membership, User


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


class DangqunUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "phone")


class DangqunUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = DangqunUserChangeForm
    add_form = DangqunUserCreationForm
    inlines = (MembershipInline,)
    list_display = ("username", "display_name", "phone", "email", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "memberships__role", "groups")
    search_fields = ("username", "display_name", "phone", "email")
    search_help_text = "按用户名、姓名、手机号或邮箱搜索"
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "phone", "email")}),
        (
            "权限",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
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
