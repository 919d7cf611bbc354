from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dangqun.web"
    label = "web"
