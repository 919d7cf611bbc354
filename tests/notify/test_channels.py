"""Channels against a local HTTP server on 127.0.0.1 (nothing leaves the machine), and settings."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from dangqun.accounts.models import User
from dangqun.notify.channels import (
    ChannelError,
    LoggingChannel,
    RecipientUnreachableError,
    SmsChannel,
    WebhookChannel,
    check_channel_settings,
    get_channel,
    validate_channel_names,
)


class FakeRobot:
    """What the local server received, and what it answers next."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.answer: bytes = b'{"errcode": 0, "errmsg": "ok"}'


@pytest.fixture
def robot() -> Iterator[tuple[FakeRobot, str]]:
    state = FakeRobot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "json": json.loads(self.rfile.read(length).decode("utf-8")),
                }
            )
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _user(**extra: Any) -> User:
    # Unsaved: channels only read attributes.
    return User(username="someone", display_name="某人", **extra)


def test_wecom_robot_gets_a_text_message(robot):
    state, base = robot
    channel = WebhookChannel(
        name="wecom", url=f"{base}/cgi-bin/webhook/send?key=abc", base_url="https://dq.example/"
    )

    channel.send(to=_user(phone="13812345678"), title="新派单", body="路灯不亮", link="/cases/12")

    (request,) = state.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=abc"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["json"] == {
        "msgtype": "text",
        "text": {"content": "新派单\n路灯不亮\nhttps://dq.example/cases/12"},
    }


def test_wecom_mention_names_the_mobile(robot):
    state, base = robot
    channel = WebhookChannel(name="wecom", url=base, mention=True)

    channel.send(to=_user(phone="13812345678"), title="新派单", body="", link="")

    assert state.requests[0]["json"]["text"]["mentioned_mobile_list"] == ["13812345678"]


def test_dingtalk_robot_signs_the_url_and_mentions(robot):
    state, base = robot
    secret = "SEC0123456789"
    channel = WebhookChannel(
        name="dingtalk", url=f"{base}/robot/send?access_token=t0k", secret=secret, mention=True
    )

    channel.send(to=_user(phone="13812345678"), title="诉求即将超时", body="还剩 2 小时", link="/cases/7")

    (request,) = state.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert query["access_token"] == ["t0k"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    body = request["json"]
    assert body["msgtype"] == "text"
    assert body["text"]["content"] == "诉求即将超时\n还剩 2 小时\n/cases/7\n@13812345678"
    assert body["at"] == {"atMobiles": ["13812345678"], "isAtAll": False}


def test_a_robot_that_answers_an_error_code_is_a_channel_error(robot):
    state, base = robot
    state.answer = json.dumps({"errcode": 93000, "errmsg": "invalid webhook url"}).encode()
    channel = WebhookChannel(name="wecom", url=base)

    with pytest.raises(ChannelError, match="93000"):
        channel.send(to=_user(), title="t", body="", link="")


def test_an_http_error_is_a_channel_error(robot):
    state, base = robot
    state.status = 502
    channel = WebhookChannel(name="dingtalk", url=base)

    with pytest.raises(ChannelError, match="HTTP 502"):
        channel.send(to=_user(), title="t", body="", link="")


def test_a_refused_connection_is_a_channel_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    channel = WebhookChannel(name="wecom", url=f"http://127.0.0.1:{port}/", timeout=2)

    with pytest.raises(ChannelError, match="网络错误"):
        channel.send(to=_user(), title="t", body="", link="")


def test_sms_gateway_gets_phone_and_text_with_the_token(robot):
    state, base = robot
    channel = SmsChannel(name="sms", url=f"{base}/send", token="s3cret", signature="元宝区")

    channel.send(to=_user(phone="13812345678"), title="诉求已办结", body="请评价", link="")

    (request,) = state.requests
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["json"] == {"phone": "13812345678", "text": "【元宝区】诉求已办结:请评价"}


def test_sms_to_a_user_without_a_phone_is_unreachable(robot):
    state, base = robot
    channel = SmsChannel(name="sms", url=base)

    with pytest.raises(RecipientUnreachableError):
        channel.send(to=_user(), title="t", body="", link="")
    assert state.requests == []


def test_sms_text_is_capped():
    channel = SmsChannel(name="sms", url="http://127.0.0.1:9/", max_length=20)

    text = channel.message(title="标题", body="很长" * 50, link="")

    assert len(text) == 20
    assert text.endswith("…")


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        ({"BACKEND": "dangqun.notify.channels.WebhookChannel", "OPTIONS": {"url": "ftp://x/"}}, "http(s)"),
        ({"BACKEND": "dangqun.notify.channels.WebhookChannel", "OPTIONS": {"url": ""}}, "http(s)"),
        (
            {"BACKEND": "dangqun.notify.channels.SmsChannel", "OPTIONS": {"url": "file:///etc/passwd"}},
            "http(s)",
        ),
        ({"BACKEND": "dangqun.notify.channels.LoggingChannel", "OPTIONS": {"colour": "red"}}, "不支持的选项"),
        ({"BACKEND": "dangqun.notify.channels.Nowhere"}, "无法导入"),
        ({"BACKEND": "dangqun.notify.models.Notification"}, "不是通知渠道"),
    ],
)
def test_a_misconfigured_channel_is_named_by_the_system_check(channels, conf, message):
    channels({"wecom": conf})

    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        get_channel("wecom")
    (error,) = check_channel_settings()
    assert error.id == "notify.E001"
    assert "wecom" in error.msg


def test_webhook_flavour_must_be_known():
    with pytest.raises(ImproperlyConfigured, match="flavour"):
        WebhookChannel(name="robot", url="http://127.0.0.1:9/")
    with pytest.raises(ImproperlyConfigured, match="secret"):
        WebhookChannel(name="wecom", url="http://127.0.0.1:9/", secret="x")


def test_the_default_settings_log_every_channel():
    for name in ("sms", "wecom", "dingtalk", "email"):
        assert isinstance(get_channel(name), LoggingChannel)
    assert check_channel_settings() == []


def test_unknown_channel_names_are_named_in_the_error():
    assert validate_channel_names(["sms", "email", "sms"]) == ["sms", "email"]

    with pytest.raises(ValidationError) as excinfo:
        validate_channel_names(["fax", "sms", "telegram"])

    message = excinfo.value.messages[0]
    assert "fax、telegram" in message
    assert "可用" in message
    assert "dingtalk" in message


def test_a_deployment_may_add_a_channel_name(channels):
    channels({"sms": {"BACKEND": "dangqun.notify.channels.LoggingChannel"}, "feishu": {"BACKEND": ""}})

    assert validate_channel_names(["feishu", "wecom"]) == ["feishu", "wecom"]
