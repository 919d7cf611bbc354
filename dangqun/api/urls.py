"""The JSON API at /api/v1/ (django-ninja). Routers live beside this file, one per domain."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="党群一张网 API",
    version="1",
    description="党建引领基层社会治理智慧平台 JSON API",
    urls_namespace="api-v1",
)
