"""社情日记 (``dangqun.gridwork.diaries``): a grid worker writes the day's diary (``POST`` again the
same day updates it while unread: the phone's offline queue may send it twice); those who supervise
the grid search the diaries of their grids, read one with its comments, 阅示 it and comment. Scope:
the grid's people and the regions above; anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.core.errors import ForbiddenError
from dangqun.gridwork.access import own_grid
from dangqun.gridwork.diaries import (
    PAGE_SIZE,
    TEXT_FIELDS,
    DiaryFilters,
    DiaryWorkflow,
    access_diary_by_id,
    comments_of,
    diary_comment,
    diary_review,
    diary_write,
    search_diaries,
)
from dangqun.gridwork.models import DiaryEntry

router = Router(tags=["gridwork"])
EXCERPT_CHARS = 80


class DiaryIn(Schema):
    day: dt.date | None = None
    seen: str = ""
    done: str = ""
    heard: str = ""


class DiaryReviewIn(Schema):
    note: str = ""


class DiaryCommentIn(Schema):
    text: str


class DiaryRowOut(Schema):
    id: int
    day: dt.date
    author: str
    grid_code: str
    grid_name: str
    status: str
    status_label: str
    excerpt: str
    comments_count: int


class DiaryPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[DiaryRowOut]


class DiaryCommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: dt.datetime


class DiaryMoveOut(Schema):
    action: str
    label: str


class DiaryOut(DiaryRowOut):
    seen: str
    done: str
    heard: str
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    review_note: str
    comments: list[DiaryCommentOut]
    moves: list[DiaryMoveOut]


def excerpt(entry: DiaryEntry) -> str:
    text = " ".join(getattr(entry, name) for name in TEXT_FIELDS if getattr(entry, name))
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def diary_row(entry: DiaryEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "day": entry.day,
        "author": str(entry.author),
        "grid_code": entry.grid.code,
        "grid_name": entry.grid.name,
        "status": entry.status,
        "status_label": str(DiaryWorkflow.status_label(entry.status)),
        "excerpt": excerpt(entry),
        "comments_count": entry.comments_count,
    }


def diary_detail(entry: DiaryEntry, user: Any) -> dict[str, Any]:
    return {
        **diary_row(entry),
        "seen": entry.seen,
        "done": entry.done,
        "heard": entry.heard,
        "reviewed_at": entry.reviewed_at,
        "reviewed_by": str(entry.reviewed_by) if entry.reviewed_by_id else None,
        "review_note": entry.review_note,
        "comments": [
            {"id": c.pk, "author": str(c.author), "text": c.text, "created_at": c.created_at}
            for c in comments_of(entry)
        ],
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in DiaryWorkflow.available_moves(entry, user)
        ],
    }


@router.get("/gridwork/diaries", response=DiaryPageOut, summary="社情日记(检索)")
def gridwork_list_diaries(  # noqa: PLR0917 - one query parameter per filter
    request: HttpRequest,
    q: str = "",
    grid: str = "",
    author: int | None = None,
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 1,
) -> dict[str, Any]:
    """The diaries of the reader's grids, newest first: every word of ``q`` in the text or the
    worker's name; ``grid`` a region code (its subtree); ``status`` submitted (待阅) or reviewed."""
    qs = search_diaries(
        request.user,
        DiaryFilters(q=q, grid=grid, author=author, status=status, date_from=date_from, date_to=date_to),
    )
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    return {
        "count": qs.count(),
        "page": page,
        "page_size": PAGE_SIZE,
        "results": [diary_row(e) for e in qs[start : start + PAGE_SIZE]],
    }


@router.post(
    "/gridwork/diaries",
    response={200: DiaryOut, 201: DiaryOut},
    summary="写社情日记(同一天再写即修改;已阅的不能改)",
)
def gridwork_write_diary(request: HttpRequest, payload: DiaryIn) -> Status:
    grid = own_grid(request.user)
    if grid is None:
        raise ForbiddenError(_("只有网格员可以写社情日记"))
    result = diary_write(
        actor=request.user,
        grid=grid,
        values={name: getattr(payload, name) for name in TEXT_FIELDS},
        day=payload.day,
    )
    entry = access_diary_by_id(request.user, result.entry.pk)
    return Status(201 if result.created else 200, diary_detail(entry, request.user))


@router.get("/gridwork/diaries/{entry_id}", response=DiaryOut, summary="社情日记详情(评论与可办理操作)")
def gridwork_diary(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    return diary_detail(access_diary_by_id(request.user, entry_id), request.user)


@router.post("/gridwork/diaries/{entry_id}/review", response=DiaryOut, summary="阅示社情日记")
def gridwork_review_diary(request: HttpRequest, entry_id: int, payload: DiaryReviewIn) -> dict[str, Any]:
    diary_review(actor=request.user, entry_id=entry_id, note=payload.note)
    return diary_detail(access_diary_by_id(request.user, entry_id), request.user)


@router.post("/gridwork/diaries/{entry_id}/comments", response={201: DiaryOut}, summary="评论社情日记")
def gridwork_comment_diary(request: HttpRequest, entry_id: int, payload: DiaryCommentIn) -> Status:
    diary_comment(actor=request.user, entry_id=entry_id, text=payload.text)
    return Status(201, diary_detail(access_diary_by_id(request.user, entry_id), request.user))
