"""Cases beyond those played through the services: copies of the played ones, moved to other grids.

Playing a case through ``case_create`` and ``case_transition`` costs about 0.1 s of CPU (its script is
nine service calls on average), so a district at scale 20 (about 184,000 cases a year) would take hours
on a 2-core machine. The case stage therefore plays at most ``PLAYED_CASES_MAX`` cases (scale 1's 9,190
submitted: every demo at scale ≤ 1 is played whole) and makes the rest here, in rounds: each round
copies every played case once, with its tasks and its whole timeline, to a grid drawn at random among
the grids of the same kind (urban or village). Everything that names a place follows the copy: the grid, the
region and its path, the handling level, the units of region tasks, the point and address, the grid staff who
reported or acted, and the unit names in the timeline. Times, statuses, deadlines, categories,
departments and satisfaction stay as they were, so the copies keep the played cases' mix exactly. Codes
are numbered on from the day's counter, as intake would number them. Titles and descriptions keep the
original's wording (a building named in a title may belong to the original's compound).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.models import Case, CaseCodeCounter, CaseEvent, CaseTask
from dangqun.demo.case_plan import case_targets
from dangqun.demo.context import SeedContext
from dangqun.demo.points import PointSampler
from dangqun.demo.tree import RegionTree
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building

__all__ = ["PLAYED_CASES_MAX", "copy_cases"]

PLAYED_CASES_MAX = case_targets(1.0).submitted  # scale 1's cases: every demo at scale <= 1 is played whole
PLACE_STAFF_ROLES = (Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF)


@dataclass
class _Played:
    """One played case as rows in memory, read once and copied every round."""

    case: Case
    tasks: list[CaseTask]
    events: list[CaseEvent]
    anchor: Region  # the deepest region of the case (its grid when it has one)


class _Places:
    """Region, staff and point lookups for moving a case from one grid to another."""

    def __init__(self, tree: RegionTree) -> None:
        self.tree = tree
        grids = tree.grids()
        self.urban = [g for g in grids if not tree.is_village(g)] or grids
        self.village = [g for g in grids if tree.is_village(g)] or grids
        self.staff: dict[tuple[int, str], list[User]] = defaultdict(list)
        self.place_of: dict[int, tuple[int, str, int]] = {}  # user → (region, role, position)
        self.names: dict[int, str] = {}
        memberships = (
            Membership.objects.filter(is_active=True, role__in=PLACE_STAFF_ROLES, region__isnull=False)
            .select_related("user")
            .order_by("region_id", "role", "user__username")
        )
        for m in memberships:
            assert m.region_id is not None  # noqa: S101 - filtered above
            group = self.staff[(m.region_id, m.role)]
            self.place_of.setdefault(m.user_id, (m.region_id, m.role, len(group)))
            group.append(m.user)
            self.names[m.user_id] = m.user.display_name or m.user.get_username()
        self.buildings: dict[int, list[tuple[str, float, float]]] = defaultdict(list)
        for grid_id, address, lng, lat in (
            Building.objects.filter(grid__path__subtree=tree.district.path, lng__isnull=False)
            .order_by("code")
            .values_list("grid_id", "address", "lng", "lat")
        ):
            if lng is not None and lat is not None:
                self.buildings[grid_id].append((address, lng, lat))
        self.samplers: dict[int, PointSampler] = {}

    def target(self, rng: random.Random, anchor: Region) -> Region:
        grid = self.tree.ancestor(anchor, RegionLevel.GRID)
        return rng.choice(self.village if self.tree.is_village(grid) else self.urban)

    def move(self, region: Region, target: Region) -> Region:
        """The region at ``region``'s level above (or at) the target grid; the district stays."""
        return self.tree.ancestor(target, region.level) if region.level > RegionLevel.DISTRICT else region

    def user(self, user_id: int | None, moved: dict[int, Region]) -> int | None:
        """The person in the same post (grid worker, community staff …) at the moved place."""
        if user_id is None or user_id not in self.place_of:
            return user_id
        region_id, role, position = self.place_of[user_id]
        region = moved.get(region_id)
        if region is None:
            return user_id
        group = self.staff.get((region.pk, role)) or []
        return group[min(position, len(group) - 1)].pk if group else user_id

    def label(self, user_id: int | None, fallback: str) -> str:
        return self.names.get(user_id or 0, fallback)

    def point(self, rng: random.Random, grid: Region) -> tuple[str, float, float]:
        buildings = self.buildings.get(grid.pk)
        if buildings:
            return rng.choice(buildings)
        if grid.pk not in self.samplers:
            self.samplers[grid.pk] = PointSampler(shape(grid.boundary))
        lng, lat = self.samplers[grid.pk].inside(rng)
        return grid.name, lng, lat


class _Codes:
    """The next code of each submission day, continuing the day's counter."""

    def __init__(self) -> None:
        self.last = dict(CaseCodeCounter.objects.values_list("day", "last"))
        self.changed: set[Any] = set()

    def next(self, code: str) -> str:
        prefix, day_text, _ = code.rsplit("-", 2)
        day = dt.datetime.strptime(day_text, "%Y%m%d").date()  # noqa: DTZ007 - a calendar day
        number = self.last.get(day, 0) + 1
        self.last[day] = number
        self.changed.add(day)
        return f"{prefix}-{day_text}-{number:06d}"

    def save(self) -> None:
        counters = list(CaseCodeCounter.objects.filter(day__in=self.changed))
        known = {c.day for c in counters}
        for counter in counters:
            counter.last = self.last[counter.day]
        CaseCodeCounter.objects.bulk_update(counters, ["last"], batch_size=500)
        CaseCodeCounter.objects.bulk_create(
            [CaseCodeCounter(day=d, last=self.last[d]) for d in self.changed - known], batch_size=500
        )


def _played(tree: RegionTree, case_ids: list[int]) -> list[_Played]:
    tasks: dict[int, list[CaseTask]] = defaultdict(list)
    for task in CaseTask.objects.filter(case_id__in=case_ids).order_by("id"):
        tasks[task.case_id].append(task)
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.filter(case_id__in=case_ids).order_by("id"):
        events[event.case_id].append(event)
    played = []
    for case in Case.objects.filter(pk__in=case_ids).order_by("id"):
        anchor = tree.by_id[case.grid_id or case.region_id]
        played.append(_Played(case, tasks[case.pk], events[case.pk], anchor))
    return played


def _chain(tree: RegionTree, anchor: Region) -> list[Region]:
    chain = [anchor]
    while chain[-1].parent_id is not None and chain[-1].level > RegionLevel.DISTRICT:
        chain.append(tree.by_id[chain[-1].parent_id])
    return chain


def _moved_case(
    p: _Played, places: _Places, codes: _Codes, rng: random.Random
) -> tuple[Case, dict[int, Region]]:
    """The copy of one case at a random grid of the same kind, and the region mapping it used."""
    target = places.target(rng, p.anchor)
    moved = {r.pk: places.move(r, target) for r in _chain(places.tree, p.anchor)}
    src = p.case
    region = moved[src.region_id]
    handling = places.move(places.tree.by_id[src.handling_region_id], target)
    copy = Case(
        **{
            f.attname: getattr(src, f.attname)
            for f in Case._meta.concrete_fields
            if f.attname not in {"id", "merged_into_id"}
        }
    )
    copy.code = codes.next(src.code)
    copy.region, copy.region_path, copy.handling_region = region, region.path, handling
    copy.grid = moved.get(src.grid_id) if src.grid_id else None
    copy.first_contact_owner_id = places.user(src.first_contact_owner_id, moved)
    copy.reporter_id = places.user(src.reporter_id, moved)
    if src.lng is not None:
        address, copy.lng, copy.lat = places.point(rng, copy.grid or target)
        copy.address = address or copy.address
    return copy, moved


def _renamed(text: str, names: list[tuple[str, str]]) -> str:
    for old, new in names:
        if old and old in text:
            text = text.replace(old, new)
    return text


def _copy_round(
    ctx: SeedContext,
    played: list[_Played],
    count: int,
    *,
    places: _Places,
    codes: _Codes,
    rng: random.Random,
) -> None:
    batch = played[:count]
    moves = [_moved_case(p, places, codes, rng) for p in batch]
    copies = ctx.insert(Case, [copy for copy, _ in moves], label="cases.copied")
    by_source = {p.case.pk: copy for p, copy in zip(batch, copies, strict=True)}
    merged = []
    for p, copy in zip(batch, copies, strict=True):
        main = by_source.get(p.case.merged_into_id or 0)
        if main is not None:
            copy.merged_into = main
            merged.append(copy)
    Case.objects.bulk_update(merged, ["merged_into"], batch_size=500)
    tasks: list[CaseTask] = []
    for p, copy, (_, moved) in zip(batch, copies, moves, strict=True):
        for task in p.tasks:
            region = places.tree.by_id[task.region_id] if task.region_id else None
            tasks.append(
                CaseTask(
                    **{
                        f.attname: getattr(task, f.attname)
                        for f in CaseTask._meta.concrete_fields
                        if f.attname not in {"id", "case_id", "region_id", "signed_by_id"}
                    },
                    case=copy,
                    region=places.move(region, copy.grid or copy.region) if region else None,
                    signed_by_id=places.user(task.signed_by_id, moved),
                )
            )
    new_tasks = iter(ctx.insert(CaseTask, tasks, label="case_tasks.copied"))
    events: list[CaseEvent] = []
    for p, copy, (_, moved) in zip(batch, copies, moves, strict=True):
        task_ids = {task.pk: next(new_tasks).pk for task in p.tasks}
        names = [(places.tree.by_id[old].name, new.name) for old, new in moved.items() if new is not None]
        for event in p.events:
            actor_id = places.user(event.actor_id, moved)
            fields = {
                f.attname: getattr(event, f.attname)
                for f in CaseEvent._meta.concrete_fields
                if f.attname not in {"id", "case_id", "task_id", "actor_id"}
            }
            fields["actor_unit"] = _renamed(event.actor_unit, names)
            if actor_id != event.actor_id:
                fields["actor_label"] = places.label(actor_id, event.actor_label)
            events.append(
                CaseEvent(**fields, case=copy, task_id=task_ids.get(event.task_id or 0), actor_id=actor_id)
            )
    ctx.insert(CaseEvent, events, label="case_events.copied")


def copy_cases(ctx: SeedContext, tree: RegionTree, case_ids: list[int], extra: int) -> int:
    """Make ``extra`` more cases by copying the played ``case_ids`` round after round (see above)."""
    if extra <= 0 or not case_ids:
        return 0
    places = _Places(tree)
    codes = _Codes()
    played = _played(tree, case_ids)
    made = 0
    rounds = ctx.progress(range((extra + len(played) - 1) // len(played)), "诉求复制")
    for number in rounds:
        count = min(len(played), extra - made)
        _copy_round(ctx, played, count, places=places, codes=codes, rng=ctx.rng("case-copy", number))
        made += count
    codes.save()
    return made
