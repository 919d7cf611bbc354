"""Writes to the three-level category tree (诉求分类). Admin, the taxonomy loader and the demo call these.

A category's level follows from its parent (at most three levels); its code is given or generated as
the parent's code plus two digits (``01`` → ``0103`` → ``010312``); its path is the parent's path plus
the code. Code, parent and path are fixed once a category exists: rename or deactivate instead.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dangqun.cases.events import CasesEvent
from dangqun.cases.models import Category
from dangqun.cases.routing import split_keywords
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.fields import PATH_SEGMENT_RE, join_path

MAX_LEVEL = 3
_AUTO_CODE_LIMIT = 99

__all__ = ["MAX_LEVEL", "category_create", "category_update", "normalize_keywords"]


def normalize_keywords(text: str | None) -> str:
    """Keywords as one comma-separated list, duplicates and blanks dropped, order kept."""
    return ",".join(dict.fromkeys(split_keywords(text or "")))


def _next_code(parent: Category | None) -> str:
    prefix = parent.code if parent is not None else ""
    used = {
        int(code[len(prefix) :])
        for code in Category.objects.filter(parent=parent).values_list("code", flat=True)
        if code.startswith(prefix) and len(code) == len(prefix) + 2 and code[len(prefix) :].isdigit()
    }
    number = max(used, default=0) + 1
    while number <= _AUTO_CODE_LIMIT:
        code = f"{prefix}{number:02d}"
        if not Category.objects.filter(code=code).exists():
            return code
        number += 1
    where = (
        _("“%(name)s”下") % {"name": parent.name}
        if parent is not None
        else pgettext("category scope", "一级分类")
    )
    raise ValidationError(
        {
            "code": _("%(where)s的自动编码已用完(最多%(auto_code_limit)s个),请手工指定分类编码")
            % {"where": where, "auto_code_limit": _AUTO_CODE_LIMIT}
        }
    )


def _check_name_free(name: str, parent: Category | None, exclude_pk: int | None = None) -> None:
    # The database constraint on (parent, name) does not catch two first-level classes (NULL parent).
    siblings = Category.objects.filter(parent=parent, name=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        where = _("“%(name)s”下") % {"name": parent.name} if parent is not None else _("一级分类中")
        raise ValidationError(
            {"name": _("%(where)s已有名为“%(name)s”的分类") % {"where": where, "name": name}}
        )


@transaction.atomic
def category_create(
    *,
    actor: Any,
    name: str,
    parent: Category | None = None,
    code: str | None = None,
    keywords: str = "",
    sort_order: int | None = None,
    is_active: bool = True,
) -> Category:
    """Add a category under ``parent`` (a first-level class when ``None``)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("分类名称不能为空")})
    if parent is not None:
        # Lock the parent: two concurrent creates under it do not pick the same code.
        parent = Category.objects.select_for_update().get(pk=parent.pk)
        if parent.level >= MAX_LEVEL:
            raise ValidationError(
                {
                    "parent": _("分类最多%(max_level)s级,不能在三级分类“%(name)s”下再建下级")
                    % {"max_level": MAX_LEVEL, "name": parent.name}
                }
            )
        if is_active and not parent.is_active:
            raise ValidationError({"parent": _("上级分类“%(name)s”已停用") % {"name": parent.name}})
    code = (code or "").strip() or _next_code(parent)
    if not PATH_SEGMENT_RE.match(code):
        raise ValidationError(
            {"code": _("分类编码“%(code)s”只能包含字母、数字、下划线和连字符") % {"code": code}}
        )
    _check_name_free(name, parent)
    if sort_order is None:
        sort_order = Category.objects.filter(parent=parent).count() + 1
    category = Category(
        code=code,
        name=name,
        level=parent.level + 1 if parent is not None else 1,
        parent=parent,
        path=join_path(parent.path if parent is not None else None, code),
        keywords=normalize_keywords(keywords),
        is_active=is_active,
        sort_order=sort_order,
    )
    category.full_clean()
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise ValidationError({"code": _("分类编码“%(code)s”已存在") % {"code": code}}) from None
    record_event(
        actor=actor,
        event_type=CasesEvent.CATEGORY_CREATED,
        target=category,
        data={
            "code": category.code,
            "name": category.name,
            "level": category.level,
            "parent": parent.code if parent is not None else None,
            "keywords": category.keywords,
        },
    )
    return category


@transaction.atomic
def category_update(
    *,
    actor: Any,
    category: Category,
    name: str | None = None,
    keywords: str | None = None,
    is_active: bool | None = None,
    sort_order: int | None = None,
) -> Category:
    """Rename, re-key, reorder, deactivate or reactivate a category (``None`` leaves a field as it is).

    Deactivating a category deactivates everything below it; a category may be reactivated only
    while its parent is active. Cases keep the category they have.
    """
    current = Category.objects.select_for_update(of=("self",)).select_related("parent").get(pk=category.pk)
    changes: dict[str, list[Any]] = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": _("分类名称不能为空")})
        if name != current.name:
            _check_name_free(name, current.parent, exclude_pk=current.pk)
            changes["name"] = [current.name, name]
            current.name = name
    if keywords is not None:
        normalized = normalize_keywords(keywords)
        if normalized != current.keywords:
            changes["keywords"] = [current.keywords, normalized]
            current.keywords = normalized
    if sort_order is not None and sort_order != current.sort_order:
        changes["sort_order"] = [current.sort_order, sort_order]
        current.sort_order = sort_order
    if is_active is not None and is_active != current.is_active:
        if is_active and current.parent is not None and not current.parent.is_active:
            raise ValidationError(
                {"is_active": _("上级分类“%(name)s”已停用,请先启用上级分类") % {"name": current.parent.name}}
            )
        changes["is_active"] = [current.is_active, is_active]
        current.is_active = is_active
    if not changes:
        return current
    current.full_clean()
    current.save(update_fields=[*changes, "updated_at"])
    data: dict[str, Any] = {"code": current.code, "changes": changes}
    if changes.get("is_active") == [True, False]:
        data["descendants_deactivated"] = (
            Category.objects.filter(path__subtree=current.path, is_active=True)
            .exclude(pk=current.pk)
            .update(is_active=False, updated_at=clock.now())
        )
    record_event(actor=actor, event_type=CasesEvent.CATEGORY_UPDATED, target=current, data=data)
    return current
