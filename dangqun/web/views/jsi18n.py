"""``/jsi18n/<lang>.js``: the JavaScript message catalogue (Django's ``JavaScriptCatalog``, domain
``djangojs``) of one language, served as a script of our own so the CSP's ``script-src 'self'`` holds.

The language is in the URL, not taken from the cookie, so each language is its own cacheable
resource: the grid-worker app's service worker stores the one its user reads for offline use. The
catalogue only changes with a deploy (the compiled ``.mo`` files), so it is built once per process
and answered with an ETag; browsers revalidate it (``no-cache``) and get 304 while it is unchanged.
"""

from __future__ import annotations

import hashlib
from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

CONTENT_TYPE = "text/javascript; charset=utf-8"


def supported(language: str) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


def catalogue_url(language: str) -> str:
    return reverse("web:jsi18n", args=[language])


@cache
def catalogue(language: str) -> bytes:
    """The catalogue script of a supported language (built once per process)."""
    with translation.override(language):
        response = JavaScriptCatalog(domain="djangojs").get(HttpRequest())
    return bytes(response.content)


def etag(language: str) -> str:
    return '"' + hashlib.sha256(catalogue(language)).hexdigest()[:16] + '"'


@require_GET
def javascript_catalogue(request: HttpRequest, language: str) -> HttpResponse:
    if not supported(language):
        raise Http404
    tag = etag(language)
    if tag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(catalogue(language), content_type=CONTENT_TYPE)
    response["ETag"] = tag
    response["Cache-Control"] = "no-cache"
    response["Content-Language"] = language
    return response
