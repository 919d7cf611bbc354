"""群众 app (phone): my requests, submit one with photos and a place, track by code, rate, inbox.

Plain server-rendered forms: they work without JavaScript, show errors next to the field and keep
what was typed. ``citizen-submit.js`` adds the map picker and refuses a photo that is too large or
not an image before it is sent; the server checks again (413/415).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dangqun.cases import selectors as case_selectors
from dangqun.cases.enums import CaseChannel, CaseStatus, CaseType, Satisfaction
from dangqun.cases.models import Case
from dangqun.cases.public import PUBLIC_EVENTS, PUBLIC_REASON_EVENTS
from dangqun.cases.services.attachments import upload_from
from dangqun.cases.services.intake import MAX_REPORT_PHOTOS, case_create
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from dangqun.civic import voice_selectors
from dangqun.core import ratelimit
from dangqun.core.errors import ConflictError, DomainError, NotFoundError
from dangqun.core.uploads import UploadRejectedError
from dangqun.notify import selectors as notify_selectors
from dangqun.notify.services import notifications_mark_all_read
from dangqun.regions.coords import CoordSystem
from dangqun.regions.models import Region, RegionLevel
from dangqun.web import mapcrs
from dangqun.web.access import not_found_as_404
from dangqun.web.views.gridapp import upload_limit

LIST_LIMIT = 50
MAX_PHOTOS = MAX_REPORT_PHOTOS
TRACK_RATE_PER_MINUTE = 30
CITIZEN_TYPES = [
    (t.value, t.label)
    for t in (CaseType.HELP, CaseType.COMPLAINT, CaseType.CONSULT, CaseType.SUGGESTION, CaseType.PRAISE)
]
RATINGS = [
    (s.value, s.label) for s in (Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED)
]


def mask_name(name: str) -> str:
    """``"王小明"`` → ``"王**"`` (as the tracking API shows staff); "系统" stays."""
    text = (name or "").strip()
    if not text or text == "系统":  # i18n: data (the stored name of the system actor)
        return text
    return text[0] + "*" * max(len(text) - 1, 1)


def public_timeline(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "label": e.get_event_type_display(),
            "actor": mask_name(e.actor_label),
            "unit": e.actor_unit,
            "reason": e.reason if e.event_type in PUBLIC_REASON_EVENTS else "",
            "at": e.created_at,
        }
        for e in case_selectors.case_timeline(case)
        if e.event_type in PUBLIC_EVENTS
    ]


class SubmitForm(forms.Form):
    title = forms.CharField(
        label=_("标题"),
        max_length=120,
        error_messages={"required": _("请填写标题"), "max_length": _("标题不能超过120字")},
    )
    case_type = forms.ChoiceField(
        label=_("类型"),
        choices=CITIZEN_TYPES,
        initial=CaseType.HELP,
        error_messages={"required": _("请选择类型"), "invalid_choice": _("请从列表中选择类型")},
    )
    description = forms.CharField(
        label=_("详细描述"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请描述您的诉求"), "max_length": _("描述不能超过5000字")},
    )
    address = forms.CharField(
        label=_("地址"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("地址不能超过200字")},
    )
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The system lng/lat are in: the map's (mapcrs), as the picked point comes from the drawn map.
    crs = forms.ChoiceField(
        required=False, choices=[(c.value, c.value) for c in CoordSystem], widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_point = data.get("lng") is not None and data.get("lat") is not None
        if not has_point and not (data.get("address") or "").strip():
            self.add_error("address", gettext("请在地图上选择位置,或填写地址"))
        return data


PICK_AREAS_BUDGET = 24 * 1024  # the page and Leaflet stay under 200 KB


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def pick_areas() -> list[dict[str, Any]]:
    """Street outlines for the place picker (coordinates rounded to ~1 m); the district outline
    alone if the streets would make the page heavy."""
    for level in (RegionLevel.STREET, RegionLevel.DISTRICT):
        rows = Region.objects.filter(level=level, is_active=True, boundary__isnull=False).order_by("path")
        areas = [{"name": r.name, "boundary": _rounded(r.boundary)} for r in rows.only("name", "boundary")]
        if len(json.dumps(areas, ensure_ascii=False)) <= PICK_AREAS_BUDGET:
            return areas
    return []


# Where each of the service's fields is shown on the form: the place's parts next to the address.
FIELD_ON_FORM = {
    "title": "title",
    "description": "description",
    "case_type": "case_type",
    "address": "address",
    "lng": "address",
    "lat": "address",
    "crs": "address",
    "region": "address",
}
# Hidden fields the citizen cannot correct: their errors are shown above the form.
HIDDEN_FIELDS = frozenset({"key", "lng", "lat", "crs"})


def _place_message(message: str, code: str | None) -> str:
    if code == "outside_grids":
        return gettext("所选位置不在本区范围内,请重新选择或填写地址")
    return message


def _field_label(name: str) -> str:
    try:
        field = Case._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _show_errors(form: SubmitForm, exc: ValidationError) -> None:
    """The service's refusal next to the field it names (the place's next to the address); one on a
    field the form does not show (the reporter's phone from the profile) above the form, named."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for name, items in errors.items():
        for item in items:
            target = FIELD_ON_FORM.get(name or "")
            text = " ".join(str(m) for m in ValidationError(item).messages)
            if name is None and item.code in {"outside_grids", "bad_coordinates"}:
                target = "address"
            elif target is None and name and name != NON_FIELD_ERRORS:
                text = f"{_field_label(name)}:{text}"
            form.add_error(target, _place_message(text, item.code))


def _hidden_field_errors(form: SubmitForm) -> None:
    """A tampered or stale hidden field: say what is wrong above the form rather than nowhere."""
    for name in HIDDEN_FIELDS & set(form.errors):
        if name in ("lng", "lat", "crs"):
            form.add_error(None, gettext("地图位置无效,请重新在地图上选择"))
        else:
            form.add_error(None, gettext("表单已失效,请刷新页面后重新提交"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cases = list(case_selectors.cases_for(request.user, case_selectors.CaseFilters(mine=True))[:LIST_LIMIT])
    return render(
        request,
        "web/citizen/home.html",
        {
            "cases": cases,
            "unread": notify_selectors.unread_count(request.user),
            "voice": voice_selectors.feed(request.user, limit=5),
            "tab": "home",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"tab": "submit", "max_bytes": upload_limit(), "max_photos": MAX_PHOTOS}
    context["max_mb"] = context["max_bytes"] // (1024 * 1024)
    tiles = mapcrs.map_settings()
    areas = mapcrs.geojson_to_map(pick_areas(), mapcrs.tile_crs())
    context["map_data"] = {**tiles, "areas": areas}
    if request.method == "GET":
        context["form"] = SubmitForm(initial={"key": uuid.uuid4().hex, "crs": tiles["crs"]})
        return render(request, "web/citizen/submit.html", context)
    form = SubmitForm(request.POST)
    photos = [upload_from(f) for f in request.FILES.getlist("photos")]
    if not form.is_valid():
        _hidden_field_errors(form)
        context["form"] = form
        return render(request, "web/citizen/submit.html", context, status=422)
    data = form.cleaned_data
    status = 422
    try:
        result = case_create(
            actor=request.user,
            channel=CaseChannel.APP,
            title=data["title"],
            description=data["description"],
            case_type=data["case_type"],
            lng=data["lng"],
            lat=data["lat"],
            crs=data["crs"] or CoordSystem.WGS84,
            address=data["address"],
            reporter_name=getattr(request.user, "display_name", ""),
            reporter_phone=getattr(request.user, "phone", ""),
            idempotency_key=data["key"],
            photos=photos,
        )
    except UploadRejectedError as exc:
        context["photo_error"], status = exc.message, exc.status_code
    except ValidationError as exc:
        if "photos" in getattr(exc, "error_dict", {}):
            context["photo_error"] = " ".join(exc.message_dict["photos"])
        else:
            _show_errors(form, exc)
    except DomainError as exc:
        text = exc.message
        if exc.code == "idempotency_key_reused":  # the same form sent again with other content
            text = gettext("这张表单已经提交过一条诉求,请刷新页面后再提交新的诉求")
        form.add_error(None, text)
        status = exc.status_code
    else:
        return redirect(f"{reverse('web:citizen_case', args=[result.case.code])}?new=1")
    context["form"] = form
    return render(request, "web/citizen/submit.html", context, status=status)


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        choices=RATINGS,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度"), "invalid_choice": _("请选择满意度")},
    )
    comment = forms.CharField(
        label=_("评价内容(选填)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("评价不能超过500字")},
    )


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One of my requests: its progress (staff masked), photos, and the rating form when due."""
    case = case_selectors.access_case_by_code(request.user, code)
    form = RateForm(request.POST if request.method == "POST" else None)
    status, conflict = 200, ""
    if request.method == "POST":
        if form.is_valid():
            version = request.POST.get("version", "")
            try:
                case_transition(
                    case=case,
                    action=Action.RATE,
                    actor=request.user,
                    expected_version=int(version) if version.isdigit() else None,
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except ConflictError:
                conflict, status = gettext("该诉求的状态已变化,暂时不能评价,请查看最新进度。"), 409
            except (DomainError, ValidationError) as exc:
                form.add_error("comment", str(getattr(exc, "message", "") or exc))
                status = 422
            else:
                return redirect(f"{reverse('web:citizen_case', args=[case.code])}?rated=1")
        else:
            status = 422
        case = case_selectors.access_case_by_code(request.user, code)
    moves = case_selectors.available_moves(case, request.user)
    context = {
        "case": case,
        "timeline": public_timeline(case),
        "photos": [a for a in case_selectors.case_attachments(case) if a.content_type.startswith("image/")],
        "can_rate": any(t.action == Action.RATE for t in moves),
        "show_result": case.status in {CaseStatus.RESOLVED, CaseStatus.REVIEWED, CaseStatus.CLOSED},
        "form": form,
        "conflict": conflict,
        "tab": "home",
    }
    return render(request, "web/citizen/case.html", context, status=status)


def _throttled(request: HttpRequest) -> bool:
    """Tracking by code + phone digits is public: guesses per address share one bucket with the API's
    ``/track/{code}`` (``core.ratelimit``)."""
    domain: dict[str, Any] = getattr(settings, "DANGQUN", {})
    limit = int(domain.get("TRACK_RATE_PER_MINUTE", TRACK_RATE_PER_MINUTE))
    return not ratelimit.hit("track", ratelimit.client_ip(request), limit=limit, window=60).allowed


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("诉求编号"),
        max_length=32,
        error_messages={"required": _("请填写诉求编号")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "YB-20260101-000001"}),
    )
    phone_last4 = forms.RegexField(
        label=_("手机号后四位"),
        regex=r"^\d{4}$",
        error_messages={"required": _("请填写手机号后四位"), "invalid": _("请填写4位数字")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}),
    )


@require_http_methods(["GET"])
def track(request: HttpRequest) -> HttpResponse:
    """查询进度: by case code and the last four digits of the reporter's phone (no login needed)."""
    form = TrackForm(request.GET if "code" in request.GET else None)
    context: dict[str, Any] = {"form": form, "tab": "track"}
    status = 200
    if form.is_bound and form.is_valid():
        if _throttled(request):
            form.add_error(None, gettext("查询过于频繁,请一分钟后再试"))
            status = 429
        else:
            try:
                case = case_selectors.case_by_code_for_tracking(
                    form.cleaned_data["code"], form.cleaned_data["phone_last4"]
                )
            except NotFoundError:
                form.add_error(None, gettext("未找到该诉求,请核对诉求编号和手机号后四位"))
                status = 404
            else:
                context.update(
                    {
                        "case": case,
                        "timeline": public_timeline(case),
                        "show_result": case.status
                        in {CaseStatus.RESOLVED, CaseStatus.REVIEWED, CaseStatus.CLOSED},
                    }
                )
    return render(request, "web/citizen/track.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_all_read(actor=request.user)  # type: ignore[arg-type]
        return redirect("web:citizen_inbox")
    notices = list(notify_selectors.inbox_for(request.user)[:LIST_LIMIT])
    rows = [(n, _citizen_link(n.link)) for n in notices]
    return render(
        request,
        "web/citizen/inbox.html",
        {"rows": rows, "unread": sum(1 for n in notices if n.read_at is None), "tab": "inbox"},
    )


def _citizen_link(link: str) -> str:
    """Notices link to the PC case page (``/cases/<code>/``); the citizen opens the app's page."""
    if link.startswith("/cases/"):
        return "/citizen" + link
    return link
