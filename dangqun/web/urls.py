from django.urls import include, path

from dangqun.web.views import (
    auth,
    case_page,
    citizen,
    citizen_app,
    command,
    command_dispatch,
    command_hotspots,
    exchange,
    gridapp,
    home,
    pwa,
    regions,
    workbench,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("find-grid/", citizen.find_grid, name="find_grid"),
    path("regions/<str:code>/", regions.region_detail, name="region"),
    path("buildings/<int:building_id>/", regions.building_detail, name="building"),
    # PC terminals: command centre (指挥中心), department workbench (职能部门) and the case page
    path("command/", command.dashboard, name="command"),
    path("command/supervision/", command.supervision, name="command_supervision"),
    path("command/map/", command.case_map, name="command_map"),
    path("command/map/cases.json", command.map_cases, name="command_map_cases"),
    path("command/map/grids.json", command.map_grids, name="command_map_grids"),
    path("command/screen/", command.big_screen, name="command_screen"),
    path("command/dispatch/<str:code>/", command_dispatch.dispatch, name="command_dispatch"),
    path("command/hotspots/", include(command_hotspots.urlpatterns)),
    path("workbench/", workbench.workbench, name="workbench"),
    path("department/", home.department_overview, name="department"),
    path("cases/<str:code>/", case_page.case_detail, name="case"),
    path("cases/<str:code>/do/<str:action>/", case_page.case_move, name="case_move"),
    path("cases/<str:code>/photos/", case_page.case_photos, name="case_photos"),
    # phone terminals: grid-worker app (PWA) and citizen app
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("grid/", gridapp.home, name="grid_home"),
    path("grid/report/", gridapp.report, name="grid_report"),
    path("grid/map/", gridapp.grid_map, name="grid_map"),
    path("grid/tasks/", gridapp.tasks, name="grid_tasks"),
    path("grid/cases/<str:code>/", gridapp.case_detail, name="grid_case"),
    path("citizen/", citizen_app.home, name="citizen_home"),
    path("citizen/submit/", citizen_app.submit, name="citizen_submit"),
    path("citizen/cases/<str:code>/", citizen_app.case_detail, name="citizen_case"),
    path("citizen/track/", citizen_app.track, name="citizen_track"),
    path("citizen/inbox/", citizen_app.inbox, name="citizen_inbox"),
    # hotline import and Excel export
    path("exchange/import/", exchange.import_upload, name="exchange_import"),
    path("exchange/import/<int:job_id>/", exchange.import_job, name="exchange_job"),
    path("exchange/import/<int:job_id>/progress/", exchange.import_progress, name="exchange_job_progress"),
    path("exchange/import/<int:job_id>/run/", exchange.import_run, name="exchange_job_run"),
    path("exchange/export/", exchange.export_page, name="exchange_export"),
    path("exchange/export/cases.xlsx", exchange.export_cases, name="exchange_export_cases"),
    path("exchange/export/kpis.xlsx", exchange.export_kpis, name="exchange_export_kpis"),
]
