"""Test channels: record what they were asked to send, or fail on purpose."""

from __future__ import annotations

from typing import Any

from dangqun.accounts.models import User
from dangqun.notify.channels import BaseChannel, ChannelError

SENT: list[dict[str, Any]] = []


class RecordingChannel(BaseChannel):
    def send(self, *, to: User, title: str, body: str, link: str) -> None:
        SENT.append({"channel": self.name, "to": to.pk, "title": title, "body": body, "link": link})


class FailingChannel(BaseChannel):
    """Fails its first ``failures`` sends (all of them by default), then records like the above."""

    calls = 0

    def __init__(self, *, name: str, failures: int = 1_000, **options: Any) -> None:
        super().__init__(name=name, **options)
        self.failures = failures

    def send(self, *, to: User, title: str, body: str, link: str) -> None:
        type(self).calls += 1
        if type(self).calls <= self.failures:
            raise ChannelError(f"网关超时(第 {type(self).calls} 次)")
        SENT.append({"channel": self.name, "to": to.pk, "title": title, "body": body, "link": link})
