"""Session login for the browser and for API clients that keep cookies; bearer tokens for machines.

``bearer`` accepts ``Authorization: Bearer <key>`` (an ``accounts.ApiToken``). A request that sends a
bearer header is judged by it alone: a wrong or revoked key is 401 even when a session cookie is
present. Token requests skip CSRF (no cookie is involved), so ``bearer`` comes before ``django_auth``
in the API's auth list: ninja tries them in order and the session check raises on a missing CSRF token.
"""

import datetime as dt

from django.contrib.auth import authenticate, login, logout
from django.db import DatabaseError
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from dangqun.accounts.models import ApiToken, User
from dangqun.accounts.scope import get_scope
from dangqun.accounts.services import api_token_hash
from dangqun.core.dbfaults import is_database_unavailable
from dangqun.core.errors import DomainError

# ``last_used_at`` is written at most this often per token (not on every request).
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        key = token.strip()
        found = (
            ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()
            if key
            else None
        )
        if found is None or found.revoked_at is not None or not found.user.is_active:
            raise AuthenticationError(message=_("令牌无效或已吊销"))
        at = timezone.now()
        if found.last_used_at is None or at - found.last_used_at > TOKEN_TOUCH_INTERVAL:
            try:
                ApiToken.objects.filter(pk=found.pk).update(last_used_at=at)
            except DatabaseError as exc:
                # A read-only or full database still serves reads: the touch waits for the next request.
                if not is_database_unavailable(exc):
                    raise
        request.user = found.user
        return found.user


bearer = ApiTokenAuth()

router = Router(tags=["auth"])


class LoginIn(Schema):
    username: str
    password: str


class MembershipOut(Schema):
    role: str
    role_label: str
    region_code: str | None
    region_name: str | None
    department_code: str | None
    department_name: str | None
    party_org_code: str | None
    party_org_name: str | None
    title: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    is_sysadmin: bool
    memberships: list[MembershipOut]
    csrf_token: str


class LoginFailedError(DomainError):
    status_code = 401


def _me(request: HttpRequest, user: User) -> MeOut:
    scope = get_scope(user)
    memberships = [
        MembershipOut(
            role=m.role,
            role_label=m.get_role_display(),
            region_code=m.region.code if m.region else None,
            region_name=m.region.name if m.region else None,
            department_code=m.department.code if m.department else None,
            department_name=m.department.name if m.department else None,
            party_org_code=m.party_org.code if m.party_org else None,
            party_org_name=m.party_org.name if m.party_org else None,
            title=m.title,
        )
        for m in user.memberships.filter(is_active=True).select_related("region", "department", "party_org")
    ]
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        roles=sorted(scope.roles),
        is_sysadmin=scope.is_sysadmin,
        memberships=memberships,
        csrf_token=get_token(request),
    )


@router.post("/login", response=MeOut, auth=None, summary="登录")
def login_view(request: HttpRequest, payload: LoginIn) -> MeOut:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not isinstance(user, User):
        raise LoginFailedError(_("用户名或密码错误"), code="login_failed")
    login(request, user)
    return _me(request, user)


@router.post("/logout", auth=django_auth, summary="退出登录")
def logout_view(request: HttpRequest) -> dict[str, bool]:
    logout(request)
    return {"ok": True}


@router.get("/me", response=MeOut, auth=django_auth, summary="当前用户与角色")
def me(request: HttpRequest) -> MeOut:
    assert isinstance(request.user, User)  # noqa: S101
    return _me(request, request.user)
