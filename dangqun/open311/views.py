"""The GeoReport v2 endpoints at /open311/v2/ (``.xml`` or ``.json``), with FixMyStreet's
``servicerequestupdates``. Plain Django views: the spec fixes the wire format and the error body."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from dangqun.core import clock
from dangqun.core.cors import cors
from dangqun.core.errors import DomainError
from dangqun.core.uploads import inspect_upload, store_upload
from dangqun.open311 import media, selectors
from dangqun.open311.attributes import parse_iso_datetime
from dangqun.open311.keys import client_for_key, within_rate
from dangqun.open311.models import Open311Client
from dangqun.open311.render import Open311Error, error_response, respond
from dangqun.open311.services import RequestInput, UpdateInput, request_create, update_create

MAX_SPAN = dt.timedelta(days=90)
MAX_RECORDS = 1000
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,40})\](\[\])?$")
MEDIA_FOLDER = "open311"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-22T00:00:00+08:00"
TEXT = "text/plain; charset=utf-8"

View = Callable[..., HttpResponseBase]


def cors_origins() -> list[str]:
    """Origins whose browser clients may call the API (``DANGQUN["OPEN311_CORS_ORIGINS"]``)."""
    return list(getattr(settings, "DANGQUN", {}).get("OPEN311_CORS_ORIGINS", ["*"]))


def georeport(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Spec errors for everything that goes wrong; the format from the URL suffix; CORS for
    browser clients on other sites (``core.cors``: preflights answered, no credentials)."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @cors(cors_origins, methods)
        @wraps(view)
        def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponseBase:
            if request.method not in methods:
                response = error_response(fmt, 405, _("不支持的请求方法"))
                response["Allow"] = ", ".join(methods)
                return response
            if _has_nul(request):
                return error_response(fmt, 400, _("参数含有非法字符(NUL)"))
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.description)
            except ValidationError as exc:
                return error_response(fmt, 400, "; ".join(exc.messages))
            except DomainError as exc:
                status = exc.status_code if exc.status_code in (403, 404) else 400
                return error_response(fmt, status, exc.message)

        return wrapped

    return decorate


def _has_nul(request: HttpRequest) -> bool:
    """A NUL byte anywhere in the parameters (PostgreSQL text cannot hold one)."""
    for params in (request.GET, request.POST):
        for key, values in params.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return True
    return False


def _params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def _client(request: HttpRequest, *, write: bool) -> Open311Client:
    client = client_for_key(_params(request).get("api_key", "") or request.GET.get("api_key", ""))
    if client is None:
        raise Open311Error(403, _("api_key 无效或已吊销"))
    if write and not within_rate(client):
        raise Open311Error(429, _("请求过于频繁,请稍后再试"))
    return client


def _district(request: HttpRequest, client: Open311Client | None = None) -> Any:
    code = _params(request).get("jurisdiction_id", "").strip()
    own = client.district if client is not None else None
    if own is not None and code == own.code and own.is_active and own.parent_id is None:
        return own  # the key's own district, read with the key: no second lookup
    district = selectors.jurisdiction(code)
    if client is not None and client.district_id != district.pk:
        raise Open311Error(403, _("该 api_key 不属于此 jurisdiction"))
    return district


def _date(params: QueryDict, name: str) -> dt.datetime | None:
    raw = params.get(name, "").strip()
    return parse_iso_datetime(raw, name) if raw else None


def _window(params: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    start, end = _date(params, "start_date"), _date(params, "end_date")
    end = end or ((start + MAX_SPAN) if start else clock.now())
    start = start or (end - MAX_SPAN)
    if start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date"))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date 与 end_date 相隔不能超过90天"))
    return start, end


def _positive(params: QueryDict, name: str, default: int, high: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise Open311Error(400, _("%(name)s 应为 1 到 %(high)s 的整数") % {"name": name, "high": high})
    return int(raw)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _multi(params: QueryDict, name: str) -> list[str]:
    """Every value of a parameter the spec lets a client declare several times, comma delimited or
    repeated (``status=open&status=closed``, ``service_code=A,B``), in order, without duplicates."""
    values: dict[str, None] = {}
    for raw in params.getlist(name):
        values.update(dict.fromkeys(_csv(raw)))
    return list(values)


# --- discovery and services ---------------------------------------------------------------------------


@georeport(("GET",))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": CHANGESET,
        "contact": _("党群一张网 · 12345 指挥中心"),
        "key_service": _("API 密钥由区级管理员在管理后台签发(Open311客户端)"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", None, data)


@georeport(("GET",))
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    _district(request)
    return respond(fmt, "services", "service", selectors.services())


@georeport(("GET",))
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    _district(request)
    category = selectors.service_category(code)
    return respond(fmt, "service_definition", None, selectors.service_definition(category))


# --- requests ---------------------------------------------------------------------------------------


def _attributes(params: QueryDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, values in params.lists():
        match = ATTRIBUTE.match(key)
        if match:
            found.setdefault(match.group(1), []).extend(values)
    return found


def _media_file(request: HttpRequest) -> str:
    """The storage path of the photo uploaded as ``media`` (checked and re-encoded), or ``""``."""
    upload = request.FILES.get("media")
    if upload is None:
        return ""
    try:
        checked = inspect_upload(
            name=upload.name or "media", data=upload, declared_type=upload.content_type or ""
        )
    except (ValidationError, DomainError) as exc:
        message = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
        raise Open311Error(400, f"media: {message}") from None
    if checked.kind != "image":
        raise Open311Error(400, _("media 只接受图片"))
    stored = store_upload(checked=checked, folder=MEDIA_FOLDER)
    return stored.path


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request, write=True)
    _district(request, client)
    params = request.POST
    if not params.get("service_code", "").strip():
        raise Open311Error(400, _("service_code 为必填项"))
    category = selectors.service_category(params.get("service_code", ""))
    data = RequestInput(
        service_code=category.code,
        description=params.get("description", ""),
        lat=params.get("lat", ""),
        long=params.get("long", ""),
        address_string=params.get("address_string", ""),
        address_id=params.get("address_id", ""),
        email=params.get("email", ""),
        device_id=params.get("device_id", ""),
        account_id=params.get("account_id", ""),
        first_name=params.get("first_name", ""),
        last_name=params.get("last_name", ""),
        phone=params.get("phone", ""),
        media_url=params.get("media_url", ""),
        attributes=_attributes(params),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    data.media_file = _media_file(request)
    case, posted, created = request_create(actor=None, client=client, category=category, data=data)
    # The case exists at once (a realtime service), so the answer is its service_request_id; the
    # spec returns a token *instead* only when a server cannot. The token still works at /tokens/.
    item: dict[str, Any] = {"service_request_id": case.code, "service_notice": ""}
    if posted.account_id:
        item["account_id"] = posted.account_id
    body = [item]
    return respond(fmt, "service_requests", "request", body, status=201 if created else 200)


@georeport(("GET", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    district = _district(request)
    params = request.GET
    extensions = params.get("extensions", "").lower() == "true"
    qs = selectors.requests_qs(district)
    ids = _multi(params, "service_request_id")
    if ids:
        rows = selectors.request_rows(qs.filter(code__in=ids[:MAX_RECORDS]))
    else:
        start, end = _window(params)
        qs = selectors.filter_requests(
            qs,
            service_codes=_multi(params, "service_code"),
            statuses=[s.lower() for s in _multi(params, "status")],
            start=start,
            end=end,
        )
        page_size = _positive(params, "page_size", MAX_RECORDS, MAX_RECORDS)
        page = _positive(params, "page", 1, 1_000_000)
        offset = (page - 1) * page_size
        rows = selectors.request_rows(qs[offset : offset + page_size])
    body = selectors.requests_out(rows, extensions=extensions, absolute=request.build_absolute_uri)
    return respond(fmt, "service_requests", "request", body)


@georeport(("GET",))
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    district = _district(request)
    rows = selectors.request_rows(selectors.requests_qs(district).filter(code=service_request_id)[:1])
    if not rows:
        raise Open311Error(
            404,
            _("未找到 service_request_id: %(service_request_id)s")
            % {"service_request_id": service_request_id[:40]},
        )
    extensions = request.GET.get("extensions", "").lower() == "true"
    body = selectors.requests_out(rows, extensions=extensions, absolute=request.build_absolute_uri)
    return respond(fmt, "service_requests", "request", body)


@georeport(("GET",))
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    district = _district(request)
    posted = selectors.token_request(token)
    if not posted.case.region_path.startswith(district.path):
        raise Open311Error(404, _("未找到该 token"))
    body = [{"service_request_id": posted.case.code, "token": str(posted.token)}]
    return respond(fmt, "service_requests", "request", body)


# --- servicerequestupdates (FixMyStreet) ---------------------------------------------------------------


@georeport(("GET", "POST"))
def service_request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request, write=request.method == "POST")
    _district(request, client)
    params = _params(request)
    if request.method == "GET":
        start, end = _window(params)
        body = selectors.updates(client, start=start, end=end, limit=MAX_RECORDS)
        return respond(fmt, "service_request_updates", "request_update", body)
    updated = _date(params, "updated_datetime")
    if updated is None:
        raise Open311Error(400, _("updated_datetime 为必填项"))
    update, created = update_create(
        actor=None,
        client=client,
        data=UpdateInput(
            service_request_id=params.get("service_request_id", ""),
            update_id=params.get("update_id", ""),
            updated_datetime=updated,
            status=params.get("status", ""),
            description=params.get("description", ""),
            media_url=params.get("media_url", ""),
            first_name=params.get("first_name", ""),
            last_name=params.get("last_name", ""),
        ),
    )
    body = [{"update_id": f"o311u-{update.pk}"}]
    return respond(fmt, "service_request_updates", "request_update", body, status=201 if created else 200)


# --- uploaded photos ------------------------------------------------------------------------------


@csrf_exempt
@cors(cors_origins, ("GET",))
def media_file(request: HttpRequest, signed: str) -> HttpResponseBase:
    """An uploaded photo at its signed URL (``dangqun.open311.media``): 404 for a forged or unknown
    signature, 410 once it is older than its allowed age."""
    if request.method not in ("GET", "HEAD"):
        refused = HttpResponse(status=405)
        refused["Allow"] = "GET, HEAD"
        return refused
    try:
        posted = media.media_request(signed)
    except media.MediaExpiredError:
        return HttpResponse(_("链接已过期,请重新获取该请求"), status=410, content_type=TEXT)
    if posted is None or not default_storage.exists(posted.media_file):
        return HttpResponse(_("未找到该图片"), status=404, content_type=TEXT)
    response = FileResponse(
        default_storage.open(posted.media_file, "rb"), content_type=media.content_type(posted.media_file)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@csrf_exempt
@cors(cors_origins, ("GET",))
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return error_response(fmt, 404, _("未知的资源"))
