"""Duplicates (并单): a case about the same problem at the same place within the window is offered to
the dispatcher (API, case page, command centre queue) and merged with one click, or by the system
above the configured score; an unrelated or empty message is never merged."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import User
from dangqun.cases.enums import CaseChannel, CaseStatus
from dangqun.cases.models import Case, Category
from dangqun.cases.recipients import reporters
from dangqun.cases.services.intake import case_create
from dangqun.core.models import AuditEvent
from dangqun.notify.models import Notification
from dangqun.regions.models import RegionLevel
from dangqun.registry.models import Building
from dangqun.triage import address_index

LEAK = "{place}楼下的下水井堵塞了,污水漫到路面上,臭味很大,请尽快疏通下水道。"
LEAK_AGAIN = "{place}门口下水道堵了好几天,污水漫到路上,味道很臭,希望尽快疏通。"
OTHER = "{place}有人深夜在广场跳舞,音响声音太大,影响老人孩子休息。"


@pytest.fixture(autouse=True)
def _fresh_index():  # type: ignore[no-untyped-def]
    address_index.invalidate()
    yield
    address_index.invalidate()


@pytest.fixture
def place(demo) -> str:  # type: ignore[no-untyped-def]
    """A building address the locator places with confidence (so cases land in one grid)."""
    for building in Building.objects.select_related("grid__parent").order_by("code"):
        parent = building.grid.parent
        if parent.level == RegionLevel.COMPOUND:
            return f"{parent.name}{building.name}"
    pytest.skip("the demo district has no compound")


def _citizen_case(client, title: str, text: str, address: str) -> str:  # type: ignore[no-untyped-def]
    response = client.post_json(
        "/api/v1/cases", {"channel": "app", "title": title, "description": text, "address": address}
    )
    assert response.status_code == 201, response.content
    return response.json()["code"]


def _hotline_case(client, title: str, text: str, address: str) -> str:  # type: ignore[no-untyped-def]
    response = client.post_json(
        "/api/v1/cases",
        {
            "channel": "hotline_12345",
            "reporter_phone": "13900000000",
            "title": title,
            "description": text,
            "address": address,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()["code"]


def test_the_dispatcher_is_offered_the_older_case_about_the_same_problem(api_as, place) -> None:
    dispatcher, citizen = api_as("dispatcher"), api_as("citizen")
    first = _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    other = _hotline_case(dispatcher, "广场舞噪音扰民", OTHER.format(place=place), place)
    second = _citizen_case(citizen, "下水道堵了污水漫到路上", LEAK_AGAIN.format(place=place), place)

    found = dispatcher.get(f"/api/v1/triage/cases/{second}/duplicates").json()
    codes = [d["code"] for d in found]
    assert codes[0] == first
    assert other not in codes
    assert found[0]["place"] == 1.0
    assert found[0]["text"] >= 0.35
    assert found[0]["score"] >= 0.45

    assert citizen.get(f"/api/v1/triage/cases/{second}/duplicates").status_code == 403
    assert dispatcher.get("/api/v1/triage/cases/YB-00000000-999999/duplicates").status_code == 404


def test_one_click_merge_on_the_case_page_informs_every_reporter(
    api_as, place, django_capture_on_commit_callbacks
) -> None:
    dispatcher, citizen = api_as("dispatcher"), api_as("citizen")
    main = _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    dup = _citizen_case(citizen, "下水道堵了污水漫到路上", LEAK_AGAIN.format(place=place), place)

    page = dispatcher.get(f"/cases/{dup}/").content.decode()
    assert 'id="duplicates"' in page
    assert f'value="{main}"' in page
    assert 'id="duplicates"' not in citizen.get(f"/cases/{dup}/").content.decode()

    case = Case.objects.get(code=dup)
    before = Notification.objects.filter(kind="case.merged").count()
    with django_capture_on_commit_callbacks(execute=True):
        response = dispatcher.post(
            f"/cases/{dup}/do/merge/",
            {"main_case": main, "expected_version": case.version, "reason": "同一问题"},
            headers={"X-CSRFToken": dispatcher.csrf_token},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MERGED
    assert case.merged_into.code == main
    reporter = case.reporter
    assert reporter is not None
    assert Notification.objects.filter(kind="case.merged", recipient=reporter).count() == before + 1
    assert reporter in reporters(Case.objects.get(code=main))  # they follow the main case from now on


def test_the_command_centre_queue_shows_the_suggestion_with_a_merge_button(api_as, place) -> None:
    dispatcher = api_as("dispatcher")
    main = _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    dup = _citizen_case(api_as("citizen"), "下水道堵了污水漫到路上", LEAK_AGAIN.format(place=place), place)
    page = dispatcher.get("/command/").content.decode()
    assert f'id="duplicates-{dup}"' in page
    assert f"/cases/{dup}/do/merge/" in page
    assert f'value="{main}"' in page


def test_suggestions_cost_the_same_queries_for_many_candidates(api_as, place) -> None:
    dispatcher = api_as("dispatcher")
    target = _citizen_case(api_as("citizen"), "下水道堵了污水漫到路上", LEAK_AGAIN.format(place=place), place)
    url = f"/api/v1/triage/cases/{target}/duplicates"
    _hotline_case(dispatcher, "下水井堵塞", LEAK.format(place=place), place)
    with CaptureQueriesContext(connection) as few:
        assert len(dispatcher.get(url).json()) == 1
    for i in range(6):
        _hotline_case(dispatcher, f"下水井堵塞{i}", LEAK.format(place=place), place)
    with CaptureQueriesContext(connection) as many:
        assert len(dispatcher.get(url).json()) == 3
    assert len(many) == len(few)

    dispatcher.get("/command/")  # the dashboard's own caches (KPI rollups) warm up on the first visit
    with CaptureQueriesContext(connection) as page_few:
        dispatcher.get("/command/")
    for i in range(4):
        _hotline_case(dispatcher, f"广场舞噪音{i}", OTHER.format(place=place), place)
    with CaptureQueriesContext(connection) as page_many:
        dispatcher.get("/command/")
    assert len(page_many) == len(page_few)


def _auto(score: str):  # type: ignore[no-untyped-def]
    return override_settings(DANGQUN={**settings.DANGQUN, "TRIAGE_AUTO_MERGE_SCORE": score})


def test_auto_merge_is_off_by_default(api_as, place, django_capture_on_commit_callbacks) -> None:
    dispatcher = api_as("dispatcher")
    _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    with django_capture_on_commit_callbacks(execute=True):
        dup = _citizen_case(api_as("citizen"), "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    assert Case.objects.get(code=dup).status == CaseStatus.SUBMITTED


def test_above_the_threshold_the_system_merges_into_the_older_case(
    api_as, place, django_capture_on_commit_callbacks
) -> None:
    dispatcher = api_as("dispatcher")
    main = _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    with _auto("0.7"), django_capture_on_commit_callbacks(execute=True):
        dup = _citizen_case(api_as("citizen"), "下水井堵塞污水漫溢", LEAK.format(place=place), place)
        noise = _citizen_case(api_as("citizen"), "广场舞噪音扰民", OTHER.format(place=place), place)
        tiny_a = _citizen_case(api_as("citizen"), "啊", "啊", place)
        tiny_b = _citizen_case(api_as("citizen"), "啊", "啊", place)
    case = Case.objects.get(code=dup)
    assert case.status == CaseStatus.MERGED
    assert case.merged_into.code == main
    assert AuditEvent.objects.filter(event_type="triage.auto_merged", target_id=str(case.pk)).exists()
    for code in (noise, tiny_a, tiny_b):
        assert Case.objects.get(code=code).status == CaseStatus.SUBMITTED
    assert Case.objects.get(code=main).status == CaseStatus.SUBMITTED


def test_auto_merge_also_covers_cases_the_classifier_never_saw(
    api_as, place, django_capture_on_commit_callbacks
) -> None:
    """A hotline operator who picks the category (as the hotline import and Open311 do) skips the
    classifier: the duplicate is still folded into the older case."""
    dispatcher = api_as("dispatcher")
    category = Category.objects.filter(is_active=True).order_by("path").first()
    assert category is not None
    main = _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    with _auto("0.7"), django_capture_on_commit_callbacks(execute=True):
        response = dispatcher.post_json(
            "/api/v1/cases",
            {
                "channel": "hotline_8890",
                "reporter_phone": "13900000001",
                "category": category.code,
                "title": "下水井堵塞污水漫溢",
                "description": LEAK.format(place=place),
                "address": place,
            },
        )
    assert response.status_code == 201, response.content
    case = Case.objects.get(code=response.json()["code"])
    assert "triage" not in case.suggested_route  # the classifier was not asked
    assert case.category == category
    assert case.status == CaseStatus.MERGED
    assert case.merged_into.code == main


def test_a_proactive_case_is_never_folded_back_into_a_member(
    api_as, place, django_capture_on_commit_callbacks
) -> None:
    """The command centre makes a proactive case *from* duplicates: the system must not merge it away."""
    dispatcher = api_as("dispatcher")
    main = _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    actor = User.objects.get(username="dispatcher")
    with _auto("0.5"), django_capture_on_commit_callbacks(execute=True):
        proactive = case_create(
            actor=actor,
            channel=CaseChannel.PROACTIVE,
            title="下水井堵塞污水漫溢",
            description=LEAK.format(place=place),
            address=place,
        ).case
        same = _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=place), place)
    assert Case.objects.get(pk=proactive.pk).status == CaseStatus.SUBMITTED
    # The same words by phone are merged (into either: a proactive case may well take duplicates).
    assert Case.objects.get(code=same).status == CaseStatus.MERGED
    assert Case.objects.get(code=same).merged_into.code in (main, proactive.code)


def test_the_same_words_elsewhere_are_not_merged(api_as, django_capture_on_commit_callbacks) -> None:
    compounds = [
        f"{b.grid.parent.name}{b.name}"
        for b in Building.objects.select_related("grid__parent").order_by("code")
        if b.grid.parent.level == RegionLevel.COMPOUND
    ]
    far = [a for a in compounds if a.split("小区")[0] != compounds[0].split("小区")[0]]
    if not far:
        pytest.skip("one compound only")
    dispatcher = api_as("dispatcher")
    _hotline_case(dispatcher, "下水井堵塞污水漫溢", LEAK.format(place=""), compounds[0])
    with _auto("0.5"), django_capture_on_commit_callbacks(execute=True):
        code = _citizen_case(api_as("citizen"), "下水井堵塞污水漫溢", LEAK.format(place=""), far[-1])
    assert Case.objects.get(code=code).status == CaseStatus.SUBMITTED


@pytest.mark.parametrize("text", ["啊", "😀" * 30, "Hello there, the drain is blocked", "堵" * 5000])
def test_odd_messages_get_suggestions_without_errors(api_as, place, text) -> None:
    dispatcher = api_as("dispatcher")
    _hotline_case(dispatcher, "下水井堵塞", LEAK.format(place=place), place)
    code = _citizen_case(api_as("citizen"), text[:100], text, place)
    response = dispatcher.get(f"/api/v1/triage/cases/{code}/duplicates")
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert dispatcher.get(f"/cases/{code}/").status_code == 200


def test_the_queue_batch_ranks_exactly_as_one_case_at_a_time(api_as, place) -> None:  # type: ignore[no-untyped-def]
    """``duplicates_for`` (one sparse product over the pool) agrees with ``rank`` case by case."""
    from dangqun.triage.duplicates import candidate_query, duplicates_for, rank

    dispatcher, citizen = api_as("dispatcher"), api_as("citizen")
    for i in range(3):
        _hotline_case(dispatcher, f"下水井堵塞{i}", LEAK.format(place=place), place)
        _citizen_case(citizen, f"下水道堵了{i}", LEAK_AGAIN.format(place=place), place)
        _citizen_case(citizen, f"广场舞噪音{i}", OTHER.format(place=place), place)
    _citizen_case(citizen, "啊", "啊", place)  # no words in common with anything
    queue = list(Case.objects.filter(status=CaseStatus.SUBMITTED).order_by("id"))
    pool = candidate_query(queue)

    batch = duplicates_for(queue)

    for case in queue:
        one = rank(case, pool)
        assert [(d.case.pk, round(d.score, 9), round(d.text, 9)) for d in batch[case.pk]] == [
            (d.case.pk, round(d.score, 9), round(d.text, 9)) for d in one
        ]
    assert any(batch[c.pk] for c in queue)
