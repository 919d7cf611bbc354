"""The grid-worker app as a PWA: its manifest and its service worker, served from the site root so
the worker's scope covers ``/grid/`` (a worker's scope is the folder of its script URL)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from dangqun.web.views import jsi18n

SW_SOURCE = "web/js/sw.js"
ICON_SIZES = (192, 512)
FAVICON = "web/icons/favicon.ico"  # 16, 32 and 48 px, drawn from icon-192.png


@cache
def _sw_source() -> str:
    path = finders.find(SW_SOURCE)
    if not path or isinstance(path, list):
        raise FileNotFoundError(SW_SOURCE)
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def precache_urls(language: str) -> list[str]:
    """The app shell the service worker stores on install: the grid pages, their static files and the
    message catalogue of the user's language."""
    return [
        jsi18n.catalogue_url(language),
        reverse("web:grid_home"),
        reverse("web:grid_report"),
        reverse("web:grid_map"),
        static("web/site.css"),
        static("web/phone.css"),
        static("web/js/grid-queue.js"),
        static("web/js/grid-report.js"),
        static("web/js/grid-map.js"),
        static("vendor/leaflet/leaflet.js"),
        static("vendor/leaflet/leaflet.css"),
        *(static(f"web/icons/icon-{size}.png") for size in ICON_SIZES),
    ]


@cache
def shell_version(language: str) -> str:
    """A digest of the worker, the language, its catalogue and the shell's static files: a deploy that
    changes any of them, or a switch of language, makes a new cache name, so phones drop the old copies
    (static files and the catalogue are served cache-first)."""
    digest = hashlib.sha256(_sw_source().encode())
    digest.update(language.encode())
    digest.update(jsi18n.catalogue(language))
    prefix = settings.STATIC_URL or "/static/"
    for url in precache_urls(language):
        if url.startswith(prefix):
            path = finders.find(url.removeprefix(prefix))
            if path and not isinstance(path, list):
                digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: the worker script with the shell list filled in, in the user's language; never
    cached by HTTP caches so a new version (or another language) reaches phones on their next visit."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not jsi18n.supported(language):
        language = settings.LANGUAGE_CODE
    body = (
        _sw_source()
        .replace("__PRECACHE__", json.dumps(precache_urls(language)))
        .replace("__VERSION__", f"{language}-{shell_version(language)}")
        .replace("__OFFLINE_MESSAGE__", json.dumps(gettext("离线:此页面尚未缓存"), ensure_ascii=False))
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": gettext("党群一张网 · 网格员"),
        "short_name": gettext("网格通"),
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("web:grid_home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f3f2",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static(f"web/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in ICON_SIZES
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )


@cache
def _favicon() -> bytes:
    path = finders.find(FAVICON)
    if not path or isinstance(path, list):
        raise FileNotFoundError(FAVICON)
    return Path(path).read_bytes()


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on every site whatever the page links: served here
    rather than redirected, so it works however (and whether) static files are served."""
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
