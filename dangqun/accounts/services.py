"""Writes to users and memberships. Admin, commands and the API call these."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.accounts.events import AccountsEvent
from dangqun.accounts.models import ApiToken, Membership, User
from dangqun.accounts.scope import clear_scope_cache
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.core.records import RecordKind, editable_fields, record_update
from dangqun.orgs.models import Department, PartyOrg
from dangqun.regions.models import Region


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    is_staff: bool = False,
) -> User:
    user = User(username=username, display_name=display_name, phone=phone, is_staff=is_staff)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    record_event(actor=actor, event_type=AccountsEvent.USER_CREATED, target=user, data={"username": username})
    return user


# What ``user_update`` may change: the account's fields but its password (which has its own forms
# and event) and the keyed hash (computed); groups and permissions are many-to-many. Users are
# deactivated (``is_active``), never deleted.
USER_FIELDS = tuple(
    name for name in editable_fields(User, m2m=("groups", "user_permissions")) if name != "password"
)
USERS = RecordKind(
    model=User,
    fields=USER_FIELDS,
    created=AccountsEvent.USER_CREATED,
    updated=AccountsEvent.USER_UPDATED,
    m2m=("groups", "user_permissions"),
)


def user_update(*, actor: User | None, user: User, **values: Any) -> User:
    """Change the given fields of ``user`` (``USER_FIELDS``); one ``accounts.user_updated`` event
    naming the changed fields (never their values: the phone is personal data)."""
    updated = record_update(USERS, actor=actor, obj=user, values=values)
    clear_scope_cache(user)
    return updated


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    region: Region | None = None,
    department: Department | None = None,
    party_org: PartyOrg | None = None,
    title: str = "",
) -> Membership:
    existing = Membership.objects.filter(
        user=user, role=role, region=region, department=department, party_org=party_org
    ).first()
    if existing is not None and existing.is_active:
        raise ConflictError(_("该用户已拥有此角色任职"))
    membership = existing or Membership(
        user=user, role=role, region=region, department=department, party_org=party_org
    )
    membership.title = title
    membership.is_active = True
    membership.full_clean()
    membership.save()
    clear_scope_cache(user)
    record_event(
        actor=actor,
        event_type=AccountsEvent.MEMBERSHIP_GRANTED,
        target=membership,
        data={
            "user": user.username,
            "role": role,
            "region": region.code if region else None,
            "department": department.code if department else None,
            "party_org": party_org.code if party_org else None,
        },
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    clear_scope_cache(membership.user)
    record_event(
        actor=actor,
        event_type=AccountsEvent.MEMBERSHIP_REVOKED,
        target=membership,
        data={"user": membership.user.username, "role": membership.role},
    )
    return membership


API_TOKEN_PREFIX = "dq_"  # noqa: S105 - a public prefix, not a secret


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    key: str  # the plain key: shown once, never stored


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> NewApiToken:
    """Make a token for ``user``; the plain key is in the result and nowhere else."""
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=(name or "").strip(), key_hash=api_token_hash(key), prefix=key[:10])
    token.full_clean()
    token.save()
    record_event(
        actor=actor,
        event_type=AccountsEvent.API_TOKEN_CREATED,
        target=token,
        data={"user": user.username, "name": token.name, "prefix": token.prefix},
    )
    return NewApiToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor=actor,
        event_type=AccountsEvent.API_TOKEN_REVOKED,
        target=token,
        data={"user": token.user.username, "prefix": token.prefix},
    )
    return token
