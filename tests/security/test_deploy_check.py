"""``manage.py check --deploy`` is clean under production settings, and production refuses to start
without a secret key or without the keys of personal data."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DANGQUN_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECURE="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="dangqun.example.org",
        DANGQUN_FIELD_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DANGQUN_HASH_KEYS=secrets.token_urlsafe(48),
        DANGQUN_VAR_DIR=str(ROOT / "var"),
    )
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("name", ["DANGQUN_FIELD_KEYS", "DANGQUN_HASH_KEYS"])
def test_production_without_the_personal_data_keys_refuses_to_start(name):
    env = _production_env()
    del env[name]

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert f"{name} must be set when DJANGO_DEBUG=0" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DANGQUN_FIELD_KEYS", "not-a-fernet-key", "not a Fernet key"),
        ("DANGQUN_HASH_KEYS", "short", "shorter than 32 characters"),
    ],
)
def test_a_malformed_key_refuses_to_start(name, value, message):
    result = _manage("check", env=_production_env(**{name: value}))

    assert result.returncode != 0
    assert message in result.stderr
