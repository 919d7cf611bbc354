"""Stage 5: the persona logins and a grid leader (网格长) with one or two grid workers (网格员) for
every grid. One password hash serves every seeded user (Argon2 per user would take minutes)."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from dangqun.accounts.models import Membership, Role, User
from dangqun.demo import identifiers, names
from dangqun.demo.context import SeedContext
from dangqun.demo.personas import (
    DEMO_PASSWORD,
    PERSONAS,
    Persona,
    PersonaScope,
    grid_leader_username,
    grid_worker_username,
)
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department, PartyOrg, PartyOrgKind


class AccountSeeder:
    def __init__(self, ctx: SeedContext, tree: RegionTree) -> None:
        self.ctx = ctx
        self.tree = tree
        self.password = make_password(DEMO_PASSWORD)
        self.users: list[User] = []
        self.memberships: list[Membership] = []

    def _user(self, rng: random.Random, username: str, display_name: str, *, superuser: bool = False) -> User:
        user = User(
            username=username,
            display_name=display_name,
            phone=identifiers.mobile(rng),
            password=self.password,
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.clean_fields(exclude=["password", "last_login", "date_joined"])
        self.users.append(user)
        return user

    def _membership(self, user: User, role: str, title: str, **scope: object) -> None:
        membership = Membership(user=user, role=role, title=title, **scope)
        membership.clean()
        self.memberships.append(membership)

    def persona_scope(self, persona: Persona) -> dict[str, object]:
        """The membership target of a persona, as keyword arguments for ``Membership``."""
        tree = self.tree
        regions = {
            PersonaScope.PERSONA_GRID: tree.persona_grid,
            PersonaScope.PERSONA_COMMUNITY: tree.persona_community,
            PersonaScope.PERSONA_STREET: tree.persona_street,
            PersonaScope.DISTRICT: lambda: tree.district,
        }
        if persona.scope in regions:
            return {"region": regions[persona.scope]()}
        if persona.scope == PersonaScope.DEPARTMENT:
            return {
                "department": Department.objects.get(
                    region=tree.district, short_name=persona.department_short_name
                )
            }
        if persona.scope == PersonaScope.STREET_PARTY_ORG:
            return {"party_org": PartyOrg.objects.get(region=tree.persona_street())}
        if persona.scope == PersonaScope.PERSONA_BRANCH:
            return {"party_org": persona_branch(tree)}
        return {}

    def run(self) -> None:
        rng = self.ctx.rng("personas")
        for persona in PERSONAS:
            user = self._user(rng, persona.username, persona.display_name, superuser=persona.is_superuser)
            self._membership(user, persona.role, persona.title, **self.persona_scope(persona))
        for grid in self.ctx.progress(self.tree.grids(), "网格账号"):
            r = self.ctx.rng("grid-users", grid.code)
            community = self.tree.ancestor(grid, 3)
            leader = self._user(r, grid_leader_username(grid.code), self._name(r))
            self._membership(leader, Role.GRID_LEADER, f"{community.name}{grid.name}网格长", region=grid)
            for number in range(1, r.randint(1, 2) + 1):
                worker = self._user(r, grid_worker_username(grid.code, number), self._name(r))
                self._membership(worker, Role.GRID_WORKER, f"{community.name}{grid.name}网格员", region=grid)
        self.ctx.insert(User, self.users)
        self.ctx.insert(Membership, self.memberships)

    @staticmethod
    def _name(rng: random.Random) -> str:
        gender = "F" if rng.random() < 0.6 else "M"
        return names.person_name(rng, gender=gender, birth_year=rng.randint(1968, 1998))


def persona_branch(tree: RegionTree) -> PartyOrg:
    """The branch of the persona grid's compound (the branch secretary's; the party member's)."""
    grid = tree.persona_grid()
    compound_id: int = grid.parent_id or 0  # a grid always has its compound
    return PartyOrg.objects.get(
        region_id=compound_id, kind__in=[PartyOrgKind.BRANCH, PartyOrgKind.GENERAL_BRANCH]
    )


def seed_accounts(ctx: SeedContext, tree: RegionTree) -> None:
    AccountSeeder(ctx, tree).run()
