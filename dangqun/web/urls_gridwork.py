"""网格工作 (``dangqun.gridwork``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import (
    gridwork_campaigns,
    gridwork_diaries,
    gridwork_meetings,
    gridwork_patrols,
    gridwork_ratings,
    gridwork_visits,
    gridwork_workers,
)

urlpatterns: list[URLPattern] = [
    path("grid/visits/", gridwork_visits.gridwork_visits, name="gridwork_visits"),
    path("grid/visits/<int:visit_id>/", gridwork_visits.gridwork_visit, name="gridwork_visit"),
    path("grid/patrol/", gridwork_patrols.gridwork_patrol, name="gridwork_patrol"),
    path("gridwork/overdue/", gridwork_visits.gridwork_overdue, name="gridwork_overdue"),
    path("gridwork/patrols/missed/", gridwork_patrols.gridwork_missed, name="gridwork_missed"),
    path("grid/diary/", gridwork_diaries.gridwork_diary, name="gridwork_diary"),
    path("gridwork/diaries/", gridwork_diaries.gridwork_diaries, name="gridwork_diaries"),
    path(
        "gridwork/diaries/<int:entry_id>/", gridwork_diaries.gridwork_diary_entry, name="gridwork_diary_entry"
    ),
    path(
        "gridwork/diaries/<int:entry_id>/<str:action>/",
        gridwork_diaries.gridwork_diary_action,
        name="gridwork_diary_action",
    ),
    path("gridwork/meetings/", gridwork_meetings.gridwork_meetings, name="gridwork_meetings"),
    path("gridwork/meetings/new/", gridwork_meetings.gridwork_meeting_new, name="gridwork_meeting_new"),
    path("gridwork/meetings/<int:meeting_id>/", gridwork_meetings.gridwork_meeting, name="gridwork_meeting"),
    path(
        "gridwork/decisions/<int:decision_id>/done/",
        gridwork_meetings.gridwork_decision_done,
        name="gridwork_decision_done",
    ),
    path("gridwork/workers/", gridwork_workers.gridwork_workers, name="gridwork_workers"),
    path("gridwork/ratings/", gridwork_ratings.rating_ranking_page, name="gridwork_ratings"),
    path("gridwork/campaigns/", gridwork_campaigns.campaigns, name="gridwork_campaigns"),
    path("gridwork/campaigns/<int:campaign_id>/", gridwork_campaigns.campaign, name="gridwork_campaign"),
    path(
        "gridwork/campaigns/<int:campaign_id>/<str:action>/",
        gridwork_campaigns.campaign_move,
        name="gridwork_campaign_move",
    ),
    path("grid/campaigns/", gridwork_campaigns.grid_campaigns, name="gridwork_grid_campaigns"),
    path(
        "grid/campaigns/<int:campaign_id>/", gridwork_campaigns.grid_campaign, name="gridwork_grid_campaign"
    ),
    path("grid/doors/<int:door_id>/", gridwork_campaigns.grid_door, name="gridwork_grid_door"),
    path("citizen/grid-workers/", gridwork_ratings.my_grid_workers, name="gridwork_my_workers"),
]
