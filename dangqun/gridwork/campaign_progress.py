"""What a campaign's readers see: completion per grid rolled up to community and street (one grouped
query), the tally of the form's answers over the recorded doors, a worker's own doors, and the
office's Excel file (one row per household, the head of household's name masked)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dangqun.core.masking import mask_person_name
from dangqun.gridwork.campaigns import doors_for
from dangqun.gridwork.models import Campaign, CampaignHousehold, DoorStatus
from dangqun.regions.models import Region, RegionLevel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Progress:
    path: str
    name: str
    level: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts.get(DoorStatus.DONE, 0)

    @property
    def absent(self) -> int:
        return self.counts.get(DoorStatus.ABSENT, 0)

    @property
    def pending(self) -> int:
        return self.counts.get(DoorStatus.PENDING, 0)

    @property
    def pct(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(campaign: Campaign, user: object) -> list[Progress]:
    """Completion of the reader's grids in the campaign, each grid after its community and street
    (which add up the grids below them), in path order."""
    grouped = (
        doors_for(user)
        .filter(campaign=campaign)
        .values_list("grid_path", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_path: dict[str, Progress] = {}
    grids: dict[str, Counter[str]] = {}
    for path, status, n in grouped:
        grids.setdefault(path, Counter())[status] += n
    if not grids:
        return []
    prefixes = {path[: i + 1] for path in grids for i, c in enumerate(path) if c == "/" and i > 0}
    regions = Region.objects.filter(path__in=prefixes, level__gte=RegionLevel.STREET).values_list(
        "path", "name", "level"
    )
    for path, name, level in regions:
        by_path[path] = Progress(path, name, level)
    for path, counts in grids.items():
        for prefix, item in by_path.items():
            if path.startswith(prefix):
                for status, n in counts.items():
                    item.counts[status] = item.counts.get(status, 0) + n
    return sorted(by_path.values(), key=lambda p: p.path)


def overall(rows: list[Progress]) -> Progress:
    top = min((r.level for r in rows), default=0)
    result = Progress("", "", 0)
    for row in rows:
        if row.level == top:
            for status, n in row.counts.items():
                result.counts[status] = result.counts.get(status, 0) + n
    return result


def answer_tally(campaign: Campaign, user: object) -> list[dict[str, Any]]:
    """Per question of the form: for yes/no and choice questions the count of each answer over the
    reader's recorded doors, for numbers their sum, for text how many wrote something."""
    answers = (
        doors_for(user).filter(campaign=campaign, status=DoorStatus.DONE).values_list("answers", flat=True)
    )
    tallies: dict[str, Counter[str]] = {q["key"]: Counter() for q in campaign.questions}
    sums: Counter[str] = Counter()
    for answer in answers.iterator(chunk_size=2000):
        for key, value in (answer or {}).items():
            if key not in tallies:
                continue
            if isinstance(value, bool):
                tallies[key]["yes" if value else "no"] += 1
            elif isinstance(value, int):
                sums[key] += value
                tallies[key]["answered"] += 1
            elif isinstance(value, str) and value:
                tallies[key][value] += 1
    result = []
    for q in campaign.questions:
        counts = tallies[q["key"]]
        if q["type"] == "yes_no":
            items = [(_("是"), counts["yes"]), (_("否"), counts["no"])]
        elif q["type"] == "choice":
            items = [(c, counts[c]) for c in q.get("choices", [])]
        elif q["type"] == "number":
            items = [(_("合计"), sums[q["key"]]), (_("已填户数"), counts["answered"])]
        else:
            items = [(_("已填写"), sum(counts.values()))]
        result.append({"key": q["key"], "label": q["label"], "type": q["type"], "items": items})
    return result


def my_doors(campaign: Campaign, user: object, status: str = "") -> list[CampaignHousehold]:
    """The reader's doors of the campaign, those still to visit first (at most 500)."""
    doors = doors_for(user).filter(campaign=campaign).select_related("household__building", "grid")
    if status in DoorStatus.values:
        doors = doors.filter(status=status)
    order: dict[str, int] = {DoorStatus.PENDING: 0, DoorStatus.ABSENT: 1, DoorStatus.DONE: 2}
    rows = list(doors.order_by("grid_path", "household__building__name", "household__room", "id")[:500])
    return sorted(rows, key=lambda d: order.get(d.status, 3))


def export_campaign(campaign: Campaign, user: object) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("入户排查")
    sheet.append([campaign.title])
    sheet["A1"].font = Font(bold=True, size=14)
    fixed = [_("网格"), _("楼栋"), _("门牌/房号"), _("户主"), _("状态"), _("排查时间"), _("排查人"),
             _("入户次数")]  # fmt: skip
    header = [*fixed, *[q["label"] for q in campaign.questions], _("备注")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    doors = (
        doors_for(user)
        .filter(campaign=campaign)
        .select_related("household__building", "grid", "done_by")
        .order_by("grid_path", "household__building__name", "household__room", "id")
    )
    labels = dict(DoorStatus.choices)
    for door in doors.iterator(chunk_size=2000):
        household = door.household
        answers = door.answers or {}
        cells = []
        for q in campaign.questions:
            value = answers.get(q["key"])
            cells.append((_("是") if value else _("否")) if isinstance(value, bool) else value)
        sheet.append(
            [
                door.grid.name,
                household.building.name,
                household.room,
                mask_person_name(household.head_name),
                str(labels.get(door.status, door.status)),
                timezone.localtime(door.done_at).strftime("%Y-%m-%d %H:%M") if door.done_at else "",
                (door.done_by.display_name or door.done_by.username) if door.done_by else "",
                door.attempts,
                *cells,
                door.note,
            ]
        )
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
