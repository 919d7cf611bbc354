from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from dangqun.api.urls import api
from dangqun.core.metrics import metrics_view
from dangqun.core.probes import healthz, readyz

handler500 = "dangqun.core.dbfaults.server_error"

admin.site.site_header = "党群一张网 · 管理后台"
admin.site.site_title = "党群一张网"
admin.site.index_title = "系统管理"

urlpatterns: list[URLPattern | URLResolver] = [
    # Probes and metrics first: no session, no language, no login (docs/deployment.md).
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("dangqun.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dangqun.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
