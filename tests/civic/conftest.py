"""The 惠民服务 side of the demo: the persona street and community, the enterprise persona's firm."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dangqun.accounts.models import Membership
from dangqun.civic.models import CivicContact
from dangqun.regions.models import Region
from dangqun.registry.models import Business, Resident


@dataclass
class CivicWorld:
    street: Region  # street_staff's street
    community: Region  # community_staff's community
    firm: Business  # the enterprise persona's business
    resident: Resident  # the citizen persona's resident record


@pytest.fixture
def civic(demo) -> CivicWorld:  # type: ignore[no-untyped-def]
    street = Membership.objects.get(user__username="street_staff").region
    community = Membership.objects.get(user__username="community_staff").region
    firm = CivicContact.objects.get(user__username="enterprise").business
    resident = CivicContact.objects.get(user__username="citizen").resident
    assert street is not None
    assert community is not None
    assert firm is not None
    assert resident is not None
    return CivicWorld(street=street, community=community, firm=firm, resident=resident)


@pytest.fixture
def run_jobs(settings):  # type: ignore[no-untyped-def]
    """Background jobs run as soon as they are enqueued (after commit)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded materials land in a temporary media root."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()
