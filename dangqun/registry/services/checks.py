"""The checks every write to a registry record shares (and a party member's): run by the record
services before ``full_clean`` (``RecordKind.clean``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

PHONE_FIELDS = frozenset({"phone", "manager_phone"})


def _grid_error(grid: Region) -> ValidationError:
    return ValidationError(
        {
            "grid": _("“%(grid)s”是%(get_level_display)s,请选择网格(第5级)")
            % {"grid": grid, "get_level_display": grid.get_level_display()}
        }
    )


def clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The checks every write path shares: a grid is a grid (level 5); an ID number and phone
    numbers are valid, and stored normalised (no blanks, an upper-case ``X``, no ``+86``).
    Raises ``ValidationError`` naming the field; otherwise returns the values to write."""
    out = dict(values)
    errors: dict[str, list[ValidationError]] = {}
    grid = out.get("grid")
    if isinstance(grid, Region) and grid.level != RegionLevel.GRID:
        errors.setdefault("grid", []).extend(_grid_error(grid).error_dict["grid"])
    if "id_number" in out:
        number = str(out["id_number"] or "").strip()
        if number:
            try:
                validate_id_number(number)
            except ValidationError as exc:
                errors.setdefault("id_number", []).append(exc)
            number = normalize_id_number(number)
        out["id_number"] = number
    for name in PHONE_FIELDS & set(out):
        phone = str(out[name] or "").strip()
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                errors.setdefault(name, []).append(exc)
            phone = normalize_phone(phone)
        out[name] = phone
    if errors:
        raise ValidationError(errors)
    return out
