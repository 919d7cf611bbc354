"""kill -9 of the app server (gunicorn master and workers) during intake load.

Clients post cases with an Idempotency-Key; the whole server is SIGKILLed twice mid-load and started
again; every request that got no answer is sent again with the same key and body. Afterwards every
case acknowledged with 200/201 is in the database and no request made two cases.
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.faults.harness import (
    Gunicorn,
    IntakeLog,
    a_grid_point,
    check_intake,
    copy_of_test_database,
    report,
    run_intake,
    scaled,
)

pytestmark = pytest.mark.faults

KILLS = 2


def test_kill_9_of_the_app_server_loses_no_acknowledged_case_and_duplicates_none(
    demo_db, django_db_blocker, tmp_path
):
    count = scaled(60)
    with django_db_blocker.unblock(), copy_of_test_database(tmp_path) as target:
        token = target.citizen_token()
        point = a_grid_point(target)
        server = Gunicorn(target.env, tmp_path / "gunicorn.log")
        server.start()
        log = IntakeLog()
        killed: list[list[int]] = []

        def killer() -> None:
            for k in range(KILLS):
                # Kill when a share of the load is acknowledged, i.e. with requests in flight.
                goal = count * (k + 1) // (KILLS + 1)
                while len(log.acked) < goal:
                    time.sleep(0.02)
                killed.append(server.kill9())
                time.sleep(0.5)  # the clients meet a closed port for a while
                server.start()

        thread = threading.Thread(target=killer)
        thread.start()
        try:
            run_intake(lambda: server.port, token, count, point, log)
        finally:
            thread.join(timeout=120)
            server.stop()
        figures = check_intake(target, log, count)
    report("kill_app_server", {"db": target.vendor, **figures, "killed_pids": killed})
    assert len(killed) == KILLS
    assert figures["acknowledged"] == count
    assert figures["found"] == count
    assert figures["no_answer"] > 0, "the kills landed between requests: nothing was in flight"
