"""民情评议 through the API and the pages, as the demo personas: the citizen persona rates the grid
worker of their household's grid once this quarter and the community's ranking counts it; a second
rating from the household (even from a housemate's account) is a 409; a bad score or remark is a 422
naming the field, a worker of another grid a 404, an account without a registered household a 403 —
nothing written; the ranking stays within the reader's grids and orders by the shrunk mean."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client

from dangqun.accounts.models import Membership, Role, User
from dangqun.civic.models import CivicContact
from dangqun.core.models import AuditEvent
from dangqun.demo.calendar import anchor_end
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.gridwork.models import WorkerRating
from dangqun.gridwork.ratings import SHRINK_K, current_quarter
from dangqun.registry.models import Gender, Resident

MINE = "/api/v1/gridwork/ratings/mine"
RATE = "/api/v1/gridwork/ratings"
RANKING = "/api/v1/gridwork/ratings"


@pytest.fixture
def at_demo_end(clock):  # type: ignore[no-untyped-def]
    """The application's time is the demo's end, so this quarter is the demo's last quarter."""
    clock.at = anchor_end() + dt.timedelta(minutes=30)
    return clock


def _resident(username: str) -> Resident:
    resident = CivicContact.objects.get(user__username=username).resident
    assert resident is not None
    return resident


def _row(rows, worker_id):  # type: ignore[no-untyped-def]
    found = [r for r in rows if r["worker"] == worker_id]
    assert len(found) == 1, rows
    return found[0]


def _housemate_account(resident: Resident) -> User:
    other = Resident.objects.create(
        household=resident.household, grid=resident.grid, name="刘小军", gender=Gender.MALE
    )
    user = User.objects.create_user(username="housemate", password=DEMO_PASSWORD, display_name="刘小军")
    Membership.objects.create(user=user, role=Role.CITIZEN)
    CivicContact.objects.create(user=user, resident=other)
    return user


def test_a_household_rates_its_grid_worker_once_a_quarter(api_as, grid_world, at_demo_end) -> None:
    citizen = api_as("citizen")
    resident = _resident("citizen")
    mine = citizen.get(MINE).json()
    worker = _row(mine, grid_world.worker.pk)
    assert worker["score"] is None  # the demo leaves this quarter's rating to the household itself
    assert worker["quarter"] == current_quarter()
    staff = api_as("community_staff")
    before = _row(staff.get(RANKING).json(), grid_world.worker.pk)["ratings"]

    rated = citizen.post_json(RATE, {"worker": grid_world.worker.pk, "score": 5, "remark": "随叫随到"})

    assert rated.status_code == 201, rated.content
    assert _row(rated.json(), grid_world.worker.pk)["score"] == 5
    assert _row(staff.get(RANKING).json(), grid_world.worker.pk)["ratings"] == before + 1
    event = AuditEvent.objects.filter(event_type="gridwork.worker_rated").latest("id")
    assert event.data == {"worker": grid_world.worker.pk, "quarter": current_quarter()}  # not the score

    again = citizen.post_json(RATE, {"worker": grid_world.worker.pk, "score": 1})
    assert again.status_code == 409
    _housemate_account(resident)
    from_housemate = api_as("housemate").post_json(RATE, {"worker": grid_world.worker.pk, "score": 1})
    assert from_housemate.status_code == 409  # one rating per household, whoever of it rates
    assert WorkerRating.objects.filter(household=resident.household, quarter=current_quarter()).count() == 1


def test_bad_input_and_strangers_change_nothing(api_as, grid_world, at_demo_end) -> None:
    citizen = api_as("citizen")
    count = WorkerRating.objects.count()
    for score in (0, 6, -1):
        response = citizen.post_json(RATE, {"worker": grid_world.worker.pk, "score": score})
        assert response.status_code == 422, score
        assert "score" in response.content.decode()
    bad_type = citizen.post_json(RATE, {"worker": grid_world.worker.pk, "score": "很好"})
    assert bad_type.status_code == 422
    assert "score" in bad_type.content.decode()
    long_remark = citizen.post_json(RATE, {"worker": grid_world.worker.pk, "score": 4, "remark": "好" * 201})
    assert long_remark.status_code == 422
    assert "remark" in long_remark.content.decode()
    other_worker = Membership.objects.filter(role=Role.GRID_WORKER, region=grid_world.other).first()
    assert other_worker is not None
    assert citizen.post_json(RATE, {"worker": other_worker.user_id, "score": 5}).status_code == 404
    assert citizen.post_json(RATE, {"worker": 987654321, "score": 5}).status_code == 404
    # accounts with no registered household: a grid worker, the enterprise persona
    for username in ("grid_worker", "enterprise"):
        response = api_as(username).post_json(RATE, {"worker": grid_world.worker.pk, "score": 5})
        assert response.status_code == 403, username
    anonymous = Client().post(
        RATE, {"worker": grid_world.worker.pk, "score": 5}, content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert WorkerRating.objects.count() == count


def test_the_ranking_stays_in_scope_and_orders_by_the_shrunk_mean(api_as, grid_world, at_demo_end) -> None:
    rows = api_as("community_staff").get(RANKING).json()
    assert rows
    community = grid_world.grid.parent
    assert community is not None
    inside = set(
        Membership.objects.filter(role=Role.GRID_WORKER, region__path__startswith=community.path).values_list(
            "user_id", flat=True
        )
    )
    assert {r["worker"] for r in rows} <= inside
    ranked = [r for r in rows if r["rank"] is not None]
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(r["ratings"] == 0 and r["rank"] is None for r in rows[len(ranked) :])
    # the order is the shrunk mean's, recomputed from the rows themselves
    ratings = WorkerRating.objects.filter(
        quarter=current_quarter(), worker_id__in=[r["worker"] for r in rows]
    )
    total = sum(ratings.values_list("score", flat=True))
    prior = total / ratings.count() if ratings.exists() else 0
    shrunk = [(r["mean"] * r["ratings"] + SHRINK_K * prior) / (r["ratings"] + SHRINK_K) for r in ranked]
    assert all(a >= b - 0.01 for a, b in itertools.pairwise(shrunk))  # means are rounded to 0.01

    assert api_as("citizen").get(RANKING).status_code == 403
    for quarter in ("2026-Q5", "soon", "2999-Q1"):
        response = api_as("community_staff").get(RANKING, {"quarter": quarter})
        assert response.status_code == 422, quarter
        assert "quarter" in response.content.decode()


def _page_client(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_pages_rate_and_rank(grid_world, at_demo_end) -> None:
    citizen = _page_client("citizen")
    page = citizen.get("/citizen/grid-workers/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-worker="{grid_world.worker.pk}"' in html
    assert 'name="score" value="5"' in html

    bad = citizen.post("/citizen/grid-workers/", {"worker": grid_world.worker.pk, "score": "9"}, follow=True)
    assert "评分须为" in bad.content.decode()
    done = citizen.post("/citizen/grid-workers/", {"worker": grid_world.worker.pk, "score": "4"}, follow=True)
    assert "感谢您的评议" in done.content.decode()
    assert "本户本季度已评:4 分" in done.content.decode()

    staff = _page_client("community_staff")
    ranking = staff.get("/gridwork/ratings/")
    assert ranking.status_code == 200
    assert f'data-worker="{grid_world.worker.pk}"' in ranking.content.decode()
    bad_quarter = staff.get("/gridwork/ratings/", {"quarter": "2026-Q5"})
    assert bad_quarter.status_code == 200
    assert "季度格式应为" in bad_quarter.content.decode()
    assert Client().get("/gridwork/ratings/").status_code == 302
    assert citizen.get("/gridwork/ratings/").status_code == 403
