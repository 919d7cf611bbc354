"""Excel exports through the API: the list's filters, the exporter's scope, the KPI layout, and no cell
that a spreadsheet would run as a formula."""

from __future__ import annotations

from dangqun.accounts.models import User
from dangqun.accounts.scope import get_scope
from dangqun.cases.models import Case
from dangqun.cases.permissions import visible_cases_q
from dangqun.exchange.exports import CASE_COLUMNS, KPI_COLUMNS, safe
from tests.exchange.conftest import read_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cases(client, **params) -> list[list]:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/exchange/exports/cases.xlsx", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_xlsx(response.content)["诉求列表"]
    assert rows[0] == CASE_COLUMNS
    return rows[1:]


def test_export_respects_the_exporters_scope(api_as, community):
    staff = User.objects.get(username="community_staff")
    rows = _cases(api_as("community_staff"))
    visible = set(Case.objects.filter(visible_cases_q(staff)).values_list("code", flat=True))
    assert {r[0] for r in rows} == visible
    outside = Case.objects.exclude(region_path__startswith=community.path).exclude(code__in=visible).first()
    assert outside is not None
    assert outside.code not in {r[0] for r in rows}
    assert len(_cases(api_as("dispatcher"))) >= len(rows)
    assert get_scope(staff).user_id


def test_export_applies_the_list_filters(api_as):
    dispatcher = api_as("dispatcher")
    closed = _cases(dispatcher, status="closed")
    assert closed
    assert {r[2] for r in closed} == {"已归档"}
    assert len(closed) == Case.objects.filter(status="closed").count()
    assert dispatcher.get("/api/v1/exchange/exports/cases.xlsx", {"status": "nope"}).status_code == 422
    bad_date = dispatcher.get("/api/v1/exchange/exports/cases.xlsx", {"submitted_from": "2026-13-01"})
    assert bad_date.status_code == 422


def test_exported_cells_never_start_a_formula(api_as):
    case = Case.objects.order_by("id").first()
    assert case is not None
    Case.objects.filter(pk=case.pk).update(
        title='=HYPERLINK("http://evil","x")', address="+1 cmd", source_ref="@x"
    )
    rows = _cases(api_as("dispatcher"))
    for row in rows:
        for cell in row:
            if isinstance(cell, str):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    mine = next(r for r in rows if r[0] == case.code)
    assert mine[1] == '\'=HYPERLINK("http://evil","x")'
    assert mine[7] == "'+1 cmd"
    assert safe("-5") == "'-5"
    assert safe(" =1") == "' =1"
    assert safe(3) == 3
    assert safe("a\x07b") == "ab"


def test_kpi_report_has_street_department_and_category_sheets(api_as):
    response = api_as("leader").get("/api/v1/exchange/exports/kpis.xlsx", {"from": "2020-01-01"})
    assert response.status_code == 200, response.content
    sheets = read_xlsx(response.content)
    assert list(sheets) == ["按街道", "按部门", "按分类"]
    for rows in sheets.values():
        assert rows[1] == KPI_COLUMNS
        total = rows[-1]
        assert total[0] == "合计"
        assert total[1] == sum(r[1] for r in rows[2:-1])  # 受理 adds up over groups
        assert total[2] == sum(r[2] for r in rows[2:-1])
        assert all(isinstance(r[3], str) and (r[3].endswith("%") or r[3] == "—") for r in rows[2:])
    api = api_as("leader").get("/api/v1/kpis", {"from": "2020-01-01"}).json()
    assert sheets["按街道"][-1][1] == api["figures"]["accepted"]
    assert api_as("leader").get("/api/v1/exchange/exports/kpis.xlsx", {"from": "x"}).status_code == 422
    bad = api_as("leader").get(
        "/api/v1/exchange/exports/kpis.xlsx", {"from": "2026-02-01", "to": "2026-01-01"}
    )
    assert bad.status_code == 422


def test_anonymous_cannot_export(client):
    assert client.get("/api/v1/exchange/exports/cases.xlsx").status_code == 401
    assert client.get("/api/v1/exchange/exports/kpis.xlsx").status_code == 401
