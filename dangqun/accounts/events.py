from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class AccountsEvent(AuditEventType):
    USER_CREATED = "accounts.user_created", _("创建用户")
    USER_UPDATED = "accounts.user_updated", _("修改用户")
    MEMBERSHIP_GRANTED = "accounts.membership_granted", _("授予角色")
    MEMBERSHIP_REVOKED = "accounts.membership_revoked", _("撤销角色")
    PASSWORD_CHANGED = "accounts.password_changed", _("修改密码")
    API_TOKEN_CREATED = "accounts.api_token_created", _("创建API令牌")
    API_TOKEN_REVOKED = "accounts.api_token_revoked", _("吊销API令牌")
