"""亮身份: ``{% party_badge user_id %}`` draws the party badge beside the name of a staff member whose
account is linked to a party member who chose to show it (one query per page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dangqun.partywork.pairing_selectors import badge_users

register = template.Library()

_CACHE_ATTR = "_dangqun_party_badges"


@register.simple_tag(takes_context=True)
def party_badge(context: template.Context, user_id: Any) -> SafeString | str:
    if not user_id:
        return ""
    holder = context.get("request") or context.render_context
    shown = getattr(holder, _CACHE_ATTR, None)
    if shown is None:
        shown = badge_users()
        setattr(holder, _CACHE_ATTR, shown)
    if user_id not in shown:
        return ""
    return format_html('<span class="party-badge" title="{}">{}</span>', _("共产党员"), _("党员"))
