"""Fixtures for hotline import and export: a 12345 mapping profile and spreadsheets built in memory."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from dangqun.accounts.models import Membership, Role
from dangqun.exchange.models import MappingProfile
from dangqun.regions.models import Region

HEADERS = [
    "工单号",
    "来电人",
    "来电号码",
    "诉求内容",
    "标题",
    "问题分类",
    "所属社区",
    "经度",
    "纬度",
    "来电时间",
]
MAPPING = {
    "order_no": "工单号",
    "reporter_name": "来电人",
    "reporter_phone": "来电号码",
    "description": "诉求内容",
    "title": "标题",
    "category": "问题分类",
    "region": "所属社区",
    "lng": "经度",
    "lat": "纬度",
    "called_at": "来电时间",
}


@pytest.fixture
def profile(demo) -> MappingProfile:
    return MappingProfile.objects.create(
        name="市12345标准导出", source="hotline_12345", mapping=MAPPING, crs="wgs84"
    )


@pytest.fixture
def community(demo) -> Region:
    return Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows(community: Region, prefix: str = "12345-", n: int = 3) -> list[list[Any]]:
    return [
        [
            f"{prefix}{i:04d}",
            "李四",
            f"1390000{i:04d}",
            f"楼道灯坏了第{i}处",
            "",
            "",
            community.code,
            None,
            None,
            "2026-11-20 09:30",
        ]
        for i in range(n)
    ]


def read_xlsx(content: bytes) -> dict[str, list[list[Any]]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
