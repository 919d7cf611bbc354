from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "dangqun.exchange"
    label = "exchange"
    verbose_name = "数据交换"
