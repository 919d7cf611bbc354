"""Booking one shared space's room-hour under contention, through the HTTP API under gunicorn
(see docs/benchmarks.md, "Shared-space booking under contention").

    python bench/spaces_booking.py --db pg [--clients 50] [--rounds 20]
    python bench/spaces_booking.py --db sqlite

Steps: create a throw-away database (PostgreSQL ``dangqun_bench_spaces``; SQLite
``var/bench_spaces.sqlite3`` with the app's PRAGMAs: WAL, IMMEDIATE transactions), migrate and seed
it (``seed_demo --scale 0.02``, bench/case_intake.py ``prepare``); start ``gunicorn`` (``--workers``
x ``--threads``, gthread) on 127.0.0.1; log in four demo personas. Each round, ``--clients``
threads, each with its own ``http.client`` connection, wait on a barrier, then all send
``POST /api/v1/volunteers/spaces/{id}/bookings`` for the same room-hour (a fresh hour each round,
80+ days ahead, inside the opening hours). Checks: exactly one 201 per round, every other answer
409, and the database holds exactly one booking and one slot row for the hour. Prints per round
the wall time of the burst, and overall the requests per second, p50/p90/max latency and the
status counts; stops gunicorn (by its pid) and drops the database unless ``--keep``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_intake import Session, free_port, prepare, start_gunicorn  # noqa: E402
from bench.case_kpis import drop_database  # noqa: E402

PERSONAS = ("citizen", "party_member", "branch_secretary", "community_staff")


def the_space() -> tuple[int, list[dt.datetime]]:
    """The street hall and one free room-hour per round (80+ days ahead, open days, 08:00–20:00)."""
    from django.utils import timezone

    from dangqun.core import clock
    from dangqun.volunteers.models import Space, SpaceKind

    space = Space.objects.get(kind=SpaceKind.PARTY_CENTRE, capacity=80)
    hours = []
    for days in range(80, 90):
        day = clock.local_today() + dt.timedelta(days=days)
        if str(day.isoweekday()) in space.open_weekdays:
            for hour in range(space.opens_at.hour, space.closes_at.hour):
                hours.append(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))
    return space.pk, hours


def wait_ready(port: int, tries: int = 8) -> None:
    """The workers load the app on their first requests: answer a few before anyone logs in."""
    for _ in range(tries):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        conn.request("GET", "/api/v1/volunteers/spaces")
        conn.getresponse().read()
        conn.close()


def burst(
    port: int, sessions: list[Session], space_id: int, start: dt.datetime, clients: int
) -> dict[str, Any]:
    barrier = threading.Barrier(clients)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
        "purpose": "org_life",
        "title": "主题党日",
        "organiser": "压测支部",
        "attendees": 20,
    }
    path = f"/api/v1/volunteers/spaces/{space_id}/bookings"

    def send(n: int) -> tuple[int, float, float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.connect()
        payload = json.dumps({**body, "title": f"主题党日{n}"})
        barrier.wait(timeout=30)
        began = time.perf_counter()
        conn.request("POST", path, payload, sessions[n % len(sessions)].headers)
        response = conn.getresponse()
        response.read()
        ended = time.perf_counter()
        conn.close()
        return response.status, began, ended

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(send, range(clients)))
    first = min(r[1] for r in results)
    last = max(r[2] for r in results)
    return {
        "statuses": dict(Counter(r[0] for r in results)),
        "wall_s": last - first,
        "latencies": [r[2] - r[1] for r in results],
    }


def held(space_id: int, start: dt.datetime) -> tuple[int, int]:
    from django.db import connections

    from dangqun.volunteers.models import Booking, BookingSlot

    connections.close_all()
    return (
        Booking.objects.filter(space_id=space_id, starts_at=start, organiser="压测支部").count(),
        BookingSlot.objects.filter(space_id=space_id, hour=start).count(),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("pg", "sqlite"), required=True)
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432/dangqun_bench_spaces")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench_spaces.sqlite3"))
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true")
    return parser


def main() -> None:
    args = _parser().parse_args()
    prepare(args.db, args.pg_server, args.sqlite_path, args.scale)
    port = free_port()
    proc = start_gunicorn(args.db, args.pg_server, args.sqlite_path, args.workers, port, threads=args.threads)
    try:
        space_id, hours = the_space()
        wait_ready(port)
        sessions = [Session(port, name) for name in PERSONAS]
        burst(port, sessions, space_id, hours[-1], min(args.clients, 8))  # warm-up, unmeasured
        statuses: Counter[int] = Counter()
        latencies: list[float] = []
        walls: list[float] = []
        bad_rounds = 0
        for number in range(args.rounds):
            start = hours[number]
            one = burst(port, sessions, space_id, start, args.clients)
            bookings, slots = held(space_id, start)
            ok = one["statuses"] == {201: 1, 409: args.clients - 1} and bookings == slots == 1
            bad_rounds += not ok
            statuses.update(one["statuses"])
            latencies += one["latencies"]
            walls.append(one["wall_s"])
            print(
                json.dumps({"round": number, "statuses": one["statuses"], "wall_s": round(one["wall_s"], 3),
                            "bookings": bookings, "slots": slots, "ok": ok}),
                file=sys.stderr,
            )  # fmt: skip
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    latencies.sort()
    result = {
        "db": args.db,
        "clients": args.clients,
        "rounds": args.rounds,
        "gunicorn": f"{args.workers} workers x {args.threads} threads",
        "rounds_with_exactly_one_winner": args.rounds - bad_rounds,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "requests_per_s": round(len(latencies) / sum(walls), 1),
        "burst_wall_s_median": round(statistics.median(walls), 3),
        "latency_ms": {
            "p50": round(1000 * latencies[len(latencies) // 2], 1),
            "p90": round(1000 * latencies[int(len(latencies) * 0.9)], 1),
            "max": round(1000 * latencies[-1], 1),
        },
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    if not args.keep:
        drop_database(args)


if __name__ == "__main__":
    main()
