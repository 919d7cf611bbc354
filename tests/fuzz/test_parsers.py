"""Hypothesis on the parsers an outsider's bytes reach: GeoJSON boundaries, registry CSV/Excel
imports and uploads. Each must either accept the input or refuse it with a domain error (a Chinese
message, HTTP 4xx) — never raise anything else, which would be a 500."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from dangqun.accounts.models import User
from dangqun.core.uploads import UploadRejectedError, inspect_upload, sanitize_image
from dangqun.regions.geometry import validate_boundary
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.services import import_registry_file
from tests.fuzz.conftest import FUZZ_EXAMPLES

EXAMPLES = max(25, FUZZ_EXAMPLES * 25)
DB_EXAMPLES = max(10, FUZZ_EXAMPLES * 5)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True)
DB_SETTINGS = settings(
    max_examples=DB_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _attempt(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """``(result, None)`` or ``(None, the domain error)``; any other exception propagates (a 500)."""
    try:
        return fn(*args, **kwargs), None
    except (ValidationError, UploadRejectedError) as exc:
        return None, exc


def _message(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else getattr(exc, "message", "")


# --- GeoJSON ---------------------------------------------------------------------------------------

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-200, max_value=200),
    st.integers(min_value=-(10**20), max_value=10**20),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=8)),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)
positions = st.lists(numbers, min_size=0, max_size=4)
rings = st.lists(positions, min_size=0, max_size=8)
near_geojson = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Polygon", "MultiPolygon", "Feature", "Point", "polygon", ""]),
        "coordinates": st.one_of(
            st.lists(rings, max_size=3), st.lists(st.lists(rings, max_size=3), max_size=3)
        ),
    },
    optional={"geometry": json_values, "bbox": json_values},
)


@SETTINGS
@given(st.one_of(json_values, near_geojson))
def test_boundary_parser_accepts_or_refuses_with_a_message(value):
    geometry, refused = _attempt(validate_boundary, value)
    if refused is not None:
        assert _message(refused).strip()
    else:
        assert geometry.is_valid
        assert not geometry.is_empty


# --- uploads ---------------------------------------------------------------------------------------


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 200, 90)).save(buffer, format=fmt)
    return buffer.getvalue()


SEEDS = {
    "photo.png": _image_bytes("PNG"),
    "photo.jpg": _image_bytes("JPEG"),
    "photo.gif": _image_bytes("GIF"),
}


@st.composite
def mangled_files(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from([*SEEDS, "a.pdf", "a.docx", "a.xlsx", "a.exe", "无扩展名"]))
    base = SEEDS.get(name, b"")
    data = draw(
        st.one_of(
            st.binary(max_size=2048),
            st.just(base[: draw(st.integers(0, max(1, len(base))))]),  # truncated
            st.builds(  # bytes flipped in a valid file
                lambda at, value: base[:at] + bytes([value]) + base[at + 1 :] if base else b"",
                st.integers(0, max(0, len(base) - 1)),
                st.integers(0, 255),
            ),
            st.builds(lambda tail: base + tail, st.binary(max_size=64)),
        )
    )
    return name, data


@SETTINGS
@given(mangled_files(), st.sampled_from(["", "image/png", "image/jpeg", "application/pdf", "text/html"]))
def test_upload_checks_refuse_bad_files_with_a_domain_error(file, declared):
    name, data = file
    checked, refused = _attempt(inspect_upload, name=name, data=data, declared_type=declared)
    if checked is not None and checked.kind == "image":
        cleaned, refused = _attempt(sanitize_image, checked)
        assert cleaned or refused
    if refused is not None:
        assert isinstance(refused, UploadRejectedError)
        assert refused.status_code in {413, 415}
        assert refused.message


def test_a_zip_that_claims_to_be_a_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("evil.sh", "rm -rf /")
    with pytest.raises(UploadRejectedError):
        inspect_upload(name="报告.docx", data=buffer.getvalue())


# --- registry imports ------------------------------------------------------------------------------

RESIDENT_HEADERS = ["姓名", "性别", "身份证号", "联系电话", "网格代码", "流动人口", "标签"]
cells = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["男", "女", "是", "否", "", "110101199001011237", "13812345678", "=cmd|' /C calc'!A0"]),
    st.integers(-(10**19), 10**19).map(str),
)


def _csv_bytes(headers: list[str], rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


@pytest.mark.django_db
@DB_SETTINGS
@given(
    headers=st.one_of(
        st.just(RESIDENT_HEADERS), st.lists(st.sampled_from([*RESIDENT_HEADERS, "", "x"]), max_size=8)
    ),
    rows=st.lists(st.lists(cells, min_size=0, max_size=8), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]),
    use_grid=st.booleans(),
)
def test_registry_csv_import_reports_or_refuses(demo, headers, rows, encoding, use_grid):
    actor = User.objects.get(username="sysadmin")
    if use_grid and rows and len(headers) >= 5:
        grid = Region.objects.filter(level=RegionLevel.GRID).order_by("code").first()
        assert grid is not None
        for row in rows:
            row[4:5] = [grid.code]
    data = _csv_bytes(headers, rows, encoding)
    report, refused = _attempt(
        import_registry_file,
        actor=actor,
        model_name="resident",
        file_bytes=data,
        file_name="名单.csv",
        dry_run=True,
    )
    if refused is not None:
        assert _message(refused).strip()
    else:
        assert report.total_rows >= 0
        assert all(error.message for error in report.errors)


@pytest.mark.django_db
@DB_SETTINGS
@given(data=st.binary(max_size=4096), name=st.sampled_from(["名单.xlsx", "名单.csv", "名单.xls", "名单"]))
def test_registry_import_of_arbitrary_bytes_is_refused_cleanly(demo, data, name):
    actor = User.objects.get(username="sysadmin")
    report, refused = _attempt(
        import_registry_file,
        actor=actor,
        model_name="building",
        file_bytes=data,
        file_name=name,
        dry_run=True,
    )
    if refused is not None:
        assert _message(refused).strip()
    else:
        assert not report.committed
