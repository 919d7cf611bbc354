"""志愿活动 in the browser: a community publishes an activity on the workbench; a resident finds it on the
phone, signs up and checks in by the phone's position at the place; the organiser confirms the hours;
the hours and the progress to the next star show on the resident's page.

The activity starts a few minutes after it is published (check-in opens 30 minutes before the start);
the organiser confirms hours only once it has begun, so the test moves its start to the past on the
server's database instead of waiting for the clock."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

LAT, LNG = 40.1234, 124.3456
TITLE = "浏览器测试·小区环境大扫除"
BEGUN = """
import datetime as dt
from django.utils import timezone
from dangqun.volunteers.models import Activity
a = Activity.objects.get(title="%s")
Activity.objects.filter(pk=a.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
"""


def _hours(page) -> Decimal:  # type: ignore[no-untyped-def]
    return Decimal(page.locator("#hours-total").inner_text().strip())


def test_resident_signs_up_checks_in_and_sees_the_confirmed_hours(login, server_manage):  # type: ignore[no-untyped-def]
    local = dt.datetime.now(ZoneInfo("Asia/Shanghai"))
    start = (local + dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    end = min(start + dt.timedelta(hours=2), start.replace(hour=23, minute=59))

    staff = login("community_staff")
    staff.goto("/volunteers/workbench/")
    staff.get_by_label("活动名称", exact=True).fill(TITLE)
    staff.get_by_label("类型", exact=True).select_option("cleanup")
    staff.get_by_label("日期", exact=True).fill(start.date().isoformat())
    staff.get_by_label("开始", exact=True).fill(start.strftime("%H:%M"))
    staff.get_by_label("结束", exact=True).fill(end.strftime("%H:%M"))
    staff.get_by_label("名额", exact=True).fill("10")
    staff.get_by_label("服务时长(小时)", exact=True).fill("2")
    staff.get_by_label("地点", exact=True).fill("演示社区党群服务站门前广场")
    staff.get_by_label("纬度", exact=True).fill(str(LAT))
    staff.get_by_label("经度", exact=True).fill(str(LNG))
    staff.get_by_role("button", name="发布").click()
    expect(staff.locator("#check-in-code")).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    manage_url = staff.url

    phone = login(
        "citizen",
        viewport=(390, 844),
        geolocation={"latitude": LAT + 0.0003, "longitude": LNG},  # about 33 m from the place
        permissions=["geolocation"],
        has_touch=True,
    )
    phone.goto("/volunteers/")
    before = _hours(phone)
    phone.get_by_role("link", name=TITLE).first.click()
    phone.get_by_role("button", name="我要报名").click()
    expect(phone.locator(".alert")).to_contain_text("报名成功")
    phone.get_by_role("button", name="用手机定位签到").click()
    # the phone's position, then the check-in request and the page's reload: slower than 5 s on a busy CI
    expect(phone.locator("#my-status")).to_contain_text("已签到", timeout=20_000)

    server_manage("shell", "-c", BEGUN % TITLE)
    staff.goto(manage_url)
    row = staff.locator("tbody tr", has_text="刘**")
    expect(row).to_contain_text("已签到")
    row.get_by_role("button", name="认定时长").click()
    expect(staff.locator("tbody tr", has_text="刘**")).to_contain_text("已认定时长")

    phone.goto("/volunteers/")
    assert _hours(phone) == before + 2
    expect(phone.locator("#star-progress")).to_be_visible()
    expect(phone.get_by_text(re.compile(r"距下一星级"))).to_be_visible()
