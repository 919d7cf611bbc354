"""The 走访 pages of the grid app and the overdue page, as the personas use them."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from dangqun.core import clock
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.gridwork.models import Patrol, PatrolSlot, Visit, VisitStatus


def _login(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_grid_worker_sees_the_new_household_on_the_due_list_and_opens_its_form(grid_world):
    grid_world.new_household(room="7-702")
    client = _login("grid_worker")

    page = client.get("/grid/visits/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "7-702" in html
    assert 'href="/grid/visits/"' in client.get("/grid/").content.decode()  # in the app's tab bar
    visit = Visit.objects.get(household__room="7-702", household__grid=grid_world.grid)
    form = client.get(f"/grid/visits/{visit.pk}/").content.decode()
    assert 'id="visit-form"' in form
    assert 'data-question="living"' in form
    assert "gridwork-visits.js" in form


def test_a_visit_of_another_grid_is_404_and_a_recorded_one_shows_its_answers(grid_world):
    client = _login("grid_worker")
    assert client.get(f"/grid/visits/{grid_world.due_in(grid_world.other).pk}/").status_code == 404
    visit = grid_world.due_in(grid_world.grid)
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.DONE, answers={"living": "一切正常"})

    html = client.get(f"/grid/visits/{visit.pk}/").content.decode()

    assert "一切正常" in html
    assert 'id="visit-form"' not in html


def test_the_community_sees_overdue_visits_by_grid(grid_world):
    visit = grid_world.due_in(grid_world.grid)
    Visit.objects.filter(pk=visit.pk).update(due_date=clock.local_today() - dt.timedelta(days=5))

    page = _login("community_staff").get("/gridwork/overdue/")

    assert page.status_code == 200
    html = page.content.decode()
    assert grid_world.grid.name in html
    assert visit.subject in html
    assert _login("grid_worker").get("/gridwork/overdue/").status_code == 403


def test_the_due_list_reads_a_fixed_number_of_queries(grid_world, django_assert_max_num_queries):
    client = _login("grid_worker")
    client.get("/grid/visits/")
    with django_assert_max_num_queries(40):
        assert client.get("/grid/visits/").status_code == 200


def test_the_patrol_page_offers_start_then_end(grid_world):
    client = _login("grid_worker")
    page = client.get("/grid/patrol/").content.decode()
    assert 'id="patrol-start"' in page
    assert 'href="/grid/patrol/"' in page  # in the app's tab bar

    Patrol.objects.create(
        worker=grid_world.worker,
        grid=grid_world.grid,
        grid_path=grid_world.grid.path,
        day=clock.local_today(),
        slot=PatrolSlot.MORNING,
        started_at=clock.now(),
    )

    page = client.get("/grid/patrol/").content.decode()
    assert 'id="patrol-end"' in page
    assert 'id="finding-form"' in page
    assert _login("grid_worker").get("/gridwork/patrols/missed/").status_code == 403
