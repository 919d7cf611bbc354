"""What every seeding stage shares: the options, one random stream per named purpose, progress
bars and the running counts."""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models
from tqdm import tqdm

# Ages, joined dates and "years ago" are counted from this day, never from the clock.
REFERENCE_DATE = dt.date(2026, 11, 22)
DISTRICT_CODE = "210603"
DISTRICT_NAME = "元宝区"
CITY_PREFIX = "辽宁省丹东市"
BATCH_SIZE = 2000

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class SeedOptions:
    scale: float = 1.0
    seed: int = 1
    # The year of cases at another scale than the district (the test suite's small district keeps
    # few cases, so that seeding it stays quick); ``None``: the district's own scale.
    case_scale: float | None = None

    @property
    def cases_scale(self) -> float:
        return self.scale if self.case_scale is None else self.case_scale

    def as_dict(self) -> dict[str, float | int]:
        values: dict[str, float | int] = {"scale": self.scale, "seed": self.seed}
        if self.case_scale is not None:
            values["case_scale"] = self.case_scale
        return values


@dataclass
class SeedContext:
    options: SeedOptions
    show_progress: bool = False
    # Where the year of cases ends (``demo.calendar.anchor_end``); None: 10:00 on the reference day.
    end: dt.datetime | None = None
    counts: Counter[str] = field(default_factory=Counter)

    def rng(self, *purpose: object) -> random.Random:
        """A random stream for one purpose (``"grid", code``): the same seed and purpose always give
        the same stream, whatever ran before. ``random`` seeds strings through SHA-512, so this does
        not depend on ``PYTHONHASHSEED``."""
        return random.Random(":".join([str(self.options.seed), *map(str, purpose)]))

    def progress(self, items: Sequence[T], label: str) -> Iterator[T]:
        bar: Iterable[T] = tqdm(
            items, desc=label, file=sys.stderr, disable=not self.show_progress, unit="", leave=False
        )
        yield from bar

    def insert(self, model: type[M], objs: list[M], *, label: str | None = None) -> list[M]:
        """``bulk_create`` in batches; primary keys are set on the objects (SQLite ≥ 3.35, PostgreSQL)."""
        created = model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
        self.counts[label or model._meta.model_name or model.__name__] += len(created)
        return created


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def add_years(day: dt.date, years: int) -> dt.date:
    return years_before(day, -years)


def random_birth_date(rng: random.Random, age: int) -> dt.date:
    """A birth date at which a person is exactly ``age`` on the reference date."""
    latest = years_before(REFERENCE_DATE, age)
    earliest = years_before(REFERENCE_DATE, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def age_on_reference(birth_date: dt.date) -> int:
    before_birthday = (REFERENCE_DATE.month, REFERENCE_DATE.day) < (birth_date.month, birth_date.day)
    return REFERENCE_DATE.year - birth_date.year - before_birthday
