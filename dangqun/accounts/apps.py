from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "dangqun.accounts"
    label = "accounts"
    verbose_name = gettext_lazy("账号与权限")
