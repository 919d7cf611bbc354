from __future__ import annotations

from typing import Any

import pytest

from dangqun.accounts.models import User
from tests.notify import fakes

RECORDING = "tests.notify.fakes.RecordingChannel"
FAILING = "tests.notify.fakes.FailingChannel"


@pytest.fixture(autouse=True)
def _reset_fakes() -> None:
    fakes.SENT.clear()
    fakes.FailingChannel.calls = 0


@pytest.fixture
def channels(settings):
    """``channels({"sms": {"BACKEND": …}})`` → replace NOTIFY_CHANNELS for the test."""

    def configure(conf: dict[str, Any]) -> None:
        settings.DANGQUN = {**settings.DANGQUN, "NOTIFY_CHANNELS": conf}

    return configure


@pytest.fixture
def recording(channels):
    channels({name: {"BACKEND": RECORDING} for name in ("sms", "wecom", "dingtalk", "email")})
    return fakes.SENT


def _user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password=None, **extra)


@pytest.fixture
def alice(db) -> User:
    return _user("n_alice", display_name="爱丽丝", phone="13812345678", email="alice@example.org")


@pytest.fixture
def bob(db) -> User:
    return _user("n_bob", display_name="鲍勃", phone="13987654321")


@pytest.fixture
def carol(db) -> User:
    return _user("n_carol", display_name="卡萝尔")
