"""Hotline import through the API: dry run changes nothing, the real run creates each good row's case
through intake once, importing the same file twice changes nothing, hostile files give row errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangqun.cases.models import Case, CaseEvent
from dangqun.exchange.models import ImportedOrder, ImportJob
from tests.exchange.conftest import HEADERS, MAPPING, good_rows, xlsx


def _upload(client, profile, content: bytes, name: str = "orders.xlsx", dry_run: bool = True):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/exchange/imports",
        {
            "file": SimpleUploadedFile(name, content),
            "profile": profile.pk,
            "dry_run": "true" if dry_run else "false",
        },
        headers={"X-CSRFToken": client.csrf_token},
    )


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), CaseEvent.objects.count(), ImportedOrder.objects.count()


def test_dry_run_reports_and_changes_nothing_then_real_run_imports_once(api_as, profile, community):
    dispatcher = api_as("dispatcher")
    content = xlsx([*good_rows(community), ["BAD-1", "王五", "", "没有电话", "", "", "", None, None, None]])
    before = _counts()

    dry = _upload(dispatcher, profile, content)
    assert dry.status_code == 201, dry.content
    report = dry.json()
    assert _counts() == before
    assert (report["status"], report["dry_run"]) == ("done", True)
    assert (report["created_count"], report["error_count"], report["total_rows"]) == (3, 1, 4)
    assert report["errors"] == [{"row": 5, "reason": "“来电号码”为空"}]
    assert [p["order_no"] for p in report["preview"]] == ["12345-0000", "12345-0001", "12345-0002"]
    assert report["percent"] == 100

    real = dispatcher.post_json(f"/api/v1/exchange/imports/{report['id']}/run")
    assert real.status_code == 201, real.content
    done = real.json()
    assert (done["created_count"], done["skipped_count"], done["error_count"]) == (3, 0, 1)
    cases = list(Case.objects.filter(source_ref__startswith="12345-").order_by("source_ref"))
    assert [c.channel for c in cases] == ["hotline_12345"] * 3
    assert cases[0].region == community
    assert "【来电时间】2026-11-20 09:30" in cases[0].description
    assert cases[0].title == "楼道灯坏了第0处"
    assert CaseEvent.objects.filter(case__in=cases, event_type="created").count() == 3

    after_first = _counts()
    again = _upload(dispatcher, profile, content, dry_run=False).json()
    assert (again["created_count"], again["skipped_count"]) == (0, 3)
    assert _counts() == after_first
    assert dispatcher.get(f"/api/v1/exchange/imports/{again['id']}").json()["status"] == "done"


def test_csv_in_gbk_imports_too(api_as, profile, community):
    lines = [",".join(HEADERS)] + [
        f"CSV-{i},赵六,1380000000{i},下水道堵了{i},,,{community.code},,,2026/11/21 08:00" for i in range(2)
    ]
    content = "\n".join(lines).encode("gb18030")
    job = _upload(api_as("dispatcher"), profile, content, name="orders.csv", dry_run=False).json()
    assert (job["status"], job["created_count"], job["error_count"]) == ("done", 2, 0), job


@pytest.mark.parametrize(
    ("cells", "fragment"),
    [
        ({"诉求内容": '=HYPERLINK("http://evil.example","点我")'}, "公式"),
        ({"诉求内容": "长" * 100_000}, "超过5000个字符"),
        ({"经度": "abc", "纬度": "41.1"}, "应为数字"),
        ({"经度": 500, "纬度": 41.1}, "超出范围"),
        ({"经度": 123.4}, "同时填写"),
        ({"来电时间": "上周三"}, "来电时间"),
        ({"来电号码": True}, "布尔"),
        ({"问题分类": "不存在的分类"}, "未知分类"),
        ({"所属社区": "火星社区"}, "未知区域"),
        ({"工单号": "@SUM(1)"}, "工单编号"),
        ({"工单号": ""}, "工单编号"),
    ],
)
def test_hostile_rows_are_reported_not_500(api_as, profile, community, cells, fragment):
    row = dict(zip(HEADERS, good_rows(community, prefix="H-", n=1)[0], strict=True))
    row.update(cells)
    content = xlsx([[row[h] for h in HEADERS], *good_rows(community, prefix="OK-", n=1)])
    before = _counts()
    job = _upload(api_as("dispatcher"), profile, content, dry_run=False)
    assert job.status_code == 201, job.content
    body = job.json()
    assert body["error_count"] == 1
    assert body["created_count"] == 1
    assert body["errors"][0]["row"] == 2
    assert fragment in body["errors"][0]["reason"]
    assert _counts()[0] == before[0] + 1


def test_nul_bytes_in_a_csv_are_row_errors(api_as, profile, community):
    lines = [",".join(HEADERS), f"NUL-1,张\x00三,13800000001,井盖丢了,,,{community.code},,,"]
    lines.append(f"NUL-2,张三,13800000002,井盖丢了,,,{community.code},,,")
    content = "\n".join(lines).encode()
    body = _upload(api_as("dispatcher"), profile, content, name="o.csv", dry_run=False).json()
    assert body["errors"] == [{"row": 2, "reason": "“来电人”含非法字符(NUL)"}]
    assert body["created_count"] == 1


def test_duplicate_order_numbers_in_one_file_are_row_errors(api_as, profile, community):
    rows = good_rows(community, n=2)
    rows[1][0] = rows[0][0]
    body = _upload(api_as("dispatcher"), profile, xlsx(rows)).json()
    assert body["errors"] == [{"row": 3, "reason": f"工单编号“{rows[0][0]}”在文件中重复"}]


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"not a zip at all", "orders.xlsx", "无法读取"),
        (b"\xff\xfe\x00garbage", "orders.csv", ""),
        (b"", "orders.csv", "空"),
        (xlsx([], headers=["别的列"]), "orders.xlsx", "缺少方案中的列"),
    ],
)
def test_unreadable_files_fail_the_job_with_a_message(api_as, profile, content, name, fragment):
    before = _counts()
    response = _upload(api_as("dispatcher"), profile, content, name=name)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] in ("failed", "done")
    if body["status"] == "failed":
        assert fragment in body["message"]
    assert _counts() == before


def test_wrong_file_type_and_unknown_profile_are_422(api_as, profile):
    dispatcher = api_as("dispatcher")
    assert _upload(dispatcher, profile, b"x", name="orders.exe").status_code == 422
    profile.pk = 999_999
    assert _upload(dispatcher, profile, xlsx([])).status_code == 422


def test_only_intake_staff_import_and_only_the_owner_sees_a_job(api_as, profile, community):
    assert _upload(api_as("citizen"), profile, xlsx([])).status_code == 403
    assert _upload(api_as("department_staff"), profile, xlsx([])).status_code == 403
    job = _upload(api_as("dispatcher"), profile, xlsx(good_rows(community))).json()
    assert api_as("street_staff").get(f"/api/v1/exchange/imports/{job['id']}").status_code == 404
    assert api_as("street_staff").post_json(f"/api/v1/exchange/imports/{job['id']}/run").status_code == 404
    assert ImportJob.objects.filter(pk=job["id"]).exists()


def test_profiles_are_saved_with_their_required_columns(api_as):
    dispatcher = api_as("dispatcher")
    created = dispatcher.post_json(
        "/api/v1/exchange/profiles",
        {"name": "区8890导出", "source": "hotline_8890", "mapping": MAPPING, "crs": "bd09"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["mapping"]["order_no"] == "工单号"
    missing = dispatcher.post_json(
        "/api/v1/exchange/profiles",
        {"name": "缺列", "source": "hotline_8890", "mapping": {"order_no": "工单号"}},
    )
    assert missing.status_code == 422
    unknown = dispatcher.post_json(
        "/api/v1/exchange/profiles",
        {"name": "怪列", "source": "hotline_8890", "mapping": {**MAPPING, "password": "x"}},
    )
    assert unknown.status_code == 422
    names = [p["name"] for p in dispatcher.get("/api/v1/exchange/profiles").json()]
    assert "区8890导出" in names
