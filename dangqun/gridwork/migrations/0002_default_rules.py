"""The default visit rules (seed 001's 五访 and the tag groups' visiting rhythm); editable afterwards."""

from django.db import migrations

RULES = (
    # code, name, trigger, tag_code, interval_days, due_days, is_active
    ("elderly_alone_weekly", "独居老人每周走访", "tag", "elderly_alone", 7, 0, True),
    ("disabled_monthly", "残疾人每月走访", "tag", "disabled", 30, 0, True),
    ("assisted_monthly", "低保/帮扶家庭每月走访", "tag", "assisted", 30, 0, True),
    ("special_care_biweekly", "特殊关爱人员每两周走访", "tag", "special_care", 14, 0, True),
    ("left_behind_child_monthly", "留守儿童每月走访", "tag", "left_behind_child", 30, 0, True),
    ("new_household", "新迁入家庭走访", "new_household", "", 0, 3, True),
    ("new_resident", "新登记居民走访", "new_resident", "", 0, 7, False),
    ("case_closed_return", "诉求办结回访", "case_closed", "", 0, 3, True),
)


def add_rules(apps, schema_editor):
    VisitRule = apps.get_model("gridwork", "VisitRule")
    for code, name, trigger, tag_code, interval, due, active in RULES:
        VisitRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "trigger": trigger,
                "tag_code": tag_code,
                "interval_days": interval,
                "due_days": due,
                "is_active": active,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("gridwork", "0001_initial")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
