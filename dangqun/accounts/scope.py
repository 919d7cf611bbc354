"""Data scope: what a user may see, derived from their active memberships.

A region-scoped role sees its region's subtree; a department sees what is assigned to it (cases,
later); a party administrator sees its party organisation's subtree; a sysadmin sees everything;
a citizen sees only their own records. ``get_scope`` computes this once per request and caches it on
the user object. Selectors filter with ``scope.region_q(...)``; ``access_*`` helpers use
``scope.covers_path(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from dangqun.accounts.models import DEPARTMENT_ROLES, PARTY_ORG_ROLES, REGION_ROLES, Membership, Role, User
from dangqun.regions.models import Region

# Roles that may read the grid registries (buildings, households, residents, units) in their regions.
REGISTRY_READ_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISPATCHER,
        Role.LEADER,
    }
)


def _minimal_paths(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path in the set."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


@dataclass(frozen=True)
class DataScope:
    user_id: int | None
    roles: frozenset[str] = frozenset()
    is_sysadmin: bool = False
    # role -> minimal region subtree paths held with that role
    region_paths_by_role: dict[str, tuple[str, ...]] = field(default_factory=dict)
    department_ids: frozenset[int] = frozenset()
    party_org_paths: tuple[str, ...] = ()
    # every top-level region's path, read only for a user who holds a top-level region (else empty)
    root_paths: tuple[str, ...] = ()

    def has_role(self, *roles: str) -> bool:
        return self.is_sysadmin or bool(self.roles.intersection(roles))

    def region_paths(self, roles: frozenset[str] | None = None) -> tuple[str, ...]:
        """Minimal subtree paths held through ``roles`` (all region roles when None)."""
        paths: set[str] = set()
        for role, role_paths in self.region_paths_by_role.items():
            if roles is None or role in roles:
                paths.update(role_paths)
        return _minimal_paths(paths)

    def region_q(self, path_lookup: str, roles: frozenset[str] | None = None) -> Q:
        """A filter for rows whose region path (at ``path_lookup``) is inside the scope."""
        if self.is_sysadmin:
            return Q()
        paths = self.region_paths(roles)
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for path in paths:
            q |= Q(**{f"{path_lookup}__subtree": path})
        return q

    def covers_every_region(self, roles: frozenset[str] | None = None) -> bool:
        """Whether ``roles`` give this user every top-level region, hence every row placed in one."""
        if self.is_sysadmin:
            return True
        held = set(self.region_paths(roles))
        return bool(self.root_paths) and all(root in held for root in self.root_paths)

    def covers_path(self, path: str, roles: frozenset[str] | None = None) -> bool:
        if self.is_sysadmin:
            return True
        return any(path.startswith(p) for p in self.region_paths(roles))

    def party_org_q(self, path_lookup: str) -> Q:
        if self.is_sysadmin:
            return Q()
        if not self.party_org_paths:
            return Q(pk__in=[])
        q = Q()
        for path in self.party_org_paths:
            q |= Q(**{f"{path_lookup}__subtree": path})
        return q

    def covers_party_org_path(self, path: str) -> bool:
        return self.is_sysadmin or any(path.startswith(p) for p in self.party_org_paths)


ANONYMOUS_SCOPE = DataScope(user_id=None)
_CACHE_ATTR = "_dangqun_scope"
# The active memberships ``get_scope`` read (with their units), kept on the user object for the
# rest of the request: ``first_membership`` answers from them without another query.
_MEMBERSHIPS_ATTR = "_dangqun_memberships"


def get_scope(user: User | object) -> DataScope:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ANONYMOUS_SCOPE
    assert isinstance(user, User)  # noqa: S101 - narrowing for the type checker
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("region", "party_org", "department")
        .defer("region__boundary")  # read on every request of a staff member; nothing here draws it
        .order_by("id")
    )
    scope = compute_scope(user, memberships)
    setattr(user, _MEMBERSHIPS_ATTR, memberships)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def first_membership(user: User | object) -> Membership | None:
    """The user's first active membership (by id), from what ``get_scope`` loaded."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    get_scope(user)
    memberships: list[Membership] = getattr(user, _MEMBERSHIPS_ATTR, [])
    return memberships[0] if memberships else None


def compute_scope(user: User, memberships: list[Membership] | None = None) -> DataScope:
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user, is_active=True).select_related("region", "party_org")
        )
    roles = {m.role for m in memberships}
    by_role: dict[str, set[str]] = {}
    departments: set[int] = set()
    party_paths: set[str] = set()
    for m in memberships:
        if m.role in REGION_ROLES and m.region is not None and m.region.is_active:
            by_role.setdefault(m.role, set()).add(m.region.path)
        elif m.role in DEPARTMENT_ROLES and m.department_id is not None:
            departments.add(m.department_id)
        elif m.role in PARTY_ORG_ROLES and m.party_org is not None:
            party_paths.add(m.party_org.path)
    is_sysadmin = user.is_superuser or Role.SYSADMIN in roles
    if is_sysadmin:
        roles.add(Role.SYSADMIN)
    holds_a_root = any(
        m.role in REGION_ROLES and m.region is not None and m.region.parent_id is None for m in memberships
    )
    root_paths: tuple[str, ...] = ()
    if holds_a_root and not is_sysadmin:
        root_paths = tuple(
            Region.objects.filter(parent__isnull=True).order_by("path").values_list("path", flat=True)
        )
    return DataScope(
        user_id=user.pk,
        roles=frozenset(roles),
        is_sysadmin=is_sysadmin,
        region_paths_by_role={role: _minimal_paths(paths) for role, paths in by_role.items()},
        department_ids=frozenset(departments),
        party_org_paths=_minimal_paths(party_paths),
        root_paths=root_paths,
    )


def clear_scope_cache(user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
