"""党的声音 at district scale: publishing one item to 200,000 members (see docs/benchmarks.md,
"Party Voice: one item to 200,000 readers").

    python bench/voice_push.py --db sqlite
    python bench/voice_push.py --db pg

Builds a throw-away database (PostgreSQL: ``dangqun_bench_voice`` on the server of ``--pg-server``;
SQLite: ``var/bench_voice.sqlite3`` with the app's options), migrates it and writes a synthetic party
tree — one district committee, 20 street working committees, 50 branches under each (1,021
organisations) — and ``--readers`` members spread over the branches, each with an app account. Rows go
in by ``bulk_create`` (not through the services).

Then it times what the issue names: the publisher's request (``voice_create(publish=True)``: the item,
the move through the door and the job queued after commit — what the HTTP request waits for), and the
background push (``civic.voice_jobs.push_voice_now``, the body of the queued job: one receipt and one
inbox row per reader, in batches of 2,000), as wall time and as this process's CPU time — the machine
is shared, so the wall time carries the neighbours' load and the CPU time is the steadier figure. It
checks that every reader got exactly one receipt and one inbox row, then times a reader's feed and the
publisher's receipts-per-branch view on the full item. The database is dropped at the end unless
``--keep``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_kpis import pg_admin, setup_django  # noqa: E402

PG_NAME = "dangqun_bench_voice"
STREETS, BRANCHES = 20, 50


def build(readers: int) -> dict[str, Any]:
    from dangqun.accounts.models import Membership, Role, User
    from dangqun.core.fields import join_path
    from dangqun.orgs.models import PartyOrg, PartyOrgKind
    from dangqun.party.models import PartyMember

    district = PartyOrg.objects.create(
        code="BV", name="区委", kind=PartyOrgKind.COMMITTEE, path=join_path(None, "BV")
    )
    streets = PartyOrg.objects.bulk_create(
        [
            PartyOrg(code=f"BV{s:02d}", name=f"街道{s}党工委", kind=PartyOrgKind.WORKING_COMMITTEE,
                     parent=district, path=join_path(district.path, f"BV{s:02d}"))
            for s in range(STREETS)
        ]
    )  # fmt: skip
    branches = PartyOrg.objects.bulk_create(
        [
            PartyOrg(code=f"{st.code}B{b:02d}", name=f"{st.name}第{b}支部", kind=PartyOrgKind.BRANCH,
                     parent=st, path=join_path(st.path, f"{st.code}B{b:02d}"))
            for st in streets
            for b in range(BRANCHES)
        ],
        batch_size=2000,
    )  # fmt: skip
    publisher = User.objects.create_user(username="bench_admin", password=None, display_name="管理员")
    Membership.objects.create(user=publisher, role=Role.PARTY_ADMIN, party_org=district)
    started = time.perf_counter()
    chunk = 20_000
    for start in range(0, readers, chunk):
        numbers = range(start, min(readers, start + chunk))
        unusable = "!"  # no login: the readers only receive
        users = User.objects.bulk_create(
            [User(username=f"m{i}", display_name=f"党员{i}", password=unusable) for i in numbers],
            batch_size=5000,
        )

        PartyMember.objects.bulk_create(
            [
                PartyMember(party_org=branches[(start + n) % len(branches)], user=user,
                            name=user.display_name, gender="MF"[n % 2])
                for n, user in enumerate(users)
            ],
            batch_size=5000,
        )  # fmt: skip
    print(f"built {readers:,} readers in {len(branches):,} branches in {time.perf_counter() - started:.1f} s")
    return {"district": district, "publisher": publisher, "reader": User.objects.get(username="m0")}


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall ms, CPU ms of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--readers", type=int, default=200_000)
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    sqlite_path = ROOT / "var" / "bench_voice.sqlite3"
    url = ""
    if args.db == "pg":
        url = args.pg_server.rsplit("/", 1)[0] + "/" + PG_NAME
        pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {PG_NAME}")
        pg_admin(args.pg_server, f"CREATE DATABASE {PG_NAME}")
    else:
        sqlite_path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    setup_django(database_url=url, sqlite_path="" if url else str(sqlite_path))
    from django.core.management import call_command
    from django.db import connection

    from dangqun.civic import voice_selectors
    from dangqun.civic.voice_jobs import push_voice_now
    from dangqun.civic.voice_models import VoiceReceipt
    from dangqun.civic.voice_services import voice_create
    from dangqun.notify.models import Notification

    call_command("migrate", verbosity=0)
    ref = build(args.readers)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )

    def publish() -> Any:
        org = ref["district"].code
        title = "学习贯彻全会精神"
        return voice_create(
            actor=ref["publisher"], kind="article", title=title, audience="members", org=org, publish=True
        )

    wall, cpu, item = timed(publish)
    print(f"{args.db:6} publish request (item, door, job queued)   wall {wall:8.0f} ms  cpu {cpu:8.0f} ms")
    wall, cpu, reached = timed(lambda: push_voice_now(item.pk))
    print(f"{args.db:6} background push to {reached:,} readers       wall {wall:8.0f} ms  cpu {cpu:8.0f} ms")
    receipts = VoiceReceipt.objects.filter(item=item).count()
    inbox = Notification.objects.filter(subject_type="civic.voice", subject_id=str(item.pk)).count()
    distinct = Notification.objects.filter(subject_id=str(item.pk)).values("recipient_id").distinct().count()
    print(f"check: {receipts:,} receipts, {inbox:,} inbox rows for {distinct:,} distinct readers")
    again = push_voice_now(item.pk)
    print(f"check: a second run of the job reaches {again} more")
    feeds = [timed(lambda: voice_selectors.feed(ref["reader"]))[0] for _ in range(5)]
    groups = [timed(lambda: voice_selectors.receipts_by_group(item))[0] for _ in range(3)]
    print(f"{args.db:6} a reader's feed median {statistics.median(feeds):6.1f} ms;"
          f" receipts per branch (1,000 branches) median {statistics.median(groups):6.0f} ms")  # fmt: skip
    connection.close()
    if not args.keep:
        if args.db == "pg":
            pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {PG_NAME}")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
