"""External notification channels behind one interface.

A channel sends one message to one user and raises ``ChannelError`` when it could not. Which class
serves which channel name comes from ``settings.DANGQUN["NOTIFY_CHANNELS"]``::

    DANGQUN["NOTIFY_CHANNELS"] = {
        "sms": {"BACKEND": "dangqun.notify.channels.SmsChannel",
                "OPTIONS": {"url": "https://sms-gw.example/send", "token": "…"}},
        "wecom": {"BACKEND": "dangqun.notify.channels.WebhookChannel",
                  "OPTIONS": {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}},
        "dingtalk": {"BACKEND": "dangqun.notify.channels.WebhookChannel",
                     "OPTIONS": {"url": "https://oapi.dingtalk.com/robot/send?access_token=…",
                                 "secret": "SEC…"}},
        "email": {"BACKEND": "dangqun.notify.channels.EmailChannel"},
    }

Out of the box every name maps to ``LoggingChannel``, so nothing leaves the machine. A name whose
``BACKEND`` is empty is switched off: callers may still ask for it and nothing is queued.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from dangqun.accounts.models import User
from dangqun.core.masking import mask_phone

logger = logging.getLogger("dangqun.notify")

# The channel names callers may ask for. A deployment may add more names in the setting.
KNOWN_CHANNELS: tuple[str, ...] = ("sms", "wecom", "dingtalk", "email")
DEFAULT_BACKEND = "dangqun.notify.channels.LoggingChannel"
DEFAULT_TIMEOUT = 5.0  # seconds, for every HTTP channel
_MAX_RESPONSE_BYTES = 64 * 1024


class ChannelError(Exception):
    """A send failed; the delivery job records the message and retries."""


class RecipientUnreachableError(ChannelError):
    """The user has no address on this channel (no phone, no e-mail): retrying will not help."""


@runtime_checkable
class Channel(Protocol):
    name: str

    def send(self, *, to: User, title: str, body: str, link: str) -> None: ...


class BaseChannel:
    """Holds the channel name and the options shared by the implementations."""

    def __init__(self, *, name: str, base_url: str = "", **options: Any) -> None:
        if options:
            raise ImproperlyConfigured(f"通知渠道 {name}:不支持的选项 {', '.join(sorted(options))}")
        self.name = name
        # Turns the URL path of a notification into an absolute URL in messages that leave the site.
        self.base_url = base_url.rstrip("/")

    def absolute_link(self, link: str) -> str:
        if link.startswith("/") and self.base_url:
            return f"{self.base_url}{link}"
        return link

    def text(self, *, title: str, body: str, link: str) -> str:
        return "\n".join(part for part in (title, body, self.absolute_link(link)) if part)


class LoggingChannel(BaseChannel):
    """The default: one INFO line per send, with the phone masked. Nothing leaves the machine."""

    def send(self, *, to: User, title: str, body: str, link: str) -> None:
        logger.info(
            "notify channel=%s user=%s phone=%s title=%s link=%s",
            self.name,
            to.pk,
            mask_phone(to.phone) or "-",
            title,
            link or "-",
        )


class EmailChannel(BaseChannel):
    """Django's ``send_mail`` to ``user.email`` through the configured e-mail backend."""

    def __init__(self, *, name: str, from_email: str | None = None, **options: Any) -> None:
        super().__init__(name=name, **options)
        self.from_email = from_email

    def send(self, *, to: User, title: str, body: str, link: str) -> None:
        if not to.email:
            raise RecipientUnreachableError("用户没有电子邮箱")
        subject = " ".join(title.split())
        try:
            send_mail(
                subject=subject,
                message=self.text(title="", body=body, link=link) or subject,
                from_email=self.from_email,
                recipient_list=[to.email],
                fail_silently=False,
            )
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"邮件发送失败:{exc}") from exc


def _http_url(name: str, url: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ImproperlyConfigured(f"通知渠道 {name}:url 须为 http(s) 地址,当前为 {url!r}")
    return url


def post_json(
    url: str, payload: Mapping[str, Any], *, timeout: float, headers: Mapping[str, str] | None = None
) -> bytes:
    """POST ``payload`` as UTF-8 JSON; the response body, or ``ChannelError`` for any failure."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked to be http(s) at construction)
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return bytes(response.read(_MAX_RESPONSE_BYTES))
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ChannelError(f"网络错误:{reason}") from exc


class WebhookChannel(BaseChannel):
    """A group robot of 企业微信 (WeCom) or 钉钉 (DingTalk): a text message to the group.

    Options: ``url`` (the robot's webhook, key or access token included), ``flavour``
    (``"wecom"`` or ``"dingtalk"``; defaults to the channel name), ``timeout`` (seconds),
    ``secret`` (DingTalk's 加签 secret, optional), ``mention`` (also @ the recipient by mobile
    number when they have one), ``base_url``.
    """

    FLAVOURS = ("wecom", "dingtalk")

    def __init__(
        self,
        *,
        name: str,
        url: str = "",
        flavour: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        secret: str = "",
        mention: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(name=name, **options)
        self.flavour = flavour or name
        if self.flavour not in self.FLAVOURS:
            raise ImproperlyConfigured(f"通知渠道 {name}:flavour 须为 wecom 或 dingtalk")
        if secret and self.flavour != "dingtalk":
            raise ImproperlyConfigured(f"通知渠道 {name}:只有钉钉机器人支持 secret(加签)")
        self.url = _http_url(name, url)
        self.timeout = float(timeout)
        self.secret = secret
        self.mention = mention

    def payload(self, *, to: User, title: str, body: str, link: str) -> dict[str, Any]:
        content = self.text(title=title, body=body, link=link)
        payload: dict[str, Any] = {"msgtype": "text", "text": {"content": content}}
        if self.mention and to.phone:
            if self.flavour == "wecom":
                payload["text"]["mentioned_mobile_list"] = [to.phone]
            else:
                # DingTalk renders the @ only when the number also appears in the text.
                payload["text"]["content"] = f"{content}\n@{to.phone}"
                payload["at"] = {"atMobiles": [to.phone], "isAtAll": False}
        return payload

    def signed_url(self) -> str:
        if not self.secret:
            return self.url
        timestamp = str(int(time.time() * 1000))
        digest = hmac.new(
            self.secret.encode("utf-8"), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
        ).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        joiner = "&" if urllib.parse.urlsplit(self.url).query else "?"
        return f"{self.url}{joiner}timestamp={timestamp}&sign={sign}"

    def send(self, *, to: User, title: str, body: str, link: str) -> None:
        raw = post_json(
            self.signed_url(), self.payload(to=to, title=title, body=body, link=link), timeout=self.timeout
        )
        try:
            answer = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ChannelError("机器人返回的不是 JSON") from exc
        # Both robots answer HTTP 200 with {"errcode": 0, "errmsg": "ok"}; anything else failed.
        errcode = answer.get("errcode", 0) if isinstance(answer, dict) else 0
        if errcode != 0:
            raise ChannelError(f"机器人拒绝:errcode={errcode} {answer.get('errmsg', '')}".strip())


class SmsChannel(BaseChannel):
    """A generic HTTP SMS gateway: POST ``{"phone": …, "text": …}`` as JSON; any 2xx is success.

    Options: ``url``, ``timeout`` (seconds), ``token`` (sent as ``Authorization: Bearer``),
    ``signature`` (the 【签名】 that starts every message), ``max_length``, ``base_url``.
    """

    def __init__(
        self,
        *,
        name: str,
        url: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        token: str = "",
        signature: str = "党群一张网",
        max_length: int = 300,
        **options: Any,
    ) -> None:
        super().__init__(name=name, **options)
        self.url = _http_url(name, url)
        self.timeout = float(timeout)
        self.token = token
        self.signature = signature
        self.max_length = int(max_length)

    def message(self, *, title: str, body: str, link: str) -> str:
        text = f"【{self.signature}】{title}" if self.signature else title
        if body:
            text = f"{text}:{body}"
        url = self.absolute_link(link)
        if url:
            text = f"{text} {url}"
        if len(text) > self.max_length:
            text = text[: self.max_length - 1] + "…"
        return text

    def send(self, *, to: User, title: str, body: str, link: str) -> None:
        if not to.phone:
            raise RecipientUnreachableError("用户没有手机号")
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        post_json(
            self.url,
            {"phone": to.phone, "text": self.message(title=title, body=body, link=link)},
            timeout=self.timeout,
            headers=headers,
        )


# --- Configuration --------------------------------------------------------------------------------


def channel_settings() -> dict[str, dict[str, Any]]:
    """The ``NOTIFY_CHANNELS`` setting; missing: every known name logs."""
    configured = getattr(settings, "DANGQUN", {}).get("NOTIFY_CHANNELS")
    if configured is None:
        return {name: {"BACKEND": DEFAULT_BACKEND} for name in KNOWN_CHANNELS}
    return dict(configured)


def configured_channels() -> frozenset[str]:
    """Names that have a backend (an empty ``BACKEND`` switches a name off)."""
    return frozenset(name for name, conf in channel_settings().items() if conf and conf.get("BACKEND"))


def validate_channel_names(names: Iterable[str]) -> list[str]:
    """The requested names, deduplicated in order; a name nobody knows is a ``ValidationError``."""
    known = set(KNOWN_CHANNELS) | set(channel_settings())
    wanted = list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValidationError(
            "未知的通知渠道:%(names)s(可用:%(known)s)",
            code="unknown_channel",
            params={"names": "、".join(map(str, unknown)), "known": "、".join(sorted(known))},
        )
    return wanted


def get_channel(name: str) -> Channel:
    """Build the channel configured for ``name``; ``ImproperlyConfigured`` when it has none."""
    conf = channel_settings().get(name)
    if not conf or not conf.get("BACKEND"):
        raise ImproperlyConfigured(f"通知渠道 {name} 未配置")
    try:
        backend = import_string(conf["BACKEND"])
    except ImportError as exc:
        raise ImproperlyConfigured(f"通知渠道 {name}:无法导入 {conf['BACKEND']}") from exc
    if not (isinstance(backend, type) and callable(getattr(backend, "send", None))):
        raise ImproperlyConfigured(f"通知渠道 {name}:{conf['BACKEND']} 不是通知渠道")
    try:
        channel = backend(name=name, **conf.get("OPTIONS", {}))
    except TypeError as exc:
        raise ImproperlyConfigured(f"通知渠道 {name}:选项有误({exc})") from exc
    if not isinstance(channel, Channel):
        raise ImproperlyConfigured(f"通知渠道 {name}:{conf['BACKEND']} 不是通知渠道")
    return channel


def check_channel_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: every configured channel builds (backend importable, options accepted)."""
    errors: list[checks.CheckMessage] = []
    for name in sorted(configured_channels()):
        try:
            get_channel(name)
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), id="notify.E001", obj="DANGQUN['NOTIFY_CHANNELS']"))
    return errors
