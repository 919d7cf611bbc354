"""Audit event types of the cases app (reference data: categories, routing rules, deadlines, settings).

The case timeline itself is ``CaseEvent``; these are the administrator's changes to the rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class CasesEvent(AuditEventType):
    CATEGORY_CREATED = "cases.category_created", _("新增诉求分类")
    CATEGORY_UPDATED = "cases.category_updated", _("修改诉求分类")
    TAXONOMY_LOADED = "cases.taxonomy_loaded", _("导入分类体系")
    ROUTING_RULE_SAVED = "cases.routing_rule_saved", _("保存派单规则")
    SLA_POLICY_SAVED = "cases.sla_policy_saved", _("保存办理时限")
    CONFIG_SAVED = "cases.config_saved", _("保存办理配置")
