"""Audio and video uploads (the study library's): accepted by content only where a caller allows
media, capped as ``media``, stored as they came; refused everywhere else as before."""

from __future__ import annotations

import pytest
from django.core.files.storage import InMemoryStorage
from django.test import override_settings

from dangqun.core.uploads import UploadTooLargeError, UploadTypeError, inspect_upload, store_upload

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 400
MP3_FRAME = b"\xff\xfb\x90\x00" + b"\x00" * 400
M4A = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 200
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


@pytest.mark.parametrize(
    ("name", "data", "key", "content_type"),
    [
        ("讲话.mp3", MP3, "mp3", "audio/mpeg"),
        ("frame.mp3", MP3_FRAME, "mp3", "audio/mpeg"),
        ("党课.m4a", M4A, "m4a", "audio/mp4"),
        ("党课.mp4", MP4, "mp4", "video/mp4"),
        ("noext", MP4, "mp4", "video/mp4"),
    ],
)
def test_media_is_decided_by_content_when_allowed(
    name: str, data: bytes, key: str, content_type: str
) -> None:
    checked = inspect_upload(name=name, data=data, allow_media=True)
    assert checked.file_type.key == key
    assert checked.content_type == content_type
    stored = store_upload(checked=checked, folder="party/study", storage=InMemoryStorage())
    assert stored.path.endswith(f".{checked.file_type.extension}")
    assert stored.size == len(data)  # stored as it came, never re-encoded


@pytest.mark.parametrize("data", [MP3, M4A, MP4])
def test_media_is_refused_where_not_allowed(data: bytes) -> None:
    with pytest.raises(UploadTypeError):
        inspect_upload(name="clip.bin", data=data)


def test_media_name_must_match_its_content() -> None:
    with pytest.raises(UploadTypeError, match="MP4视频"):
        inspect_upload(name="讲话.mp4", data=MP3, allow_media=True)


def test_heic_is_still_heic_with_media_allowed() -> None:
    with pytest.raises(UploadTypeError) as refused:
        inspect_upload(name="photo.heic", data=HEIC, allow_media=True)
    assert refused.value.code == "upload_heic"


def test_images_only_ignores_media() -> None:
    with pytest.raises(UploadTypeError) as refused:
        inspect_upload(name="a.mp3", data=MP3, images_only=True, allow_media=True)
    assert refused.value.code == "upload_not_an_image"


@override_settings(DANGQUN={"UPLOAD_MAX_BYTES": {"media": 300}})
def test_media_has_its_own_size_cap() -> None:
    with pytest.raises(UploadTooLargeError, match="音视频"):
        inspect_upload(name="讲话.mp3", data=MP3, allow_media=True)
