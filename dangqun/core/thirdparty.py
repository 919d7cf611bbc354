"""Chinese names for the third-party apps the admin lists (django-axes, django-tasks' database
backend), which ship English ones only.

The app sections get a Chinese ``verbose_name`` here (in the message catalogue like every other
string, so English stays available: ``en`` translates it back). Their models' and fields' names are
the packages' own English msgids (``access attempts``, ``Task Results``): those are translated in
``dangqun/locale/zh_Hans``, a catalogue holding third-party msgids only, which Django consults before
the packages' own. Changing the models' Meta instead would make migrations for the packages' apps.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = gettext_lazy("登录防护")

    def ready(self) -> None:
        super().ready()
        # The lockout column is a method named ``status`` with no label: the admin would show the
        # method's name, "Status", in every language. (The admin app is listed first, so its
        # autodiscovery has imported axes.admin by now.)
        from axes.admin import AccessAttemptAdmin

        AccessAttemptAdmin.status.short_description = gettext_lazy("状态")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = gettext_lazy("后台任务")  # type: ignore[assignment]
