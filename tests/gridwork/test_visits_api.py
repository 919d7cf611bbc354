"""五访五问 through the API: rules make visits due, the grid worker records them once, the grid leader
and the community see what is overdue; the attacks: other grid → 404, wrong role → 403, bad answers
→ 422 naming the field, a second record → 409."""

from __future__ import annotations

import datetime as dt

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.gridwork.due import visits_refresh
from dangqun.gridwork.models import Visit, VisitStatus
from dangqun.registry.models import Resident

RECORD = "/api/v1/gridwork/visits/{}/record"


def _answers(api, visit_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    body = api.get(f"/api/v1/gridwork/visits/{visit_id}").json()
    return {q["key"]: f"{q['label']}:情况良好" for q in body["questions"]}


def test_a_new_household_makes_a_visit_due_on_its_grid_list(api_as, grid_world) -> None:
    household = grid_world.new_household()
    api = api_as("grid_worker")

    rows = api.get(f"/api/v1/gridwork/visits?grid={grid_world.grid.code}").json()

    mine = [r for r in rows if r["subject"].endswith("新住户")]
    assert len(mine) == 1
    detail = api.get(f"/api/v1/gridwork/visits/{mine[0]['id']}").json()
    assert detail["household_id"] == household.pk
    assert detail["trigger"] == "new_household"
    assert [q["key"] for q in detail["questions"]] == ["living"]
    assert [m["action"] for m in detail["moves"]] == ["record"]
    assert detail["due_date"] == (clock.local_today() + dt.timedelta(days=3)).isoformat()
    # reading the list again makes nothing twice
    again = api.get(f"/api/v1/gridwork/visits?grid={grid_world.grid.code}").json()
    assert len([r for r in again if r["subject"].endswith("新住户")]) == 1


def test_a_visit_uploaded_twice_from_the_offline_queue_is_stored_once(api_as, grid_world) -> None:
    visit = grid_world.due_in(grid_world.grid)
    api = api_as("grid_worker")
    body = {"answers": _answers(api, visit.pk), "notes": "入户走访", "follow_up": True}

    first = api.post_json(RECORD.format(visit.pk), body, HTTP_IDEMPOTENCY_KEY="phone-key-1")
    second = api.post_json(RECORD.format(visit.pk), body, HTTP_IDEMPOTENCY_KEY="phone-key-1")

    assert first.status_code == 201, first.content
    assert second.status_code == 200, second.content
    assert first.json()["status"] == second.json()["status"] == "done"
    assert first.json()["moves"] == []
    events = AuditEvent.objects.filter(event_type="gridwork.visit_recorded", target_id=str(visit.pk))
    assert events.count() == 1
    visit.refresh_from_db()
    assert visit.follow_up is True
    assert visit.done_by == grid_world.worker
    rows = api.get(f"/api/v1/gridwork/visits?grid={grid_world.grid.code}").json()
    assert visit.pk not in [r["id"] for r in rows]


def test_recording_a_done_visit_again_is_a_conflict(api_as, grid_world) -> None:
    visit = grid_world.due_in(grid_world.grid)
    api = api_as("grid_worker")
    body = {"answers": _answers(api, visit.pk)}
    assert api.post_json(RECORD.format(visit.pk), body, HTTP_IDEMPOTENCY_KEY="k-a").status_code == 201

    assert api.post_json(RECORD.format(visit.pk), body, HTTP_IDEMPOTENCY_KEY="k-b").status_code == 409
    assert api.post_json(RECORD.format(visit.pk), body).status_code == 409
    # a key already used for another visit is refused, not replayed
    other = Visit.objects.filter(grid=grid_world.grid, status=VisitStatus.DUE).exclude(pk=visit.pk).first()
    assert other is not None
    assert api.post_json(RECORD.format(other.pk), body, HTTP_IDEMPOTENCY_KEY="k-a").status_code == 409


def test_missing_answer_is_422_naming_the_question_and_changes_nothing(api_as, grid_world) -> None:
    visit = grid_world.due_in(grid_world.grid)
    api = api_as("grid_worker")
    answers = _answers(api, visit.pk)
    key = next(iter(answers))
    answers[key] = "  "

    response = api.post_json(RECORD.format(visit.pk), {"answers": answers})

    assert response.status_code == 422, response.content
    assert f"answers.{key}" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DUE
    unknown = api.post_json(RECORD.format(visit.pk), {"answers": {**answers, key: "好", "nonsense": "x"}})
    assert unknown.status_code == 422
    assert "nonsense" in unknown.content.decode()


def test_a_visit_in_another_grid_is_404(api_as, grid_world) -> None:
    visit = grid_world.due_in(grid_world.other)
    api = api_as("grid_worker")

    assert api.get(f"/api/v1/gridwork/visits/{visit.pk}").status_code == 404
    assert api.post_json(RECORD.format(visit.pk), {"answers": {"living": "好"}}).status_code == 404
    assert api.get(f"/api/v1/gridwork/visits?grid={grid_world.other.code}").status_code == 404
    assert api_as("citizen").get(f"/api/v1/gridwork/visits/{visit.pk}").status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DUE


def test_the_community_sees_a_visit_but_does_not_record_it(api_as, grid_world) -> None:
    visit = grid_world.due_in(grid_world.grid)
    api = api_as("community_staff")

    detail = api.get(f"/api/v1/gridwork/visits/{visit.pk}").json()
    assert [m["action"] for m in detail["moves"]] == ["cancel"]
    response = api.post_json(RECORD.format(visit.pk), {"answers": _answers(api, visit.pk)})
    assert response.status_code == 403


def test_cancelling_needs_a_reason_and_a_supervisor(api_as, grid_world) -> None:
    visit = grid_world.due_in(grid_world.grid)
    cancel = f"/api/v1/gridwork/visits/{visit.pk}/cancel"

    assert api_as("grid_worker").post_json(cancel, {"reason": "已搬离"}).status_code == 403
    leader = api_as("grid_leader")
    missing = leader.post_json(cancel, {"reason": ""})
    assert missing.status_code == 422
    assert "reason" in missing.content.decode()
    done = leader.post_json(cancel, {"reason": "已搬离本网格"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "cancelled"
    assert leader.post_json(cancel, {"reason": "again"}).status_code == 409


def test_a_tagged_resident_is_due_again_one_interval_after_the_visit(api_as, grid_world) -> None:
    visit = (
        Visit.objects.filter(grid=grid_world.grid, status=VisitStatus.DUE, rule__code="elderly_alone_weekly")
        .order_by("id")
        .first()
    )
    assert visit is not None
    api = api_as("grid_worker")
    detail = api.get(f"/api/v1/gridwork/visits/{visit.pk}").json()
    assert "health" in [q["key"] for q in detail["questions"]]

    api.post_json(RECORD.format(visit.pk), {"answers": _answers(api, visit.pk)}, HTTP_IDEMPOTENCY_KEY="t1")
    visits_refresh(grid_paths=[grid_world.grid.path])

    following = Visit.objects.get(rule=visit.rule, resident=visit.resident, status=VisitStatus.DUE)
    assert following.due_date == clock.local_today() + dt.timedelta(days=7)


def test_every_tagged_resident_has_one_open_visit_per_rule(demo) -> None:
    visits_refresh()
    tagged = Resident.objects.filter(tags__code="elderly_alone").count()
    open_ = Visit.objects.filter(rule__code="elderly_alone_weekly", status=VisitStatus.DUE).count()
    assert tagged == open_ > 0


def test_overdue_visits_by_grid_for_the_leader_and_the_community(api_as, grid_world) -> None:
    visit = grid_world.due_in(grid_world.grid)
    Visit.objects.filter(pk=visit.pk).update(due_date=clock.local_today() - dt.timedelta(days=3))

    for persona in ("grid_leader", "community_staff"):
        rows = api_as(persona).get("/api/v1/gridwork/visits/overdue-by-grid").json()
        assert grid_world.grid.code in [r["grid_code"] for r in rows]
        assert grid_world.other.code not in [r["grid_code"] for r in rows]
    overdue = api_as("grid_leader").get("/api/v1/gridwork/visits?overdue=true").json()
    assert visit.pk in [r["id"] for r in overdue]
    assert all(r["overdue"] for r in overdue)
    assert api_as("citizen").get("/api/v1/gridwork/visits/overdue-by-grid").json() == []


def test_an_unknown_status_is_422(api_as) -> None:
    response = api_as("grid_worker").get("/api/v1/gridwork/visits?status=nope")
    assert response.status_code == 422
    assert "status" in response.content.decode()
