"""Every route of the URL configuration as ``METHOD /path`` keys (API methods from the OpenAPI
document; web routes by path, since Django's URL patterns do not name their methods)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from dangqun.api.urls import api

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")
API_PREFIX = "/api/v1/"


@dataclass(frozen=True)
class Route:
    path: str  # "/api/v1/cases/{code}"
    methods: tuple[str, ...]  # empty for web routes (any method)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f"{m} {self.path}" for m in self.methods)


def normalise(pattern: str) -> str:
    text = _REGEX_GROUP.sub(r"{\1}", pattern)
    text = _CONVERTER.sub(r"{\1}", text).replace("^", "").replace("$", "")
    return "/" + text.replace("\\", "")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = ""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) == "admin/":
                yield "admin/"
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _api_methods() -> dict[str, tuple[str, ...]]:
    schema = api.get_openapi_schema()
    methods = {path: tuple(sorted(m.upper() for m in ops)) for path, ops in schema["paths"].items()}
    docs = f"{API_PREFIX}{api.docs_url.strip('/')}" if api.docs_url else ""
    methods[f"{API_PREFIX}openapi.json"] = ("GET",)
    if docs:
        methods[docs] = ("GET",)
    return methods


def all_routes() -> list[Route]:
    api_methods = _api_methods()
    routes = []
    for raw in _walk(get_resolver().url_patterns):
        path = normalise(raw)
        if path.startswith(API_PREFIX):
            routes.append(Route(path, api_methods.get(path, ())))
        else:
            routes.append(Route(path, ()))
    return routes
