"""SQLite on a disk that takes no more bytes, under gunicorn: writes answer 503, reads keep working,
nothing is half-written, and the file passes ``PRAGMA integrity_check`` afterwards.

The app server's workers get a file-size limit (``RLIMIT_FSIZE`` through ``prlimit``) of one byte
while they run: every write to the database or its WAL fails in the kernel (``EFBIG``, which SQLite
reports as ``SQLITE_IOERR_WRITE``), as on a full disk. Lifting the limit is the disk freed again: the
same processes write again, without a restart. (``SQLITE_FULL`` and ``SQLITE_READONLY`` themselves
are produced in ``test_error_mapping``.) Runs in the SQLite pass.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sqlite3
import time

import pytest
from django.db import connection

from dangqun.cases.models import Case
from tests.faults.harness import (
    Answer,
    Gunicorn,
    a_grid_point,
    children,
    copy_of_test_database,
    intake_body,
    report,
    scaled,
    send,
)

pytestmark = pytest.mark.faults


def _limit_workers(server: Gunicorn, soft: int) -> list[int]:
    assert server.proc is not None
    pids = children(server.proc.pid)
    for pid in pids:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, resource.RLIM_INFINITY))
    return pids


def test_sqlite_that_cannot_write_refuses_writes_with_503_keeps_reads_and_stays_sound(
    demo_db, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        connection.ensure_connection()
        if connection.vendor != "sqlite":
            pytest.skip("SQLite disk faults run in the SQLite pass (DATABASE_URL unset)")
    count = scaled(20)
    with django_db_blocker.unblock(), copy_of_test_database(tmp_path) as target:
        token = target.citizen_token()
        point = a_grid_point(target)
        api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        # One worker, warmed up: its connection (kept open, CONN_MAX_AGE) holds the WAL index.
        server = Gunicorn(target.env, tmp_path / "gunicorn.log", workers=1)
        server.start()
        writes: dict[int, int] = {}
        reads: dict[int, int] = {}
        try:
            assert send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=30).status == 200
            _limit_workers(server, 1)

            def submit(i: int) -> Answer:
                body = json.dumps(intake_body(i, point), ensure_ascii=False).encode()
                headers = {**api, "Idempotency-Key": f"disk-{i}"}
                return send(server.port, "POST", "/api/v1/cases", body, headers, timeout=30)

            refused = []
            for i in range(count):
                answer = submit(i)
                writes[answer.status] = writes.get(answer.status, 0) + 1
                refused.append(answer)
                read = send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=30)
                reads[read.status] = reads.get(read.status, 0) + 1
            _limit_workers(server, resource.RLIM_INFINITY)
            time.sleep(0.2)
            accepted = [submit(i) for i in range(count)]  # the same keys again, now the disk takes them
        finally:
            with contextlib.suppress(ProcessLookupError, OSError):
                _limit_workers(server, resource.RLIM_INFINITY)
            server.stop()
        assert target.sqlite_path is not None
        with contextlib.closing(sqlite3.connect(target.sqlite_path)) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchall()
            table = Case._meta.db_table
            titles = db.execute(
                f"SELECT title, count(*) FROM {table} WHERE title LIKE ? GROUP BY title",  # noqa: S608
                (intake_body(0, point)["title"].rsplit("#", 1)[0] + "#%",),
            ).fetchall()
    report(
        "sqlite_disk",
        {
            "writes_while_full": writes,
            "reads_while_full": reads,
            "after": [a.status for a in accepted][:5],
            "integrity": integrity,
        },
    )
    assert writes == {503: count}, writes
    assert all(a.headers.get("retry-after") == "5" for a in refused)
    assert all(json.loads(a.body)["code"] == "database_unavailable" for a in refused)
    assert reads == {200: count}, reads
    assert [a.status for a in accepted] == [201] * count, [a.body[:200] for a in accepted if a.status != 201]
    assert integrity == [("ok",)]
    assert len(titles) == count
    assert all(n == 1 for _, n in titles)
