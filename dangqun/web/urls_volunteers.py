"""志愿服务 (``dangqun.volunteers``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
