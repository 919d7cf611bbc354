"""党务 at district scale: the 党内统计年报 and the organisation-health check over 100,000 members and
5,000 organisations (see docs/benchmarks.md, "Party statistics, health and dues at district scale").

    python bench/party_scale.py --db sqlite
    python bench/party_scale.py --db pg

Builds a throw-away database (PostgreSQL: ``dangqun_bench_party`` on the server of ``--pg-server``;
SQLite: ``var/bench_party.sqlite3`` with the app's options), migrates it and writes a synthetic party
tree: one district committee, 20 street working committees, 10 community committees under each and
24 branches under each community (5,021 organisations), then ``--members`` members spread over the
branches (with sex, birth date, education, ethnicity, occupation, joining date, 8 % probationary),
one term per elected organisation (a twentieth without one), 2,000 accepted transfers, 3,000
admissions this year, 300 members who left this year, one 支委会 per branch in nine of ten, and a
dues base for every member with the months paid (about 1.1 million payments; a tenth in arrears).
Rows go in by ``bulk_create`` (not through the services). Then, ``--repeat`` times after one warm-up,
``party.statistics.annual_statistics``, ``party.health.health_check``, ``party.dues.dues_ledger``
(every member, as the arrears list and the Excel ledger read it) and ``party.dues.dues_summary`` over
the whole district and over one street. Prints the median and the spread in milliseconds. The
database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_kpis import pg_admin, setup_django  # noqa: E402

PG_NAME = "dangqun_bench_party"
STREETS, COMMUNITIES, BRANCHES = 20, 10, 24
YEAR = 2026
TODAY = dt.date(YEAR, 12, 5)
ETHNICITIES = ("汉族", "满族", "朝鲜族", "蒙古族", "回族")
OCCUPATIONS = (
    "工人",
    "农牧渔民",
    "企事业单位管理人员",
    "专业技术人员",
    "党政机关工作人员",
    "学生",
    "离退休人员",
)
EDUCATION = ("初中及以下", "高中/中专", "大专", "大学本科", "研究生")


def build(members: int, seed: int) -> dict[str, Any]:
    from dangqun.core.fields import join_path
    from dangqun.orgs.models import PartyOrg, PartyOrgKind
    from dangqun.party.models import (
        Development,
        DevelopmentStage,
        DuesBase,
        DuesCategory,
        DuesPayment,
        LeaveReason,
        Meeting,
        MeetingKind,
        MemberStatus,
        PartyMember,
        PaymentMethod,
        Term,
        Transfer,
        TransferStatus,
    )

    rng = random.Random(seed)
    district = PartyOrg.objects.create(
        code="BP", name="区委", kind=PartyOrgKind.COMMITTEE, path=join_path(None, "BP"), secretary_name="甲"
    )
    streets = PartyOrg.objects.bulk_create(
        [
            PartyOrg(code=f"BP{s:02d}", name=f"街道{s}", kind=PartyOrgKind.WORKING_COMMITTEE, parent=district,
                     path=join_path(district.path, f"BP{s:02d}"), secretary_name="乙")
            for s in range(STREETS)
        ]
    )  # fmt: skip
    communities = PartyOrg.objects.bulk_create(
        [
            PartyOrg(code=f"{st.code}C{c:02d}", name=f"社区{c}", kind=PartyOrgKind.COMMITTEE, parent=st,
                     path=join_path(st.path, f"{st.code}C{c:02d}"), secretary_name="丙")
            for st in streets
            for c in range(COMMUNITIES)
        ]
    )  # fmt: skip
    branches = PartyOrg.objects.bulk_create(
        [
            PartyOrg(code=f"{co.code}B{b:02d}", name=f"支部{b}", kind=PartyOrgKind.BRANCH, parent=co,
                     path=join_path(co.path, f"{co.code}B{b:02d}"), secretary_name="丁")
            for co in communities
            for b in range(BRANCHES)
        ],
        batch_size=2000,
    )  # fmt: skip
    rows = []
    for i in range(members):
        birth = dt.date(rng.randint(1935, 2004), rng.randint(1, 12), rng.randint(1, 28))
        joined = min(TODAY, dt.date(birth.year + rng.randint(18, 45), rng.randint(1, 12), 1))
        rows.append(
            PartyMember(
                party_org=branches[i % len(branches)], name=f"党员{i}", gender=rng.choice("MF"),
                birth_date=birth,
                education=rng.choice(EDUCATION), ethnicity=rng.choices(ETHNICITIES, (80, 15, 3, 1, 1))[0],
                occupation=rng.choice(OCCUPATIONS), joined_on=joined, is_probationary=rng.random() < 0.08,
            )
        )  # fmt: skip
    created = PartyMember.objects.bulk_create(rows, batch_size=5000)
    left = rng.sample(created, 300)
    for m in left:
        m.status, m.left_on, m.left_reason = (
            MemberStatus.LEFT,
            dt.date(YEAR, rng.randint(1, 11), 1),
            LeaveReason.DEATH,
        )
    PartyMember.objects.bulk_update(left, ["status", "left_on", "left_reason"], batch_size=2000)
    elected = [district, *communities, *branches]
    Term.objects.bulk_create(
        [
            Term(org=o, elected_on=dt.date(YEAR - rng.randint(0, 4), 6, 1), term_years=3,
                 expires_on=dt.date(YEAR - rng.randint(0, 4) + 3, 6, 1), secretary="丁",
                 committee_size=3 if rng.random() < 0.7 else 1)
            for o in elected
            if rng.random() > 0.05
        ],
        batch_size=2000,
    )  # fmt: skip
    decided = dt.datetime(YEAR, 6, 1, 10, tzinfo=dt.UTC)
    Transfer.objects.bulk_create(
        [
            Transfer(member=created[i], from_org=created[i].party_org,
                     to_org=branches[(i * 7 + 3) % len(branches)], letter_no=f"BT{i}", valid_months=3,
                     issued_on=dt.date(YEAR, 5, 1),
                     expires_on=dt.date(YEAR, 8, 1), status=TransferStatus.ACCEPTED, decided_at=decided)
            for i in range(0, min(2000 * 37, len(created)), 37)
        ],
        batch_size=2000,
    )  # fmt: skip
    Development.objects.bulk_create(
        [
            Development(branch=branches[i % len(branches)], name=f"发展{i}", gender="F",
                        stage=DevelopmentStage.PROBATIONARY, applied_on=dt.date(YEAR - 3, 1, 1),
                        admitted_on=dt.date(YEAR, rng.randint(1, 11), 1))
            for i in range(3000)
        ],
        batch_size=2000,
    )  # fmt: skip
    # Dues: a base for every member this year, and the months paid up to November; one member in ten
    # stopped paying some months ago (arrears, a few six months running).
    alive = [m for m in created if m.status == MemberStatus.ACTIVE]
    DuesBase.objects.bulk_create(
        [
            DuesBase(member=m, year=YEAR, category=DuesCategory.ON_JOB, monthly_income=Decimal(6000),
                     rate=Decimal("0.015"), monthly_amount=Decimal("90.00"))
            for m in alive
        ],
        batch_size=5000,
    )  # fmt: skip
    payments: list[DuesPayment] = []
    for m in alive:
        roll = rng.random()
        last = rng.randint(3, 10) if roll < 0.1 else 12
        payments.extend(
            DuesPayment(member=m, month=dt.date(YEAR, month, 1), amount=Decimal("90.00"),
                        paid_on=dt.date(YEAR, min(month, 12), 5), method=PaymentMethod.WECHAT)
            for month in range(1, last + 1)
        )  # fmt: skip
        if len(payments) >= 50_000:
            DuesPayment.objects.bulk_create(payments, batch_size=5000)
            payments = []
    DuesPayment.objects.bulk_create(payments, batch_size=5000)
    Meeting.objects.bulk_create(
        [
            Meeting(org=b, kind=MeetingKind.COMMITTEE, topic="支委会", held_at=decided, place="站", host="丁")
            for b in branches
            if rng.random() < 0.9
        ],
        batch_size=2000,
    )  # fmt: skip
    return {
        "district": district,
        "street": streets[0],
        "orgs": 1 + len(streets) + len(communities) + len(branches),
    }


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _reference(reuse: bool, members: int, seed: int) -> dict[str, Any]:
    """The district and the street to time: built now, or found in a kept database (``--reuse``)."""
    from django.db import connection

    from dangqun.orgs.models import PartyOrg

    start = time.perf_counter()
    if reuse:
        ref = {
            "district": PartyOrg.objects.get(code="BP"),
            "street": PartyOrg.objects.get(code="BP00"),
            "orgs": PartyOrg.objects.filter(code__startswith="BP").count(),
        }
    else:
        ref = build(members, seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    took = time.perf_counter() - start
    print(f"{'reused' if reuse else 'built'} {ref['orgs']} organisations, {members} members in {took:.0f} s")
    return ref


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="time a database kept by --keep again")
    parser.add_argument("--only", default="", help="time only these (comma-separated: statistics,ledger,…)")
    args = parser.parse_args()
    if args.reuse:
        args.keep = True
    sqlite_path = ROOT / "var" / "bench_party.sqlite3"
    url = ""
    if args.db == "pg":
        url = args.pg_server.rsplit("/", 1)[0] + "/" + PG_NAME
    if args.reuse:
        pass
    elif args.db == "pg":
        pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {PG_NAME}")
        pg_admin(args.pg_server, f"CREATE DATABASE {PG_NAME}")
    else:
        sqlite_path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    setup_django(database_url=url, sqlite_path="" if url else str(sqlite_path))
    from django.core.management import call_command
    from django.db import connection

    from dangqun.core import clock
    from dangqun.party.dues import dues_ledger, dues_summary
    from dangqun.party.health import health_check
    from dangqun.party.statistics import annual_statistics

    call_command("migrate", verbosity=0)
    ref = _reference(args.reuse, args.members, args.seed)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )
    clock.local_today = lambda: TODAY  # type: ignore[assignment] - the synthetic year is 2026
    for label, org in (("district", ref["district"]), ("street", ref["street"])):
        for name, fn in (
            ("statistics", lambda org=org: annual_statistics(org, YEAR, TODAY)),
            ("health", lambda org=org: health_check(org)),
            ("ledger", lambda org=org: dues_ledger(org, YEAR, TODAY, limit=200_000)),
            ("summary", lambda org=org: dues_summary(org, dt.date(YEAR, 11, 1))),
        ):
            if args.only and name not in args.only.split(","):
                continue
            runs = timed(fn, args.repeat)
            print(
                f"{args.db:6} {label:8} {name:10} median {statistics.median(runs):7.0f} ms"
                f"  min {min(runs):7.0f}  max {max(runs):7.0f}"
            )
    stats = annual_statistics(ref["district"], YEAR, TODAY)
    ledger = dues_ledger(ref["district"], YEAR, TODAY, limit=200_000)
    print(f"check: ledger {len(ledger)} members, {sum(1 for r in ledger if r.arrears)} in arrears, "
          f"{sum(1 for r in ledger if r.six_months_unpaid)} six months unpaid")  # fmt: skip
    print(f"check: total {stats.total}, left {stats.left}, developed {stats.developed}, "
          f"committee missing {len(stats.committee_missing)} of {stats.committee_required}")  # fmt: skip
    connection.close()
    if not args.keep:
        if args.db == "pg":
            pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {PG_NAME}")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
