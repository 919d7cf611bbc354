"""The import and export pages: upload → dry-run report → run for real → progress fragment, and the
Excel downloads, as a dispatcher in the browser would use them (plain HTTP, the htmx fragment too)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangqun.accounts.models import User
from dangqun.cases.models import Case
from dangqun.exchange.models import ImportJob
from tests.exchange.conftest import good_rows, read_xlsx, xlsx


def _login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_upload_dry_run_then_run_for_real(demo, profile, community):
    web = _login("dispatcher")
    page = web.get("/exchange/import/")
    assert page.status_code == 200
    assert "市12345标准导出" in page.content.decode()
    before = Case.objects.count()
    content = xlsx(
        [*good_rows(community, prefix="WEB-"), ["WEB-BAD", "", "", "", "", "", "", None, None, None]]
    )
    response = web.post(
        "/exchange/import/", {"profile": profile.pk, "file": SimpleUploadedFile("a.xlsx", content)}
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    assert job.dry_run
    assert Case.objects.count() == before
    report = web.get(response["Location"]).content.decode()
    assert "WEB-0001" in report
    assert "正式导入 3 条" in report
    assert "“诉求内容”为空" in report

    ran = web.post(f"/exchange/import/{job.pk}/run/")
    assert ran.status_code == 302
    real = ImportJob.objects.latest("id")
    assert (real.dry_run, real.created_count, real.error_count) == (False, 3, 1)
    assert Case.objects.count() == before + 3
    fragment = web.get(f"/exchange/import/{real.pk}/progress/")
    assert fragment.status_code == 200
    assert 'id="job-progress"' in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()  # finished: polling stops


def test_running_job_fragment_keeps_polling(demo, profile, community):
    web = _login("dispatcher")
    web.post("/exchange/import/", {"profile": profile.pk, "file": SimpleUploadedFile("a.xlsx", xlsx([]))})
    job = ImportJob.objects.latest("id")
    ImportJob.objects.filter(pk=job.pk).update(status="running", total_rows=10, processed_rows=4)
    body = web.get(f"/exchange/import/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert 'value="40"' in body


def test_bad_uploads_show_the_form_again(demo, profile):
    web = _login("dispatcher")
    before = ImportJob.objects.count()
    response = web.post(
        "/exchange/import/", {"profile": profile.pk, "file": SimpleUploadedFile("a.exe", b"MZ")}
    )
    assert response.status_code == 200
    assert "只支持 .xlsx 或 .csv 文件" in response.content.decode()
    assert web.post("/exchange/import/", {"profile": profile.pk}).status_code == 200
    assert ImportJob.objects.count() == before


def test_who_may_use_the_pages(demo, profile, community):
    assert _login("citizen").get("/exchange/import/").status_code == 403
    assert Client().get("/exchange/import/").status_code == 302
    web = _login("dispatcher")
    web.post("/exchange/import/", {"profile": profile.pk, "file": SimpleUploadedFile("a.xlsx", xlsx([]))})
    job = ImportJob.objects.latest("id")
    other = _login("street_staff")
    assert other.get(f"/exchange/import/{job.pk}/").status_code == 404
    assert other.post(f"/exchange/import/{job.pk}/run/").status_code == 404


def test_downloads_from_the_page(demo):
    web = _login("community_staff")
    assert web.get("/exchange/export/").status_code == 200
    cases = web.get("/exchange/export/cases.xlsx", {"status": "closed"})
    assert cases.status_code == 200
    rows = read_xlsx(cases.content)["诉求列表"][1:]
    assert {r[2] for r in rows} <= {"已归档"}
    kpis = web.get("/exchange/export/kpis.xlsx", {"from": "2020-01-01", "to": "2030-12-31"})
    assert list(read_xlsx(kpis.content)) == ["按街道", "按部门", "按分类"]
    assert web.get("/exchange/export/cases.xlsx", {"status": "bogus"}).status_code == 400
    assert web.get("/exchange/export/kpis.xlsx", {"from": "bogus"}).status_code == 400
