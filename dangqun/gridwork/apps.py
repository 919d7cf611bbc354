from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class GridworkConfig(AppConfig):
    name = "dangqun.gridwork"
    label = "gridwork"
    verbose_name = gettext_lazy("网格工作")
