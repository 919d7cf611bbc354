"""Case codes: ``<PREFIX>-<YYYYMMDD>-<NNNNNN>``, a per-day sequence in local time.

The counter row is bumped with one ``UPDATE … RETURNING`` so the lock is held only for the rest of the
intake transaction, which is short. Numbers are never reused; a rolled-back intake may leave a gap.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from dangqun.cases.models import CaseCodeCounter


def _bump(day: dt.date) -> int | None:
    table = CaseCodeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE day = %s RETURNING last", [day])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else None


def next_case_code(day: dt.date) -> str:
    number = _bump(day)
    if number is None:
        try:
            with transaction.atomic():
                CaseCodeCounter.objects.create(day=day, last=1)
            number = 1
        except IntegrityError:
            number = _bump(day)
    prefix = settings.DANGQUN.get("CASE_CODE_PREFIX", "YB")
    return f"{prefix}-{day:%Y%m%d}-{number:06d}"
