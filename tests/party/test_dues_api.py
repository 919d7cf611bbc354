"""党费 through the API: the national rule's bands, payments (bad ones are 422 naming the field), the
arrears list shrinking when a month is paid, the six-months flag, the summary and the Excel ledger."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import DuesBase, DuesPayment, MemberStatus, PartyMember


@pytest.mark.parametrize(
    ("category", "income", "rate", "amount"),
    [
        ("on_job", "3000", "0.0050", "15.00"),
        ("on_job", "3000.01", "0.0100", "30.00"),
        ("on_job", "5000", "0.0100", "50.00"),
        ("on_job", "8000", "0.0150", "120.00"),
        ("on_job", "10000.01", "0.0200", "200.00"),
        ("retired", "5000", "0.0050", "25.00"),
        ("retired", "6000", "0.0100", "60.00"),
        ("farmer", "0", "0.0000", "0.20"),
        ("student", "0", "0.0000", "0.20"),
        ("low_income", "0", "0.0000", "0.00"),
    ],
)
def test_the_dues_base_follows_the_national_bands(api_as, party, category, income, rate, amount):  # noqa: PLR0917
    response = api_as("branch_secretary").put_json(
        f"/api/v1/party/members/{party.members[0].pk}/dues/base",
        {"year": 2026, "category": category, "monthly_income": income},
    )

    assert response.status_code == 200, response.content
    assert Decimal(response.json()["rate"]) == Decimal(rate)
    assert Decimal(response.json()["monthly_amount"]) == Decimal(amount)


@pytest.mark.parametrize("income", ["-1", "abc", "NaN"])
def test_a_bad_income_is_422_naming_the_field(api_as, party, income):
    response = api_as("branch_secretary").put_json(
        f"/api/v1/party/members/{party.members[0].pk}/dues/base",
        {"year": 2026, "category": "on_job", "monthly_income": income},
    )

    assert response.status_code == 422
    assert "monthly_income" in response.json()["errors"]


def _month(n: int = 0) -> str:
    day = clock.local_today().replace(day=1)
    index = day.year * 12 + day.month - 1 + n
    return f"{index // 12}-{index % 12 + 1:02d}"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"month": "2026/03"}, "month"),
        ({"month": _month(24)}, "month"),
        ({"paid_on": (clock.local_today() + dt.timedelta(days=3)).isoformat()}, "paid_on"),
        ({"method": "gold"}, "method"),
    ],
)
def test_a_bad_payment_is_422_naming_the_field_and_records_nothing(api_as, party, body, field):
    before = DuesPayment.objects.count()
    response = api_as("branch_secretary").post_json(
        f"/api/v1/party/members/{party.members[0].pk}/dues/payments",
        {"month": _month(3), "amount": "20.00", **body},
    )

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert DuesPayment.objects.count() == before


def test_paying_march_shrinks_the_arrears_list(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/dues/arrears"
    march = f"{clock.local_today().year}-03"
    before = client.get(url).json()
    owing = [row for row in before if march in row["arrears_months"]]
    assert owing, "the demo leaves one member of the branch owing March"
    debtor = owing[0]

    paid = client.post_json(
        f"/api/v1/party/members/{debtor['member_id']}/dues/payments",
        {
            "month": march,
            "amount": str(debtor["monthly_amount"]),
            "method": "wechat",
            "receipt_no": "SJ-0301",
        },
    )

    assert paid.status_code == 201, paid.content
    after = client.get(url).json()
    months_before = sum(len(r["arrears_months"]) for r in before)
    assert sum(len(r["arrears_months"]) for r in after) == months_before - 1
    assert all(march not in r["arrears_months"] for r in after if r["member_id"] == debtor["member_id"])
    assert AuditEvent.objects.filter(
        event_type="party.dues_paid", target_id=str(debtor["member_id"])
    ).exists()
    again = client.post_json(
        f"/api/v1/party/members/{debtor['member_id']}/dues/payments", {"month": march, "amount": "1.00"}
    )
    assert again.status_code == 409


def test_the_district_flags_members_unpaid_for_six_months(api_as):
    root = PartyOrg.objects.get(parent__isnull=True)
    rows = api_as("sysadmin").get(f"/api/v1/party/orgs/{root.code}/dues/arrears").json()

    flagged = [r for r in rows if r["six_months_unpaid"]]
    assert flagged
    assert rows[: len(flagged)] == flagged  # the flagged come first


def test_the_monthly_summary_counts_a_new_payment(api_as, party):
    client = api_as("party_admin")
    url = f"/api/v1/party/orgs/{party.street.code}/dues/summary"
    ledger = client.get(f"/api/v1/party/orgs/{party.branch.code}/dues/ledger").json()
    month_number = clock.local_today().month
    payer = next(
        r for r in ledger if month_number not in r["paid_months"] and Decimal(r["monthly_amount"]) > 0
    )
    (before,) = [b for b in client.get(url).json() if b["code"] == party.branch.code]

    client.post_json(
        f"/api/v1/party/members/{payer['member_id']}/dues/payments",
        {"month": _month(0), "amount": str(payer["monthly_amount"])},
    )

    (after,) = [b for b in client.get(url).json() if b["code"] == party.branch.code]
    assert after["paid_members"] == before["paid_members"] + 1
    assert Decimal(after["collected"]) == Decimal(before["collected"]) + Decimal(payer["monthly_amount"])
    assert api_as("branch_secretary").get(url).status_code == 404


def test_the_excel_ledger_has_a_row_per_member_and_the_monthly_summary(api_as, party):
    response = api_as("branch_secretary").get(f"/api/v1/party/orgs/{party.branch.code}/dues.xlsx")

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    ledger, summary = book.worksheets
    assert party.branch.name in ledger["A1"].value
    assert [c.value for c in ledger[2]][:3] == ["序号", "姓名", "所在党组织"]
    assert ledger.max_row == 2 + len(party.members)
    assert summary.cell(3, 1).value == party.branch.name
    assert (
        api_as("branch_secretary").get(f"/api/v1/party/orgs/{party.other.code}/dues.xlsx").status_code == 404
    )


@pytest.mark.parametrize("ids_in_list", [5000, 0])
def test_the_ledger_matches_the_payments_read_one_by_one(party, monkeypatch, ids_in_list):
    """The ledger aggregates the payments in one query (bits per month, the year's total, the
    advances); member by member it says what the raw payments say, for the Excel ledger's amounts
    too (read by ids, or by the subtree's join for a district)."""
    from dangqun.party import dues

    monkeypatch.setattr(dues, "IDS_IN_LIST", ids_in_list)
    today = clock.local_today()
    this_month = today.replace(day=1)
    first = party.members[0]
    DuesPayment.objects.filter(member=first, month__gt=this_month).delete()
    for n in (1, 2):  # two months paid in advance
        DuesPayment.objects.create(
            member=first,
            month=dues.shift_month(this_month, n),
            amount=Decimal("7.50"),
            paid_on=today,
            method="cash",
        )

    ledger = dues.dues_ledger(party.street, today.year, today, limit=5000, with_amounts=True)

    members = list(
        PartyMember.objects.filter(status=MemberStatus.ACTIVE, party_org__path__startswith=party.street.path)
        .select_related("party_org")
        .order_by("party_org__path", "name", "pk")
    )
    assert [r.member.pk for r in ledger] == [m.pk for m in members]
    bases = {b.member_id: b for b in DuesBase.objects.filter(member__in=members, year=today.year)}
    payments: dict[int, dict[dt.date, Decimal]] = {}
    for p in DuesPayment.objects.filter(member__in=members):
        payments.setdefault(p.member_id, {})[p.month] = p.amount
    assert any(r.arrears for r in ledger)
    assert any(r.advance for r in ledger)
    for row, member in zip(ledger, members, strict=True):
        paid = payments.get(member.pk, {})
        base = bases.get(member.pk)
        joined = member.joined_on.replace(day=1) if member.joined_on else dt.date.min
        exempt = base is not None and base.monthly_amount == 0
        due = [dt.date(today.year, m, 1) for m in range(1, 13)]
        due = [m for m in due if joined <= m <= this_month]
        run = 0
        for n in range(1, dues.UNPAID_MONTHS_FLAG + 1):
            month = dues.shift_month(this_month, -n)
            if month in paid or month < joined:
                break
            run += 1
        in_year = {m: a for m, a in paid.items() if m.year == today.year}
        assert row.member.party_org == member.party_org
        assert (row.base.monthly_amount if row.base else None) == (base.monthly_amount if base else None)
        assert (row.base.rate if row.base else None) == (base.rate if base else None)
        assert row.paid_months == {m.month for m in in_year}
        assert row.paid_total == sum(in_year.values(), Decimal(0))
        assert dict(row.amounts) == {m.month: a for m, a in in_year.items()}
        assert row.arrears == ([] if exempt else [m for m in due if m not in paid])
        assert row.advance == sum(1 for m in paid if m > this_month)
        assert row.unpaid_run == (0 if exempt else run)
