"""网格工作 (``dangqun.gridwork``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
