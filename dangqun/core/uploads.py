"""Safe file uploads: decide the type by content, cap sizes, strip image metadata, store by hash.

The flow for an attachment::

    checked = inspect_upload(name=f.name, data=f, declared_type=f.content_type)  # 413 / 415
    gps = exif_gps(checked)            # read the photo's GPS before it is stripped (may be None)
    stored = store_upload(checked=checked, folder="cases/attachments")

``inspect_upload`` trusts nothing the client says: the type comes from the first bytes of the content
(magic numbers), and the file name's extension and the browser's Content-Type must agree with it.
Allowed: JPEG, PNG, WebP and GIF images; PDF, Word (.docx) and Excel (.xlsx) documents; and, only
where a caller asks for them (``allow_media=True``: the study library), MP3/M4A audio and MP4 video,
stored as they came (no re-encoding). HEIC/HEIF
(iPhone photos) is recognised and refused with a message saying how to send JPEG instead, because
the Pillow build here cannot decode it. Sizes are capped per kind (``DANGQUN["UPLOAD_MAX_BYTES"]``),
images also by pixel count, read from the header before any pixel is decoded, and Office files by the
uncompressed sizes their ZIP directory declares (zip bombs).

``store_upload`` re-encodes every image (``sanitize_image``): the EXIF orientation is applied, then
all metadata (EXIF with GPS, XMP, ICC, comments) is dropped and the image is downscaled to
``DANGQUN["IMAGE_MAX_EDGE"]``. Files are saved through Django's default storage under
``<folder>/YYYY/MM/<sha256>.<ext>``: the name is the hash of the stored bytes, never the user's name,
so the same file uploaded twice in a month is stored once.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, ImageOps

from dangqun.core.errors import DomainError

__all__ = [
    "CheckedUpload",
    "FileType",
    "StoredFile",
    "UploadKind",
    "UploadRejectedError",
    "UploadTooLargeError",
    "UploadTypeError",
    "exif_gps",
    "inspect_upload",
    "sanitize_image",
    "store_upload",
]

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = {"image": 10 * MIB, "document": 20 * MIB, "media": 100 * MIB}
DEFAULT_IMAGE_MAX_PIXELS = 40_000_000
DEFAULT_IMAGE_MAX_EDGE = 2560
JPEG_QUALITY = 85
WEBP_QUALITY = 85

# Office files are ZIP archives; their directory declares each entry's uncompressed size. A real
# .docx/.xlsx compresses its XML about 5-20 times; a zip bomb about 1000 times.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNCOMPRESSED_BYTES = 256 * MIB
ZIP_MAX_RATIO = 200
ZIP_RATIO_CHECK_FROM_BYTES = 1 * MIB
CONTENT_TYPES_MAX_BYTES = 1 * MIB

DISPLAY_NAME_MAX_CHARS = 200
FOLDER_RE = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*$")
IGNORED_DECLARED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})


class UploadRejectedError(DomainError):
    """An upload that may not be stored; the message names the file and the problem."""

    status_code = 415


class UploadTooLargeError(UploadRejectedError):
    status_code = 413

    def __init__(self, message: str, *, code: str = "upload_too_large") -> None:
        super().__init__(message, code=code)


class UploadTypeError(UploadRejectedError):
    status_code = 415

    def __init__(self, message: str, *, code: str = "upload_type_not_allowed") -> None:
        super().__init__(message, code=code)


class UploadKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    MEDIA = "media"  # audio and video, accepted only with ``allow_media``


KIND_LABELS = {
    UploadKind.IMAGE: gettext_lazy("图片"),
    UploadKind.DOCUMENT: gettext_lazy("文档"),
    UploadKind.MEDIA: gettext_lazy("音视频"),
}


@dataclass(frozen=True)
class FileType:
    """An allowed type: what the content is, the extensions and Content-Types that may claim it."""

    key: str
    kind: UploadKind
    label: str | Promise
    content_type: str
    extensions: tuple[str, ...]
    content_type_aliases: tuple[str, ...] = ()
    pillow_format: str = ""

    @property
    def extension(self) -> str:
        return self.extensions[0]

    def accepts_declared_type(self, declared: str) -> bool:
        return declared == self.content_type or declared in self.content_type_aliases


JPEG = FileType(
    "jpeg",
    UploadKind.IMAGE,
    gettext_lazy("JPEG图片"),
    "image/jpeg",
    ("jpg", "jpeg", "jpe", "jfif"),
    ("image/jpg", "image/pjpeg"),
    "JPEG",
)
PNG = FileType(
    "png",
    UploadKind.IMAGE,
    gettext_lazy("PNG图片"),
    "image/png",
    ("png",),
    ("image/x-png", "image/apng"),
    "PNG",
)
WEBP = FileType("webp", UploadKind.IMAGE, gettext_lazy("WebP图片"), "image/webp", ("webp",), (), "WEBP")
GIF = FileType("gif", UploadKind.IMAGE, gettext_lazy("GIF图片"), "image/gif", ("gif",), (), "GIF")
PDF = FileType(
    "pdf", UploadKind.DOCUMENT, gettext_lazy("PDF文档"), "application/pdf", ("pdf",), ("application/x-pdf",)
)
_ZIP_ALIASES = ("application/zip", "application/x-zip-compressed")
DOCX = FileType(
    "docx",
    UploadKind.DOCUMENT,
    gettext_lazy("Word文档"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    _ZIP_ALIASES,
)
XLSX = FileType(
    "xlsx",
    UploadKind.DOCUMENT,
    gettext_lazy("Excel表格"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
    _ZIP_ALIASES,
)
MP3 = FileType("mp3", UploadKind.MEDIA, gettext_lazy("MP3音频"), "audio/mpeg", ("mp3",), ("audio/mp3",))
M4A = FileType(
    "m4a", UploadKind.MEDIA, gettext_lazy("M4A音频"), "audio/mp4", ("m4a",), ("audio/x-m4a", "audio/m4a")
)
MP4 = FileType(
    "mp4", UploadKind.MEDIA, gettext_lazy("MP4视频"), "video/mp4", ("mp4", "m4v"), ("video/x-m4v",)
)
ALLOWED_TYPES: tuple[FileType, ...] = (JPEG, PNG, WEBP, GIF, PDF, DOCX, XLSX)
MEDIA_TYPES: tuple[FileType, ...] = (MP3, M4A, MP4)

# Extensions of types we recognise but refuse, so that a message can say what the name claims.
_REFUSED_EXTENSION_LABELS = {
    "heic": gettext_lazy("HEIC照片"),
    "heif": gettext_lazy("HEIF照片"),
    "docm": gettext_lazy("含宏的Word文档"),
    "xlsm": gettext_lazy("含宏的Excel表格"),
    "doc": gettext_lazy("旧版Word文档"),
    "xls": gettext_lazy("旧版Excel表格"),
    "zip": gettext_lazy("ZIP压缩包"),
    "txt": gettext_lazy("文本文件"),
}
_ALLOWED_EXTENSION_LABELS = {ext: t.label for t in ALLOWED_TYPES for ext in t.extensions}
_MEDIA_EXTENSION_LABELS = {ext: t.label for t in MEDIA_TYPES for ext in t.extensions}
_EXTENSION_LABELS = _ALLOWED_EXTENSION_LABELS | _REFUSED_EXTENSION_LABELS | _MEDIA_EXTENSION_LABELS

# Main-part content types in [Content_Types].xml that make a ZIP a .docx or an .xlsx.
_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OOXML_MACRO_TYPES = frozenset(
    {
        "application/vnd.ms-word.document.macroenabled.main+xml",
        "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
        "application/vnd.ms-excel.sheet.macroenabled.main+xml",
        "application/vnd.ms-excel.template.macroenabled.main+xml",
    }
)
_OVERRIDE_RE = re.compile(rb"<(?:[\w.-]+:)?Override\b([^>]*)>", re.IGNORECASE)
_ATTR_RE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")

_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_M4A_BRANDS = frozenset({b"M4A ", b"M4B "})
_MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "})
_MP3_FRAME_SYNC = frozenset({b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xfa"})

# Unicode controls that can disguise a name ("photo\u202egpj.exe" shows as "photoexe.jpg").
_UNSAFE_NAME_CHARS = re.compile("[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose type and size were checked. ``name`` is for display only, never a path."""

    name: str
    file_type: FileType
    size: int
    sha256: str
    data: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None

    @property
    def kind(self) -> UploadKind:
        return self.file_type.kind

    @property
    def content_type(self) -> str:
        return self.file_type.content_type


@dataclass(frozen=True)
class StoredFile:
    """Where an upload was saved and what was saved (for images: the re-encoded bytes)."""

    path: str
    size: int
    sha256: str
    content_type: str
    original_name: str
    width: int | None
    height: int | None
    kind: UploadKind


# --- settings -------------------------------------------------------------------------------------


def _domain_setting(key: str, default: Any) -> Any:
    return getattr(settings, "DANGQUN", {}).get(key, default)


def _max_bytes(kind: UploadKind) -> int:
    caps = {**DEFAULT_MAX_BYTES, **_domain_setting("UPLOAD_MAX_BYTES", {})}
    return int(caps[kind.value])


def _max_pixels() -> int:
    return int(_domain_setting("IMAGE_MAX_PIXELS", DEFAULT_IMAGE_MAX_PIXELS))


def _max_edge() -> int:
    return int(_domain_setting("IMAGE_MAX_EDGE", DEFAULT_IMAGE_MAX_EDGE))


def _size_note(data: object, cap: int) -> str:
    """The full size of an oversized upload, as "（12.3 MB）", when known without reading it all."""
    if isinstance(data, bytes | bytearray | memoryview):
        size: object = len(data)
    else:
        size = getattr(data, "size", None)
    return f"（{_megabytes(size)}）" if isinstance(size, int) and size > cap else ""


def _megabytes(size: int) -> str:
    if size < MIB:
        return f"{math.ceil(size / 1024)} KB"
    value = size / MIB
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"


# --- names ----------------------------------------------------------------------------------------


def _display_name(name: str) -> str:
    """The user's file name made safe to show: no folders, no control or direction characters."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = _UNSAFE_NAME_CHARS.sub("", base).strip().strip(".").strip()
    if len(base) > DISPLAY_NAME_MAX_CHARS:
        stem, dot, ext = base.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        base = (
            f"{(stem if keep else base)[: DISPLAY_NAME_MAX_CHARS - len(keep) - 1]}{'.' if keep else ''}{keep}"
        )
    return base or _("未命名文件")


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# --- reading --------------------------------------------------------------------------------------

UploadData = bytes | bytearray | memoryview | IO[bytes] | File


def _read_at_most(data: UploadData, limit: int) -> bytes:
    """At most ``limit`` bytes of the upload (from its start when it can seek)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:limit])
    if isinstance(data, File):
        buffer = bytearray()
        for chunk in data.chunks():
            if not isinstance(chunk, bytes):
                raise TypeError("an upload must be opened in binary mode")
            buffer += chunk
            if len(buffer) >= limit:
                break
        return bytes(buffer[:limit])
    if data.seekable():
        data.seek(0)
    buffer = bytearray()
    while len(buffer) < limit:
        chunk = data.read(min(limit - len(buffer), MIB))
        if not chunk:
            break
        buffer += chunk
    return bytes(buffer)


# --- sniffing -------------------------------------------------------------------------------------


def _ftyp_brands(head: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO-BMFF ``ftyp`` box at the start, else nothing."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return set()
    box_size = int.from_bytes(head[:4], "big")
    end = min(max(box_size, 16), len(head), 4096)
    brands = {head[8:12]}
    brands.update(head[offset : offset + 4] for offset in range(16, end - 3, 4))
    return brands


_MAGIC: tuple[tuple[bytes, FileType | str], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"%PDF-", PDF),
    (b"PK\x03\x04", "ZIP"),
)


def _sniff(head: bytes) -> FileType | str | None:
    """The allowed type the first bytes show; "ZIP", "HEIC" or the Chinese name of a refused one; None."""
    for magic, found in _MAGIC:
        if head.startswith(magic):
            return found
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    brands = _ftyp_brands(head)
    if brands & _AVIF_BRANDS:
        return _("AVIF图片")
    return "HEIC" if brands & _HEIF_BRANDS else None


def _sniff_media(head: bytes) -> FileType | None:
    """MP3, M4A or MP4 by the first bytes (an ID3 tag or an MPEG frame; an ISO-BMFF ``ftyp`` box)."""
    if head.startswith(b"ID3") or head[:2] in _MP3_FRAME_SYNC:
        return MP3
    brands = _ftyp_brands(head)
    if head[8:12] in _M4A_BRANDS:
        return M4A
    return MP4 if brands & _MP4_BRANDS and not brands & (_HEIF_BRANDS | _AVIF_BRANDS) else None


def _allowed_summary() -> str:
    return _("只能上传JPEG、PNG、WebP、GIF图片和PDF、Word（.docx）、Excel（.xlsx）文档")


def _not_an_image_error(name: str) -> UploadTypeError:
    return UploadTypeError(
        _("文件“%(name)s”不是图片，只能上传JPEG、PNG、WebP、GIF图片") % {"name": name},
        code="upload_not_an_image",
    )


def _unknown_type_error(name: str, what: str | None = None) -> UploadTypeError:
    claimed = _ALLOWED_EXTENSION_LABELS.get(_extension(name))
    if claimed and what is None:
        return UploadTypeError(
            _("文件“%(name)s”的内容不是%(claimed)s，%(allowed_summary)s")
            % {"name": name, "claimed": claimed, "allowed_summary": _allowed_summary()},
            code="upload_type_mismatch",
        )
    shown = f"（{what}）" if what else ""
    return UploadTypeError(
        _("文件“%(name)s”的类型不受支持%(shown)s，%(allowed_summary)s")
        % {"name": name, "shown": shown, "allowed_summary": _allowed_summary()}
    )


# --- Office Open XML ------------------------------------------------------------------------------


def _zip_corrupt(name: str) -> UploadTypeError:
    return UploadTypeError(
        _("文件“%(name)s”已损坏或不是有效的Word/Excel文档") % {"name": name}, code="upload_corrupt"
    )


def _ooxml_type(name: str, data: bytes) -> FileType:
    """Which Office document a ZIP is, from its [Content_Types].xml; zip bombs are refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, OverflowError) as exc:
        raise _zip_corrupt(name) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise UploadTooLargeError(
                _("文件“%(name)s”包含的条目过多（%(n_entries)s个），疑似压缩炸弹")
                % {"name": name, "n_entries": len(entries)},
                code="upload_zip_bomb",
            )
        total = sum(entry.file_size for entry in entries)
        if total > ZIP_MAX_UNCOMPRESSED_BYTES or any(
            entry.file_size > ZIP_RATIO_CHECK_FROM_BYTES
            and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
            for entry in entries
        ):
            raise UploadTooLargeError(
                _("文件“%(name)s”解压后过大（%(megabytes)s）或压缩比异常，疑似压缩炸弹")
                % {"name": name, "megabytes": _megabytes(total)},
                code="upload_zip_bomb",
            )
        by_name = {entry.filename.lower(): entry for entry in entries}
        content_types = by_name.get("[content_types].xml")
        if content_types is None or content_types.file_size > CONTENT_TYPES_MAX_BYTES:
            raise _unknown_type_error(name, _("ZIP压缩包"))
        try:
            with archive.open(content_types) as handle:
                manifest = handle.read(CONTENT_TYPES_MAX_BYTES + 1)
        except Exception as exc:  # zipfile raises many kinds on hostile input (zlib, CRC, encryption)
            raise _zip_corrupt(name) from exc
    found: FileType | None = None
    for match in _OVERRIDE_RE.finditer(manifest):
        attrs = {
            key.decode("ascii", "replace").lower(): (dq or sq).decode("utf-8", "replace")
            for key, dq, sq in _ATTR_RE.findall(match.group(1))
        }
        content_type = attrs.get("contenttype", "").strip().lower()
        part = attrs.get("partname", "").strip().lstrip("/").lower()
        if content_type in _OOXML_MACRO_TYPES:
            raise UploadTypeError(
                _("文件“%(name)s”含有宏，出于安全原因不能上传") % {"name": name}, code="upload_macro"
            )
        if content_type in _OOXML_MAIN_TYPES and part in by_name:
            found = _OOXML_MAIN_TYPES[content_type]
    if found is None:
        raise _unknown_type_error(name, _("ZIP压缩包"))
    return found


# --- images ---------------------------------------------------------------------------------------


def _open_image(checked_name: str, data: bytes, file_type: FileType) -> Image.Image:
    """Open (header only, no pixels decoded) with the one decoder the magic bytes chose."""
    try:
        return Image.open(io.BytesIO(data), formats=[file_type.pillow_format])
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(checked_name, None) from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, struct.error... on bad data
        raise UploadTypeError(
            _("文件“%(checked_name)s”的内容不是有效的%(label)s（已损坏或无法读取）")
            % {"checked_name": checked_name, "label": file_type.label},
            code="upload_corrupt",
        ) from exc


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> UploadTooLargeError:
    shown = f"（{size[0]}×{size[1]}）" if size else ""
    limit = _max_pixels() / 10_000
    return UploadTooLargeError(
        _("图片“%(name)s”的像素过多%(shown)s，不能超过%(limit)s万像素")
        % {"name": name, "shown": shown, "limit": format(limit, "g")},
        code="upload_too_many_pixels",
    )


def _image_size(name: str, data: bytes, file_type: FileType) -> tuple[int, int]:
    with _open_image(name, data, file_type) as image:
        width, height = image.size
    if width <= 0 or height <= 0:
        raise UploadTypeError(
            _("文件“%(name)s”的内容不是有效的%(label)s") % {"name": name, "label": file_type.label},
            code="upload_corrupt",
        )
    if width * height > _max_pixels():
        raise _too_many_pixels(name, (width, height))
    return width, height


# --- public API -----------------------------------------------------------------------------------


def inspect_upload(
    *,
    name: str,
    data: UploadData,
    declared_type: str = "",
    images_only: bool = False,
    allow_media: bool = False,
) -> CheckedUpload:
    """Check an upload and return it with its type; raise 413/415 errors naming the file and problem.

    ``images_only``: where only a photo makes sense (a report's pictures), anything else, whatever
    its name claims, is refused as "not an image" rather than with the list of every allowed type.
    ``allow_media``: MP3/M4A audio and MP4 video are accepted too (capped as ``media``); without it
    they are refused like any unknown type, and at most the image/document caps are read.

    ``data`` is bytes or a file (a Django ``UploadedFile`` or any binary file object, read from its
    start). At most the largest size cap plus one byte is read into memory. Image headers are
    checked here (type, dimensions, pixel cap) without decoding pixels; pixel data that turns out
    corrupt is refused (415) by ``sanitize_image``/``store_upload``, before anything is written.
    """
    shown = _display_name(name)
    kinds = [kind for kind in UploadKind if allow_media or kind is not UploadKind.MEDIA]
    largest = max(_max_bytes(kind) for kind in kinds)
    content = _read_at_most(data, largest + 1)
    if not content:
        raise UploadTypeError(_("文件“%(shown)s”是空文件") % {"shown": shown}, code="upload_empty")

    sniffed = _sniff(content[:64])
    if sniffed is None and allow_media and not images_only:
        sniffed = _sniff_media(content[:64])
    if sniffed == "HEIC":
        raise UploadTypeError(
            _(
                "文件“%(shown)s”是HEIC/HEIF格式的照片，暂不支持。请在手机相机设置中选择“兼容性最佳”，或转换为JPEG后再上传"
            )
            % {"shown": shown},
            code="upload_heic",
        )
    if isinstance(sniffed, FileType):
        kind = sniffed.kind
    elif sniffed == "ZIP":
        kind = UploadKind.DOCUMENT
    elif images_only:
        raise _not_an_image_error(shown)
    else:
        raise _unknown_type_error(shown, sniffed)
    if images_only and kind is not UploadKind.IMAGE:
        raise _not_an_image_error(shown)

    cap = _max_bytes(kind)
    if len(content) > cap:
        raise UploadTooLargeError(
            _("文件“%(shown)s”过大%(size_note)s，%(kind_labels)s不能超过%(megabytes)s")
            % {
                "shown": shown,
                "size_note": _size_note(data, cap),
                "kind_labels": KIND_LABELS[kind],
                "megabytes": _megabytes(cap),
            }
        )
    file_type = sniffed if isinstance(sniffed, FileType) else _ooxml_type(shown, content)

    extension = _extension(shown)
    if extension and extension not in file_type.extensions:
        claimed = _EXTENSION_LABELS.get(extension)
        if claimed:
            message = _("文件“%(shown)s”的内容不是%(claimed)s（实际是%(label)s）") % {
                "shown": shown,
                "claimed": claimed,
                "label": file_type.label,
            }
        else:
            message = _("文件“%(shown)s”的扩展名“.%(extension)s”与内容（%(label)s）不符") % {
                "shown": shown,
                "extension": extension,
                "label": file_type.label,
            }
        raise UploadTypeError(message, code="upload_type_mismatch")

    declared = declared_type.split(";", 1)[0].strip().lower()
    if declared not in IGNORED_DECLARED_TYPES and not file_type.accepts_declared_type(declared):
        raise UploadTypeError(
            _("文件“%(shown)s”声明的类型“%(declared)s”与内容（%(label)s）不符")
            % {"shown": shown, "declared": declared[:80], "label": file_type.label},
            code="upload_type_mismatch",
        )

    width = height = None
    if file_type.kind is UploadKind.IMAGE:
        width, height = _image_size(shown, content, file_type)
    return CheckedUpload(
        name=shown,
        file_type=file_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        width=width,
        height=height,
        data=content,
    )


@dataclass(frozen=True)
class _Sanitized:
    data: bytes
    file_type: FileType
    width: int
    height: int


_OUTPUT_TYPES = {"jpeg": JPEG, "png": PNG, "webp": WEBP, "gif": PNG}


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _pixels_only(image: Image.Image, *, alpha: bool) -> Image.Image:
    """A new image holding only the pixels (no info, EXIF, ICC, palette tricks) in a saveable mode."""
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if alpha and _has_alpha(image):
        converted = image.convert("RGBA")
    elif _has_alpha(image):
        rgba = image.convert("RGBA")
        converted = Image.new("RGB", rgba.size, (255, 255, 255))
        converted.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode in ("L", "1"):
        converted = image.convert("L")
    else:
        converted = image.convert("RGB")
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean


def _sanitize(checked: CheckedUpload) -> _Sanitized:
    if checked.kind is not UploadKind.IMAGE:
        raise ValueError(f"not an image: {checked.file_type.key}")
    output = _OUTPUT_TYPES[checked.file_type.key]
    edge = _max_edge()
    with _open_image(checked.name, checked.data, checked.file_type) as opened:
        try:
            image: Image.Image = opened
            if image.mode in ("P", "PA", "1"):
                # Palette pixels resize only by nearest neighbour: expand them first.
                image = image.convert("RGBA" if _has_alpha(image) else "RGB")
            if max(image.size) > edge:
                # In place; a JPEG over twice the limit is scaled down by the decoder itself (draft)
                # before the resize. A square box: the same limit whichever way the orientation turns.
                image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
            else:
                image.load()
            upright = ImageOps.exif_transpose(image)
            clean = _pixels_only(upright, alpha=output is not JPEG)
            buffer = io.BytesIO()
            if output is JPEG:
                clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
            elif output is WEBP:
                clean.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
            else:
                clean.save(buffer, "PNG")
        except UploadRejectedError:
            raise
        except Exception as exc:  # a truncated or corrupt stream fails only when the pixels are decoded
            raise UploadTypeError(
                _("文件“%(name)s”的图片数据已损坏，无法读取") % {"name": checked.name}, code="upload_corrupt"
            ) from exc
    return _Sanitized(buffer.getvalue(), output, clean.width, clean.height)


def sanitize_image(checked: CheckedUpload) -> bytes:
    """The image re-encoded upright, without any metadata, at most IMAGE_MAX_EDGE on its long side.

    JPEG stays JPEG, PNG stays PNG, WebP stays WebP; a GIF becomes a PNG of its first frame.
    Raises ``UploadTypeError`` (415) when the pixel data is corrupt.
    """
    return _sanitize(checked).data


def _dms_to_degrees(value: Any) -> float:
    if isinstance(value, tuple | list):
        parts = [float(part) for part in value]
        if len(parts) != 3:
            raise ValueError("GPS coordinate needs degrees, minutes, seconds")
        degrees, minutes, seconds = parts
        return degrees + minutes / 60 + seconds / 3600
    return float(value)


def exif_gps(checked: CheckedUpload) -> tuple[float, float] | None:
    """The (longitude, latitude) in the photo's EXIF GPS tags, or None when absent or unusable.

    EXIF GPS is WGS-84 (the system's coordinate reference). (0, 0), out-of-range and malformed
    values count as absent. Call this before storing: stored images keep no metadata.
    """
    if checked.kind is not UploadKind.IMAGE or checked.file_type is GIF:
        return None
    try:
        with Image.open(io.BytesIO(checked.data), formats=[checked.file_type.pillow_format]) as image:
            if checked.file_type is PNG and "exif" not in image.info:
                # An eXIf chunk after the pixels would cost a full decode to reach; the PNG
                # specification puts it before them, where Pillow has already read it.
                return None
            gps = dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
        lat_ref = str(gps.get(ExifTags.GPS.GPSLatitudeRef, "N")).strip("\x00 ").upper()
        lng_ref = str(gps.get(ExifTags.GPS.GPSLongitudeRef, "E")).strip("\x00 ").upper()
        lat = _dms_to_degrees(gps[ExifTags.GPS.GPSLatitude])
        lng = _dms_to_degrees(gps[ExifTags.GPS.GPSLongitude])
    except Exception:  # missing tags or any malformed EXIF: the photo simply has no usable position
        return None
    if lat_ref == "S":
        lat = -lat
    if lng_ref == "W":
        lng = -lng
    if not (math.isfinite(lat) and math.isfinite(lng)) or abs(lat) > 90 or abs(lng) > 180:
        return None
    if lat == 0 and lng == 0:
        return None
    return (round(lng, 7), round(lat, 7))


def store_upload(*, checked: CheckedUpload, folder: str, storage: Storage | None = None) -> StoredFile:
    """Save a checked upload (images sanitized first) at ``<folder>/YYYY/MM/<sha256>.<ext>``.

    ``folder`` is chosen by code (``"cases/attachments"``), never by the user. The name is the hash
    of the bytes stored, so storing the same content again in the same month writes nothing new.
    """
    if not FOLDER_RE.match(folder):
        raise ValueError(f"upload folder must be lowercase path segments: {folder!r}")
    storage = storage or default_storage
    if checked.kind is UploadKind.IMAGE:
        sanitized = _sanitize(checked)
        data, file_type = sanitized.data, sanitized.file_type
        width: int | None = sanitized.width
        height: int | None = sanitized.height
    else:
        data, file_type, width, height = checked.data, checked.file_type, None, None
    digest = hashlib.sha256(data).hexdigest()
    today = timezone.localdate()
    path = f"{folder}/{today:%Y}/{today:%m}/{digest}.{file_type.extension}"
    if not storage.exists(path):
        saved = storage.save(path, ContentFile(data))
        if saved != path:
            if storage.exists(path):
                # Another process stored the same content between exists() and save(): keep one copy.
                storage.delete(saved)
            else:
                path = saved
    return StoredFile(
        path=path,
        size=len(data),
        sha256=digest,
        content_type=file_type.content_type,
        original_name=checked.name,
        width=width,
        height=height,
        kind=file_type.kind,
    )
