"""The dashboard cache (``analytics.dashcache``): a minute per reader scope, shared only by readers who see
the whole district, never handed to a reader with a narrower scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import Membership, Role, User
from dangqun.analytics import command_data, dashcache
from dangqun.regions.models import Region, RegionLevel
from tests.web.test_case_page import as_user, new_case


@pytest.fixture
def cached_minute(settings: Any) -> Any:
    settings.DANGQUN_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_district_readers_share_one_report_for_a_minute(demo: Any, cached_minute: Any) -> None:
    new_case("路灯不亮")
    dispatcher, leader = User.objects.get(username="dispatcher"), User.objects.get(username="leader")
    first = command_data.dashboard(dispatcher)

    new_case("又一盏路灯不亮")

    assert command_data.dashboard(dispatcher).figures == first.figures  # kept, not recomputed
    assert command_data.dashboard(leader).figures == first.figures  # the same scope: the same entry
    assert dashcache.scope_key(dispatcher) != dashcache.scope_key(leader)  # but not the same reader key


def test_a_cached_home_reads_fewer_queries(demo: Any, cached_minute: Any) -> None:
    new_case("楼道堆物")
    client = as_user("dispatcher")

    leader = as_user("leader")
    screen_cold = _queries(leader, "/command/screen/")
    cache.clear()

    cold = _queries(client, "/command/")
    warm = _queries(client, "/command/")
    screen = _queries(leader, "/command/screen/")  # the 大屏 reads the reports the command page cached

    assert warm < cold
    assert screen < screen_cold


def test_a_narrower_reader_never_gets_the_district_report(demo: Any, cached_minute: Any) -> None:
    new_case("井盖缺失")  # in the demo grid's street
    dispatcher = User.objects.get(username="dispatcher")
    district = command_data.dashboard(dispatcher)
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    assert grid is not None
    streets = Region.objects.filter(level=RegionLevel.STREET)
    other_street = next(s for s in streets if not grid.path.startswith(s.path))
    narrow = User.objects.create_user(
        username="street_dispatcher", password="x" * 12, display_name="街道调度员"
    )
    Membership.objects.create(user=narrow, role=Role.DISPATCHER, region=other_street)

    report = command_data.dashboard(narrow)

    assert report.figures.submitted < district.figures.submitted  # the new case is not in their street
    assert dashcache.scope_key(narrow) != dashcache.SHARED


def test_a_new_role_changes_the_reader_key(demo: Any) -> None:
    user = User.objects.get(username="street_staff")
    before = dashcache.scope_key(user)
    Membership.objects.create(
        user=user, role=Role.LEADER, region=Region.objects.filter(parent__isnull=True).first()
    )
    user = User.objects.get(pk=user.pk)  # a fresh object: the scope is cached on the instance

    assert dashcache.scope_key(user) != before


def test_off_means_always_live(demo: Any, settings: Any) -> None:
    settings.DANGQUN_DASHBOARD_CACHE_SECONDS = 0
    dispatcher = User.objects.get(username="dispatcher")
    before = command_data.dashboard(dispatcher).figures

    new_case("占道经营")

    assert command_data.dashboard(dispatcher).figures != before


def test_a_district_page_is_kept_a_minute_for_its_reader(demo: Any, cached_minute: Any) -> None:
    district = Region.objects.filter(parent__isnull=True).first()
    assert district is not None
    client = as_user("dispatcher")

    cold = _queries(client, f"/regions/{district.code}/")
    warm = _queries(client, f"/regions/{district.code}/")

    assert warm < cold
    assert as_user("leader").get(f"/regions/{district.code}/").status_code == 200


def test_district_page_counts_are_shared_by_readers_of_the_whole_district(
    demo: Any, cached_minute: Any
) -> None:
    from dangqun.registry.access import registry_covers

    district = Region.objects.filter(parent__isnull=True).first()
    assert district is not None

    assert registry_covers(User.objects.get(username="dispatcher"), district.path)
    assert registry_covers(User.objects.get(username="street_staff"), district.path) is False
    assert _queries(as_user("leader"), f"/regions/{district.code}/") > _queries(
        as_user("dispatcher"), f"/regions/{district.code}/"
    )  # the leader computed it, the dispatcher read the leader's entry


def test_a_district_reader_lists_cases_unfiltered_and_a_street_reader_does_not(demo: Any) -> None:
    from dangqun.cases.permissions import visible_cases_q

    dispatcher = User.objects.get(username="dispatcher")
    street = User.objects.get(username="street_staff")

    assert visible_cases_q(dispatcher) == Q()  # every case lies in the district
    assert visible_cases_q(street) != Q()
    Region.objects.create(
        code="999999", name="另一区", kind="district", level=RegionLevel.DISTRICT, path="/999999/"
    )
    assert visible_cases_q(User.objects.get(username="dispatcher")) != Q()  # a second district: no longer all
