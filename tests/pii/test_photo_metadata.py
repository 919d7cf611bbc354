"""A photo sent with a case keeps what the case needs (its pixels, upright) and loses the rest: a
JPEG carrying GPS, a camera comment and an ICC profile comes back through the API without any of
them, turned as its EXIF orientation said."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from dangqun.accounts.models import Membership, Role
from dangqun.core.uploads import exif_gps, inspect_upload
from tests.core.test_uploads import BLUE, RED, jpeg_with_gps, near, reopen


def test_a_photo_with_gps_exif_comes_back_upright_and_without_metadata(api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    original = jpeg_with_gps(orientation=6)  # stored 80×40, red left: shown 40×80, red on top
    assert exif_gps(inspect_upload(name="现场.jpg", data=original)) is not None
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    citizen = api_as("citizen")
    case = citizen.post_json(
        "/api/v1/cases",
        {
            "channel": "app",
            "case_type": "help",
            "title": "井盖破损",
            "description": "小区门口井盖破损",
            "lng": grid.centroid_lng,
            "lat": grid.centroid_lat,
        },
    ).json()

    upload = citizen.post(
        f"/api/v1/cases/{case['code']}/attachments",
        {"file": SimpleUploadedFile("现场.jpg", original, content_type="image/jpeg")},
        headers={"X-CSRFToken": citizen.csrf_token},
    )
    assert upload.status_code == 201, upload.content
    downloaded = b"".join(citizen.get(upload.json()["url"]).streaming_content)

    image = reopen(downloaded)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}  # no GPS, no camera, no orientation tag left to apply twice
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
    assert b"secret" not in downloaded
    assert exif_gps(inspect_upload(name="back.jpg", data=downloaded)) is None
    assert image.size == (40, 80)
    assert near(image.getpixel((20, 10)), RED)
    assert near(image.getpixel((20, 70)), BLUE)
