from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dangqun.demo"
    label = "demo"
