"""Masking of personal data, and the ID-number (GB 11643) and phone validators."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.regions.models import Region
from dangqun.registry.models import Resident
from dangqun.registry.validators import id_number_check_char, validate_id_number, validate_phone

from .conftest import make_id_number


def test_masks_keep_the_first_three_and_last_four() -> None:
    assert mask_id_number("110101199001011234") == "110***********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_id_number(None) == ""
    assert mask_phone("1234567") == "*******"


@given(st.text(min_size=8, max_size=30))
def test_a_mask_never_shows_more_than_seven_characters(value: str) -> None:
    masked = mask_phone(value)
    text = value.strip()
    assert len(masked) == len(text)
    assert sum(1 for m in masked if m != "*") <= 7
    if len(text) > 7:
        assert masked[3:-4] == "*" * (len(text) - 7)


def test_known_id_numbers_validate() -> None:
    # The check characters of these published examples are 2 and X.
    assert id_number_check_char("11010519491231002") == "X"
    validate_id_number("11010519491231002X")
    validate_id_number("11010519491231002x")
    validate_id_number(make_id_number("44030420000229123"))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "格式"),
        ("1101051949123100AX", "格式"),
        ("110105194913310023", "出生日期"),
        (make_id_number("11010530000101001")[:18], "出生日期"),
    ],
)
def test_bad_id_numbers_are_rejected_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        validate_id_number(value)


@given(st.from_regex(r"\A\d{6}(19[5-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}\Z"))
def test_every_computed_check_character_validates_and_every_other_fails(first17: str) -> None:
    validate_id_number(first17 + id_number_check_char(first17))
    for wrong in "0123456789X":
        if wrong != id_number_check_char(first17):
            with pytest.raises(ValidationError):
                validate_id_number(first17 + wrong)


@pytest.mark.parametrize(
    "value", ["13812345678", "+86 138 1234 5678", "0411-82345678", "01012345678", "0411-8234567-123"]
)
def test_good_phones(value: str) -> None:
    validate_phone(value)


@pytest.mark.parametrize("value", ["12345", "12812345678", "138123456789", "abc", "82345678"])
def test_bad_phones(value: str) -> None:
    with pytest.raises(ValidationError, match="电话号码"):
        validate_phone(value)


def test_resident_admin_form_checks_id_number_and_grid_level(
    tree: dict[str, Region], admin_client: Client
) -> None:
    url = reverse("admin:registry_resident_add")
    data = {"name": "张三", "gender": "M", "ethnicity": "汉族", "grid": tree["grid_a"].pk}

    bad_id = admin_client.post(url, {**data, "id_number": "110105194912310021"})
    not_a_grid = admin_client.post(url, {**data, "grid": tree["community"].pk})
    good = admin_client.post(url, {**data, "id_number": "11010519491231002x", "phone": "13812345678"})

    assert bad_id.status_code == 200
    assert "校验位" in bad_id.content.decode()
    assert not_a_grid.status_code == 200
    assert "请选择网格" in not_a_grid.content.decode()
    assert good.status_code == 302
    assert Resident.objects.get(grid=tree["grid_a"]).id_number == "11010519491231002X"
