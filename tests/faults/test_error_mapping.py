"""Which database errors become a 503 (the database away, full, read-only) and which stay a 500 (a
bug). Fast, in process, on the run's own database; the real outages are in the other modules here."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.test import Client, RequestFactory

from dangqun.cases.models import Case
from dangqun.core.dbfaults import is_database_unavailable, server_error

pytestmark = pytest.mark.faults


def _wrapped(django_class: type[DatabaseError], driver: BaseException) -> DatabaseError:
    """The exception as Django raises it: its own class, the driver's error as ``__cause__``."""
    wrapped = django_class(*driver.args)
    wrapped.__cause__ = driver
    return wrapped


def _sqlite_error(tmp_path: Path, setup: str, statement: str, uri: str = "") -> sqlite3.Error:
    path = tmp_path / "probe.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript("CREATE TABLE IF NOT EXISTS t (x TEXT);" + setup)
    db = sqlite3.connect(uri or str(path), uri=bool(uri))
    try:
        db.executescript(statement)
    except sqlite3.Error as exc:
        return exc
    finally:
        db.close()
    raise AssertionError(f"{statement} did not fail")


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens there


def test_sqlite_full_and_read_only_are_unavailable(tmp_path):
    full = _sqlite_error(
        tmp_path,
        "",
        "PRAGMA max_page_count=2; INSERT INTO t SELECT hex(randomblob(4000)) FROM t;"
        " INSERT INTO t VALUES (hex(randomblob(8000)));",
    )
    assert "full" in str(full)
    assert is_database_unavailable(_wrapped(OperationalError, full))
    read_only = _sqlite_error(
        tmp_path, "", "INSERT INTO t VALUES ('x')", uri=f"file:{tmp_path}/probe.sqlite3?mode=ro"
    )
    assert "readonly" in str(read_only)
    assert is_database_unavailable(_wrapped(OperationalError, read_only))


def test_sqlite_bugs_stay_errors(tmp_path):
    for statement in ("SELECT * FROM no_such_table", "SELEC 1", "SELECT no_such_column FROM t"):
        error = _sqlite_error(tmp_path, "", statement)
        assert not is_database_unavailable(_wrapped(OperationalError, error)), statement
    unique = _sqlite_error(
        tmp_path,
        "CREATE UNIQUE INDEX IF NOT EXISTS u ON t (x); INSERT INTO t VALUES ('a');",
        "INSERT INTO t VALUES ('a')",
    )
    assert not is_database_unavailable(_wrapped(IntegrityError, unique))


@contextlib.contextmanager
def _silent_server() -> Iterator[int]:
    """A port that accepts connections and never sends a byte (a hung database)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        held: list[socket.socket] = []
        thread = threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True)
        thread.start()
        yield listener.getsockname()[1]
        for conn in held:
            conn.close()


def test_postgresql_away_shut_down_full_or_read_only_is_unavailable():
    port = _refused_port()
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=x connect_timeout=2")
    assert is_database_unavailable(_wrapped(OperationalError, refused.value))
    with _silent_server() as silent_port, pytest.raises(psycopg.errors.ConnectionTimeout) as timed_out:
        psycopg.connect(f"host=127.0.0.1 port={silent_port} user=postgres dbname=x connect_timeout=2")
    assert is_database_unavailable(_wrapped(OperationalError, timed_out.value))
    for driver in (
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.CannotConnectNow("the database system is starting up"),
        psycopg.errors.DiskFull("could not extend file"),
        psycopg.errors.TooManyConnections("too many clients"),
        psycopg.errors.ConnectionFailure("connection failure"),
    ):
        assert is_database_unavailable(_wrapped(OperationalError, driver)), driver
    read_only = psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
    assert is_database_unavailable(_wrapped(DatabaseError, read_only))
    assert is_database_unavailable(InterfaceError("connection already closed"))


def test_postgresql_bugs_stay_errors():
    for django_class, driver in (
        (DatabaseError, psycopg.errors.UndefinedTable('relation "x" does not exist')),
        (DatabaseError, psycopg.errors.SyntaxError("syntax error")),
        (IntegrityError, psycopg.errors.UniqueViolation("duplicate key")),
        (OperationalError, psycopg.errors.LockNotAvailable("could not obtain lock")),
        (DatabaseError, psycopg.errors.DivisionByZero("division by zero")),
    ):
        assert not is_database_unavailable(_wrapped(django_class, driver)), driver
    assert not is_database_unavailable(ValueError("not a database error"))


@pytest.mark.django_db
def test_a_real_bug_on_this_database_is_not_an_outage():
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM dangqun_no_such_table")
    assert not is_database_unavailable(caught.value)


class _ReadOnly:
    """This test's connection refuses writes (SQLite ``query_only``, PostgreSQL
    ``transaction_read_only`` inside a savepoint that is rolled back)."""

    def __enter__(self) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = ON")
        else:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL transaction_read_only = on")

    def __exit__(self, *exc: object) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        else:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)


def test_intake_on_a_read_only_database_is_a_json_503_and_writes_nothing(api_as, persona_grid):
    citizen = api_as("citizen")
    before = Case.objects.count()
    body = {
        "channel": "app",
        "title": "小区门口路灯不亮",
        "description": "幸福小区东门路灯连续三晚不亮,夜间出行不便。",
        "lng": persona_grid.centroid_lng,
        "lat": persona_grid.centroid_lat,
    }
    with _ReadOnly():
        response = citizen.post_json("/api/v1/cases", body, headers={"Idempotency-Key": "ro-1"})
        listed = citizen.get("/api/v1/cases")  # reads keep working
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"
    assert "数据库" in response.json()["detail"]
    assert listed.status_code == 200
    assert Case.objects.count() == before
    retried = citizen.post_json("/api/v1/cases", body, headers={"Idempotency-Key": "ro-1"})
    assert retried.status_code == 201, retried.content
    assert Case.objects.count() == before + 1


def test_a_page_on_a_read_only_database_is_a_chinese_503_page(demo):
    client = Client(raise_request_exception=False)
    with _ReadOnly():
        response = client.post("/login/", {"username": "citizen", "password": "Dangqun@2026"})
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "服务暂时不可用" in page
    assert "数据库" in page


def test_the_500_handler_answers_503_only_for_an_outage(rf: RequestFactory):
    request = rf.get("/cases/")
    try:
        raise _wrapped(OperationalError, psycopg.errors.AdminShutdown("terminating connection"))
    except OperationalError:
        outage = server_error(request)
    try:
        raise _wrapped(DatabaseError, psycopg.errors.UndefinedTable('relation "x" does not exist'))
    except DatabaseError:
        bug = server_error(request)
    assert outage.status_code == 503
    assert outage["Retry-After"] == "5"
    assert "服务暂时不可用" in outage.content.decode()
    assert bug.status_code == 500
