"""Fixtures for the admin tests: a superuser client and a small region tree ending in grids."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import openpyxl
import pytest
from django.test import Client

from dangqun.accounts.models import User
from dangqun.core.fields import join_path
from dangqun.regions.models import Region
from dangqun.registry.models import Building, Household, Resident, ResidentTag
from dangqun.registry.validators import id_number_check_char

PASSWORD = "Admin-test-2026!"


def make_id_number(first17: str) -> str:
    """A valid ID number from its first 17 digits (address code, birth date, sequence)."""
    return first17 + id_number_check_char(first17)


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _region(code: str, name: str, kind: str, level: int, parent: Region | None) -> Region:
    return Region.objects.create(
        code=code,
        name=name,
        kind=kind,
        level=level,
        parent=parent,
        path=join_path(parent.path if parent else None, code),
    )


@pytest.fixture
def tree(db: None) -> dict[str, Region]:
    """District → street → community → compound → two grids."""
    district = _region("T21", "测试区", "district", 1, None)
    street = _region("T2101", "测试街道", "street", 2, district)
    community = _region("T210101", "测试社区", "community", 3, street)
    compound = _region("T21010101", "测试小区", "compound", 4, community)
    grid_a = _region("T2101010101", "第一网格", "grid", 5, compound)
    grid_b = _region("T2101010102", "第二网格", "grid", 5, compound)
    return {
        "district": district,
        "street": street,
        "community": community,
        "compound": compound,
        "grid_a": grid_a,
        "grid_b": grid_b,
    }


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(username="admin-root", password=PASSWORD, display_name="系统管理员")


@pytest.fixture
def admin_client(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def staff_client_factory(db: None) -> Callable[..., tuple[Client, User]]:
    """``staff_client_factory("registry.view_resident", ...)``: a logged-in staff user with those perms."""
    from django.contrib.auth.models import Permission

    def make(*perms: str, username: str = "staff") -> tuple[Client, User]:
        user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        client = Client()
        client.force_login(user)
        return client, User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def fifty_residents(tree: dict[str, Region]) -> None:
    grid = tree["grid_a"]
    tags = [ResidentTag.objects.create(code=f"tag{i}", name=f"标签{i}") for i in range(3)]
    for b in range(50):
        building = Building.objects.create(code=f"B{b:03d}", name=f"{b}号楼", grid=grid)
        household = Household.objects.create(code=f"H{b:03d}", building=building, grid=grid, room="101")
        resident = Resident.objects.create(
            household=household,
            grid=grid,
            name=f"居民{b}",
            gender="M" if b % 2 else "F",
            id_number=make_id_number(f"11010119900101{b:03d}"),
            phone=f"138{b:08d}",
        )
        resident.tags.set(tags[: b % 3])
