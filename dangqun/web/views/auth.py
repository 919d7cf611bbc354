"""Sign in and out. django-axes counts failures and, past the limit, answers with
``lockout_response`` (``settings.AXES_LOCKOUT_CALLABLE``) instead of the login page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST


class LoginView(auth_views.LoginView):
    """Django's login view: its form calls ``authenticate(request, ...)``, which django-axes needs."""

    template_name = "web/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


def _cooloff_minutes() -> int:
    hours = getattr(settings, "AXES_COOLOFF_TIME", 0.25)
    return max(1, round(float(hours) * 60)) if isinstance(hours, (int, float)) else 15


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a username is locked after repeated failures (HTTP 429)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("登录失败次数过多,账号已临时锁定,请%(cooloff_minutes)s分钟后再试")
                % {"cooloff_minutes": _cooloff_minutes()}
            },
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "web/locked.html", {"cooloff_minutes": _cooloff_minutes()}, status=429)
