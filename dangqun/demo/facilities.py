"""Municipal facilities (市政设施) in a grid, each with the department that looks after it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from dangqun.demo import names
from dangqun.demo.points import PointSampler
from dangqun.orgs.models import Department
from dangqun.regions.models import Region
from dangqun.registry.models import Facility, FacilityKind, FacilityStatus


@dataclass(frozen=True)
class _FacilityRule:
    kind: FacilityKind
    letter: str
    urban: tuple[int, int]
    village: tuple[int, int]
    # (label, owner department short name); one is drawn per facility.
    variants: tuple[tuple[str, str], ...]


_RULES: tuple[_FacilityRule, ...] = (
    _FacilityRule(FacilityKind.STREET_LAMP, "L", (3, 8), (2, 5), (("路灯", "城管局"),)),
    _FacilityRule(
        FacilityKind.MANHOLE,
        "M",
        (3, 7),
        (0, 2),
        (
            ("雨水井盖", "水务局"),
            ("污水井盖", "水务局"),
            ("自来水阀门井盖", "供水公司"),
            ("燃气井盖", "燃气公司"),
            ("热力井盖", "供热公司"),
            ("电力井盖", "供电公司"),
        ),
    ),
    _FacilityRule(FacilityKind.HYDRANT, "H", (1, 3), (0, 1), (("室外消火栓", "供水公司"),)),
    _FacilityRule(FacilityKind.CAMERA, "C", (1, 4), (1, 2), (("治安监控探头", "公安分局"),)),
    _FacilityRule(FacilityKind.BIN, "G", (1, 3), (1, 2), (("垃圾收集点", "城管局"),)),
    _FacilityRule(FacilityKind.CHARGER, "E", (0, 2), (0, 1), (("电动车充电桩", "供电公司"),)),
    _FacilityRule(FacilityKind.FITNESS, "F", (0, 1), (0, 1), (("全民健身器材", "文旅局"),)),
)
_SHELTER_RATE = {False: 0.03, True: 0.05}
_STATUS = ((FacilityStatus.NORMAL, 93), (FacilityStatus.DAMAGED, 5), (FacilityStatus.REPAIRING, 2))


def _status(rng: random.Random) -> str:
    return rng.choices([s for s, _ in _STATUS], weights=[w for _, w in _STATUS])[0]


def facilities_for_grid(
    rng: random.Random,
    grid: Region,
    sampler: PointSampler,
    departments: dict[str, Department],
    *,
    village_name: str | None,
) -> list[Facility]:
    """``village_name`` for a village grid, ``None`` for a grid of a town community."""
    village = village_name is not None
    place = village_name or rng.choice(names.ROADS)
    rows: list[Facility] = []
    for rule in _RULES:
        low, high = rule.village if village else rule.urban
        for number in range(1, rng.randint(low, high) + 1):
            label, owner = rng.choice(rule.variants)
            rows.append(
                _facility(
                    rng,
                    grid=grid,
                    sampler=sampler,
                    kind=rule.kind,
                    suffix=f"{rule.letter}{number:02d}",
                    name=f"{place}{label}{number:02d}号",
                    owner=departments[owner],
                )
            )
    if rng.random() < _SHELTER_RATE[village]:
        rows.append(
            _facility(
                rng,
                grid=grid,
                sampler=sampler,
                kind=FacilityKind.SHELTER,
                suffix="S01",
                name=f"{place}应急避难场所",
                owner=departments["应急管理局"],
            )
        )
    return rows


def _facility(
    rng: random.Random,
    *,
    grid: Region,
    sampler: PointSampler,
    kind: str,
    suffix: str,
    name: str,
    owner: Department,
) -> Facility:
    lng, lat = sampler.inside(rng)
    return Facility(
        code=f"{grid.code}-{suffix}",
        kind=kind,
        name=name[:80],
        status=_status(rng),
        owner_department=owner,
        grid=grid,
        address=f"{grid.address}{name}"[:200],
        lng=lng,
        lat=lat,
    )
