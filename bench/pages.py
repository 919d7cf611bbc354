"""Server time of the main pages of the four terminals, per persona, on a seeded demo database.

    python bench/pages.py --db pg --target postgres://postgres@127.0.0.1:5432/dangqun_bench_s1
    python bench/pages.py --db sqlite --target var/bench_s20.sqlite3 --repeat 20 --json out.json
    python bench/pages.py --db pg --target ... --only command --profile /command/

Build the database first with ``bench/demo_db.py`` (``seed_demo --scale N``). Each page is requested
in this process through Django's test ``Client`` (the whole middleware, view and template stack, no
network and no WSGI server) as the persona who uses it, logged in with ``force_login``. One warm-up
request per page, then ``--repeat`` rounds over every page (round-robin, so that the machine's noise
spreads over all pages alike). Reported per page: status, p50/p95/max in ms, the first (warm-up)
request's time (it fills the per-process caches and the dashboard cache), the number of SQL queries
(counted on one extra request) and the response size. ``--profile PATH`` prints a cProfile and the
queries of one page instead. ``--no-dashboard-cache`` makes every request compute its KPI reports
(as the first request after a minute does).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_db import default_target, open_demo  # noqa: E402

GOAL_MS = {1.0: 150.0, 20.0: 300.0}


@dataclass
class Page:
    terminal: str
    name: str
    persona: str
    path: str
    times_ms: list[float] = field(default_factory=list)
    first_ms: float = 0.0
    status: int = 0
    queries: int = 0
    size: int = 0


def _targets() -> dict[str, Any]:
    """Objects the pages are about, chosen from the seeded data the way a user would meet them."""
    from dangqun.accounts.models import Membership
    from dangqun.cases.enums import CaseStatus, TaskStatus
    from dangqun.cases.models import Case, CaseTask
    from dangqun.regions.models import Region
    from dangqun.registry.models import Building

    grid = Membership.objects.select_related("region").get(user__username="grid_worker").region
    community = Membership.objects.select_related("region").get(user__username="community_staff").region
    street = Membership.objects.select_related("region").get(user__username="street_staff").region
    assert grid is not None
    assert community is not None
    assert street is not None
    department = Membership.objects.get(user__username="department_staff").department
    department_task = (
        CaseTask.objects.filter(
            department=department,
            status__in=[TaskStatus.PENDING, TaskStatus.SIGNED],
        )
        .order_by("-id")
        .select_related("case")
        .first()
    )
    # The dispatcher's case page: a case with a long history (closed after the whole loop).
    closed = Case.objects.filter(status=CaseStatus.CLOSED).order_by("-id").first()
    grid_case = Case.objects.filter(grid=grid).order_by("-id").first()
    citizen_case = Case.objects.filter(reporter__username="citizen").order_by("-id").first()
    building = Building.objects.filter(grid=grid).order_by("id").first()
    district = Region.objects.get(level=1)
    return {
        "grid": grid.code,
        "community": community.code,
        "street": street.code,
        "district": district.code,
        "department_case": department_task.case.code if department_task else None,
        "closed_case": closed.code if closed else None,
        "grid_case": grid_case.code if grid_case else None,
        "citizen_case": citizen_case.code if citizen_case else None,
        "building": building.pk if building else None,
    }


def pages(t: dict[str, Any]) -> list[Page]:
    rows: list[tuple[str, str, str, str | None]] = [
        # 指挥中心 (command centre)
        ("command", "home: KPI header, triage queue, charts, rankings", "dispatcher", "/command/"),
        ("command", "home, one year", "dispatcher", "/command/?period=365"),
        ("command", "home as leader", "leader", "/command/"),
        ("command", "supervision board", "dispatcher", "/command/supervision/"),
        ("command", "map page", "dispatcher", "/command/map/"),
        ("command", "map data: cases", "dispatcher", "/command/map/cases.json"),
        ("command", "map data: grids", "dispatcher", "/command/map/grids.json"),
        ("command", "大屏 big screen", "leader", "/command/screen/"),
        ("command", "hotspots", "dispatcher", "/command/hotspots/"),
        ("search", "case list, newest first", "dispatcher", "/command/cases/"),
        (
            "search",
            "find by code",
            "dispatcher",
            t["closed_case"] and f"/command/cases/?find={t['closed_case']}",
        ),
        ("search", "find by phone's last 4", "dispatcher", "/command/cases/?find=1234"),
        ("search", "find by words", "dispatcher", "/command/cases/?find=路灯"),
        (
            "search",
            "filters, sorted by deadline",
            "dispatcher",
            "/command/cases/?status=dispatched&light=red&sort=resolve_due_at",
        ),
        ("search", "street's list, by phone", "street_staff", "/command/cases/?find=1234"),
        ("search", "street's command view", "street_staff", "/command/"),
        ("search", "community's command view", "community_staff", "/command/"),
        ("search", "workbench list", "department_staff", "/workbench/cases/?find=路灯"),
        ("search", "grid app search", "grid_worker", "/grid/search/?find=1234"),
        ("search", "API list, by phone", "dispatcher", "/api/v1/cases?phone=1234&limit=20"),
        ("command", "case page", "dispatcher", t["closed_case"] and f"/cases/{t['closed_case']}/"),
        ("command", "district page", "dispatcher", f"/regions/{t['district']}/"),
        ("api", "KPI by street", "leader", "/api/v1/kpis?group_by=street"),
        ("api", "case list", "dispatcher", "/api/v1/cases?limit=20"),
        ("api", "case list, filtered", "dispatcher", "/api/v1/cases?status=dispatched&light=red&limit=20"),
        ("api", "case detail", "dispatcher", t["closed_case"] and f"/api/v1/cases/{t['closed_case']}"),
        # 职能部门 (department workbench)
        ("workbench", "inbox", "department_staff", "/workbench/"),
        ("workbench", "inbox, overdue tab", "department_staff", "/workbench/?tab=overdue"),
        ("workbench", "department overview", "department_staff", "/department/"),
        (
            "workbench",
            "case page",
            "department_staff",
            t["department_case"] and f"/cases/{t['department_case']}/",
        ),
        # 网格员 (grid-worker app)
        ("grid", "app home", "grid_worker", "/grid/"),
        ("grid", "my grid map", "grid_worker", "/grid/map/"),
        ("grid", "my tasks", "grid_worker", "/grid/tasks/"),
        ("grid", "report form", "grid_worker", "/grid/report/"),
        ("grid", "case", "grid_worker", t["grid_case"] and f"/grid/cases/{t['grid_case']}/"),
        ("grid", "registry: grid", "grid_worker", f"/regions/{t['grid']}/"),
        ("grid", "registry: building", "grid_worker", t["building"] and f"/buildings/{t['building']}/"),
        ("region", "community home", "community_staff", "/"),
        ("region", "street home", "street_staff", "/"),
        ("region", "party organisations", "party_admin", "/"),
        # 群众 (citizen app)
        ("citizen", "home", "citizen", "/citizen/"),
        ("citizen", "submit form", "citizen", "/citizen/submit/"),
        ("citizen", "inbox", "citizen", "/citizen/inbox/"),
        ("citizen", "case", "citizen", t["citizen_case"] and f"/citizen/cases/{t['citizen_case']}/"),
        ("citizen", "track form", "citizen", "/citizen/track/"),
    ]
    return [Page(term, name, persona, path) for term, name, persona, path in rows if path]


def _clients(personas: set[str]) -> dict[str, Any]:
    from django.test import Client

    from dangqun.accounts.models import User

    clients = {}
    for username in sorted(personas):
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    return clients


def _get(client: Any, path: str) -> Any:
    # as a browser asks: the size reported is what crosses the network (the map data are gzipped)
    return client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_ACCEPT_ENCODING="gzip, deflate, br")


def measure(selected: list[Page], repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = _clients({p.persona for p in selected})
    for page in selected:  # warm-up: per-process caches (grid index, calendars, templates, dashboards)
        started = time.perf_counter()
        response = _get(clients[page.persona], page.path)
        page.first_ms = (time.perf_counter() - started) * 1000
        page.status, page.size = response.status_code, len(response.content)
        with CaptureQueriesContext(connection) as captured:
            _get(clients[page.persona], page.path)
        page.queries = len(captured.captured_queries)
    for _ in range(repeat):
        for page in selected:
            started = time.perf_counter()
            _get(clients[page.persona], page.path)
            page.times_ms.append((time.perf_counter() - started) * 1000)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def report(selected: list[Page], goal: float | None) -> list[dict[str, Any]]:
    rows = []
    for page in selected:
        rows.append(
            {
                "terminal": page.terminal,
                "page": page.name,
                "persona": page.persona,
                "path": page.path,
                "status": page.status,
                "p50_ms": round(statistics.median(page.times_ms), 1),
                "p95_ms": round(pct(page.times_ms, 0.95), 1),
                "max_ms": round(max(page.times_ms), 1),
                "first_ms": round(page.first_ms, 1),
                "queries": page.queries,
                "kb": round(page.size / 1024, 1),
                "meets_goal": None if goal is None else pct(page.times_ms, 0.95) < goal,
            }
        )
    print("| terminal | page | persona | status | p50 ms | p95 ms | max ms | first ms | queries | KB |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        mark = "" if r["meets_goal"] in (None, True) else " ✗"
        print(
            f"| {r['terminal']} | {r['page']} | {r['persona']} | {r['status']} | {r['p50_ms']} | "
            f"{r['p95_ms']}{mark} | {r['max_ms']} | {r['first_ms']} | {r['queries']} | {r['kb']} |"
        )
    return rows


def profile(selected: list[Page], path: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = next((p for p in selected if p.path == path), None)
    persona = page.persona if page else "dispatcher"
    client = _clients({persona})[persona]
    _get(client, path)
    with CaptureQueriesContext(connection) as captured:
        _get(client, path)
    for query in captured.captured_queries:
        print(f"{query['time']}s  {query['sql'][:300]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        _get(client, path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], required=True)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="the seeded scale (names the default target)"
    )
    parser.add_argument("--target", help="PostgreSQL URL or SQLite path (default: bench/demo_db.py's)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="only pages whose path or terminal contains this")
    parser.add_argument("--profile", metavar="PATH", help="profile one page instead of measuring all")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument(
        "--no-dashboard-cache",
        action="store_true",
        help="every request computes its KPI reports (DANGQUN_DASHBOARD_CACHE_SECONDS=0)",
    )
    args = parser.parse_args()
    if args.no_dashboard_cache:
        os.environ["DANGQUN_DASHBOARD_CACHE_SECONDS"] = "0"
    target = args.target or default_target(args.db, args.scale)
    open_demo(args.db, target)
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login otherwise
    selected = [p for p in pages(_targets()) if args.only in p.path or args.only == p.terminal]
    if args.profile:
        profile(selected, args.profile)
        return
    load_before = os.getloadavg()
    started = time.perf_counter()
    measure(selected, args.repeat)
    rows = report(selected, GOAL_MS.get(args.scale))
    summary = {
        "db": args.db,
        "scale": args.scale,
        "repeat": args.repeat,
        "dashboard_cache_seconds": int(os.environ.get("DANGQUN_DASHBOARD_CACHE_SECONDS", "60")),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "wall_s": round(time.perf_counter() - started, 1),
        "pages": rows,
    }
    print(f"load average before {load_before}, after {summary['load_average_after']}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
