"""区域化党建 (``dangqun.community``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
