from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NotifyConfig(AppConfig):
    name = "dangqun.notify"
    label = "notify"
    verbose_name = gettext_lazy("消息通知")

    def ready(self) -> None:
        from django.core import checks

        from dangqun.notify.channels import check_channel_settings

        checks.register(check_channel_settings, checks.Tags.compatibility)
