"""Chinese by default: the interface language is the one the user chose (the language cookie set by
/i18n/setlang/), else ``settings.LANGUAGE_CODE`` — on pages, never the browser's Accept-Language,
which on a district office PC is often English even though the staff read Chinese.

The machine interfaces (``/api/`` and ``/open311/``) also take an explicit ``Accept-Language`` when no
language was chosen: an API client has no cookie, and its messages (validation errors, 4xx details)
follow the language it asks for. Our own scripts send the page's language with their API requests, so
a phone whose browser is English still reads the messages of a Chinese page in Chinese."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIXES = ("/api/", "/open311/")


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def _asked(self, request: HttpRequest) -> str | None:
        """The first supported language of the Accept-Language header (``en-US`` → ``en``,
        ``zh-CN`` → ``zh-hans``), or None when it names none or is ``*``."""
        for code, _quality in parse_accept_lang_header(request.headers.get("accept-language", "")):
            if code == "*":
                return None
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        is_api = request.path.startswith(API_PREFIXES)
        if chosen in self.supported:
            language = chosen
        elif is_api:
            language = self._asked(request) or settings.LANGUAGE_CODE
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if is_api else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
