"""Uploads: type by content, size and pixel caps, zip bombs, metadata stripped, content-addressed storage.

Every file is built here (Pillow, zipfile, openpyxl); none comes from the data folder.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageFile

from dangqun.core import uploads
from dangqun.core.uploads import (
    UploadRejectedError,
    UploadTooLargeError,
    UploadTypeError,
    exif_gps,
    inspect_upload,
    sanitize_image,
    store_upload,
)

RED = (220, 20, 20)
BLUE = (20, 20, 220)
# 天安门广场: 39°54'27" N, 116°23'30" E.
GPS_LAT = 39 + 54 / 60 + 27 / 3600
GPS_LNG = 116 + 23 / 60 + 30 / 3600
ICC = b"not-a-real-profile" * 4

# --- builders --------------------------------------------------------------------------------------


def _gps_exif(*, orientation: int | None = None, south_west: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.DateTime] = "2026:11:22 09:30:00"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S" if south_west else "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "W" if south_west else "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 30.0),
    }
    return exif


def _halves(size: tuple[int, int] = (80, 40), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows where a rotation moved the picture."""
    image = Image.new(mode, size, BLUE)
    image.paste(Image.new(mode, (size[0] // 2, size[1]), RED), (0, 0))
    return image


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_with_gps(*, orientation: int | None = 6, size: tuple[int, int] = (80, 40)) -> bytes:
    return _encode(
        _halves(size), "JPEG", exif=_gps_exif(orientation=orientation), icc_profile=ICC, comment=b"secret"
    )


def png_bytes(mode: str = "RGB", size: tuple[int, int] = (40, 20)) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", "张三 13800000000")
    return _encode(_halves(size, mode), "PNG", exif=_gps_exif(), icc_profile=ICC, pnginfo=text)


def webp_bytes() -> bytes:
    return _encode(_halves(), "WEBP", exif=_gps_exif(), icc_profile=ICC, quality=90)


def gif_bytes() -> bytes:
    frames = [Image.new("P", (30, 20), 0), Image.new("P", (30, 20), 1)]
    palette = [*RED, *BLUE] + [0] * (256 * 3 - 6)
    for frame in frames:
        frame.putpalette(palette)
    return _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def ooxml_bytes(
    *, main_type: str = DOCX_MAIN, part: str = "word/document.xml", extra: dict[str, bytes] | None = None
) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override ContentType="{main_type}" PartName="/{part}"/>'
        "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(part, "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["诉求编号", "标题"])
    workbook.active.append(["YB-20261122-000123", "楼道堆物"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming ``width``×``height``, with a few bytes of pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel: object, color: tuple[int, int, int], tolerance: int = 40) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


# --- type detection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "key", "declared"),
    [
        ("现场照片.jpg", jpeg_with_gps, "jpeg", "image/jpeg"),
        ("IMG_0001.JPEG", jpeg_with_gps, "jpeg", "image/jpeg"),
        ("截图.png", png_bytes, "png", "image/png"),
        ("photo.webp", webp_bytes, "webp", "image/webp"),
        ("动图.gif", gif_bytes, "gif", "image/gif"),
        ("通知.pdf", lambda: PDF_BYTES, "pdf", "application/pdf"),
        ("报告.docx", ooxml_bytes, "docx", uploads.DOCX.content_type),
        ("台账.xlsx", xlsx_bytes, "xlsx", uploads.XLSX.content_type),
    ],
)
def test_type_is_decided_by_content(name, build, key, declared):
    data = build()
    checked = inspect_upload(name=name, data=data, declared_type=declared)
    assert checked.file_type.key == key
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.name == name


def test_no_extension_and_no_declared_type_still_detects_by_content():
    checked = inspect_upload(name="blob", data=png_bytes(), declared_type="application/octet-stream")
    assert checked.file_type.key == "png"
    assert (checked.width, checked.height) == (40, 20)


def test_declared_type_parameters_and_case_are_ignored():
    checked = inspect_upload(name="a.png", data=png_bytes(), declared_type="Image/PNG; charset=binary")
    assert checked.content_type == "image/png"


def test_a_jpg_that_is_a_pdf_is_415_naming_the_file():
    with pytest.raises(UploadTypeError) as caught:
        inspect_upload(name="photo.jpg", data=PDF_BYTES)
    assert caught.value.status_code == 415
    assert caught.value.message == "文件“photo.jpg”的内容不是JPEG图片（实际是PDF文档）"


def test_an_exe_renamed_png_is_415():
    exe = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run"
    )
    with pytest.raises(UploadTypeError) as caught:
        inspect_upload(name="evil.png", data=exe, declared_type="image/png")
    assert caught.value.status_code == 415
    assert "文件“evil.png”的内容不是PNG图片" in caught.value.message


def test_a_jpeg_named_exe_is_415():
    with pytest.raises(UploadTypeError, match=r"扩展名“\.exe”与内容（JPEG图片）不符"):
        inspect_upload(name="photo.exe", data=jpeg_with_gps())


def test_a_right_to_left_override_cannot_disguise_the_extension():
    with pytest.raises(UploadTypeError) as caught:
        inspect_upload(name="photo\u202egpj.exe", data=jpeg_with_gps())
    assert "\u202e" not in caught.value.message
    assert caught.value.code == "upload_type_mismatch"


def test_declared_type_that_contradicts_content_is_415():
    with pytest.raises(UploadTypeError, match="声明的类型“application/pdf”与内容（PNG图片）不符"):
        inspect_upload(name="scan", data=png_bytes(), declared_type="application/pdf")


def test_docx_named_xlsx_is_415():
    with pytest.raises(UploadTypeError, match="内容不是Excel表格（实际是Word文档）"):
        inspect_upload(name="台账.xlsx", data=ooxml_bytes())


def test_plain_text_and_empty_files_are_refused():
    with pytest.raises(UploadTypeError, match="类型不受支持"):
        inspect_upload(name="note.txt", data="你好".encode())
    with pytest.raises(UploadTypeError, match="是空文件") as caught:
        inspect_upload(name="empty.jpg", data=b"")
    assert caught.value.code == "upload_empty"


def test_heic_is_recognised_and_refused_with_advice():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    with pytest.raises(UploadTypeError, match="HEIC/HEIF格式的照片，暂不支持") as caught:
        inspect_upload(name="IMG_1234.HEIC", data=heic)
    assert caught.value.code == "upload_heic"
    assert caught.value.status_code == 415


def test_a_zip_that_is_not_an_office_document_is_415():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UploadTypeError, match="类型不受支持（ZIP压缩包）"):
        inspect_upload(name="report.docx", data=buffer.getvalue())


def test_content_types_naming_a_missing_part_is_415():
    data = ooxml_bytes()
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(rebuilt, "w") as target:
        target.writestr("[Content_Types].xml", source.read("[Content_Types].xml"))
    with pytest.raises(UploadTypeError):
        inspect_upload(name="report.docx", data=rebuilt.getvalue())


def test_macro_enabled_documents_are_refused():
    docm = ooxml_bytes(main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    with pytest.raises(UploadTypeError, match="含有宏") as caught:
        inspect_upload(name="report.docx", data=docm)
    assert caught.value.code == "upload_macro"


def test_a_truncated_zip_is_415():
    with pytest.raises(UploadTypeError, match="已损坏"):
        inspect_upload(name="report.docx", data=ooxml_bytes()[:200])


# --- sizes, pixels, zip bombs ------------------------------------------------------------------------


def test_too_large_image_is_413_with_sizes_named(settings):
    settings.DANGQUN = {
        **settings.DANGQUN,
        "UPLOAD_MAX_BYTES": {"image": 1024 * 1024, "document": 2048 * 1024},
    }
    data = jpeg_with_gps() + b"\x00" * (1024 * 1024 + 300 * 1024)
    with pytest.raises(UploadTooLargeError) as caught:
        inspect_upload(name="big.jpg", data=data)
    assert caught.value.status_code == 413
    assert caught.value.message == "文件“big.jpg”过大（1.3 MB），图片不能超过1 MB"


def test_document_cap_applies_to_documents_only(settings):
    settings.DANGQUN = {**settings.DANGQUN, "UPLOAD_MAX_BYTES": {"image": 1024, "document": 4 * 1024}}
    padded_pdf = PDF_BYTES + b"%" * 2000
    assert inspect_upload(name="a.pdf", data=padded_pdf).file_type.key == "pdf"
    with pytest.raises(UploadTooLargeError, match="文档不能超过"):
        inspect_upload(name="a.pdf", data=PDF_BYTES + b"%" * 5000)
    with pytest.raises(UploadTooLargeError, match="图片不能超过"):
        inspect_upload(name="a.png", data=png_bytes(size=(200, 200)) + b"\x00" * 2000)


def test_an_oversized_upload_names_its_size_and_is_read_no_further_than_the_cap(settings):
    settings.DANGQUN = {**settings.DANGQUN, "UPLOAD_MAX_BYTES": {"image": 1000, "document": 2000}}
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES + b"%" * 60_000, content_type="application/pdf")
    with pytest.raises(UploadTooLargeError, match=r"文件“big.pdf”过大（59 KB），文档不能超过2 KB") as caught:
        inspect_upload(name=upload.name or "", data=upload, declared_type=upload.content_type)
    assert caught.value.status_code == 413

    handle = io.BytesIO(PDF_BYTES + b"%" * 5 * 1024 * 1024)
    with pytest.raises(UploadTooLargeError, match=r"文件“stream.pdf”过大，文档不能超过2 KB"):
        inspect_upload(name="stream.pdf", data=handle)
    assert handle.tell() == 2001


def test_uploaded_file_and_file_object_inputs_are_read_from_the_start():
    upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    upload.read(10)
    assert inspect_upload(name="a.png", data=upload).file_type.key == "png"
    handle = io.BytesIO(PDF_BYTES)
    handle.read(3)
    assert inspect_upload(name="a.pdf", data=handle).size == len(PDF_BYTES)


@pytest.fixture
def no_pixel_decoding(monkeypatch):
    def refuse(self):  # type: ignore[no-untyped-def]
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize(("width", "height"), [(8000, 8000), (100_000, 100_000)])
def test_decompression_bomb_png_is_413_without_decoding_pixels(no_pixel_decoding, width, height):
    bomb = png_header_only(width, height)
    assert len(bomb) < 200
    with pytest.raises(UploadTooLargeError, match="像素过多") as caught:
        inspect_upload(name="bomb.png", data=bomb)
    assert caught.value.status_code == 413
    assert caught.value.code == "upload_too_many_pixels"


def test_pixel_cap_follows_settings(settings):
    settings.DANGQUN = {**settings.DANGQUN, "IMAGE_MAX_PIXELS": 1000}
    with pytest.raises(UploadTooLargeError, match=r"（40×40），不能超过0.1万像素"):
        inspect_upload(name="a.png", data=png_bytes(size=(40, 40)))


def test_zip_bomb_docx_is_rejected_by_compression_ratio():
    bomb = ooxml_bytes(extra={"word/media/padding.xml": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UploadTooLargeError, match="疑似压缩炸弹") as caught:
        inspect_upload(name="bomb.docx", data=bomb)
    assert caught.value.status_code == 413
    assert caught.value.code == "upload_zip_bomb"


def test_zip_bomb_docx_is_rejected_by_declared_total_size(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED_BYTES", 64 * 1024)
    parts = {f"word/media/part{i}.xml": bytes(range(256)) * 100 for i in range(4)}
    with pytest.raises(UploadTooLargeError, match="解压后过大"):
        inspect_upload(name="bomb.docx", data=ooxml_bytes(extra=parts))


def test_zip_with_too_many_entries_is_rejected(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 5)
    parts = {f"word/p{i}.xml": b"<p/>" for i in range(10)}
    with pytest.raises(UploadTooLargeError, match="条目过多"):
        inspect_upload(name="many.docx", data=ooxml_bytes(extra=parts))


# --- EXIF GPS and sanitising --------------------------------------------------------------------------


def test_exif_gps_reads_the_position_before_it_is_stripped():
    checked = inspect_upload(name="现场.jpg", data=jpeg_with_gps())
    lng, lat = exif_gps(checked) or (0.0, 0.0)
    assert lng == pytest.approx(GPS_LNG, abs=1e-6)
    assert lat == pytest.approx(GPS_LAT, abs=1e-6)

    cleaned = sanitize_image(checked)
    image = reopen(cleaned)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
    assert exif_gps(inspect_upload(name="现场.jpg", data=cleaned)) is None


def test_exif_gps_south_and_west_are_negative():
    data = _encode(_halves(), "JPEG", exif=_gps_exif(south_west=True))
    lng, lat = exif_gps(inspect_upload(name="a.jpg", data=data)) or (0.0, 0.0)
    assert lng == pytest.approx(-GPS_LNG, abs=1e-6)
    assert lat == pytest.approx(-GPS_LAT, abs=1e-6)


def test_exif_gps_is_none_without_gps_or_at_null_island():
    plain = _encode(_halves(), "JPEG")
    assert exif_gps(inspect_upload(name="a.jpg", data=plain)) is None
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}
    zero = _encode(_halves(), "JPEG", exif=exif)
    assert exif_gps(inspect_upload(name="a.jpg", data=zero)) is None
    assert exif_gps(inspect_upload(name="a.pdf", data=PDF_BYTES)) is None


def test_sanitize_applies_the_exif_orientation():
    checked = inspect_upload(name="a.jpg", data=jpeg_with_gps(orientation=6))
    assert (checked.width, checked.height) == (80, 40)
    upright = reopen(sanitize_image(checked))
    # Orientation 6: turn 90° clockwise to show. Stored 80×40 with red on the left → 40×80, red on top.
    assert upright.size == (40, 80)
    assert near(upright.getpixel((20, 10)), RED)
    assert near(upright.getpixel((20, 70)), BLUE)


@pytest.mark.parametrize(
    ("name", "build", "fmt"), [("a.png", png_bytes, "PNG"), ("a.webp", webp_bytes, "WEBP")]
)
def test_png_and_webp_keep_their_format_and_lose_all_metadata(name, build, fmt):
    checked = inspect_upload(name=name, data=build())
    assert exif_gps(checked) == (pytest.approx(GPS_LNG, abs=1e-6), pytest.approx(GPS_LAT, abs=1e-6))
    image = reopen(sanitize_image(checked))
    assert image.format == fmt
    assert dict(image.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp", "Author"} & set(image.info)
    assert near(image.getpixel((2, 2)), RED)


def test_png_with_transparency_keeps_alpha():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    checked = inspect_upload(name="a.png", data=_encode(image, "PNG"))
    assert reopen(sanitize_image(checked)).getpixel((5, 5)) == (0, 0, 0, 0)


def test_sixteen_bit_grayscale_png_is_scaled_not_clipped():
    image = Image.new("I;16", (10, 10), 32768)
    checked = inspect_upload(name="a.png", data=_encode(image, "PNG"))
    out = reopen(sanitize_image(checked))
    assert out.mode == "L"
    assert out.getpixel((5, 5)) == 128


def test_gif_becomes_png_of_its_first_frame():
    checked = inspect_upload(name="动图.gif", data=gif_bytes())
    image = reopen(sanitize_image(checked))
    assert image.format == "PNG"
    assert image.size == (30, 20)
    assert near(image.getpixel((5, 5)), RED, tolerance=0)


def test_large_images_are_downscaled_to_the_max_edge(settings):
    settings.DANGQUN = {**settings.DANGQUN, "IMAGE_MAX_EDGE": 100}
    checked = inspect_upload(name="a.jpg", data=jpeg_with_gps(orientation=6, size=(400, 200)))
    image = reopen(sanitize_image(checked))
    assert image.size == (50, 100)
    assert near(image.getpixel((25, 10)), RED)


def test_a_truncated_jpeg_is_415_when_its_pixels_are_decoded():
    data = _encode(Image.effect_noise((200, 200), 60).convert("RGB"), "JPEG")
    checked = inspect_upload(name="broken.jpg", data=data[: len(data) // 2])
    with pytest.raises(UploadTypeError, match="图片数据已损坏") as caught:
        sanitize_image(checked)
    assert caught.value.status_code == 415


def test_sanitize_refuses_a_document():
    with pytest.raises(ValueError, match="not an image"):
        sanitize_image(inspect_upload(name="a.pdf", data=PDF_BYTES))


# --- storage ----------------------------------------------------------------------------------------

STORED_PATH = re.compile(r"^cases/attachments/\d{4}/\d{2}/[0-9a-f]{64}\.(jpg|png|webp|pdf|docx|xlsx)$")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_store_is_content_addressed_and_images_keep_no_metadata(media):
    data = jpeg_with_gps()
    first = store_upload(
        checked=inspect_upload(name="../../etc/现场.jpg", data=data), folder="cases/attachments"
    )
    second = store_upload(checked=inspect_upload(name="again.jpg", data=data), folder="cases/attachments")

    assert first.path == second.path
    assert STORED_PATH.match(first.path)
    assert [p.name for p in media.rglob("*") if p.is_file()] == [Path(first.path).name]
    stored = (media / first.path).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == first.sha256 == Path(first.path).stem
    assert first.size == len(stored)
    assert first.original_name == "现场.jpg"
    assert (first.content_type, first.width, first.height) == ("image/jpeg", 40, 80)
    assert dict(reopen(stored).getexif()) == {}


def test_store_keeps_documents_byte_for_byte(media):
    data = xlsx_bytes()
    stored = store_upload(checked=inspect_upload(name="台账.xlsx", data=data), folder="cases/attachments")
    assert STORED_PATH.match(stored.path)
    assert stored.path.endswith(".xlsx")
    assert (media / stored.path).read_bytes() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.width, stored.height, stored.kind) == (None, None, "document")


def test_store_gif_is_saved_as_png(media):
    stored = store_upload(checked=inspect_upload(name="a.gif", data=gif_bytes()), folder="cases/attachments")
    assert stored.path.endswith(".png")
    assert stored.content_type == "image/png"


def test_store_refuses_a_folder_that_could_escape(media):
    checked = inspect_upload(name="a.pdf", data=PDF_BYTES)
    for folder in ("../etc", "/abs", "Cases", "a//b", ""):
        with pytest.raises(ValueError, match="upload folder"):
            store_upload(checked=checked, folder=folder)


# --- robustness -----------------------------------------------------------------------------------


def _check_everything(name: str, data: bytes) -> None:
    """Run the whole pipeline; only UploadRejectedError (413/415, naming the file) may come out."""
    error: UploadRejectedError | None = None
    try:
        checked = inspect_upload(name=name, data=data)
        exif_gps(checked)
        if checked.kind == "image":
            sanitize_image(checked)
    except UploadRejectedError as exc:
        error = exc
    if error is not None:
        assert error.status_code in (413, 415)
        assert error.message.startswith(("文件“", "图片“"))


@hypothesis_settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=4096), name=st.text(max_size=40))
def test_random_bytes_only_ever_raise_upload_rejected(data, name):
    _check_everything(name, data)


_MAGIC_PREFIXES = [
    b"\xff\xd8\xff\xe0",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"\x00\x00\x00\x18ftypheic",
]


@hypothesis_settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(_MAGIC_PREFIXES), tail=st.binary(max_size=2048))
def test_valid_magic_with_random_tail_only_ever_raises_upload_rejected(prefix, tail):
    _check_everything("upload", prefix + tail)


_VALID_FILES = {
    "a.jpg": jpeg_with_gps(),
    "a.png": png_bytes(),
    "a.webp": webp_bytes(),
    "a.gif": gif_bytes(),
    "a.docx": ooxml_bytes(),
}


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning", "ignore:Truncated File Read:UserWarning")
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(_VALID_FILES)),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    cut=st.integers(min_value=0),
)
def test_corrupted_real_files_only_ever_raise_upload_rejected(name, flips, cut):
    data = bytearray(_VALID_FILES[name])
    for position, value in flips:
        data[position % len(data)] = value
    length = len(data) - cut % len(data) if cut % 3 == 0 else len(data)
    _check_everything(name, bytes(data[:length]))
