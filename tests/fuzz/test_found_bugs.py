"""Server errors the fuzzer found, kept as plain regression tests (each was a 500)."""

import pytest

from dangqun.cases.models import Case


def test_an_unknown_coordinate_system_is_a_422_naming_it(api_as):
    citizen = api_as("citizen")

    response = citizen.post_json(
        "/api/v1/cases",
        {
            "channel": "app",
            "title": "路灯不亮",
            "description": "小区门口路灯不亮",
            "lng": 123.4,
            "lat": 41.1,
            "crs": "Ü",
        },
    )

    assert response.status_code == 422
    assert "未知坐标系" in response.json()["detail"]


@pytest.mark.parametrize("move", ["extension", "dispatch", "rate", "merge"])
def test_a_move_with_required_fields_and_no_body_is_a_422(api_as, move):
    dispatcher = api_as("dispatcher")
    code = Case.objects.order_by("pk").values_list("code", flat=True).first()

    url = f"/api/v1/cases/{code}/{move}"

    empty_json = dispatcher.post_json(url)
    no_body = dispatcher.generic("POST", url, b"", headers={"X-CSRFToken": dispatcher.csrf_token})

    assert empty_json.status_code == 422
    assert no_body.status_code == 422
    assert no_body.json()["detail"]


def test_a_form_body_where_json_is_expected_is_a_415(api_as):
    dispatcher = api_as("dispatcher")
    code = Case.objects.order_by("pk").values_list("code", flat=True).first()

    response = dispatcher.post(
        f"/api/v1/cases/{code}/note", {"reason": "x"}, headers={"X-CSRFToken": dispatcher.csrf_token}
    )

    assert response.status_code == 415
    assert "JSON" in response.json()["detail"]
