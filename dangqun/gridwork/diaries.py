"""社情日记: a grid worker's diary of the day in their grid (what was seen, done and heard), written
from the grid app and read (阅示) and commented by those who supervise the grid: the grid leader,
the community and the street. One entry per worker and day: writing again the same day (or the
phone's offline queue sending it twice) updates that entry, until it has been read. ``DiaryWorkflow``
is the door of 阅示; the list is searchable by words, grid, worker, day and status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError, NotFoundError
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.gridwork.access import VISIT_RECORD_ROLES, VISIT_SUPERVISE_ROLES, visits_visible_q
from dangqun.gridwork.events import GridworkEvent
from dangqun.gridwork.models import DiaryComment, DiaryEntry, DiaryStatus
from dangqun.regions.models import Region

TEXT_FIELDS = ("seen", "done", "heard")
TEXT_MAX_CHARS = 2000
NOTE_MAX_CHARS = 500
COMMENT_MAX_CHARS = 500
# How far back a diary may be written (the phone kept it offline, or it is written the next morning).
BACKDATE_DAYS = 7
PAGE_SIZE = 30

AUTHOR = "author"
SUPERVISOR = "supervisor"


def diaries_for(user: object) -> models.QuerySet[DiaryEntry]:
    """The diaries the user reads: those of the grids in their scope (the visits' readers)."""
    return DiaryEntry.objects.filter(visits_visible_q(user))


def access_diary_by_id(user: object, entry_id: int) -> DiaryEntry:
    entry = diaries_for(user).select_related("author", "grid", "reviewed_by").filter(pk=entry_id).first()
    if entry is None:
        raise NotFoundError()
    return entry


def _review(ctx: Ctx[DiaryEntry]) -> Outcome:
    note = str(ctx.body.get("note") or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": _("阅示意见不超过%(n)d字") % {"n": NOTE_MAX_CHARS}})
    if "\x00" in note:
        raise ValidationError({"note": _("不能含有空字符(NUL)")})
    ctx.obj.review_note = note
    ctx.obj.reviewed_by = ctx.actor if getattr(ctx.actor, "pk", None) else None  # type: ignore[assignment]
    return Outcome(payload={"note": bool(note)}, changed={"review_note", "reviewed_by"})


class DiaryWorkflow(Workflow[DiaryEntry]):
    model = DiaryEntry
    noun = gettext_lazy("社情日记")
    statuses = dict(DiaryStatus.choices)
    table = {
        t.action: t
        for t in (
            row("review", gettext_lazy("阅示"), [DiaryStatus.SUBMITTED], DiaryStatus.REVIEWED,
                [SUPERVISOR], GridworkEvent.DIARY_REVIEWED, handler="review", stamps=["reviewed_at"]),
        )
    }  # fmt: skip
    handlers = {"review": _review}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return visits_visible_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: DiaryEntry, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if obj.author_id == actor.pk:
            rels.add(AUTHOR)
        elif get_scope(actor).covers_path(obj.grid_path, roles=VISIT_SUPERVISE_ROLES):
            rels.add(SUPERVISOR)  # nobody reads and approves their own diary
        return frozenset(rels)


def _clean_texts(values: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name in TEXT_FIELDS:
        value = values.get(name)
        if value is not None and not isinstance(value, str):
            raise ValidationError({name: _("请填写文字")})
        text = (value or "").strip()
        if "\x00" in text:
            raise ValidationError({name: _("不能含有空字符(NUL)")})
        if len(text) > TEXT_MAX_CHARS:
            raise ValidationError({name: _("不超过%(n)d字") % {"n": TEXT_MAX_CHARS}})
        cleaned[name] = text
    if not any(cleaned.values()):
        raise ValidationError({"seen": _("所见、所做、所闻至少填写一项")})
    return cleaned


def _clean_day(day: dt.date | None) -> dt.date:
    today = clock.local_today()
    if day is None:
        return today
    if day > today:
        raise ValidationError({"day": _("日期不能晚于今天")})
    if day < today - dt.timedelta(days=BACKDATE_DAYS):
        raise ValidationError({"day": _("只能补记%(n)d天内的日记") % {"n": BACKDATE_DAYS}})
    return day


@dataclass(frozen=True)
class WriteResult:
    entry: DiaryEntry
    created: bool


def diary_write(
    *, actor: Any, grid: Region, values: dict[str, Any], day: dt.date | None = None
) -> WriteResult:
    """Write the actor's diary of ``day`` (today by default) in ``grid``, their own grid (the caller
    found it from their memberships). The same day again updates the entry while it is unread; a read
    entry is kept as read (409). Bad input is a 422 naming the field, and nothing is written."""
    if not get_scope(actor).covers_path(grid.path, roles=VISIT_RECORD_ROLES):
        raise NotFoundError()
    texts = _clean_texts(values)
    day = _clean_day(day)
    try:
        return _write(actor, grid, day, texts)
    except IntegrityError:  # the same day sent twice at once: the other request created it
        return _write(actor, grid, day, texts)


@transaction.atomic
def _write(actor: Any, grid: Region, day: dt.date, texts: dict[str, str]) -> WriteResult:
    entry = DiaryEntry.objects.select_for_update().filter(author=actor, day=day).first()
    created = entry is None
    if entry is None:
        with transaction.atomic():  # a savepoint: a concurrent twin's insert fails alone
            entry = DiaryEntry.objects.create(author=actor, grid=grid, grid_path=grid.path, day=day, **texts)
    elif entry.status != DiaryStatus.SUBMITTED:
        raise ConflictError(_("这篇日记已阅示,不能再修改"), code="diary_reviewed")
    elif all(getattr(entry, k) == v for k, v in texts.items()):
        return WriteResult(entry, False)  # the same upload again: nothing to write
    else:
        for name, text in texts.items():
            setattr(entry, name, text)
        entry.save(update_fields=[*TEXT_FIELDS, "updated_at"])
    record_event(
        actor=actor,
        event_type=GridworkEvent.DIARY_WRITTEN,
        target=entry,
        data={"day": day.isoformat(), "created": created, "fields": [k for k, v in texts.items() if v]},
    )
    return WriteResult(entry, created)


def diary_review(*, actor: Any, entry_id: int, note: str = "") -> DiaryEntry:
    return DiaryWorkflow.apply(obj=entry_id, action="review", actor=actor, note=note)


@transaction.atomic
def diary_comment(*, actor: Any, entry_id: int, text: Any) -> DiaryComment:
    """A comment by the entry's author or one who supervises its grid (others: 403)."""
    entry = access_diary_by_id(actor, entry_id)
    if not (DiaryWorkflow.relations(actor, entry, {}) & {AUTHOR, SUPERVISOR}):
        raise ForbiddenError(_("只有记录人和网格长、社区、街道可以评论"))
    body = (text if isinstance(text, str) else "").strip()
    if not body:
        raise ValidationError({"text": _("请填写评论内容")})
    if "\x00" in body:
        raise ValidationError({"text": _("不能含有空字符(NUL)")})
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationError({"text": _("评论不超过%(n)d字") % {"n": COMMENT_MAX_CHARS}})
    comment = DiaryComment.objects.create(entry=entry, author=actor, text=body, created_at=clock.now())
    DiaryEntry.objects.filter(pk=entry.pk).update(comments_count=F("comments_count") + 1)
    record_event(
        actor=actor, event_type=GridworkEvent.DIARY_COMMENTED, target=entry, data={"comment": comment.pk}
    )
    return comment


# --- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiaryFilters:
    q: str = ""
    grid: str = ""  # a grid's or any region's code: its subtree
    author: int | None = None
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def search_diaries(user: object, filters: DiaryFilters) -> models.QuerySet[DiaryEntry]:
    """The diaries in the user's scope matching every word of ``q`` (in what was seen, done or heard,
    or the worker's name) and the filters; newest first. An unknown region code matches nothing."""
    qs = diaries_for(user)
    for word in filters.q.split()[:8]:
        qs = qs.filter(
            Q(seen__icontains=word)
            | Q(done__icontains=word)
            | Q(heard__icontains=word)
            | Q(author__display_name__icontains=word)
        )
    if filters.grid:
        region = Region.objects.filter(code=filters.grid).values_list("path", flat=True).first()
        qs = qs.filter(grid_path__subtree=region) if region else qs.none()
    if filters.author is not None:
        qs = qs.filter(author_id=filters.author)
    if filters.status:
        if filters.status not in DiaryStatus.values:
            raise ValidationError({"status": _("未知状态: %(s)s") % {"s": filters.status}})
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(day__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(day__lte=filters.date_to)
    return qs.select_related("author", "grid").order_by("-day", "-id")


def comments_of(entry: DiaryEntry) -> list[DiaryComment]:
    return list(entry.comments.select_related("author").order_by("created_at", "id"))
